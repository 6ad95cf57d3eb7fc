#pragma once
// A layer's bias and ReLU as one op: x + b, then max(0, .) if asked. Unfused, `relu(x + b)` makes two
// nodes, two passes over the batch each way and a broadcast sum for the bias gradient; fused, it is one
// pass each way, split across aegrad's threads. Dense and DenseTranspose use it.
#include "autograd/tensor.hpp"

namespace aegrad {

/// x [B, n] + bias [n] (added to every row), then max(0, .) when `relu`. -> [B, n]
template <class T> Tensor<T> add_bias(const Tensor<T>& x, const Tensor<T>& bias, bool relu = false);

} // namespace aegrad
