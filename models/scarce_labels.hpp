#pragma once
// The scarce-labels experiment: does an encoder pretrained (as an autoencoder) on all the unlabelled
// images make a better classifier when only N labels are known? For each N and seed, three classifiers
// are trained on the same N labelled images: from scratch, over the pretrained encoder kept frozen, and
// over the pretrained encoder fine-tuned (head first, then everything at a lower rate).
#include <functional>
#include <string>
#include <vector>

#include <aegrad/data/mnist.hpp>
#include <aegrad/models/classifier.hpp>

namespace aegrad::models {

struct ScarceLabelsOptions {
    AEGRAD_OPTION(std::vector<std::size_t>, labels, std::vector<std::size_t>({100, 1000, 10000, 60000}))
    AEGRAD_OPTION(std::vector<std::uint64_t>, seeds, std::vector<std::uint64_t>({1, 2, 3}))
    AEGRAD_OPTION(std::size_t, min_steps, 3000)  // each classifier trains at least this many steps...
    AEGRAD_OPTION(int, min_epochs, 10)           // ...and at least this many epochs
    AEGRAD_OPTION(int, max_epochs, 200)
    AEGRAD_OPTION(double, lr, 1e-3)
    AEGRAD_OPTION(double, finetune_lr, 1e-3)  // measured: 1e-4 ends lower (docs/tutorials/05)
    AEGRAD_OPTION(double, frozen_fraction, 0.25)  // fine-tuned method: share of epochs with the encoder frozen
};

struct ScarceLabelsRow {
    std::size_t labels;
    std::string method;  // "scratch", "pretrained-frozen", "pretrained-fine-tuned"
    std::uint64_t seed;
    double test_accuracy;
    int epochs;
};

/// Runs every (labels, method, seed) and returns one row each. `pretrained` is left as it was (its
/// weights are restored after each fine-tuning run). `on_row` (optional) is called as rows complete.
std::vector<ScarceLabelsRow> run_scarce_labels(StackedAutoencoder& pretrained, const data::LabelledImages& train,
                                               const data::LabelledImages& test, const ScarceLabelsOptions& options,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row = nullptr);

/// Mean and sample standard deviation of the test accuracy of each (labels, method).
struct ScarceLabelsSummary {
    std::size_t labels;
    std::string method;
    double mean, stddev;
    std::size_t runs;
};
std::vector<ScarceLabelsSummary> summarise(const std::vector<ScarceLabelsRow>& rows);
/// The table printed by `aegrad semisup`.
std::string summary_table(const std::vector<ScarceLabelsSummary>& summary);

} // namespace aegrad::models
