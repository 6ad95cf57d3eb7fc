#include <aegrad/autograd/activations.hpp>

#include <cmath>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

namespace aegrad {

namespace {
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

template <class T> T stable_sigmoid(T v) {
    if (v >= T(0))
        return T(1) / (T(1) + std::exp(-v));
    const T e = std::exp(v);
    return e / (T(1) + e);
}

// A tensor seen as [outer, n, inner] around `axis`, so softmax can walk each slice along it.
struct AxisLayout {
    std::size_t outer = 1, n = 1, inner = 1;
};

AxisLayout axis_layout(const char* op, const Shape& shape, int axis) {
    const int rank = static_cast<int>(shape.size());
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        throw ShapeError(fmt::format("{}: axis {} is out of range for shape {}", op, axis, shape_str(shape)));
    AxisLayout l;
    for (int i = 0; i < rank; ++i)
        (i < a ? l.outer : i == a ? l.n : l.inner) *= shape[i];
    return l;
}

// The largest of n entries `stride` apart: subtracted before exp, so exp cannot overflow.
template <class T> T slice_max(const T* x, std::size_t stride, std::size_t n) {
    T top = x[0];
    for (std::size_t j = 1; j < n; ++j)
        top = std::max(top, x[j * stride]);
    return top;
}

// Calls fn(offset, stride) for each 1-D slice along the axis.
template <class Fn> void for_each_slice(const AxisLayout& l, Fn&& fn) {
    for (std::size_t o = 0; o < l.outer; ++o)
        for (std::size_t i = 0; i < l.inner; ++i)
            fn(o * l.n * l.inner + i, l.inner);
}
} // namespace

template <class T> Tensor<T> relu(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::maximum(x.value(), T(0)), "relu", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], xt::where(self.value > T(0), ctx.grad(), T(0)));
    });
}

template <class T> Tensor<T> leaky_relu(const Tensor<T>& x, Scalar<T> slope) {
    const auto& v = x.value();
    return Tensor<T>::from_op(xt::where(v > T(0), v, slope * v), "leaky_relu", {x}, [slope](Node<T>& self, BackwardContext<T>& ctx) {
        const auto& v = self.inputs[0]->get_value();
        accumulate_grad(*self.inputs[0], xt::where(v > T(0), ctx.grad(), slope * ctx.grad()));
    });
}

template <class T> Tensor<T> elu(const Tensor<T>& x, Scalar<T> alpha) {
    const auto& v = x.value();
    return Tensor<T>::from_op(xt::where(v > T(0), v, alpha * (xt::exp(v) - T(1))), "elu", {x},
                              [alpha](Node<T>& self, BackwardContext<T>& ctx) {
                                  // for x <= 0: d/dx alpha (e^x - 1) = alpha e^x = out + alpha
                                  const auto& v = self.inputs[0]->get_value();
                                  accumulate_grad(*self.inputs[0],
                                                  xt::where(v > T(0), ctx.grad(), ctx.grad() * (self.value + alpha)));
                              });
}

template <class T> Tensor<T> selu(const Tensor<T>& x) {
    const T alpha = T(kSeluAlpha), scale = T(kSeluScale);
    const auto& v = x.value();
    return Tensor<T>::from_op(scale * xt::where(v > T(0), v, alpha * (xt::exp(v) - T(1))), "selu", {x},
                              [alpha, scale](Node<T>& self, BackwardContext<T>& ctx) {
                                  const auto& v = self.inputs[0]->get_value();
                                  accumulate_grad(*self.inputs[0],
                                                  xt::where(v > T(0), scale * ctx.grad(),
                                                            ctx.grad() * (self.value + scale * alpha)));
                              });
}

template <class T> Tensor<T> sigmoid(const Tensor<T>& x) {
    Array<T> out = Array<T>::from_shape(x.shape());
    std::transform(x.value().begin(), x.value().end(), out.begin(), stable_sigmoid<T>);
    return Tensor<T>::from_op(std::move(out), "sigmoid", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() * self.value * (T(1) - self.value));
    });
}

template <class T> Tensor<T> tanh(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::tanh(x.value()), "tanh", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() * (T(1) - self.value * self.value));
    });
}

template <class T> Tensor<T> softplus(const Tensor<T>& x) {
    const auto& v = x.value();
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never exponentiates a large positive number.
    return Tensor<T>::from_op(xt::maximum(v, T(0)) + xt::log1p(xt::exp(-xt::abs(v))), "softplus", {x},
                              [](Node<T>& self, BackwardContext<T>& ctx) {
                                  const auto& v = self.inputs[0]->get_value();
                                  Array<T> s = Array<T>::from_shape(v.shape());
                                  std::transform(v.begin(), v.end(), s.begin(), stable_sigmoid<T>);
                                  accumulate_grad(*self.inputs[0], ctx.grad() * s);
                              });
}

namespace {
// softmax (p = exp(x - lse)) or log_softmax (x - lse), with lse = log sum exp(x) along the axis. Both
// backward rules are dx = u - p sum(u) along the axis, with u = p g for softmax and u = g for log_softmax.
template <class T> Tensor<T> softmax_family(const char* op, const Tensor<T>& x, int axis, bool log) {
    const AxisLayout l = axis_layout(op, x.shape(), axis);
    Array<T> out = Array<T>::from_shape(x.shape());
    const T* in = x.value().data();
    T* o = out.data();
    for_each_slice(l, [&](std::size_t off, std::size_t stride) {
        const T top = slice_max(in + off, stride, l.n);
        T total = 0;
        for (std::size_t j = 0; j < l.n; ++j)
            total += std::exp(in[off + j * stride] - top);
        const T lse = top + std::log(total);
        for (std::size_t j = 0; j < l.n; ++j) {
            const T shifted = in[off + j * stride] - lse;
            o[off + j * stride] = log ? shifted : std::exp(shifted);
        }
    });
    return Tensor<T>::from_op(std::move(out), op, {x}, [l, log](Node<T>& self, BackwardContext<T>& ctx) {
        Array<T> dx = Array<T>::from_shape(self.shape);
        const T *y = self.value.data(), *g = ctx.grad().data();
        T* d = dx.data();
        for_each_slice(l, [&](std::size_t off, std::size_t stride) {
            T sum_u = 0;
            for (std::size_t j = 0; j < l.n; ++j) {
                const std::size_t i = off + j * stride;
                sum_u += log ? g[i] : y[i] * g[i];
            }
            for (std::size_t j = 0; j < l.n; ++j) {
                const std::size_t i = off + j * stride;
                const T p = log ? std::exp(y[i]) : y[i];
                d[i] = (log ? g[i] : p * g[i]) - p * sum_u;
            }
        });
        accumulate_grad(*self.inputs[0], std::move(dx));
    });
}
} // namespace

template <class T> Tensor<T> softmax(const Tensor<T>& x, int axis) { return softmax_family("softmax", x, axis, false); }

template <class T> Tensor<T> log_softmax(const Tensor<T>& x, int axis) {
    return softmax_family("log_softmax", x, axis, true);
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> relu(const Tensor<T>&);                                                                 \
    template Tensor<T> leaky_relu(const Tensor<T>&, T);                                                        \
    template Tensor<T> elu(const Tensor<T>&, T);                                                               \
    template Tensor<T> selu(const Tensor<T>&);                                                                 \
    template Tensor<T> sigmoid(const Tensor<T>&);                                                              \
    template Tensor<T> tanh(const Tensor<T>&);                                                                 \
    template Tensor<T> softplus(const Tensor<T>&);                                                             \
    template Tensor<T> softmax(const Tensor<T>&, int);                                                         \
    template Tensor<T> log_softmax(const Tensor<T>&, int);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
