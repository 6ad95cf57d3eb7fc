#include "autograd/im2col.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "autograd/parallel.hpp"

namespace aegrad {

namespace {

// The range [lo, hi) of output positions along one axis whose input index o * stride + offset lies in
// [0, size). offset = i * dilation - pad may be negative.
struct ValidRange {
    std::size_t lo, hi;
};
ValidRange valid_range(long offset, std::size_t size, std::size_t stride, std::size_t out) {
    const long s = static_cast<long>(stride);
    long lo = offset >= 0 ? 0 : (-offset + s - 1) / s;
    long hi = static_cast<long>(size) - offset <= 0 ? 0 : (static_cast<long>(size) - 1 - offset) / s + 1;
    lo = std::min<long>(lo, static_cast<long>(out));
    hi = std::clamp<long>(hi, lo, static_cast<long>(out));
    return {static_cast<std::size_t>(lo), static_cast<std::size_t>(hi)};
}

// The input index o * stride + offset of a position known to be inside the valid range.
inline std::size_t input_index(std::size_t o, std::size_t stride, long offset) {
    return static_cast<std::size_t>(static_cast<long>(o * stride) + offset);
}

// Images are many small tasks (one per row and sample); a chunk of a few hundred keeps wake-ups rare.
constexpr std::size_t kGrain = 64;

} // namespace

std::size_t conv_output_size(std::size_t size, std::size_t kernel, std::size_t stride, std::size_t pad,
                             std::size_t dilation) {
    const std::size_t span = dilation * (kernel - 1) + 1;
    if (size + 2 * pad < span || stride == 0)
        return 0;
    return (size + 2 * pad - span) / stride + 1;
}

template <class T> void im2col(const T* images, std::size_t batch, const ConvGeometry& g, T* col) {
    const std::size_t P = g.positions(), plane = g.height * g.width, cols = batch * P;
    // Task t = (row, n): fills the P entries of one row that belong to sample n.
    parallel_for(g.rows() * batch, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t row = t / batch, n = t % batch;
            const std::size_t c = row / (g.kernel_h * g.kernel_w), i = row / g.kernel_w % g.kernel_h, j = row % g.kernel_w;
            const long off_h = static_cast<long>(i * g.dilation_h) - static_cast<long>(g.pad_h);
            const long off_w = static_cast<long>(j * g.dilation_w) - static_cast<long>(g.pad_w);
            const auto rh = valid_range(off_h, g.height, g.stride_h, g.out_h);
            const auto rw = valid_range(off_w, g.width, g.stride_w, g.out_w);
            const T* src = images + (n * g.channels + c) * plane;
            T* dst = col + row * cols + n * P;
            std::fill(dst, dst + rh.lo * g.out_w, T(0));
            for (std::size_t oh = rh.lo; oh < rh.hi; ++oh) {
                T* d = dst + oh * g.out_w;
                const T* s = src + input_index(oh, g.stride_h, off_h) * g.width;  // the input row read
                std::fill(d, d + rw.lo, T(0));
                if (g.stride_w == 1 && rw.lo < rw.hi)
                    std::copy(s + input_index(rw.lo, 1, off_w), s + input_index(rw.hi, 1, off_w), d + rw.lo);
                else
                    for (std::size_t ow = rw.lo; ow < rw.hi; ++ow)
                        d[ow] = s[input_index(ow, g.stride_w, off_w)];
                std::fill(d + rw.hi, d + g.out_w, T(0));
            }
            std::fill(dst + rh.hi * g.out_w, dst + P, T(0));
        }
    }, kGrain);
}

template <class T> void col2im(const T* col, std::size_t batch, const ConvGeometry& g, T* images) {
    const std::size_t P = g.positions(), plane = g.height * g.width, cols = batch * P;
    const std::size_t kk = g.kernel_h * g.kernel_w;
    // Task t = (n, c): the only task writing image plane (n, c), so tasks never race.
    parallel_for(batch * g.channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / g.channels, c = t % g.channels;
            T* dst = images + t * plane;
            for (std::size_t i = 0; i < g.kernel_h; ++i)
                for (std::size_t j = 0; j < g.kernel_w; ++j) {
                    const long off_h = static_cast<long>(i * g.dilation_h) - static_cast<long>(g.pad_h);
                    const long off_w = static_cast<long>(j * g.dilation_w) - static_cast<long>(g.pad_w);
                    const auto rh = valid_range(off_h, g.height, g.stride_h, g.out_h);
                    const auto rw = valid_range(off_w, g.width, g.stride_w, g.out_w);
                    const T* src = col + (c * kk + i * g.kernel_w + j) * cols + n * P;
                    for (std::size_t oh = rh.lo; oh < rh.hi; ++oh) {
                        const T* s = src + oh * g.out_w;
                        T* d = dst + input_index(oh, g.stride_h, off_h) * g.width;
                        for (std::size_t ow = rw.lo; ow < rw.hi; ++ow)
                            d[input_index(ow, g.stride_w, off_w)] += s[ow];
                    }
                }
        }
    }, kGrain / 8);
}

template <class T>
void to_channel_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, T* out) {
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / channels, c = t % channels;
            std::memcpy(out + (c * batch + n) * positions, in + t * positions, positions * sizeof(T));
        }
    }, kGrain);
}

template <class T>
void to_batch_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias, T* out) {
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / channels, c = t % channels;
            const T* s = in + (c * batch + n) * positions;
            T* d = out + t * positions;
            if (bias) {
                const T b = bias[c];
                for (std::size_t p = 0; p < positions; ++p)
                    d[p] = s[p] + b;
            } else {
                std::memcpy(d, s, positions * sizeof(T));
            }
        }
    }, kGrain);
}

template <class T>
void sum_per_channel(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, bool accumulate,
                     T* out) {
    // Serial over n so the per-channel sums never race; channels are few.
    for (std::size_t c = 0; c < channels; ++c) {
        T total = accumulate ? out[c] : T(0);
        for (std::size_t n = 0; n < batch; ++n) {
            const T* s = in + (n * channels + c) * positions;
            total = std::accumulate(s, s + positions, total);
        }
        out[c] = total;
    }
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template void im2col<T>(const T*, std::size_t, const ConvGeometry&, T*);                                   \
    template void col2im<T>(const T*, std::size_t, const ConvGeometry&, T*);                                   \
    template void to_channel_major<T>(const T*, std::size_t, std::size_t, std::size_t, T*);                    \
    template void to_batch_major<T>(const T*, std::size_t, std::size_t, std::size_t, const T*, T*);            \
    template void sum_per_channel<T>(const T*, std::size_t, std::size_t, std::size_t, bool, T*);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad
