#pragma once
// Activation functions. Each backward reads what it saved: the output (relu, sigmoid, tanh, elu, softmax)
// or the input (leaky_relu, softplus).
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

template <class T> Tensor<T> relu(const Tensor<T>& x);
/// x for x > 0, slope * x otherwise.
template <class T> Tensor<T> leaky_relu(const Tensor<T>& x, Scalar<T> slope = T(0.01));
/// x for x > 0, alpha * (exp(x) - 1) otherwise.
template <class T> Tensor<T> elu(const Tensor<T>& x, Scalar<T> alpha = T(1));
/// scale * elu(x, alpha) with the self-normalising constants of Klambauer et al. (2017).
template <class T> Tensor<T> selu(const Tensor<T>& x);
/// 1 / (1 + exp(-x)), computed without overflow for large |x|.
template <class T> Tensor<T> sigmoid(const Tensor<T>& x);
template <class T> Tensor<T> tanh(const Tensor<T>& x);
/// log(1 + exp(x)), computed without overflow.
template <class T> Tensor<T> softplus(const Tensor<T>& x);
/// exp(x) / sum(exp(x)) along `axis` (default: the last), shifted by the max for stability.
template <class T> Tensor<T> softmax(const Tensor<T>& x, int axis = -1);
/// x - log(sum(exp(x))) along `axis`, stable.
template <class T> Tensor<T> log_softmax(const Tensor<T>& x, int axis = -1);

} // namespace aegrad
