#pragma once
// Shared by the layer suites: a gradient check of a module with respect to its input and every parameter.
#include "helpers.hpp"
#include <aegrad/nn/module.hpp>

namespace aegrad::testing {

/// Gradient check of module(x) with respect to x and every parameter of the module.
inline void check_module(nn::BasicModule<double>& module, Tensor<double> x) {
    std::vector<Tensor<double>> inputs{x};
    for (auto& p : module.parameters())
        inputs.push_back(p);
    CHECK_GRADCHECK([&](const std::vector<Tensor<double>>& v) { return module(v[0]); }, inputs);
}

/// Non-zero biases, so their gradients are checked away from a trivial point.
inline void randomise_biases(nn::BasicModule<double>& module, unsigned seed) {
    for (auto& [name, p] : module.named_parameters())
        if (name.size() >= 4 && name.substr(name.size() - 4) == "bias")
            p.mutable_value() = random_tensor(p.shape(), seed++, false, -0.1, 0.1).value();
}

} // namespace aegrad::testing
