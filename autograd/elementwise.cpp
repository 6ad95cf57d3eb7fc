#include <aegrad/autograd/elementwise.hpp>

#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <aegrad/autograd/broadcast.hpp>

namespace aegrad {

namespace {
// The operands broadcast to the output shape; the check happens first so the error names the op.
template <class T> void check_broadcast(const char* op, const Tensor<T>& a, const Tensor<T>& b) {
    if (a.shape() != b.shape())
        broadcast_shapes(op, a.shape(), b.shape());
}
} // namespace

template <class T> Tensor<T> add(const Tensor<T>& a, const Tensor<T>& b) {
    check_broadcast("add", a, b);
    return Tensor<T>::from_op(a.value() + b.value(), "add", {a, b}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_reduced(*self.inputs[0], ctx.grad());
        if (self.inputs[1]->requires_grad)
            accumulate_reduced(*self.inputs[1], ctx.take_grad());  // last: it may take the buffer itself
    });
}

template <class T> Tensor<T> sub(const Tensor<T>& a, const Tensor<T>& b) {
    check_broadcast("sub", a, b);
    return Tensor<T>::from_op(a.value() - b.value(), "sub", {a, b}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_reduced(*self.inputs[0], ctx.grad());
        if (self.inputs[1]->requires_grad)
            accumulate_reduced(*self.inputs[1], Array<T>(-ctx.grad()));
    });
}

template <class T> Tensor<T> mul(const Tensor<T>& a, const Tensor<T>& b) {
    check_broadcast("mul", a, b);
    return Tensor<T>::from_op(a.value() * b.value(), "mul", {a, b}, [](Node<T>& self, BackwardContext<T>& ctx) {
        auto& a = *self.inputs[0];
        auto& b = *self.inputs[1];
        if (a.requires_grad)  // d(ab)/da = b
            accumulate_reduced(a, Array<T>(ctx.grad() * b.get_value()));
        if (b.requires_grad)  // d(ab)/db = a
            accumulate_reduced(b, Array<T>(ctx.grad() * a.get_value()));
    });
}

template <class T> Tensor<T> div(const Tensor<T>& a, const Tensor<T>& b) {
    check_broadcast("div", a, b);
    return Tensor<T>::from_op(a.value() / b.value(), "div", {a, b}, [](Node<T>& self, BackwardContext<T>& ctx) {
        auto& a = *self.inputs[0];
        auto& b = *self.inputs[1];
        if (a.requires_grad)  // d(a/b)/da = 1/b
            accumulate_reduced(a, Array<T>(ctx.grad() / b.get_value()));
        if (b.requires_grad)  // d(a/b)/db = -a/b^2 = -out/b
            accumulate_reduced(b, Array<T>(-ctx.grad() * self.value / b.get_value()));
    });
}

template <class T> Tensor<T> neg(const Tensor<T>& x) {
    return Tensor<T>::from_op(-x.value(), "neg", {x},
                              [](Node<T>& self, BackwardContext<T>& ctx) { accumulate_grad(*self.inputs[0], -ctx.grad()); });
}

template <class T> Tensor<T> exp(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::exp(x.value()), "exp", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() * self.value);  // d exp(x) = exp(x)
    });
}

template <class T> Tensor<T> log(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::log(x.value()), "log", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() / self.inputs[0]->get_value());
    });
}

template <class T> Tensor<T> sqrt(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::sqrt(x.value()), "sqrt", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() / (T(2) * self.value));
    });
}

namespace {
// x^p element by element with std::pow, which follows C's rules at the edges (0^0 = 1, 0^-1 = inf, a negative
// base to an integer power). xsimd's vector pow, used by xt::pow in a build without -march=native, computes
// exp(p log x) and gets those wrong (0^0 = 0).
template <class T> Array<T> power(const Array<T>& x, T p) {
    Array<T> out = Array<T>::from_shape(x.shape());
    std::transform(x.begin(), x.end(), out.begin(), [p](T v) { return std::pow(v, p); });
    return out;
}
} // namespace

template <class T> Tensor<T> pow(const Tensor<T>& x, Scalar<T> p) {
    // d/dx x^p = p x^(p-1); for p = 0 that is 0 everywhere, where the formula gives 0 * inf = NaN at x = 0.
    return Tensor<T>::from_op(power(x.value(), T(p)), "pow", {x}, [p](Node<T>& self, BackwardContext<T>& ctx) {
        if (p == T(0))
            accumulate_grad(*self.inputs[0], Array<T>(xt::zeros_like(ctx.grad())));
        else
            accumulate_grad(*self.inputs[0], ctx.grad() * p * power(self.inputs[0]->get_value(), T(p - T(1))));
    });
}

template <class T> Tensor<T> abs(const Tensor<T>& x) {
    return Tensor<T>::from_op(xt::abs(x.value()), "abs", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() * xt::sign(self.inputs[0]->get_value()));
    });
}

template <class T> Tensor<T> clamp(const Tensor<T>& x, Scalar<T> lo, Scalar<T> hi) {
    if (lo > hi)
        throw std::invalid_argument("clamp: lower bound exceeds upper bound");
    return Tensor<T>::from_op(xt::clip(x.value(), lo, hi), "clamp", {x}, [lo, hi](Node<T>& self, BackwardContext<T>& ctx) {
        const auto& v = self.inputs[0]->get_value();
        accumulate_grad(*self.inputs[0], xt::where(v >= lo && v <= hi, ctx.grad(), T(0)));
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> add(const Tensor<T>&, const Tensor<T>&);                                                \
    template Tensor<T> sub(const Tensor<T>&, const Tensor<T>&);                                                \
    template Tensor<T> mul(const Tensor<T>&, const Tensor<T>&);                                                \
    template Tensor<T> div(const Tensor<T>&, const Tensor<T>&);                                                \
    template Tensor<T> neg(const Tensor<T>&);                                                                  \
    template Tensor<T> exp(const Tensor<T>&);                                                                  \
    template Tensor<T> log(const Tensor<T>&);                                                                  \
    template Tensor<T> sqrt(const Tensor<T>&);                                                                 \
    template Tensor<T> pow(const Tensor<T>&, T);                                                               \
    template Tensor<T> abs(const Tensor<T>&);                                                                  \
    template Tensor<T> clamp(const Tensor<T>&, T, T);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
