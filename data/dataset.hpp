#pragma once
// A dataset as the commands see it, whatever file it came from: N samples of one shape, their values as
// bytes (images, seen as byte / 255 like MNIST's) or as floats, and labels when the file has them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/options.hpp>
#include <aegrad/data/data_error.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/data/rows.hpp>

namespace aegrad::data {

struct Dataset {
    Array<std::uint8_t> bytes;  // [N, features], or empty when the values are floats
    Array<float> floats;        // [N, features], or empty when the values are bytes
    Shape sample;               // one sample's shape: {features} for a table, {H, W} or {C, H, W} for images
    std::vector<int> labels;    // N labels, or none
    std::vector<std::string> classes;  // the labels' names, when the file gives them
    std::vector<std::string> columns;  // a table's feature names

    /// Whether the values are bytes (a default, 0-d array holds one element, so size() cannot tell).
    bool has_bytes() const { return bytes.dimension() == 2; }
    std::size_t size() const { return has_bytes() ? bytes.shape()[0] : floats.dimension() == 2 ? floats.shape()[0] : 0; }
    std::size_t features() const;
    bool is_image() const { return sample.size() >= 2; }
    /// The samples as flat rows [N, features], for fit(), evaluate() and the loaders.
    Rows rows() const;
    /// The samples at `indices`, in that order, with their labels.
    Dataset subset(const std::vector<std::size_t>& indices) const;
};

struct DatasetOptions {
    AEGRAD_OPTION(std::optional<bool>, header, std::nullopt)  // CSV: see CsvOptions
    AEGRAD_OPTION(std::string, label_column, "")              // CSV: a header name or a 0-based index
    AEGRAD_OPTION(std::size_t, skip_lines, 0)                 // CSV: lines before the header or first row
    AEGRAD_OPTION(std::string, labels, "")                    // NPY or IDX: a second file of labels
    AEGRAD_OPTION(std::size_t, limit, 0)                      // keep the first N samples (0: all)
};

/// Loads `path` by its name: a `.csv` table; a `.npy` array ([N, F] a table, [N, H, W] or [N, C, H, W]
/// images); an `.npz` archive; an IDX file (`.idx`, `-ubyte`, either optionally `.gz`); or an MNIST-format
/// folder, whose `split` part is read. An archive with x_train and x_test (Keras's layout) gives its
/// `split` part, with y_train or y_test as labels; any other gives its array `x` or its only array, with
/// `y` or `labels` as labels. Throws DataError naming the file for anything wrong, including labels whose
/// count differs from the samples'.
Dataset load_dataset(const std::string& path, const DatasetOptions& options = DatasetOptions(), Split split = Split::train);

/// Whether `path` holds its own train and test parts: an MNIST-format folder, or an .npz archive in Keras's
/// layout.
bool has_splits(const std::string& path);

/// A seeded random split: round(fraction * N) samples (at least one, and one left) go to the second part,
/// the rest to the first, each part in file order. Throws std::invalid_argument for fewer than 2 samples
/// or a fraction outside (0, 1).
std::pair<Dataset, Dataset> split_dataset(const Dataset& data, double fraction, std::uint64_t seed);

} // namespace aegrad::data
