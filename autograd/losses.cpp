#include <aegrad/autograd/losses.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <aegrad/autograd/detail/squared_error.hpp>

namespace aegrad {

namespace {
template <class T> void require_same_shape(const char* op, const Tensor<T>& a, const Tensor<T>& b) {
    if (a.shape() != b.shape())
        throw_shapes(op, "prediction and target shapes differ:", a.shape(), b.shape());
}
} // namespace

template <class T> Tensor<T> mse_loss(const Tensor<T>& prediction, const Tensor<T>& target) {
    require_same_shape("mse_loss", prediction, target);
    const T n = static_cast<T>(prediction.size());
    const T slope = T(2) / n;  // d mean(e^2) / dp = 2 e / n
    const T* p = prediction.value().data();
    const T* t = target.value().data();
    if (!Tensor<T>::recording({prediction, target}))  // no backward will run: only the loss
        return Tensor<T>::from_op(Array<T>(detail::squared_error(p, t, prediction.size(), slope, static_cast<T*>(nullptr)) / n),
                                  "mse_loss", {prediction, target}, nullptr);
    // The forward pass writes the prediction's gradient on its way, so backward needs no second pass over
    // a batch-sized array.
    Array<T> dpred = Array<T>::from_shape(prediction.shape());
    const T total = detail::squared_error(p, t, prediction.size(), slope, dpred.data());
    // d/dp = g 2 (p - t) / n;  d/dt = -d/dp
    return Tensor<T>::from_op(Array<T>(total / n), "mse_loss", {prediction, target},
                              [dpred = std::move(dpred)](Node<T>& self, BackwardContext<T>& ctx) mutable {
                                  const T g = ctx.grad()();
                                  if (self.inputs[1]->requires_grad)
                                      accumulate_grad(*self.inputs[1], -g * dpred);
                                  Array<T> dp = ctx.take(dpred);
                                  if (g != T(1))
                                      dp *= g;
                                  accumulate_grad(*self.inputs[0], std::move(dp));
                              });
}

template <class T> Tensor<T> masked_mse_loss(const Tensor<T>& prediction, const Tensor<T>& target, const Array<T>& mask) {
    require_same_shape("masked_mse_loss", prediction, target);
    if (mask.shape() != prediction.value().shape())
        throw_shapes("masked_mse_loss", "mask and prediction shapes differ:", Shape(mask.shape().begin(), mask.shape().end()),
                     prediction.shape());
    const T count = xt::sum(mask)();
    const T scale = count > T(0) ? T(1) / count : T(0);
    Array<T> weighted_error = mask * (prediction.value() - target.value());  // m e
    const T total = xt::sum(weighted_error * (prediction.value() - target.value()))();
    // d/dp = g 2 m e / sum(m);  d/dt = -d/dp
    return Tensor<T>::from_op(Array<T>(total * scale), "masked_mse_loss", {prediction, target},
                              [weighted_error = std::move(weighted_error), scale](Node<T>& self, BackwardContext<T>& ctx) {
                                  const T g = T(2) * scale * ctx.grad()();
                                  if (self.inputs[1]->requires_grad)
                                      accumulate_grad(*self.inputs[1], -g * weighted_error);
                                  accumulate_grad(*self.inputs[0], g * weighted_error);
                              });
}

template <class T> Tensor<T> binary_cross_entropy(const Tensor<T>& p, const Tensor<T>& target) {
    require_same_shape("binary_cross_entropy", p, target);
    const auto& v = p.value();
    if (!xt::all(v >= T(0) && v <= T(1)))
        throw std::invalid_argument("binary_cross_entropy: every probability must be in [0, 1] (use bce_with_logits "
                                    "for logits, or a sigmoid output)");
    const T n = static_cast<T>(p.size());
    const T floor = T(-100);
    Array<T> log_p = xt::maximum(xt::log(v), floor), log_q = xt::maximum(xt::log(T(1) - v), floor);
    const auto& t = target.value();
    const T total = -xt::sum(t * log_p + (T(1) - t) * log_q)();
    return Tensor<T>::from_op(Array<T>(total / n), "binary_cross_entropy", {p, target},
                              [n, log_p = std::move(log_p), log_q = std::move(log_q)](Node<T>& self, BackwardContext<T>& ctx) {
                                  const T scale = ctx.grad()() / n;
                                  const auto& v = self.inputs[0]->get_value();
                                  const auto& t = self.inputs[1]->get_value();
                                  // d/dp = (p - t) / (p (1 - p)), its denominator kept from zero as PyTorch does;
                                  // d/dt = log(1 - p) - log p
                                  accumulate_grad(*self.inputs[0],
                                                  scale * (v - t) / xt::maximum(v * (T(1) - v), T(1e-12)));
                                  if (self.inputs[1]->requires_grad)
                                      accumulate_grad(*self.inputs[1], scale * (log_q - log_p));
                              });
}

template <class T> Tensor<T> bce_with_logits(const Tensor<T>& logits, const Tensor<T>& target) {
    require_same_shape("bce_with_logits", logits, target);
    const auto& x = logits.value();
    const auto& t = target.value();
    const T n = static_cast<T>(logits.size());
    T total = xt::sum(xt::maximum(x, T(0)) - x * t + xt::log1p(xt::exp(-xt::abs(x))))();
    return Tensor<T>::from_op(Array<T>(total / n), "bce_with_logits", {logits, target}, [n](Node<T>& self, BackwardContext<T>& ctx) {
        const auto& x = self.inputs[0]->get_value();
        const auto& t = self.inputs[1]->get_value();
        const T scale = ctx.grad()() / n;
        // d/dx = sigmoid(x) - t; d/dt = -x
        auto sig = xt::where(x >= T(0), T(1) / (T(1) + xt::exp(-x)), xt::exp(x) / (T(1) + xt::exp(x)));
        accumulate_grad(*self.inputs[0], scale * (sig - t));
        accumulate_grad(*self.inputs[1], -scale * x);
    });
}

template <class T> Tensor<T> cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels) {
    if (logits.dim() != 2 || logits.shape()[0] != labels.size())
        throw ShapeError(fmt::format("cross_entropy: logits {} need shape [B, C] with B = {} labels",
                                     shape_str(logits.shape()), labels.size()));
    const std::size_t batch = logits.shape()[0], classes = logits.shape()[1];
    // softmax row by row, kept for backward: dlogits = (softmax - onehot) / B
    Array<T> probs = Array<T>::from_shape(logits.shape());
    T total = 0;
    for (std::size_t i = 0; i < batch; ++i) {
        if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= classes)
            throw std::invalid_argument(
                fmt::format("cross_entropy: label {} at index {} is outside [0, {})", labels[i], i, classes));
        const T* row = logits.value().data() + i * classes;
        T* p = probs.data() + i * classes;
        const T top = *std::max_element(row, row + classes);
        T sum = 0;
        for (std::size_t c = 0; c < classes; ++c)
            sum += p[c] = std::exp(row[c] - top);
        for (std::size_t c = 0; c < classes; ++c)
            p[c] /= sum;
        total += top + std::log(sum) - row[labels[i]];
    }
    const T b = static_cast<T>(batch);
    return Tensor<T>::from_op(Array<T>(total / b), "cross_entropy", {logits},
                              [probs = std::move(probs), labels, b, classes](Node<T>& self, BackwardContext<T>& ctx) {
                                  Array<T> d = probs;
                                  for (std::size_t i = 0; i < labels.size(); ++i)
                                      d.data()[i * classes + labels[i]] -= T(1);
                                  accumulate_grad(*self.inputs[0], (ctx.grad()() / b) * d);
                              });
}

template <class T> Tensor<T> gaussian_kl(const Tensor<T>& mu, const Tensor<T>& log_var) {
    if (mu.shape() != log_var.shape() || mu.dim() != 2)
        throw_shapes("gaussian_kl", "mu and log_var must both be [B, d], got", mu.shape(), log_var.shape());
    const auto& m = mu.value();
    const auto& lv = log_var.value();
    const T b = static_cast<T>(mu.shape()[0]);
    const T total = T(-0.5) * xt::sum(T(1) + lv - m * m - xt::exp(lv))();
    return Tensor<T>::from_op(Array<T>(total / b), "gaussian_kl", {mu, log_var}, [b](Node<T>& self, BackwardContext<T>& ctx) {
        const T scale = ctx.grad()() / b;
        // d/dmu = mu; d/dlog_var = (exp(log_var) - 1) / 2
        accumulate_grad(*self.inputs[0], scale * self.inputs[0]->get_value());
        accumulate_grad(*self.inputs[1], scale * T(0.5) * (xt::exp(self.inputs[1]->get_value()) - T(1)));
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> mse_loss(const Tensor<T>&, const Tensor<T>&);                                           \
    template Tensor<T> bce_with_logits(const Tensor<T>&, const Tensor<T>&);                                    \
    template Tensor<T> masked_mse_loss(const Tensor<T>&, const Tensor<T>&, const Array<T>&);                   \
    template Tensor<T> binary_cross_entropy(const Tensor<T>&, const Tensor<T>&);                               \
    template Tensor<T> cross_entropy(const Tensor<T>&, const std::vector<int>&);                               \
    template Tensor<T> gaussian_kl(const Tensor<T>&, const Tensor<T>&);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
