#pragma once
// Ops that move elements without changing them: reshape, flatten, slice, concat.
#include <vector>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// Same elements in a new shape; one extent may be -1 (inferred). reshape(x [B, 784], {-1, 1, 28, 28}).
template <class T> Tensor<T> reshape(const Tensor<T>& x, std::vector<long> shape);
/// [B, d1, d2, ...] -> [B, d1*d2*...]
template <class T> Tensor<T> flatten(const Tensor<T>& x);
/// Elements start..stop-1 along `axis` (negative axis counts from the end). slice(x [B, 10], 1, 2, 5) -> [B, 3]
template <class T> Tensor<T> slice(const Tensor<T>& x, int axis, std::size_t start, std::size_t stop);
/// Joins tensors along `axis`; all other extents must match.
template <class T> Tensor<T> concat(const std::vector<Tensor<T>>& parts, int axis);

} // namespace aegrad
