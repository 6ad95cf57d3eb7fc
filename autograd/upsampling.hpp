#pragma once
// Upsampling of NCHW batches by integer factors, as PyTorch's nn.Upsample (bilinear with
// align_corners=false, Keras's UpSampling2D(interpolation="bilinear")).
#include <aegrad/autograd/conv.hpp>

namespace aegrad {

/// x [N, C, H, W] -> [N, C, H sh, W sw]: each pixel repeated into an sh x sw block.
template <class T> Tensor<T> upsample_nearest2d(const Tensor<T>& x, Size2 scale);

/// x [N, C, H, W] -> [N, C, H sh, W sw]: output pixel (i, j) samples the input at
/// ((i + 0.5) / sh - 0.5, (j + 0.5) / sw - 0.5), interpolating its four neighbours (edges clamp).
template <class T> Tensor<T> upsample_bilinear2d(const Tensor<T>& x, Size2 scale);

} // namespace aegrad
