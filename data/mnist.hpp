#pragma once
// MNIST-format datasets (Fashion-MNIST by default): images as the files' bytes, which training and
// evaluation see as floats in [0, 1] (data::Rows), with integer labels.
#include <cstdint>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>

#include <aegrad/data/rows.hpp>

namespace aegrad::data {

/// Where Debian's dataset-fashion-mnist package installs the four files.
inline const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct LabelledImages {
    /// [N, rows * cols], one byte per pixel (0 black .. 255 white), a quarter of the memory of floats. Pass it
    /// to fit(), evaluate() and the like as it is (they see byte / 255); to_unit_floats() makes floats of it.
    Array<std::uint8_t> pixels;
    std::vector<int> labels;   // N labels in [0, 10)
    std::size_t rows = 0, cols = 0;
    std::size_t size() const { return labels.size(); }
};

enum class Split { train, test };

/// Reads `train-images-idx3-ubyte[.gz]` + `train-labels-idx1-ubyte[.gz]` (or the t10k pair) from `dir`,
/// keeping the first `limit` samples (0: all). Throws IdxError naming the file for anything wrong:
/// missing files, bad headers, image and label counts that differ.
LabelledImages load_mnist(const std::string& dir, Split split, std::size_t limit = 0);

/// The ten Fashion-MNIST class names.
const std::vector<std::string>& fashion_mnist_classes();

} // namespace aegrad::data
