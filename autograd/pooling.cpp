#include <aegrad/autograd/pooling.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include <aegrad/autograd/detail/im2col.hpp>
#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad {

namespace {

// Sizes of a pooling op, checked.
struct PoolGeometry {
    std::size_t planes, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo;
    std::size_t in_plane() const { return H * W; }
    std::size_t out_plane() const { return Ho * Wo; }
};

// A window clipped to the input: rows [h0, h1), columns [w0, w1).
struct Window {
    std::size_t h0, h1, w0, w1;
    std::size_t size() const { return (h1 - h0) * (w1 - w0); }
};

// Calls fn(p, o, window) for every plane p and output o (an index into the output array) in parallel over
// planes; a plane is only ever visited by one thread.
template <class Fn> void for_each_window(const PoolGeometry& g, Fn&& fn) {
    detail::parallel_for(g.planes, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p)
            for (std::size_t oh = 0, o = p * g.out_plane(); oh < g.Ho; ++oh)
                for (std::size_t ow = 0; ow < g.Wo; ++ow, ++o) {
                    const long hs = static_cast<long>(oh * g.sh) - static_cast<long>(g.ph);
                    const long ws = static_cast<long>(ow * g.sw) - static_cast<long>(g.pw);
                    fn(p, o, Window{static_cast<std::size_t>(std::max(hs, 0L)),
                                    static_cast<std::size_t>(std::min(hs + static_cast<long>(g.kh), static_cast<long>(g.H))),
                                    static_cast<std::size_t>(std::max(ws, 0L)),
                                    static_cast<std::size_t>(std::min(ws + static_cast<long>(g.kw), static_cast<long>(g.W)))});
                }
    }, 8);
}

template <class T> PoolGeometry pool_geometry(const char* op, const Tensor<T>& x, Size2 k, const Pool2dOptions& o) {
    if (x.dim() != 4)
        throw ShapeError(fmt::format("{}: expects input [N, C, H, W], got {}", op, shape_str(x.shape())));
    const Size2 s = o.stride().h == 0 || o.stride().w == 0 ? k : o.stride();
    if (k.h == 0 || k.w == 0)
        throw std::invalid_argument(fmt::format("{}: kernel must be positive, got ({}, {})", op, k.h, k.w));
    if (o.padding().h > k.h / 2 || o.padding().w > k.w / 2)
        throw std::invalid_argument(fmt::format("{}: padding ({}, {}) must be at most half the kernel ({}, {})", op,
                                                o.padding().h, o.padding().w, k.h, k.w));
    const auto& xs = x.shape();
    PoolGeometry g{xs[0] * xs[1], xs[2], xs[3], k.h, k.w, s.h, s.w, o.padding().h, o.padding().w, 0, 0};
    g.Ho = detail::conv_output_size(g.H, k.h, s.h, g.ph, 1);
    g.Wo = detail::conv_output_size(g.W, k.w, s.w, g.pw, 1);
    if (g.Ho == 0 || g.Wo == 0)
        throw ShapeError(fmt::format("{}: a {}x{} window does not fit in input {}", op, k.h, k.w, shape_str(xs)));
    return g;
}

Shape pooled_shape(const Shape& xs, const PoolGeometry& g) { return Shape{xs[0], xs[1], g.Ho, g.Wo}; }

} // namespace

// The common 2x2 window with stride 2 and no padding, unrolled: the general loop's bookkeeping costs
// more than its four comparisons.
template <class T>
void max_pool_2x2(const T* in, const PoolGeometry& g, std::size_t p0, std::size_t p1, T* out, std::uint32_t* argmax) {
    for (std::size_t p = p0; p < p1; ++p) {
        const T* plane = in + p * g.in_plane();
        for (std::size_t oh = 0; oh < g.Ho; ++oh) {
            const T* top = plane + 2 * oh * g.W;
            const T* bottom = top + g.W;
            T* o = out + p * g.out_plane() + oh * g.Wo;
            std::uint32_t* a = argmax + p * g.out_plane() + oh * g.Wo;
            for (std::size_t ow = 0; ow < g.Wo; ++ow) {
                const std::size_t j = 2 * ow;
                T best = top[j];
                std::uint32_t where = static_cast<std::uint32_t>(2 * oh * g.W + j);
                const T candidates[3] = {top[j + 1], bottom[j], bottom[j + 1]};
                const std::uint32_t offsets[3] = {where + 1, where + std::uint32_t(g.W), where + std::uint32_t(g.W) + 1};
                for (int k = 0; k < 3; ++k) {
                    // NaN propagates and, as in the general loop and PyTorch, the last NaN of a window is the winner
                    const bool better = candidates[k] > best || candidates[k] != candidates[k];
                    best = better ? candidates[k] : best;
                    where = better ? offsets[k] : where;
                }
                o[ow] = best;
                a[ow] = where;
            }
        }
    }
}

template <class T> Tensor<T> max_pool2d(const Tensor<T>& x, Size2 kernel, Pool2dOptions o) {
    const PoolGeometry g = pool_geometry("max_pool2d", x, kernel, o);
    Array<T> out = Array<T>::from_shape(pooled_shape(x.shape(), g));
    // Where each output came from, as an offset within its input plane: backward needs nothing else.
    // (From the buffer pool and not zeroed: every entry is written below.)
    auto argmax = std::make_shared<Array<std::uint32_t>>(Array<std::uint32_t>::from_shape({g.planes * g.out_plane()}));
    const T* in = x.value().data();
    const bool two_by_two = g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0;
    if (two_by_two) {
        detail::parallel_for(g.planes, [&](std::size_t p0, std::size_t p1) { max_pool_2x2(in, g, p0, p1, out.data(), argmax->data()); }, 8);
    } else {
        for_each_window(g, [&](std::size_t p, std::size_t o, Window win) {
            const T* plane = in + p * g.in_plane();
            T best = -std::numeric_limits<T>::infinity();
            std::size_t where = win.h0 * g.W + win.w0;
            for (std::size_t h = win.h0; h < win.h1; ++h)
                for (std::size_t w = win.w0; w < win.w1; ++w)
                    if (plane[h * g.W + w] > best || std::isnan(plane[h * g.W + w])) {  // NaN propagates
                        best = plane[h * g.W + w];
                        where = h * g.W + w;
                    }
            out.data()[o] = best;
            (*argmax)[o] = static_cast<std::uint32_t>(where);
        });
    }
    // dx: each output's gradient added at the input it came from (added: overlapping windows can share a
    // winner), plane by plane so the plane stays in cache, with no branch per input (random winners defeat
    // the branch predictor).
    return Tensor<T>::from_op(std::move(out), "max_pool2d", {x}, [g, argmax](Node<T>& self, BackwardContext<T>& ctx) {
        Array<T> dx = Array<T>::from_shape(self.inputs[0]->shape);
        const T* grad = ctx.grad().data();
        const std::uint32_t* from = argmax->data();
        T* d = dx.data();
        detail::parallel_for(g.planes, [&](std::size_t p0, std::size_t p1) {
            for (std::size_t p = p0; p < p1; ++p) {
                T* plane = d + p * g.in_plane();
                std::fill(plane, plane + g.in_plane(), T(0));
                for (std::size_t o = p * g.out_plane(); o < (p + 1) * g.out_plane(); ++o)
                    plane[from[o]] += grad[o];
            }
        }, 8);
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}

template <class T> Tensor<T> avg_pool2d(const Tensor<T>& x, Size2 kernel, Pool2dOptions o) {
    const PoolGeometry g = pool_geometry("avg_pool2d", x, kernel, o);
    const bool include_pad = o.count_include_pad();
    // The divisor of each window: the full kernel, or only the part inside the input.
    const auto divisor = [g, include_pad](Window win) { return include_pad ? T(g.kh * g.kw) : T(win.size()); };
    Array<T> out = Array<T>::from_shape(pooled_shape(x.shape(), g));
    const T* in = x.value().data();
    for_each_window(g, [&](std::size_t p, std::size_t o, Window win) {
        const T* plane = in + p * g.in_plane();
        T total = 0;
        for (std::size_t h = win.h0; h < win.h1; ++h)
            for (std::size_t w = win.w0; w < win.w1; ++w)
                total += plane[h * g.W + w];
        out.data()[o] = total / divisor(win);
    });
    return Tensor<T>::from_op(std::move(out), "avg_pool2d", {x}, [g, divisor](Node<T>& self, BackwardContext<T>& ctx) {
        Array<T> dx = xt::zeros<T>(self.inputs[0]->shape);
        for_each_window(g, [&](std::size_t p, std::size_t o, Window win) {
            T* plane = dx.data() + p * g.in_plane();
            const T share = ctx.grad().data()[o] / divisor(win);
            for (std::size_t h = win.h0; h < win.h1; ++h)
                for (std::size_t w = win.w0; w < win.w1; ++w)
                    plane[h * g.W + w] += share;
        });
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}

template <class T> Tensor<T> global_avg_pool2d(const Tensor<T>& x) {
    if (x.dim() != 4)
        throw ShapeError(fmt::format("global_avg_pool2d: expects input [N, C, H, W], got {}", shape_str(x.shape())));
    const auto& xs = x.shape();
    const std::size_t planes = xs[0] * xs[1], P = xs[2] * xs[3];
    Array<T> out = Array<T>::from_shape({xs[0], xs[1]});
    const T* in = x.value().data();
    for (std::size_t p = 0; p < planes; ++p) {
        T total = 0;
        for (std::size_t i = 0; i < P; ++i)
            total += in[p * P + i];
        out.data()[p] = total / T(P);
    }
    return Tensor<T>::from_op(std::move(out), "global_avg_pool2d", {x}, [planes, P](Node<T>& self, BackwardContext<T>& ctx) {
        Array<T> dx = Array<T>::from_shape(self.inputs[0]->shape);
        for (std::size_t p = 0; p < planes; ++p)
            std::fill_n(dx.data() + p * P, P, ctx.grad().data()[p] / T(P));
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> max_pool2d(const Tensor<T>&, Size2, Pool2dOptions);                                     \
    template Tensor<T> avg_pool2d(const Tensor<T>&, Size2, Pool2dOptions);                                     \
    template Tensor<T> global_avg_pool2d(const Tensor<T>&);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad
