#include "data_flags.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "commands.hpp"
#include "number_checks.hpp"

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

void add_file_flags(CLI::App& cmd, DataFlags& f) {
    cmd.add_option("--labels", f.labels, "NPY or IDX data: a file of one integer label per sample");
    cmd.add_flag("--header", f.header, "CSV: the first row names the columns (default: detected)");
    cmd.add_flag("--no-header", f.no_header, "CSV: the first row is data");
    cmd.add_option("--label-column", f.label_column, "CSV: the labels' column, by header name or 0-based index");
    cmd.add_option("--skip-lines", f.skip_lines, "CSV: lines to skip before the header or the first row");
}

data::DatasetOptions options(const DataFlags& f, const std::string& labels, std::size_t limit) {
    if (f.header && f.no_header)
        throw UsageError("--header and --no-header contradict each other");
    return data::DatasetOptions()
        .header(f.header ? std::optional(true) : f.no_header ? std::optional(false) : std::nullopt)
        .label_column(f.label_column)
        .skip_lines(f.skip_lines)
        .labels(labels)
        .limit(limit);
}

// Bytes become floats in [0, 1] when a scaler is to apply to them.
void to_floats(data::Dataset& d) {
    if (!d.has_bytes())
        return;
    d.floats = data::to_unit_floats(d.bytes);
    d.bytes = Array<std::uint8_t>();
}

void first(data::Dataset& d, std::size_t n) {
    if (n && n < d.size()) {
        std::vector<std::size_t> rows(n);
        for (std::size_t i = 0; i < n; ++i)
            rows[i] = i;
        d = d.subset(rows);
    }
}
} // namespace

void add_training_data_flags(CLI::App& cmd, DataFlags& f) {
    cmd.add_option("--data", f.data,
                   "Training data: an MNIST-format folder (its train and test IDX files), a .csv table, a .npy array "
                   "([N, F] rows, [N, H, W] or [N, C, H, W] images), a .npz archive (x, y; or Keras's x_train, y_train, x_test, "
                   "y_test) or an IDX file")
        ->capture_default_str();
    cmd.add_option("--test-data", f.test_data, "Test data in the same form (default: split off --data by --test-fraction)");
    cmd.add_option("--test-labels", f.test_labels, "NPY or IDX test data: its labels file");
    add_file_flags(cmd, f);
    cmd.add_option("--test-fraction", f.test_fraction, "Without --test-data: the share of --data held out for testing (seeded)")
        ->check(number_between(0.0, 1.0))
        ->capture_default_str();
    cmd.add_option("--scale", f.scale, "Per-feature scaling fitted on the training part: none, minmax or standard")
        ->check(CLI::IsMember({"none", "minmax", "standard"}))
        ->capture_default_str();
    cmd.add_option("--train-samples", f.train_samples, "Use only the first N training samples");
    cmd.add_option("--test-samples", f.test_samples, "Use only the first N test samples");
}

void add_model_data_flags(CLI::App& cmd, DataFlags& f) {
    cmd.add_option("--data", f.data, "Data: an MNIST-format folder (its test part), a .csv, .npy, .npz or IDX file")
        ->capture_default_str();
    add_file_flags(cmd, f);
    cmd.add_option("--test-samples", f.test_samples, "Use only the first N samples");
}

TrainTest load_train_test(const DataFlags& f, std::uint64_t seed) {
    TrainTest out;
    const bool folder = fs::is_directory(f.data);
    if (folder && !f.labels.empty())
        throw UsageError(fmt::format("--labels: {} is an MNIST-format folder, whose label files are its own", f.data));
    if (!f.test_labels.empty() && f.test_data.empty())
        throw UsageError("--test-labels needs --test-data");
    if (data::has_splits(f.data) && f.test_data.empty()) {
        out.train = data::load_dataset(f.data, options(f, "", f.train_samples), data::Split::train);
        out.test = data::load_dataset(f.data, options(f, "", f.test_samples), data::Split::test);
        out.description = fmt::format("{} (its train and test parts)", f.data);  // a folder, or Keras's .npz
    } else if (!f.test_data.empty()) {
        out.train = data::load_dataset(f.data, options(f, f.labels, f.train_samples), data::Split::train);
        out.test = data::load_dataset(f.test_data, options(f, f.test_labels, f.test_samples), data::Split::test);
        out.description = fmt::format("{}, tested on {}", f.data, f.test_data);
    } else {
        if (!(f.test_fraction > 0 && f.test_fraction < 1))
            throw UsageError(fmt::format("--test-fraction {}: without --test-data it must be in (0, 1)", f.test_fraction));
        const data::Dataset all = data::load_dataset(f.data, options(f, f.labels, 0));
        if (all.size() < 2)
            throw UsageError(fmt::format("{}: {} sample(s), too few to split off a test part", f.data, all.size()));
        auto [train, test] = data::split_dataset(all, f.test_fraction, seed);
        out.train = std::move(train);
        out.test = std::move(test);
        first(out.train, f.train_samples);
        first(out.test, f.test_samples);
        out.description = fmt::format("{} ({:g}% held out for testing, seed {})", f.data, 100 * f.test_fraction, seed);
    }
    if (out.test.sample != out.train.sample)
        throw UsageError(fmt::format("the test samples are {} but the training samples {}", sample_str(out.test.sample),
                                     sample_str(out.train.sample)));
    const data::Scaling scaling = data::parse_scaling(f.scale);
    if (scaling != data::Scaling::none) {
        to_floats(out.train);
        to_floats(out.test);
        out.scaler = data::Scaler::fit(scaling, out.train.floats);
        out.scaler.apply(out.train.floats);
        out.scaler.apply(out.test.floats);
    }
    return out;
}

data::Dataset load_for_model(const DataFlags& f, const ModelSpec& spec) {
    if (fs::is_directory(f.data) && !f.labels.empty())
        throw UsageError(fmt::format("--labels: {} is an MNIST-format folder, whose label files are its own", f.data));
    data::Dataset d = data::load_dataset(f.data, options(f, f.labels, f.test_samples), data::Split::test);
    if (d.sample != spec.input)
        throw UsageError(fmt::format("the model takes samples of {}, but {} holds samples of {}", sample_str(spec.input),
                                     f.data, sample_str(d.sample)));
    if (!spec.scaler.empty()) {
        const data::Scaler scaler = data::Scaler::deserialise(spec.scaler);
        if (scaler.kind != data::Scaling::none) {
            to_floats(d);
            scaler.apply(d.floats);
        }
    }
    return d;
}

} // namespace aegrad::cli
