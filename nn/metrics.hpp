#pragma once
// Classification metrics over a whole dataset: accuracy, per-class accuracy, confusion matrix and mean
// cross-entropy, computed in evaluation mode without a graph.
#include <string>
#include <vector>

#include <aegrad/data/rows.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

struct ClassificationReport {
    double accuracy = 0;                       // fraction of correct predictions
    double cross_entropy = 0;                  // mean over samples
    std::vector<double> per_class_accuracy;    // recall of each true class (NaN for a class with no sample)
    std::vector<std::vector<std::size_t>> confusion;  // confusion[true][predicted]
    /// A text table of the confusion matrix with per-class accuracy, rows labelled by `class_names`.
    std::string table(const std::vector<std::string>& class_names = {}) const;
};

/// Runs `model` (logits [B, classes]) over `images` (floats, or bytes seen as byte / 255) in batches and
/// compares with `labels`.
ClassificationReport classification_report(Module& model, data::Rows images,
                                           const std::vector<int>& labels, std::size_t classes,
                                           std::size_t batch_size = 1000);

} // namespace aegrad::nn
