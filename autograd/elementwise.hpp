#pragma once
// Elementwise arithmetic with NumPy broadcasting, and elementwise math functions.
// Shapes: binary ops take any two broadcastable shapes, e.g. [B, n] + [n] -> [B, n]; backward sums each
// gradient back down to its input's shape.
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

template <class T> Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b);
template <class T> Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b);

template <class T> Tensor<T> neg(const Tensor<T>& x);
template <class T> Tensor<T> exp(const Tensor<T>& x);
/// Natural logarithm; log of a non-positive element gives -inf/NaN as in NumPy.
template <class T> Tensor<T> log(const Tensor<T>& x);
template <class T> Tensor<T> sqrt(const Tensor<T>& x);
/// x^p for a constant exponent p.
template <class T> Tensor<T> pow(const Tensor<T>& x, Scalar<T> p);
/// |x|; its gradient at 0 is taken as 0 (as in PyTorch).
template <class T> Tensor<T> abs(const Tensor<T>& x);
/// min(max(x, lo), hi); the gradient is 1 inside [lo, hi] and 0 outside.
template <class T> Tensor<T> clamp(const Tensor<T>& x, Scalar<T> lo, Scalar<T> hi);

/// A constant (no gradient) of shape [] holding `v`: lets scalars broadcast against tensors.
template <class T> Tensor<T> scalar(T v) { return Tensor<T>(Array<T>(v)); }

template <class T> Tensor<T> operator+(const Tensor<T>& a, const Tensor<T>& b) { return add(a, b); }
template <class T> Tensor<T> operator-(const Tensor<T>& a, const Tensor<T>& b) { return sub(a, b); }
template <class T> Tensor<T> operator*(const Tensor<T>& a, const Tensor<T>& b) { return mul(a, b); }
template <class T> Tensor<T> operator/(const Tensor<T>& a, const Tensor<T>& b) { return div(a, b); }
template <class T> Tensor<T> operator-(const Tensor<T>& x) { return neg(x); }

// Tensor-scalar arithmetic: `2.0 * x`, `x - 1.0`, `1.0 / x`.
template <class T> Tensor<T> operator+(const Tensor<T>& a, Scalar<T> b) { return add(a, scalar(b)); }
template <class T> Tensor<T> operator+(Scalar<T> a, const Tensor<T>& b) { return add(scalar(a), b); }
template <class T> Tensor<T> operator-(const Tensor<T>& a, Scalar<T> b) { return sub(a, scalar(b)); }
template <class T> Tensor<T> operator-(Scalar<T> a, const Tensor<T>& b) { return sub(scalar(a), b); }
template <class T> Tensor<T> operator*(const Tensor<T>& a, Scalar<T> b) { return mul(a, scalar(b)); }
template <class T> Tensor<T> operator*(Scalar<T> a, const Tensor<T>& b) { return mul(scalar(a), b); }
template <class T> Tensor<T> operator/(const Tensor<T>& a, Scalar<T> b) { return div(a, scalar(b)); }
template <class T> Tensor<T> operator/(Scalar<T> a, const Tensor<T>& b) { return div(scalar(a), b); }

} // namespace aegrad
