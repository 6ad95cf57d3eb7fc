#include <aegrad/data/atomic_file.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

namespace aegrad::data {

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    const std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
    try {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error(fmt::format("{}: cannot create {} ({})", path, tmp, std::strerror(errno)));
        write(out);
        out.flush();  // a full disk shows here or at close, not in the writes, which only fill the buffer
        if (!out)
            throw std::runtime_error(fmt::format("{}: write failed (disk full?)", path));
        out.close();
        if (!out)
            throw std::runtime_error(fmt::format("{}: write failed when closing (disk full?)", path));
        if (std::rename(tmp.c_str(), path.c_str()) != 0)
            throw std::runtime_error(fmt::format("{}: cannot rename {} over it ({})", path, tmp, std::strerror(errno)));
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
}

} // namespace aegrad::data
