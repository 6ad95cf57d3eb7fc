#include <aegrad/autograd/batch_norm.hpp>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/errors.hpp>

namespace aegrad {

namespace {
// x viewed as [B, C, S]: S = H W for images, 1 for rows.
struct Layout {
    std::size_t batch, channels, spatial;
    std::size_t count() const { return batch * spatial; }  // values per channel
    std::size_t at(std::size_t b, std::size_t c, std::size_t s) const { return (b * channels + c) * spatial + s; }
};

template <class F> void for_channel(const Layout& l, std::size_t c, F f) {
    for (std::size_t b = 0; b < l.batch; ++b)
        for (std::size_t s = 0; s < l.spatial; ++s)
            f(l.at(b, c, s));
}

template <class T> T param_or(const Tensor<T>& p, std::size_t c, T fallback) {
    return p.defined() ? p.value().data()[c] : fallback;
}
} // namespace

template <class T>
Tensor<T> batch_norm(const Tensor<T>& x, const Tensor<T>& gamma, const Tensor<T>& beta, typename Tensor<T>::Array* running_mean,
                     typename Tensor<T>::Array* running_var, const BatchNormOptions& o) {
    if (x.dim() != 2 && x.dim() != 4)
        throw ShapeError(fmt::format("batch_norm: input {} is neither [B, C] nor [B, C, H, W]", shape_str(x.shape())));
    const Layout l{x.shape()[0], x.shape()[1], x.dim() == 4 ? x.shape()[2] * x.shape()[3] : 1};
    for (const Tensor<T>* p : {&gamma, &beta})
        if (p->defined() && p->shape() != Shape{l.channels})
            throw_shapes("batch_norm", "gamma and beta must be [C] for input", p->shape(), x.shape());
    for (const Array<T>* r : {running_mean, running_var})
        if (r && r->size() != l.channels)
            throw_shapes("batch_norm", "running statistics must be [C] for input", Shape(r->shape().begin(), r->shape().end()),
                         x.shape());
    if (o.training() && l.count() < 2)
        throw ShapeError(fmt::format("batch_norm: input {} has one value per channel; training needs more to take a "
                                     "variance", shape_str(x.shape())));
    if (!o.training() && (!running_mean || !running_var))
        throw std::invalid_argument("batch_norm: evaluation needs the running mean and variance");

    const T* xv = x.value().data();
    const T n = static_cast<T>(l.count());
    std::vector<T> inv_std(l.channels);
    Array<T> x_hat = Array<T>::from_shape(x.shape());  // (x - mean) / sqrt(var + eps), kept for backward
    for (std::size_t c = 0; c < l.channels; ++c) {
        T mean, var;
        if (o.training()) {
            T sum = 0, sq = 0;
            for_channel(l, c, [&](std::size_t i) { sum += xv[i]; });
            mean = sum / n;
            for_channel(l, c, [&](std::size_t i) { sq += (xv[i] - mean) * (xv[i] - mean); });
            var = sq / n;
            const T m = static_cast<T>(o.momentum());
            if (running_mean)
                running_mean->data()[c] = (1 - m) * running_mean->data()[c] + m * mean;
            if (running_var)
                running_var->data()[c] = (1 - m) * running_var->data()[c] + m * sq / (n - 1);
        } else {
            mean = running_mean->data()[c];
            var = running_var->data()[c];
        }
        inv_std[c] = T(1) / std::sqrt(var + static_cast<T>(o.eps()));
        for_channel(l, c, [&](std::size_t i) { x_hat.data()[i] = (xv[i] - mean) * inv_std[c]; });
    }
    Array<T> y = Array<T>::from_shape(x.shape());
    for (std::size_t c = 0; c < l.channels; ++c) {
        const T g = param_or(gamma, c, T(1)), b = param_or(beta, c, T(0));
        for_channel(l, c, [&](std::size_t i) { y.data()[i] = g * x_hat.data()[i] + b; });
    }

    const bool training = o.training();
    std::vector<Tensor<T>> inputs{x};
    for (const Tensor<T>* p : {&gamma, &beta})
        if (p->defined())
            inputs.push_back(*p);
    const bool has_gamma = gamma.defined(), has_beta = beta.defined();
    return Tensor<T>::from_op(
        std::move(y), "batch_norm", std::move(inputs),
        [l, n, training, has_gamma, has_beta, inv_std = std::move(inv_std),
         x_hat = std::move(x_hat)](Node<T>& self, BackwardContext<T>& ctx) {
            const T* g = ctx.grad().data();
            const T* xh = x_hat.data();
            Node<T>* gamma = has_gamma ? self.inputs[1].get() : nullptr;
            Node<T>* beta = has_beta ? self.inputs.back().get() : nullptr;
            Array<T> dgamma = Array<T>::from_shape({l.channels}), dbeta = Array<T>::from_shape({l.channels});
            Array<T> dx = Array<T>::from_shape(self.inputs[0]->shape);
            for (std::size_t c = 0; c < l.channels; ++c) {
                T sum_g = 0, sum_g_xhat = 0;
                for_channel(l, c, [&](std::size_t i) { sum_g += g[i], sum_g_xhat += g[i] * xh[i]; });
                dbeta.data()[c] = sum_g;          // dy/dbeta = 1
                dgamma.data()[c] = sum_g_xhat;    // dy/dgamma = x_hat
                const T scale = (gamma ? gamma->get_value().data()[c] : T(1)) * inv_std[c];
                if (training)  // mean and variance depend on x: dx = gamma / sigma (g - mean(g) - x_hat mean(g x_hat))
                    for_channel(l, c, [&](std::size_t i) { dx.data()[i] = scale * (g[i] - sum_g / n - xh[i] * sum_g_xhat / n); });
                else  // fixed statistics: an affine map per channel
                    for_channel(l, c, [&](std::size_t i) { dx.data()[i] = scale * g[i]; });
            }
            if (gamma)
                accumulate_grad(*gamma, std::move(dgamma));
            if (beta)
                accumulate_grad(*beta, std::move(dbeta));
            accumulate_grad(*self.inputs[0], std::move(dx));
        });
}

template Tensor<float> batch_norm(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, Array<float>*,
                                  Array<float>*, const BatchNormOptions&);
template Tensor<double> batch_norm(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, Array<double>*,
                                   Array<double>*, const BatchNormOptions&);

} // namespace aegrad
