#pragma once
// Matrix products through BLAS gemm, and the 2-D transpose that matmul reads without copying.
#include "autograd/tensor.hpp"

namespace aegrad {

/// a [m, k] times b [k, n] -> [m, n], one BLAS gemm. If an operand is the output of `transpose`, gemm
/// reads the original matrix with a transpose flag (nothing is copied), and backward writes that matrix's
/// gradient directly: this is the decoder's read of a tied weight.
template <class T> Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b);

/// The transpose of a 2-D tensor [m, n] -> [n, m]. The value is computed only if something other than
/// matmul reads it; backward transposes the gradient back.
template <class T> Tensor<T> transpose(const Tensor<T>& x);

} // namespace aegrad
