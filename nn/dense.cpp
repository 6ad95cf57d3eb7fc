#include <aegrad/nn/dense.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/elementwise.hpp>
#include <aegrad/autograd/linalg.hpp>

namespace aegrad::nn {

namespace {
template <class T> void check_input(const char* layer, const Tensor<T>& x, std::size_t features) {
    if (x.dim() != 2 || x.shape()[1] != features)
        throw ShapeError(fmt::format("{}: expects input [B, {}], got {}", layer, features, shape_str(x.shape())));
}
} // namespace

template <class T>
BasicDense<T>::BasicDense(DenseOptions options, Generator& gen) : options_(options) {
    if (options.in() == 0 || options.out() == 0)
        throw std::invalid_argument(fmt::format("Dense: sizes must be positive, got {} -> {}", options.in(), options.out()));
    weight_ = this->register_parameter("weight", Tensor<T>(Array<T>::from_shape({options.in(), options.out()}), true));
    if (options.bias())
        bias_ = this->register_parameter("bias", Tensor<T>(Array<T>::from_shape({options.out()}), true));
    reset_parameters(gen);
}

template <class T> void BasicDense<T>::reset_parameters(Generator& gen) {
    const auto n_in = options_.in(), n_out = options_.out();
    xt::noalias(weight_.mutable_value()) = options_.init() == Init::he_normal ? he_normal<T>(n_in, n_out, gen)
                                                                              : glorot_uniform<T>(n_in, n_out, gen);
    if (bias_.defined())
        bias_.mutable_value().fill(T(0));
}

namespace {
// activation(x W + bias) as one linear op, with the activation fused where it can be.
template <class T>
Tensor<T> dense_forward(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, Activation activation) {
    const auto [epilogue, after] = fuse_activation(activation);
    return activate(after, linear(x, weight, bias, epilogue));
}
} // namespace

template <class T> Tensor<T> BasicDense<T>::forward(const Tensor<T>& x) {
    check_input("Dense", x, options_.in());
    return dense_forward(x, weight_, bias_, options_.activation());
}

template <class T>
BasicDenseTranspose<T>::BasicDenseTranspose(std::shared_ptr<BasicDense<T>> tied, Activation activation)
    : activation_(activation) {
    if (!tied)
        throw std::invalid_argument("DenseTranspose: needs the Dense layer whose weight it reads");
    weight_ = this->register_parameter("weight", tied->weight());
    bias_ = this->register_parameter("bias", Tensor<T>(Array<T>(xt::zeros<T>({tied->options().in()})), true));
}

template <class T> Tensor<T> BasicDenseTranspose<T>::forward(const Tensor<T>& x) {
    check_input("DenseTranspose", x, weight_.shape()[1]);
    return dense_forward(x, transpose(weight_), bias_, activation_);
}

template class BasicDense<float>;
template class BasicDense<double>;
template class BasicDenseTranspose<float>;
template class BasicDenseTranspose<double>;

} // namespace aegrad::nn
