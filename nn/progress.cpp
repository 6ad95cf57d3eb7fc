#include <aegrad/nn/progress.hpp>

#include <cmath>
#include <unistd.h>

#include <fmt/format.h>

namespace aegrad::nn {

namespace {
std::string clock_time(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}
} // namespace

ProgressLine::ProgressLine(bool enabled, std::FILE* out) : enabled_(enabled), tty_(isatty(fileno(out))), out_(out) {}

void ProgressLine::start_epoch(const std::string& phase, int epoch, int epochs, std::size_t steps) {
    prefix_ = fmt::format("{}epoch {}/{}", phase.empty() ? "" : phase + "  ", epoch, epochs);
    steps_ = steps;
    epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
}

void ProgressLine::step(std::size_t step, double loss, std::size_t samples_so_far) {
    if (!enabled_ || !tty_)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (step != steps_ && now - last_draw_ < std::chrono::milliseconds(100))
        return;
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
    const double rate = elapsed > 0 ? samples_so_far / elapsed : 0;
    const double eta = step > 0 ? elapsed * (static_cast<double>(steps_) / step - 1) : 0;
    fmt::print(out_, "\r\033[K{}  step {}/{}  loss {:.5f}  {:.0f} samples/s  ETA {}", prefix_, step, steps_, loss, rate,
               clock_time(eta));
    std::fflush(out_);
}

void ProgressLine::end_epoch(const EpochRecord& r) {
    if (!enabled_)
        return;
    fmt::print(out_, "{}{}  loss {:.5f}{}  {:.0f} samples/s  {:.1f} s\n", tty_ ? "\r\033[K" : "", prefix_, r.loss,
               std::isnan(r.val_loss) ? std::string() : fmt::format("  val_loss {:.5f}", r.val_loss), r.samples_per_s,
               r.seconds);
    std::fflush(out_);
}

} // namespace aegrad::nn
