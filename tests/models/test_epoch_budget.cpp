// models/epoch_budget: how a layer-wise schedule spends its epochs, for the command and the pretrainer.
#include <aegrad/models/epoch_budget.hpp>

#include "helpers.hpp"

using namespace aegrad::models;

TEST_CASE("By default a tenth of the budget pretrains, shared by the layers, and fine-tuning gets the rest") {
    const auto seed = split_epoch_budget(20, 2);  // the main job: 20 epochs, 784-100-30
    CHECK(seed.pretrain == std::vector<int>{1, 1});
    CHECK(seed.finetune == 18);
    const auto long_run = split_epoch_budget(100, 4);
    CHECK(long_run.pretrain == std::vector<int>{2, 2, 2, 2});
    CHECK(long_run.finetune == 92);
}

TEST_CASE("Every phase trains at least one epoch, even on a budget smaller than the phases") {
    const auto tiny = split_epoch_budget(2, 3);
    CHECK(tiny.pretrain == std::vector<int>{1, 1, 1});
    CHECK(tiny.finetune == 1);
}

TEST_CASE("Pretraining epochs are one number for all layers or one per layer; other counts are refused") {
    CHECK(split_epoch_budget(20, 2, {3}).pretrain == std::vector<int>{3, 3});
    CHECK(split_epoch_budget(20, 2, {2, 4}).finetune == 14);
    CHECK_THROWS_WITH_AS(split_epoch_budget(20, 2, {1, 2, 3}),
                         "3 pretraining epoch counts for 2 layers: give one for all, or one per layer",
                         std::invalid_argument);
    CHECK(per_layer_epochs({}, 3, 5) == std::vector<int>{5, 5, 5});
}
