#pragma once
// Activations applied to tensors, by name, and as a module of their own.
#include <string>

#include <aegrad/nn/activation_kind.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// The activation applied to x (x itself for none). leaky_relu uses slope 0.01, elu alpha 1.
template <class T> Tensor<T> activate(Activation a, const Tensor<T>& x);

/// A layer that only applies an activation: BasicActivationLayer<float>(Activation::relu).
template <class T> class BasicActivationLayer : public BasicModule<T> {
public:
    explicit BasicActivationLayer(Activation a) : activation_(a) {}
    Tensor<T> forward(const Tensor<T>& x) override { return activate(activation_, x); }
    std::string type_name() const override { return "Activation(" + activation_name(activation_) + ")"; }
    Activation activation() const { return activation_; }
    Activation output_activation() const override { return activation_; }

private:
    Activation activation_;
};

using ActivationLayer = BasicActivationLayer<float>;

} // namespace aegrad::nn
