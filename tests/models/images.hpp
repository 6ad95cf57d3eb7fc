#pragma once
// Images for the model tests: Fashion-MNIST's first training images when the dataset is installed, else
// smooth random blobs of the same size, so the tests run anywhere.
#include <cmath>
#include <filesystem>
#include <random>

#include <aegrad/data/mnist.hpp>

namespace aegrad::testing {

inline Array<float> image_slice(std::size_t n) {
    if (std::filesystem::exists(data::kFashionMnistDir))
        return data::to_unit_floats(data::load_mnist(data::kFashionMnistDir, data::Split::train, n).pixels);
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(0, 1);
    Array<float> x = Array<float>::from_shape({n, 784});
    for (std::size_t i = 0; i < n; ++i) {
        const float cx = 8 + 12 * u(rng), cy = 8 + 12 * u(rng), r = 3 + 5 * u(rng);
        for (std::size_t p = 0; p < 784; ++p) {
            const float dx = float(p % 28) - cx, dy = float(p / 28) - cy;
            x(i, p) = std::exp(-(dx * dx + dy * dy) / (r * r));
        }
    }
    return x;
}

} // namespace aegrad::testing
