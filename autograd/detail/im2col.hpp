#pragma once
// The data movement behind convolutions: im2col lays every receptive field of a batch of images out as a
// column, so a convolution becomes one gemm; col2im is its adjoint (sums columns back into images).
// Also the two batch layouts the gemms need: [N, C, P] (NCHW) and [C, N*P] (channel-major).
#include <cstddef>

#include <aegrad/autograd/epilogue.hpp>

namespace aegrad::detail {

/// A convolution's geometry seen from the image side: `channels` x `height` x `width` images, a
/// kernel_h x kernel_w kernel moved with stride, zero padding and dilation, visiting out_h x out_w positions.
struct ConvGeometry {
    std::size_t channels, height, width;
    std::size_t kernel_h, kernel_w;
    std::size_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
    std::size_t out_h, out_w;

    std::size_t rows() const { return channels * kernel_h * kernel_w; }  // of the column matrix
    std::size_t positions() const { return out_h * out_w; }               // per image
    std::size_t image_size() const { return channels * height * width; }
};

/// Positions along one axis for an input of `size`: (size + 2 pad - dilation (kernel - 1) - 1) / stride + 1,
/// or 0 when the dilated kernel does not fit.
std::size_t conv_output_size(std::size_t size, std::size_t kernel, std::size_t stride, std::size_t pad,
                             std::size_t dilation);

/// col [rows, batch * positions]: row (c, i, j), column (n, oh, ow) holds
/// image[n, c, oh * stride_h - pad_h + i * dilation_h, ow * stride_w - pad_w + j * dilation_w], or 0 in
/// the padding. Runs on num_threads().
template <class T> void im2col(const T* images, std::size_t batch, const ConvGeometry& g, T* col);

/// The adjoint of im2col: adds every column entry into the image element it was read from. `images` is
/// not cleared first. Entries of `col` that fall in the padding may be overwritten with zeros (it lets
/// stride-1 convolutions add whole planes at once).
template <class T> void col2im(T* col, std::size_t batch, const ConvGeometry& g, T* images);

/// [N, C, P] -> [C, N * P]. With `gate` ([N, C, P]), entries where gate <= 0 become 0 on the way (a fused
/// ReLU's backward).
template <class T>
void to_channel_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, T* out,
                      const T* gate = nullptr);
/// [C, N * P] -> [N, C, P]; `bias` (length C, or null) is added on the way, then the epilogue applied.
template <class T>
void to_batch_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias, T* out,
                    Epilogue epilogue = Epilogue::none);

/// x[0] + ... + x[n-1], in eight running sums so the loop vectorises (one sum fixes the order of every
/// addition); the same inputs always give the same result.
template <class T> T lane_sum(const T* x, std::size_t n);

/// out[c] (+)= the sum of a [N, C, P] array over n and p (a bias gradient); `accumulate` adds to out.
template <class T>
void sum_per_channel(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, bool accumulate,
                     T* out);

} // namespace aegrad::detail
