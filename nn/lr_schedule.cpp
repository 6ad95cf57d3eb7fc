#include <aegrad/nn/lr_schedule.hpp>

#include <cmath>
#include <stdexcept>

namespace aegrad::nn {

LrSchedule step_lr(double base, int step_size, double gamma) {
    if (step_size <= 0)
        throw std::invalid_argument("step_lr: step_size must be positive");
    return [=](int epoch) { return base * std::pow(gamma, epoch / step_size); };
}

LrSchedule exponential_lr(double base, double gamma) {
    return [=](int epoch) { return base * std::pow(gamma, epoch); };
}

LrSchedule cosine_lr(double base, int t_max, double min_lr) {
    if (t_max <= 0)
        throw std::invalid_argument("cosine_lr: t_max must be positive");
    return [=](int epoch) {
        if (epoch >= t_max)
            return min_lr;
        return min_lr + (base - min_lr) * (1.0 + std::cos(M_PI * epoch / t_max)) / 2.0;
    };
}

} // namespace aegrad::nn
