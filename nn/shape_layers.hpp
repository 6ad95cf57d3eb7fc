#pragma once
// Layers that only change the shape: Flatten [B, ...] -> [B, n] and Reshape [B, n] -> [B, d1, d2, ...].
#include <vector>

#include <aegrad/autograd/shape_ops.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

template <class T> class BasicFlatten : public BasicModule<T> {
public:
    Tensor<T> forward(const Tensor<T>& x) override { return flatten(x); }
    std::string type_name() const override { return "Flatten"; }
};

/// Reshapes each sample to `shape` (the batch axis is kept): BasicReshape({1, 28, 28}).
template <class T> class BasicReshape : public BasicModule<T> {
public:
    explicit BasicReshape(std::vector<long> shape) : shape_(std::move(shape)) {}
    Tensor<T> forward(const Tensor<T>& x) override {
        std::vector<long> target{x.dim() > 0 ? static_cast<long>(x.shape()[0]) : 1};
        target.insert(target.end(), shape_.begin(), shape_.end());
        return reshape(x, target);
    }
    std::string type_name() const override { return "Reshape"; }
    /// One sample's shape after the layer.
    const std::vector<long>& shape() const { return shape_; }

private:
    std::vector<long> shape_;
};

using Flatten = BasicFlatten<float>;
using Reshape = BasicReshape<float>;

} // namespace aegrad::nn
