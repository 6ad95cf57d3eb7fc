#pragma once
// How layer-wise training spends its epochs: each pretraining phase gets its own count, fine-tuning the
// rest of a total budget. The command's default (a tenth of the budget pretrains) matched joint training
// on the seed model; longer pretraining ended worse (docs/tutorials/03-layerwise-pretraining.md).
#include <cstddef>
#include <vector>

namespace aegrad::models {

/// The epochs of each of a stack's `depth` pretraining phases, from one number for all of them or one per
/// layer; an empty list gives `fallback` each. Throws std::invalid_argument naming both counts when the
/// list fits neither.
std::vector<int> per_layer_epochs(std::vector<int> epochs, std::size_t depth, int fallback);

struct EpochBudget {
    std::vector<int> pretrain;  // one entry per layer
    int finetune = 1;
};

/// `total` epochs split for a `depth`-layer stack: `pretrain` as per_layer_epochs takes it, by default a
/// tenth of the budget shared by the layers (at least 1 each); fine-tuning gets the rest, at least 1.
EpochBudget split_epoch_budget(int total, std::size_t depth, std::vector<int> pretrain = {});

} // namespace aegrad::models
