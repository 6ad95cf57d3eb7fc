#pragma once
// Matrix products through BLAS gemm, and the 2-D transpose that matmul reads without copying.
#include "autograd/tensor.hpp"

namespace aegrad {

/// a [m, k] times b [k, n] -> [m, n], one BLAS gemm. If an operand is the output of `transpose`, gemm
/// reads the original matrix with a transpose flag (nothing is copied), and backward writes that matrix's
/// gradient directly: this is the decoder's read of a tied weight.
template <class T> Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b);

/// max(0, x W + bias) when `relu`, else x W + bias: a dense layer as one op (PyTorch's addmm, with the
/// ReLU fused). x [B, k], weight [k, n] (or transpose(W) for W [n, k], read as matmul reads it), bias [n].
/// gemm accumulates onto rows holding the bias, the ReLU is applied in place, and backward gates the
/// gradient once before matmul's backward and the bias's column sums: fewer passes over [B, n] than
/// matmul then add_bias. Named "linear" or "linear+relu" on the tape.
template <class T> Tensor<T> linear(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, bool relu = false);

/// The transpose of a 2-D tensor [m, n] -> [n, m]. The value is computed only if something other than
/// matmul reads it; backward transposes the gradient back.
template <class T> Tensor<T> transpose(const Tensor<T>& x);

} // namespace aegrad
