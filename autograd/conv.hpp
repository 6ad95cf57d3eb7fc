#pragma once
// Convolutions over NCHW batches, with PyTorch's conventions for shapes, padding and weight layout, so a
// weight file means the same thing in both.
#include <cstddef>

#include <aegrad/autograd/epilogue.hpp>
#include <aegrad/autograd/options.hpp>
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// A height and a width; one number means both: Size2(2) == Size2(2, 2).
struct Size2 {
    std::size_t h = 1, w = 1;
    Size2() = default;
    Size2(std::size_t both) : h(both), w(both) {}  // NOLINT: implicit, so .stride(2) reads naturally
    Size2(std::size_t height, std::size_t width) : h(height), w(width) {}
    bool operator==(const Size2& o) const { return h == o.h && w == o.w; }
};

struct Conv2dOptions {
    AEGRAD_OPTION(Size2, stride, 1)
    AEGRAD_OPTION(Size2, padding, 0)   // zeros added on each side
    AEGRAD_OPTION(Size2, dilation, 1)  // spacing between kernel taps
    AEGRAD_OPTION(Epilogue, epilogue, Epilogue::none)  // an activation applied inside the op
};

struct ConvTranspose2dOptions {
    AEGRAD_OPTION(Size2, stride, 1)
    AEGRAD_OPTION(Size2, padding, 0)         // rows/columns cropped from each side of the full output
    AEGRAD_OPTION(Size2, output_padding, 0)  // extra rows/columns at the bottom/right; less than stride or dilation
    AEGRAD_OPTION(Size2, dilation, 1)
    AEGRAD_OPTION(Epilogue, epilogue, Epilogue::none)  // as in Conv2dOptions
};

/// x [N, Cin, H, W], weight [Cout, Cin, kh, kw], bias [Cout] (or an undefined Tensor) -> [N, Cout, Ho, Wo]
/// with Ho = (H + 2 padding - dilation (kh - 1) - 1) / stride + 1 (likewise Wo).
/// Computed as im2col then one gemm for the whole batch, [Cout, Cin kh kw] x [Cin kh kw, N Ho Wo].
template <class T>
Tensor<T> conv2d(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, Conv2dOptions options = {});

/// The transpose (adjoint) of conv2d with respect to its input, used to upsample in decoders:
/// x [N, Cin, H, W], weight [Cin, Cout, kh, kw] (PyTorch's layout), bias [Cout] or undefined ->
/// [N, Cout, Ho, Wo] with Ho = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1.
template <class T>
Tensor<T> conv_transpose2d(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias,
                           ConvTranspose2dOptions options = {});

} // namespace aegrad
