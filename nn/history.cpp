#include <aegrad/nn/history.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include <aegrad/data/atomic_file.hpp>
#include <aegrad/data/data_error.hpp>

namespace aegrad::nn {

void History::write_csv(const std::string& path) const {
    data::write_file_atomically(path, [&](std::ostream& out) {
        out << "phase,epoch,loss,val_loss,seconds,samples_per_s,lr,rss_mb,new_buffers\n";
        for (const auto& e : epochs)
            out << fmt::format("{},{},{:.8g},{},{:.4f},{:.1f},{:.6g},{:.1f},{}\n", e.phase, e.epoch, e.loss,
                               std::isnan(e.val_loss) ? std::string() : fmt::format("{:.8g}", e.val_loss), e.seconds,
                               e.samples_per_s, e.lr, e.rss_mb, e.new_buffers);
    });
}

double resident_memory_mb() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident))
        return 0;
    return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

History History::read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw data::DataError(fmt::format("{}: cannot open the history", path));
    History h;
    std::string line;
    std::getline(in, line);  // header
    for (int number = 2; std::getline(in, line); ++number) {
        std::vector<std::string> f;
        std::size_t start = 0;
        for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
            f.push_back(line.substr(start, comma - start));
        f.push_back(line.substr(start));
        if (f.size() < 7 || f.size() > 9)  // files written before rss_mb have 7 fields, before new_buffers 8
            throw data::DataError(fmt::format("{}:{}: expected 9 fields, found {}", path, number, f.size()));
        try {
            EpochRecord r;
            r.phase = f[0];
            r.epoch = std::stoi(f[1]);
            r.loss = std::stod(f[2]);
            r.val_loss = f[3].empty() ? NAN : std::stod(f[3]);
            r.seconds = std::stod(f[4]);
            r.samples_per_s = std::stod(f[5]);
            r.lr = std::stod(f[6]);
            r.rss_mb = f.size() >= 8 ? std::stod(f[7]) : 0;
            r.new_buffers = f.size() >= 9 ? std::stol(f[8]) : 0;
            h.epochs.push_back(r);
        } catch (const std::exception&) {
            throw data::DataError(fmt::format("{}:{}: not a history record: {}", path, number, line));
        }
    }
    return h;
}

double History::total_seconds() const {
    double s = 0;
    for (const auto& e : epochs)
        s += e.seconds;
    return s;
}

} // namespace aegrad::nn
