#include "nn/history.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

namespace aegrad::nn {

void History::write_csv(const std::string& path) const {
    const std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
    {
        std::ofstream out(tmp);
        out << "phase,epoch,loss,val_loss,seconds,samples_per_s,lr\n";
        for (const auto& e : epochs)
            out << fmt::format("{},{},{:.8g},{},{:.4f},{:.1f},{:.6g}\n", e.phase, e.epoch, e.loss,
                               std::isnan(e.val_loss) ? std::string() : fmt::format("{:.8g}", e.val_loss), e.seconds,
                               e.samples_per_s, e.lr);
        if (!out)
            throw std::runtime_error(fmt::format("{}: cannot write the history", path));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error(fmt::format("{}: cannot write the history", path));
}

double History::total_seconds() const {
    double s = 0;
    for (const auto& e : epochs)
        s += e.seconds;
    return s;
}

} // namespace aegrad::nn
