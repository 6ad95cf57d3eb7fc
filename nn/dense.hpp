#pragma once
// Fully connected layers: Dense, and DenseTranspose, which reads a Dense layer's weight through the
// transpose op (a tied weight) and owns only its bias.
#include <memory>

#include <aegrad/nn/activation.hpp>
#include <aegrad/nn/init.hpp>
#include <aegrad/autograd/options.hpp>

namespace aegrad::nn {

struct DenseOptions {
    DenseOptions(std::size_t in_features, std::size_t out_features) : in_(in_features), out_(out_features) {}
    std::size_t in() const { return in_; }
    std::size_t out() const { return out_; }
    AEGRAD_OPTION(Activation, activation, Activation::none)
    AEGRAD_OPTION(Init, init, Init::glorot_uniform)
    AEGRAD_OPTION(bool, bias, true)

private:
    std::size_t in_, out_;
};

/// y = activation(x W + b): x [B, in], W [in, out] (Keras's layout), b [out].
/// Weights: Glorot-uniform by default (He-normal with .init(Init::he_normal)); bias zero.
template <class T> class BasicDense : public BasicModule<T> {
public:
    explicit BasicDense(DenseOptions options, Generator& gen = default_generator());
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return "Dense"; }
    Activation output_activation() const override { return options_.activation(); }

    /// Draws new weights into the existing nodes (so layers tied to this one stay tied).
    void reset_parameters(Generator& gen = default_generator());
    const Tensor<T>& weight() const { return weight_; }
    const Tensor<T>& bias() const { return bias_; }  // undefined when built with .bias(false)
    const DenseOptions& options() const { return options_; }

private:
    DenseOptions options_;
    Tensor<T> weight_, bias_;
};

/// y = activation(x W^T + b) where W is `tied`'s weight [in, out]: x [B, out] -> y [B, in].
/// The weight is the same node as the Dense layer's (listed once by named_parameters, under the
/// Dense layer's name when it comes first); the bias [in] is this layer's own.
template <class T> class BasicDenseTranspose : public BasicModule<T> {
public:
    explicit BasicDenseTranspose(std::shared_ptr<BasicDense<T>> tied, Activation activation = Activation::none);
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return "DenseTranspose"; }
    Activation output_activation() const override { return activation_; }

    const Tensor<T>& weight() const { return weight_; }
    const Tensor<T>& bias() const { return bias_; }
    Activation activation() const { return activation_; }

private:
    Activation activation_;
    Tensor<T> weight_, bias_;
};

using Dense = BasicDense<float>;
using DenseTranspose = BasicDenseTranspose<float>;

} // namespace aegrad::nn
