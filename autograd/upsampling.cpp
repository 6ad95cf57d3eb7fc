#include <aegrad/autograd/upsampling.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad {

namespace {

template <class T> void check_upsample(const char* op, const Tensor<T>& x, Size2 scale) {
    if (x.dim() != 4)
        throw ShapeError(fmt::format("{}: expects input [N, C, H, W], got {}", op, shape_str(x.shape())));
    if (scale.h == 0 || scale.w == 0)
        throw std::invalid_argument(fmt::format("{}: scale must be positive, got ({}, {})", op, scale.h, scale.w));
}

// Where output index i samples the input along one axis: between in[lo] and in[hi], weight `frac` on hi.
struct Tap {
    std::size_t lo, hi;
    double frac;
};
std::vector<Tap> bilinear_taps(std::size_t in, std::size_t scale) {
    std::vector<Tap> taps(in * scale);
    for (std::size_t i = 0; i < taps.size(); ++i) {
        const double src = std::max(0.0, (static_cast<double>(i) + 0.5) / static_cast<double>(scale) - 0.5);
        const auto lo = std::min(static_cast<std::size_t>(src), in - 1);
        taps[i] = {lo, std::min(lo + 1, in - 1), src - static_cast<double>(lo)};
    }
    return taps;
}

} // namespace

template <class T> Tensor<T> upsample_nearest2d(const Tensor<T>& x, Size2 scale) {
    check_upsample("upsample_nearest2d", x, scale);
    const auto& xs = x.shape();
    const std::size_t planes = xs[0] * xs[1], H = xs[2], W = xs[3], Ho = H * scale.h, Wo = W * scale.w;
    Array<T> out = Array<T>::from_shape({xs[0], xs[1], Ho, Wo});
    const T* in = x.value().data();
    detail::parallel_for(planes, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p)
            for (std::size_t i = 0; i < Ho; ++i)
                for (std::size_t j = 0; j < Wo; ++j)
                    out.data()[(p * Ho + i) * Wo + j] = in[(p * H + i / scale.h) * W + j / scale.w];
    }, 8);
    return Tensor<T>::from_op(std::move(out), "upsample_nearest2d", {x}, [scale, planes, H, W](Node<T>& self, BackwardContext<T>& ctx) {
        const std::size_t Ho = H * scale.h, Wo = W * scale.w;
        Array<T> dx = xt::zeros<T>(self.inputs[0]->shape);
        detail::parallel_for(planes, [&](std::size_t p0, std::size_t p1) {
            for (std::size_t p = p0; p < p1; ++p)
                for (std::size_t i = 0; i < Ho; ++i)
                    for (std::size_t j = 0; j < Wo; ++j)
                        dx.data()[(p * H + i / scale.h) * W + j / scale.w] += ctx.grad().data()[(p * Ho + i) * Wo + j];
        }, 8);
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}

template <class T> Tensor<T> upsample_bilinear2d(const Tensor<T>& x, Size2 scale) {
    check_upsample("upsample_bilinear2d", x, scale);
    const auto& xs = x.shape();
    const std::size_t planes = xs[0] * xs[1], H = xs[2], W = xs[3], Ho = H * scale.h, Wo = W * scale.w;
    auto rows = std::make_shared<const std::vector<Tap>>(bilinear_taps(H, scale.h));
    auto cols = std::make_shared<const std::vector<Tap>>(bilinear_taps(W, scale.w));
    Array<T> out = Array<T>::from_shape({xs[0], xs[1], Ho, Wo});
    const T* in = x.value().data();
    detail::parallel_for(planes, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p) {
            const T* plane = in + p * H * W;
            for (std::size_t i = 0; i < Ho; ++i) {
                const Tap r = (*rows)[i];
                for (std::size_t j = 0; j < Wo; ++j) {
                    const Tap c = (*cols)[j];
                    const T top = plane[r.lo * W + c.lo] * T(1 - c.frac) + plane[r.lo * W + c.hi] * T(c.frac);
                    const T bottom = plane[r.hi * W + c.lo] * T(1 - c.frac) + plane[r.hi * W + c.hi] * T(c.frac);
                    out.data()[(p * Ho + i) * Wo + j] = top * T(1 - r.frac) + bottom * T(r.frac);
                }
            }
        }
    }, 8);
    return Tensor<T>::from_op(std::move(out), "upsample_bilinear2d", {x}, [rows, cols, planes, H, W](Node<T>& self, BackwardContext<T>& ctx) {
        const std::size_t Ho = rows->size(), Wo = cols->size();
        Array<T> dx = xt::zeros<T>(self.inputs[0]->shape);
        detail::parallel_for(planes, [&](std::size_t p0, std::size_t p1) {
            for (std::size_t p = p0; p < p1; ++p) {
                T* plane = dx.data() + p * H * W;
                for (std::size_t i = 0; i < Ho; ++i) {
                    const Tap r = (*rows)[i];
                    for (std::size_t j = 0; j < Wo; ++j) {
                        const Tap c = (*cols)[j];
                        const T g = ctx.grad().data()[(p * Ho + i) * Wo + j];
                        plane[r.lo * W + c.lo] += g * T((1 - r.frac) * (1 - c.frac));
                        plane[r.lo * W + c.hi] += g * T((1 - r.frac) * c.frac);
                        plane[r.hi * W + c.lo] += g * T(r.frac * (1 - c.frac));
                        plane[r.hi * W + c.hi] += g * T(r.frac * c.frac);
                    }
                }
            }
        }, 8);
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> upsample_nearest2d(const Tensor<T>&, Size2);                                            \
    template Tensor<T> upsample_bilinear2d(const Tensor<T>&, Size2);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad
