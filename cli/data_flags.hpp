#pragma once
// The flags every command reads its data with, and the data they give: an MNIST-format folder (its train
// and test parts), or any file data::load_dataset reads (CSV, NPY, IDX) with its test part from --test-data
// or split off by --test-fraction. Tabular data is scaled (--scale) by statistics of the training part,
// which the model file keeps so that every later command applies the same transform.
#include <CLI/CLI.hpp>

#include <aegrad/data/dataset.hpp>
#include <aegrad/data/scaler.hpp>

#include "model_spec.hpp"

namespace aegrad::cli {

struct DataFlags {
    std::string data = data::kFashionMnistDir, test_data, labels, test_labels, label_column, scale = "none";
    bool header = false, no_header = false;
    double test_fraction = 0.1;
    std::size_t train_samples = 0, test_samples = 0, skip_lines = 0;
};

/// For training: --data, --test-data, --labels, --test-labels, --header/--no-header, --label-column,
/// --test-fraction, --scale, --train-samples, --test-samples.
void add_training_data_flags(CLI::App& command, DataFlags& flags);
/// For a trained model: --data (an MNIST folder's test part is used), --labels, --header/--no-header,
/// --label-column, --test-samples (the first N samples).
void add_model_data_flags(CLI::App& command, DataFlags& flags);

struct TrainTest {
    data::Dataset train, test;
    data::Scaler scaler;
    std::string description;  // where each part came from, for the progress output
};

/// The training and test data the flags name, the test part split off with `seed` when there is no
/// --test-data, both scaled by the scaler fitted on the training part. Throws UsageError for flags that
/// contradict each other or the data (labels for an MNIST folder, --scale on byte images, ...).
TrainTest load_train_test(const DataFlags& flags, std::uint64_t seed);

/// The data to apply a trained model to, scaled as it was in training, checked against the model's input:
/// a different sample shape is a UsageError naming both.
data::Dataset load_for_model(const DataFlags& flags, const ModelSpec& spec);

} // namespace aegrad::cli
