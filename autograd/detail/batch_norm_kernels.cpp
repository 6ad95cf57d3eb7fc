#include <aegrad/autograd/detail/batch_norm_kernels.hpp>

#include <algorithm>

#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad::detail {

namespace {
// fn(c, run) for each channel, run(begin, n) over the channel's contiguous stretches of x: one per sample.
template <class F> void for_each_channel(const ChannelLayout& l, F fn) {
    parallel_for(l.channels, [&](std::size_t begin, std::size_t end) {
        for (std::size_t c = begin; c < end; ++c)
            fn(c, [&](auto&& stretch) {
                for (std::size_t b = 0; b < l.batch; ++b)
                    stretch((b * l.channels + c) * l.spatial, l.spatial);
            });
    });
}

template <class T> T gate(const T* y, std::size_t i, T g) { return y && !(y[i] > T(0)) ? T(0) : g; }
} // namespace

template <class T> void channel_statistics(const ChannelLayout& l, const T* x, T* mean, T* var) {
    const T n = static_cast<T>(l.count());
    for_each_channel(l, [&](std::size_t c, auto each) {
        T sum = 0;
        each([&](std::size_t at, std::size_t len) {
            for (std::size_t i = at; i < at + len; ++i)
                sum += x[i];
        });
        const T m = sum / n;
        T sq = 0;  // a second pass about the mean: no cancellation for data far from zero
        each([&](std::size_t at, std::size_t len) {
            for (std::size_t i = at; i < at + len; ++i)
                sq += (x[i] - m) * (x[i] - m);
        });
        mean[c] = m;
        var[c] = sq / n;
    });
}

template <class T>
void channel_affine(const ChannelLayout& l, const T* x, const T* scale, const T* shift, Epilogue e, T* y) {
    for_each_channel(l, [&](std::size_t c, auto each) {
        const T a = scale[c], b = shift[c];
        each([&](std::size_t at, std::size_t len) {
            if (e == Epilogue::relu)
                for (std::size_t i = at; i < at + len; ++i)
                    y[i] = std::max(a * x[i] + b, T(0));
            else
                for (std::size_t i = at; i < at + len; ++i)
                    y[i] = a * x[i] + b;
        });
    });
}

template <class T>
void channel_gradient_sums(const ChannelLayout& l, const T* g, const T* y, const T* x, const T* mean, const T* inv_std,
                           T* sum_g, T* sum_g_xhat) {
    for_each_channel(l, [&](std::size_t c, auto each) {
        T s = 0, sx = 0;
        const T m = mean[c], r = inv_std[c];
        each([&](std::size_t at, std::size_t len) {
            for (std::size_t i = at; i < at + len; ++i) {
                const T gi = gate(y, i, g[i]);
                s += gi;
                sx += gi * (x[i] - m) * r;
            }
        });
        sum_g[c] = s;
        sum_g_xhat[c] = sx;
    });
}

template <class T>
void channel_input_gradient(const ChannelLayout& l, const T* g, const T* y, const T* x, const T* mean, const T* inv_std,
                            const T* scale, const T* sum_g, const T* sum_g_xhat, T* dx) {
    const T n = static_cast<T>(l.count());
    for_each_channel(l, [&](std::size_t c, auto each) {
        const T a = scale[c], m = mean[c], r = inv_std[c];
        const T mean_g = sum_g ? sum_g[c] / n : T(0), mean_gx = sum_g_xhat ? sum_g_xhat[c] / n : T(0);
        each([&](std::size_t at, std::size_t len) {
            for (std::size_t i = at; i < at + len; ++i)
                dx[i] = a * (gate(y, i, g[i]) - mean_g - (x[i] - m) * r * mean_gx);
        });
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template void channel_statistics(const ChannelLayout&, const T*, T*, T*);                                  \
    template void channel_affine(const ChannelLayout&, const T*, const T*, const T*, Epilogue, T*);            \
    template void channel_gradient_sums(const ChannelLayout&, const T*, const T*, const T*, const T*, const T*, T*, T*); \
    template void channel_input_gradient(const ChannelLayout&, const T*, const T*, const T*, const T*, const T*,  \
                                         const T*, const T*, const T*, T*);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad::detail
