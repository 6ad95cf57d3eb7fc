#include <aegrad/models/epoch_budget.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

namespace aegrad::models {

std::vector<int> per_layer_epochs(std::vector<int> epochs, std::size_t depth, int fallback) {
    if (epochs.empty())
        epochs = {fallback};
    if (epochs.size() == 1)
        epochs.assign(depth, epochs[0]);
    if (epochs.size() != depth)
        throw std::invalid_argument(
            fmt::format("{} pretraining epoch counts for {} layers: give one for all, or one per layer", epochs.size(), depth));
    return epochs;
}

EpochBudget split_epoch_budget(int total, std::size_t depth, std::vector<int> pretrain) {
    const int tenth_each = std::max(1, total / (10 * static_cast<int>(std::max<std::size_t>(1, depth))));
    EpochBudget budget;
    budget.pretrain = per_layer_epochs(std::move(pretrain), depth, tenth_each);
    budget.finetune = std::max(1, total - std::accumulate(budget.pretrain.begin(), budget.pretrain.end(), 0));
    return budget;
}

} // namespace aegrad::models
