#pragma once
// Pooling over NCHW batches: max, average and global average, with PyTorch's output sizes
// (floor((H + 2 padding - kernel) / stride) + 1).
#include <aegrad/autograd/conv.hpp>

namespace aegrad {

struct Pool2dOptions {
    AEGRAD_OPTION(Size2, stride, 0)              // 0: the kernel size, as in PyTorch and Keras
    AEGRAD_OPTION(Size2, padding, 0)             // at most half the kernel
    AEGRAD_OPTION(bool, count_include_pad, true) // average pooling: padded zeros count in the divisor
};

/// x [N, C, H, W] -> [N, C, Ho, Wo], each output the largest element of its window (padding never wins).
/// The gradient goes to that element only (the first one on ties).
template <class T> Tensor<T> max_pool2d(const Tensor<T>& x, Size2 kernel, Pool2dOptions options = {});

/// x [N, C, H, W] -> [N, C, Ho, Wo], each output the mean of its window.
template <class T> Tensor<T> avg_pool2d(const Tensor<T>& x, Size2 kernel, Pool2dOptions options = {});

/// x [N, C, H, W] -> [N, C]: the mean of each channel (Keras's GlobalAveragePooling2D).
template <class T> Tensor<T> global_avg_pool2d(const Tensor<T>& x);

} // namespace aegrad
