#pragma once
// The progress line of long training: epoch, step, loss, samples/s and ETA, redrawn in place on a
// terminal (about ten times a second) and printed once per epoch otherwise (logs, CI).
#include <chrono>
#include <cstdio>
#include <string>

#include <aegrad/nn/history.hpp>

namespace aegrad::nn {

class ProgressLine {
public:
    /// Writes to `out` (stderr by default); `enabled` false prints nothing.
    explicit ProgressLine(bool enabled = true, std::FILE* out = stderr);
    void start_epoch(const std::string& phase, int epoch, int epochs, std::size_t steps);
    void step(std::size_t step, double loss, std::size_t samples_so_far);
    void end_epoch(const EpochRecord& record);

private:
    bool enabled_, tty_;
    std::FILE* out_;
    std::string prefix_;
    std::size_t steps_ = 0;
    std::chrono::steady_clock::time_point epoch_start_, last_draw_;
};

} // namespace aegrad::nn
