#pragma once
// Activations by name, for layers that take one as an option, and as a module of their own.
#include <string>

#include "nn/module.hpp"

namespace aegrad::nn {

enum class Activation { none, relu, leaky_relu, elu, selu, sigmoid, tanh, softplus, softmax };

/// "relu", "none", ...; and back (throws on an unknown name, listing the known ones).
std::string activation_name(Activation a);
Activation activation_from_name(const std::string& name);

/// The activation applied to x (x itself for none). leaky_relu uses slope 0.01, elu alpha 1.
template <class T> Tensor<T> activate(Activation a, const Tensor<T>& x);

/// A layer that only applies an activation: BasicActivationLayer<float>(Activation::relu).
template <class T> class BasicActivationLayer : public BasicModule<T> {
public:
    explicit BasicActivationLayer(Activation a) : activation_(a) {}
    Tensor<T> forward(const Tensor<T>& x) override { return activate(activation_, x); }
    std::string type_name() const override { return "Activation(" + activation_name(activation_) + ")"; }
    Activation activation() const { return activation_; }

private:
    Activation activation_;
};

using ActivationLayer = BasicActivationLayer<float>;

} // namespace aegrad::nn
