#pragma once
// Matrix products through BLAS gemm, and the 2-D transpose that products read without copying.
#include <aegrad/autograd/epilogue.hpp>
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// a [m, k] times b [k, n] -> [m, n], one BLAS gemm. An operand that is a transpose() nothing else has
/// read is not computed: gemm reads the original matrix with a transpose flag, and backward writes that
/// matrix's gradient directly (a tied decoder's read of its encoder's weight).
template <class T> Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b);

/// e(x W + bias): a dense layer as one op (PyTorch's addmm, with the activation fused). x [B, k], weight
/// [k, n] (or transpose(W) for W [n, k], read as matmul reads it), bias [n] or an undefined Tensor.
/// gemm adds the product onto rows that start as the bias, the epilogue is applied in place, and backward
/// gates the gradient once before the product's and the bias's rules. Named "linear" or "linear+relu".
template <class T>
Tensor<T> linear(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, Epilogue epilogue = Epilogue::none);

/// The transpose of a 2-D tensor [m, n] -> [n, m]: a view (TransposedView, autograd/node.hpp) whose value
/// is computed only if something other than a product reads it. Backward transposes the gradient back.
template <class T> Tensor<T> transpose(const Tensor<T>& x);

} // namespace aegrad
