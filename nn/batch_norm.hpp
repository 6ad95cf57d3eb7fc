#pragma once
// BatchNorm1d ([B, C] rows) and BatchNorm2d ([B, C, H, W] images), as PyTorch defines them: a learnt scale
// `weight` (1) and shift `bias` (0) per channel, and the running mean (0) and variance (1) kept as buffers,
// saved and loaded with the model but never stepped by an optimizer. Training normalises by the batch's
// statistics and moves the running ones towards them; evaluation uses the running ones.
#include <aegrad/autograd/batch_norm.hpp>
#include <aegrad/nn/activation.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

struct BatchNormLayerOptions {
    explicit BatchNormLayerOptions(std::size_t channels) : channels_(channels) {}
    std::size_t channels() const { return channels_; }
    AEGRAD_OPTION(double, momentum, 0.1)
    AEGRAD_OPTION(double, eps, 1e-5)
    AEGRAD_OPTION(bool, affine, true)  // false: no weight and bias
    AEGRAD_OPTION(Activation, activation, Activation::none)  // applied after; a ReLU is fused into the op

private:
    std::size_t channels_;
};

template <class T> class BasicBatchNorm : public BasicModule<T> {
public:
    /// dims 2 for BatchNorm1d, 4 for BatchNorm2d: the input rank the layer accepts.
    BasicBatchNorm(BatchNormLayerOptions options, std::size_t dims);
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return dims_ == 2 ? "BatchNorm1d" : "BatchNorm2d"; }
    Activation output_activation() const override { return options_.activation(); }

    const BatchNormLayerOptions& options() const { return options_; }
    const Tensor<T>& weight() const { return weight_; }
    const Tensor<T>& bias() const { return bias_; }
    const Tensor<T>& running_mean() const { return running_mean_; }
    const Tensor<T>& running_var() const { return running_var_; }

private:
    BatchNormLayerOptions options_;
    std::size_t dims_;
    Tensor<T> weight_, bias_, running_mean_, running_var_;
};

template <class T> class BasicBatchNorm1d : public BasicBatchNorm<T> {
public:
    explicit BasicBatchNorm1d(BatchNormLayerOptions options) : BasicBatchNorm<T>(options, 2) {}
};
template <class T> class BasicBatchNorm2d : public BasicBatchNorm<T> {
public:
    explicit BasicBatchNorm2d(BatchNormLayerOptions options) : BasicBatchNorm<T>(options, 4) {}
};

using BatchNorm1d = BasicBatchNorm1d<float>;
using BatchNorm2d = BasicBatchNorm2d<float>;

extern template class BasicBatchNorm<float>;
extern template class BasicBatchNorm<double>;

} // namespace aegrad::nn
