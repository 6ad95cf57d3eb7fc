#pragma once
// Whether ops record the graph. Off inside a NoGradGuard (evaluation, optimizer updates, gradcheck's
// numeric pass): outputs are then plain constants that hold no inputs and no backward.

namespace aegrad {

/// True when new op outputs record their inputs for backward (the default, per thread).
bool grad_enabled();

/// RAII scope that turns recording off (or on) and restores the previous state on exit.
///   { NoGradGuard no_grad; auto codes = encoder(x); }   // codes hold no graph
class NoGradGuard {
public:
    explicit NoGradGuard(bool enabled = false);
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

} // namespace aegrad
