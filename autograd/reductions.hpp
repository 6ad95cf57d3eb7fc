#pragma once
// Sums and means, over every element or over given axes.
#include <vector>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// Sum of every element: shape [].
template <class T> Tensor<T> sum(const Tensor<T>& x);
/// Sum over `axes` (negative counts from the end); keepdims keeps them as extent 1.
///   sum(x [B, n], {1}) -> [B];  sum(x [B, n], {0}, true) -> [1, n]
template <class T> Tensor<T> sum(const Tensor<T>& x, std::vector<int> axes, bool keepdims = false);
/// Mean of every element: shape [].
template <class T> Tensor<T> mean(const Tensor<T>& x);
/// Mean over `axes`, as sum.
template <class T> Tensor<T> mean(const Tensor<T>& x, std::vector<int> axes, bool keepdims = false);

} // namespace aegrad
