#pragma once
// Kernels for a layer's bias and fused activation (autograd/epilogue.hpp), forward and backward, over
// row-major [rows, n] arrays. Each splits its work across aegrad's threads with a fixed partition, so the
// results do not depend on the thread count.
#include <cstddef>

#include <aegrad/autograd/epilogue.hpp>

namespace aegrad::detail {

/// Rows per task for a pass over [rows, n]: a task should touch 64K elements at least, or waking a thread
/// costs more than it saves.
std::size_t row_grain(std::size_t n);

/// out[r, :] = bias for every row of out [rows, n]: the start of a product that gemm adds onto (beta 1).
template <class T> void fill_rows(const T* bias, std::size_t rows, std::size_t n, T* out);

/// y = max(y, 0) in place over [rows, n] for Epilogue::relu; nothing for none.
template <class T> void apply_epilogue(Epilogue e, T* y, std::size_t rows, std::size_t n);

/// The one gate kernel, a fused ReLU's backward: gated[i] = out[i] > 0 ? grad[i] : 0 for i < n, given the
/// op's output. Serial: ops call it on their own shares of the work. gated may be grad itself.
template <class T> void relu_gate(const T* grad, const T* out, std::size_t n, T* gated);

/// An epilogue's backward over [rows, n], split by rows: relu_gate for relu, a copy (or nothing, in place)
/// for none.
template <class T> void gate_rows(Epilogue e, const T* grad, const T* out, std::size_t rows, std::size_t n, T* gated);

/// sums[c] = (accumulate ? sums[c] : 0) + the sum of column c of g [rows, n]: a bias's gradient.
template <class T> void column_sums(const T* g, std::size_t rows, std::size_t n, bool accumulate, T* sums);

/// Over [batch, channels, positions]: adds bias[c] to every element of channel c (bias may be null), then
/// applies the epilogue.
template <class T>
void add_channel_bias(T* out, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias,
                      Epilogue e);

} // namespace aegrad::detail
