#pragma once
// The convolutions' forward and backward passes on raw NCHW buffers: im2col + one gemm per chunk of
// samples, with the batch split into one share per thread and BLAS single-threaded inside each share.
// autograd/conv.cpp holds the ops (shapes, checks, the tape); this holds how they are fast.
#include <cstddef>

#include <aegrad/autograd/detail/im2col.hpp>
#include <aegrad/autograd/epilogue.hpp>

namespace aegrad::detail {

/// Where a convolution's backward writes; a null pointer is a gradient nobody wants. The weight's and the
/// bias's are written with their beta (0: overwrite, 1: add to what is there).
template <class T> struct ConvGradients {
    T* dx = nullptr;
    T* dw = nullptr;
    T dw_beta = 0;
    T* db = nullptr;
    T db_beta = 0;
};

/// conv2d: x [N, Cin, H, W] (g seen from x's side), w [Cout, Cin kh kw], bias [Cout] or null ->
/// out [N, Cout, out_h, out_w], with the epilogue applied.
template <class T>
void conv2d_forward(const ConvGeometry& g, std::size_t batch, std::size_t out_channels, const T* x, const T* w,
                    const T* bias, Epilogue epilogue, T* out);

/// conv2d's backward from grad = dOut, gated where `relu_out` (the op's output, for a ReLU epilogue;
/// else null) is not positive. dx is added to (col2im accumulates): clear a fresh buffer first.
template <class T>
void conv2d_backward(const ConvGeometry& g, std::size_t batch, std::size_t out_channels, const T* grad,
                     const T* relu_out, const T* x, const T* w, ConvGradients<T> grads);

/// conv_transpose2d, the adjoint of the conv2d whose geometry is g (seen from the transposed op's output
/// side): x [N, Cin, out_h, out_w], w [Cin, Cout kh kw], bias [Cout] or null -> out [N, Cout, H, W],
/// with the epilogue applied.
template <class T>
void conv_transpose2d_forward(const ConvGeometry& g, std::size_t batch, std::size_t in_channels, const T* x,
                              const T* w, const T* bias, Epilogue epilogue, T* out);

/// conv_transpose2d's backward, as conv2d_backward; dx is overwritten.
template <class T>
void conv_transpose2d_backward(const ConvGeometry& g, std::size_t batch, std::size_t in_channels, const T* grad,
                               const T* relu_out, const T* x, const T* w, ConvGradients<T> grads);

} // namespace aegrad::detail
