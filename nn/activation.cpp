#include <aegrad/nn/activation.hpp>

#include <stdexcept>

#include <aegrad/autograd/activations.hpp>

namespace aegrad::nn {

namespace {
const std::pair<Activation, const char*> kNames[] = {
    {Activation::none, "none"},       {Activation::relu, "relu"},       {Activation::leaky_relu, "leaky_relu"},
    {Activation::elu, "elu"},         {Activation::selu, "selu"},       {Activation::sigmoid, "sigmoid"},
    {Activation::tanh, "tanh"},       {Activation::softplus, "softplus"}, {Activation::softmax, "softmax"},
};
} // namespace

std::string activation_name(Activation a) {
    for (auto& [kind, name] : kNames)
        if (kind == a)
            return name;
    return "?";
}

Activation activation_from_name(const std::string& name) {
    std::string known;
    for (auto& [kind, n] : kNames) {
        if (name == n)
            return kind;
        known += known.empty() ? n : std::string(", ") + n;
    }
    throw std::invalid_argument("unknown activation '" + name + "' (known: " + known + ")");
}

FusedActivation fuse_activation(Activation a) {
    if (a == Activation::relu)
        return {Epilogue::relu, Activation::none};
    return {Epilogue::none, a};
}

template <class T> Tensor<T> activate(Activation a, const Tensor<T>& x) {
    switch (a) {
    case Activation::none: return x;
    case Activation::relu: return relu(x);
    case Activation::leaky_relu: return leaky_relu(x);
    case Activation::elu: return elu(x);
    case Activation::selu: return selu(x);
    case Activation::sigmoid: return sigmoid(x);
    case Activation::tanh: return tanh(x);
    case Activation::softplus: return softplus(x);
    case Activation::softmax: return softmax(x);
    }
    throw std::logic_error("activate: unknown activation");
}

template Tensor<float> activate(Activation, const Tensor<float>&);
template Tensor<double> activate(Activation, const Tensor<double>&);

} // namespace aegrad::nn
