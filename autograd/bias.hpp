#pragma once
// A layer's bias and ReLU as one op: x + b, then max(0, .) if asked. Unfused, `relu(x + b)` makes two
// nodes, two passes over the batch each way and a broadcast sum for the bias gradient; fused, it is one
// pass each way, split across aegrad's threads. Dense and DenseTranspose use it.
#include "autograd/tensor.hpp"

namespace aegrad {

/// x [B, n] + bias [n] (added to every row), then max(0, .) when `relu`. -> [B, n]
template <class T> Tensor<T> add_bias(const Tensor<T>& x, const Tensor<T>& bias, bool relu = false);

/// gated[i] = out[i] > 0 ? grad[i] : 0 for i < n: the backward of a ReLU fused into an op, given the op's
/// output. Serial: the fused ops (add_bias, the convolutions) call it on their own shares of the work.
template <class T> void relu_gate(const T* grad, const T* out, std::size_t n, T* gated);

} // namespace aegrad
