#pragma once
// A layer's bias and ReLU as one op: x + b, then max(0, .) if asked. Unfused, `relu(x + b)` makes two
// nodes, two passes over the batch each way and a broadcast sum for the bias gradient; fused, it is one
// pass each way, split across aegrad's threads. Dense and DenseTranspose use it.
#include "autograd/tensor.hpp"

namespace aegrad {

/// x [B, n] + bias [n] (added to every row), then max(0, .) when `relu`. -> [B, n]
template <class T> Tensor<T> add_bias(const Tensor<T>& x, const Tensor<T>& bias, bool relu = false);

/// bias.grad (+)= the column sums of g [rows, n]: the gradient of a bias added to every row. Split across
/// aegrad's threads by columns, so the sums do not depend on the thread count. Nothing when bias needs no grad.
template <class T> void accumulate_bias_grad(Node<T>& bias, const T* g, std::size_t rows, std::size_t n);

/// gated[i] = out[i] > 0 ? grad[i] : 0 for i < n: the backward of a ReLU fused into an op, given the op's
/// output. Serial: the fused ops (add_bias, the convolutions) call it on their own shares of the work.
template <class T> void relu_gate(const T* grad, const T* out, std::size_t n, T* gated);

/// relu_gate over [rows, n] arrays, split across aegrad's threads by rows. gated may be grad itself.
template <class T> void relu_gate_rows(const T* grad, const T* out, std::size_t rows, std::size_t n, T* gated);

/// Rows per task for a pass over [rows, n]: a task should touch 64K elements at least, or waking a thread
/// costs more than it saves.
std::size_t row_grain(std::size_t n);

} // namespace aegrad
