#include <aegrad/autograd/grad_mode.hpp>

namespace aegrad {

namespace {
thread_local bool recording = true;
}

bool grad_enabled() { return recording; }

NoGradGuard::NoGradGuard(bool enabled) : previous_(recording) { recording = enabled; }
NoGradGuard::~NoGradGuard() { recording = previous_; }

} // namespace aegrad
