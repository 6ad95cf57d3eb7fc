#pragma once
// Learning-rate schedules: the rate for an epoch, given the base rate. A training loop calls
// optimizer.set_lr(schedule(epoch)) at the start of each epoch (epochs count from 0).
#include <functional>

namespace aegrad::nn {

using LrSchedule = std::function<double(int epoch)>;

/// base * gamma^(epoch / step_size) (integer division), as torch.optim.lr_scheduler.StepLR.
LrSchedule step_lr(double base, int step_size, double gamma);
/// base * gamma^epoch.
LrSchedule exponential_lr(double base, double gamma);
/// min + (base - min) (1 + cos(pi epoch / t_max)) / 2, constant at min after t_max.
LrSchedule cosine_lr(double base, int t_max, double min_lr = 0.0);

} // namespace aegrad::nn
