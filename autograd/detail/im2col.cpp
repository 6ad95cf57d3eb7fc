#include <aegrad/autograd/detail/im2col.hpp>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include <aegrad/autograd/detail/bias_epilogue.hpp>
#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad::detail {

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

// Copies of whole planes are small tasks; a chunk of dozens keeps wake-ups rare.
constexpr std::size_t kGrain = 64;

} // namespace

std::size_t conv_output_size(std::size_t size, std::size_t kernel, std::size_t stride, std::size_t pad,
                             std::size_t dilation) {
    const std::size_t span = dilation * (kernel - 1) + 1;
    if (size + 2 * pad < span || stride == 0)
        return 0;
    return (size + 2 * pad - span) / stride + 1;
}

namespace {

// Where kernel tap (i, j) reads: the offsets of its input index and the output positions that stay inside
// the image. The same for every sample and channel, so computed once per call.
struct Tap {
    long off_h, off_w;
    ValidRange rows, cols;
};

std::vector<Tap> kernel_taps(const ConvGeometry& g) {
    std::vector<Tap> taps;
    taps.reserve(g.kernel_h * g.kernel_w);
    for (std::size_t i = 0; i < g.kernel_h; ++i)
        for (std::size_t j = 0; j < g.kernel_w; ++j) {
            const long off_h = static_cast<long>(i * g.dilation_h) - static_cast<long>(g.pad_h);
            const long off_w = static_cast<long>(j * g.dilation_w) - static_cast<long>(g.pad_w);
            taps.push_back({off_h, off_w, valid_range(off_h, g.height, g.stride_h, g.out_h),
                            valid_range(off_w, g.width, g.stride_w, g.out_w)});
        }
    return taps;
}

// Stride 1 and output as large as the input ("same" padding): output position k reads input k + shift
// for a tap, so with the batch laid out channel-major ([C, N H W]) a whole row of the column matrix is
// one contiguous copy of N H W elements. Afterwards the entries that read across an edge (into the
// neighbouring row or sample) are set to zero. Tiny planes (3x3) then cost no more per element than
// large ones.
bool shifts_whole_planes(const ConvGeometry& g) {
    return g.stride_h == 1 && g.stride_w == 1 && g.out_w == g.width && g.out_h == g.height;
}

// Zeroes the entries of one tap's column row (all samples) that read outside their own image: whole
// rows at the top or bottom of each plane, and the columns that wrap at the left or right edge. Plain
// loops: the runs are a few elements long, too short for memset calls to pay.
template <class T> void zero_outside_reads(T* row, const Tap& tap, const ConvGeometry& g, std::size_t batch) {
    const std::size_t W = g.width, P = g.positions(), top = tap.rows.lo * W, bottom = tap.rows.hi * W;
    for (std::size_t n = 0; n < batch; ++n) {
        T* plane = row + n * P;
        for (std::size_t k = 0; k < top; ++k)
            plane[k] = T(0);
        for (std::size_t k = bottom; k < P; ++k)
            plane[k] = T(0);
    }
    const std::size_t rows = batch * g.height;
    for (std::size_t ow = 0; ow < W; ++ow) {
        if (ow >= tap.cols.lo && ow < tap.cols.hi)
            continue;
        T* p = row + ow;
        for (std::size_t r = 0; r < rows; ++r)
            p[r * W] = T(0);
    }
}

// The range [a, b) of a row of `total` entries whose shifted source index stays inside the row.
std::pair<long, long> shifted_range(long shift, long total) {
    // Both ends clamped to the row: a shift of the whole row or more (an image smaller than the kernel's
    // reach) leaves nothing to copy, and the start must not run past the end.
    const long a = std::min(total, std::max(0L, -shift)), b = std::min(total, total - shift);
    return {a, std::max(a, b)};
}

template <class T> void im2col_shifted(const T* images, std::size_t batch, const ConvGeometry& g, T* col,
                                       const std::vector<Tap>& taps) {
    const std::size_t total = batch * g.positions(), kk = taps.size();
    std::vector<T> cm(g.channels * total);
    to_channel_major(images, batch, g.channels, g.positions(), cm.data());
    parallel_for(g.rows(), [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row) {
            const Tap& tap = taps[row % kk];
            const long shift = tap.off_h * long(g.width) + tap.off_w;
            const auto [a, b] = shifted_range(shift, long(total));
            const T* src = cm.data() + (row / kk) * total;
            T* dst = col + row * total;
            std::fill(dst, dst + a, T(0));
            std::copy(src + a + shift, src + b + shift, dst + a);
            std::fill(dst + b, dst + total, T(0));
            zero_outside_reads(dst, tap, g, batch);
        }
    }, 1);
}

template <class T> void col2im_shifted(T* col, std::size_t batch, const ConvGeometry& g, T* images,
                                       const std::vector<Tap>& taps) {
    const std::size_t total = batch * g.positions(), kk = taps.size();
    std::vector<T> cm(g.channels * total, T(0));
    parallel_for(g.channels, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c)
            for (std::size_t t = 0; t < kk; ++t) {
                const Tap& tap = taps[t];
                const long shift = tap.off_h * long(g.width) + tap.off_w;
                const auto [a, b] = shifted_range(shift, long(total));
                T* __restrict s = col + (c * kk + t) * total;
                zero_outside_reads(s, tap, g, batch);
                T* __restrict d = cm.data() + c * total + shift;
                for (long k = a; k < b; ++k)
                    d[k] += s[k];
            }
    });
    // images[n, c] += cm[c, n]
    parallel_for(batch * g.channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / g.channels, c = t % g.channels, P = g.positions();
            T* __restrict d = images + t * P;
            const T* __restrict s = cm.data() + (c * batch + n) * P;
            for (std::size_t p = 0; p < P; ++p)
                d[p] += s[p];
        }
    }, 64);
}

} // namespace

template <class T> void im2col(const T* images, std::size_t batch, const ConvGeometry& g, T* col) {
    const std::size_t P = g.positions(), plane = g.height * g.width, cols = batch * P, kk = g.kernel_h * g.kernel_w;
    const std::vector<Tap> taps = kernel_taps(g);
    if (shifts_whole_planes(g))
        return im2col_shifted(images, batch, g, col, taps);
    // One task per row (c, i, j) of the column matrix, covering every sample.
    parallel_for(g.rows(), [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row) {
            const Tap& tap = taps[row % kk];
            const std::size_t c = row / kk, lo = tap.cols.lo, width = tap.cols.hi - tap.cols.lo;
            for (std::size_t n = 0; n < batch; ++n) {
                const T* src = images + (n * g.channels + c) * plane;
                T* __restrict dst = col + row * cols + n * P;
                std::fill(dst, dst + tap.rows.lo * g.out_w, T(0));
                for (std::size_t oh = tap.rows.lo; oh < tap.rows.hi; ++oh) {
                    T* __restrict d = dst + oh * g.out_w;
                    // The first input element read in this output row.
                    const T* __restrict s = src + input_index(oh, g.stride_h, tap.off_h) * g.width +
                                            (width ? input_index(lo, g.stride_w, tap.off_w) : 0);
                    for (std::size_t ow = 0; ow < lo; ++ow)
                        d[ow] = T(0);
                    if (g.stride_w == 1)
                        for (std::size_t k = 0; k < width; ++k)
                            d[lo + k] = s[k];
                    else
                        for (std::size_t k = 0; k < width; ++k)
                            d[lo + k] = s[k * g.stride_w];
                    for (std::size_t ow = lo + width; ow < g.out_w; ++ow)
                        d[ow] = T(0);
                }
                std::fill(dst + tap.rows.hi * g.out_w, dst + P, T(0));
            }
        }
    }, 1);
}

template <class T> void col2im(T* col, std::size_t batch, const ConvGeometry& g, T* images) {
    const std::size_t P = g.positions(), plane = g.height * g.width, cols = batch * P, kk = g.kernel_h * g.kernel_w;
    const std::vector<Tap> taps = kernel_taps(g);
    if (shifts_whole_planes(g))
        return col2im_shifted(col, batch, g, images, taps);
    // One task per image plane (n, c): the only task writing it, so tasks never race.
    parallel_for(batch * g.channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / g.channels, c = t % g.channels;
            T* dst = images + t * plane;
            for (std::size_t tap_index = 0; tap_index < kk; ++tap_index) {
                const Tap& tap = taps[tap_index];
                const std::size_t lo = tap.cols.lo, width = tap.cols.hi - tap.cols.lo;
                if (width == 0)
                    continue;
                T* src = col + (c * kk + tap_index) * cols + n * P;
                for (std::size_t oh = tap.rows.lo; oh < tap.rows.hi; ++oh) {
                    const T* __restrict s = src + oh * g.out_w + lo;
                    T* __restrict d = dst + input_index(oh, g.stride_h, tap.off_h) * g.width +
                                      input_index(lo, g.stride_w, tap.off_w);
                    if (g.stride_w == 1)
                        for (std::size_t k = 0; k < width; ++k)
                            d[k] += s[k];
                    else
                        for (std::size_t k = 0; k < width; ++k)
                            d[k * g.stride_w] += s[k];
                }
            }
        }
    }, 8);
}

template <class T>
void to_channel_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, T* out,
                      const T* gate) {
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / channels, c = t % channels;
            T* __restrict d = out + (c * batch + n) * positions;
            const T* __restrict s = in + t * positions;
            if (!gate) {
                std::memcpy(d, s, positions * sizeof(T));
                continue;
            }
            relu_gate(s, gate + t * positions, positions, d);
        }
    }, kGrain);
}

template <class T>
void to_batch_major(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias, T* out,
                    Epilogue epilogue) {
    const bool relu = epilogue == Epilogue::relu;
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const std::size_t n = t / channels, c = t % channels;
            const T* __restrict s = in + (c * batch + n) * positions;
            T* __restrict d = out + t * positions;
            const T b = bias ? bias[c] : T(0);
            if (relu)
                for (std::size_t p = 0; p < positions; ++p)
                    d[p] = std::max(s[p] + b, T(0));
            else
                for (std::size_t p = 0; p < positions; ++p)
                    d[p] = s[p] + b;
        }
    }, kGrain);
}

template <class T> T lane_sum(const T* x, std::size_t n) {
    T lanes[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (std::size_t k = 0; k < 8; ++k)
            lanes[k] += x[i + k];
    for (; i < n; ++i)
        lanes[i % 8] += x[i];
    return std::accumulate(lanes, lanes + 8, T(0));
}

template <class T>
void sum_per_channel(const T* in, std::size_t batch, std::size_t channels, std::size_t positions, bool accumulate,
                     T* out) {
    parallel_for(channels, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c) {
            T total = 0;
            for (std::size_t n = 0; n < batch; ++n)
                total += lane_sum(in + (n * channels + c) * positions, positions);
            out[c] = accumulate ? out[c] + total : total;
        }
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template void im2col<T>(const T*, std::size_t, const ConvGeometry&, T*);                                   \
    template void col2im<T>(T*, std::size_t, const ConvGeometry&, T*);                                   \
    template void to_channel_major<T>(const T*, std::size_t, std::size_t, std::size_t, T*, const T*);                    \
    template void to_batch_major<T>(const T*, std::size_t, std::size_t, std::size_t, const T*, T*, Epilogue);            \
    template T lane_sum<T>(const T*, std::size_t);                                                             \
    template void sum_per_channel<T>(const T*, std::size_t, std::size_t, std::size_t, bool, T*);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad::detail
