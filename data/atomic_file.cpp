#include <aegrad/data/atomic_file.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <signal.h>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace aegrad::data {

namespace {
// fsync of a file or folder by name: the data of a closed ofstream, or a rename in its folder.
bool sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

std::string folder_of(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? "." : parent.string();
}
} // namespace

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
        // Without the sync a power cut after the rename can leave the new name on an empty file.
        if (!sync_path(tmp, O_RDONLY))
            throw std::runtime_error(fmt::format("{}: cannot sync {} to disk ({})", path, tmp, std::strerror(errno)));
        if (std::rename(tmp.c_str(), path.c_str()) != 0)
            throw std::runtime_error(fmt::format("{}: cannot rename {} over it ({})", path, tmp, std::strerror(errno)));
    } catch (...) {
        std::remove(tmp.c_str());
        throw;
    }
    // The rename is durable once the folder is synced; the file is complete either way, so a failure here
    // (a file system that cannot sync folders) is not an error.
    sync_path(folder_of(path), O_RDONLY | O_DIRECTORY);
}

std::size_t remove_stale_temporaries(const std::string& folder) {
    static const std::regex temporary(R"(.+\.tmp\.([0-9]+))");
    std::size_t removed = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
        std::smatch m;
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || !std::regex_match(name, m, temporary))
            continue;
        if (m[1].length() > 9)
            continue;  // not a process id
        const long pid = std::stol(m[1]);
        if (pid == getpid() || (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM))
            continue;  // its writer is still running
        if (std::filesystem::remove(entry.path(), ec))
            ++removed;
    }
    return removed;
}

} // namespace aegrad::data
