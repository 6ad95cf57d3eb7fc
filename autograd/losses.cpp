#include "autograd/losses.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <xsimd/xsimd.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "autograd/parallel.hpp"

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
    // The forward pass writes the gradient for the prediction right away, so that backward can hand this
    // buffer on instead of making another pass over a batch-sized array.
    xt::xarray<T> dpred = xt::xarray<T>::from_shape(prediction.shape());
    const T* p = prediction.value().data();
    const T* t = target.value().data();
    T* d = dpred.data();
    // In parallel blocks of fixed size, each summed in SIMD lanes; the blocks' sums are added in order, so the
    // result does not depend on the number of threads. (Written with xsimd: GCC vectorised the plain loop's
    // subtraction but summed the squares one lane at a time.)
    using Batch = xsimd::batch<T>;
    constexpr std::size_t kLanes = Batch::size;
    constexpr std::size_t kBlock = 1 << 14;
    const std::size_t size = dpred.size(), blocks = (size + kBlock - 1) / kBlock;
    std::vector<T> block_sums(blocks, T(0));
    parallel_for(blocks, [&](std::size_t b0, std::size_t b1) {
        const Batch scale(slope);
        for (std::size_t blk = b0; blk < b1; ++blk) {
            const std::size_t begin = blk * kBlock, end = std::min(size, begin + kBlock);
            Batch squares(T(0));
            std::size_t i = begin;
            for (; i + kLanes <= end; i += kLanes) {
                const Batch e = Batch::load_unaligned(p + i) - Batch::load_unaligned(t + i);
                (scale * e).store_unaligned(d + i);
                squares = xsimd::fma(e, e, squares);
            }
            T sum = xsimd::hadd(squares);
            for (; i < end; ++i) {
                const T e = p[i] - t[i];
                d[i] = slope * e;
                sum += e * e;
            }
            block_sums[blk] = sum;
        }
    });
    T total = 0;
    for (T s : block_sums)
        total += s;
    return Tensor<T>::from_op(xt::xarray<T>(total / n), "mse_loss", {prediction, target},
                              [dpred = std::move(dpred)](Node<T>& self) mutable {
                                  const T g = self.grad();
                                  Node<T>& pred = *self.inputs[0];
                                  Node<T>& targ = *self.inputs[1];
                                  if (targ.requires_grad)
                                      accumulate_grad(targ, -g * dpred);
                                  if (!self.grad_donatable) {  // a retained graph may run this again
                                      accumulate_grad(pred, g * dpred);
                                      return;
                                  }
                                  if (g != T(1))
                                      dpred *= g;
                                  accumulate_grad(pred, std::move(dpred));  // the buffer itself, no copy
                              });
}

template <class T> Tensor<T> bce_with_logits(const Tensor<T>& logits, const Tensor<T>& target) {
    require_same_shape("bce_with_logits", logits, target);
    const auto& x = logits.value();
    const auto& t = target.value();
    const T n = static_cast<T>(logits.size());
    T total = xt::sum(xt::maximum(x, T(0)) - x * t + xt::log1p(xt::exp(-xt::abs(x))))();
    return Tensor<T>::from_op(xt::xarray<T>(total / n), "bce_with_logits", {logits, target}, [n](Node<T>& self) {
        const auto& x = self.inputs[0]->get_value();
        const auto& t = self.inputs[1]->get_value();
        const T scale = self.grad() / n;
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
    xt::xarray<T> probs = xt::xarray<T>::from_shape(logits.shape());
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
    return Tensor<T>::from_op(xt::xarray<T>(total / b), "cross_entropy", {logits},
                              [probs = std::move(probs), labels, b, classes](Node<T>& self) {
                                  xt::xarray<T> d = probs;
                                  for (std::size_t i = 0; i < labels.size(); ++i)
                                      d.data()[i * classes + labels[i]] -= T(1);
                                  accumulate_grad(*self.inputs[0], (self.grad() / b) * d);
                              });
}

template <class T> Tensor<T> gaussian_kl(const Tensor<T>& mu, const Tensor<T>& log_var) {
    if (mu.shape() != log_var.shape() || mu.dim() != 2)
        throw_shapes("gaussian_kl", "mu and log_var must both be [B, d], got", mu.shape(), log_var.shape());
    const auto& m = mu.value();
    const auto& lv = log_var.value();
    const T b = static_cast<T>(mu.shape()[0]);
    const T total = T(-0.5) * xt::sum(T(1) + lv - m * m - xt::exp(lv))();
    return Tensor<T>::from_op(xt::xarray<T>(total / b), "gaussian_kl", {mu, log_var}, [b](Node<T>& self) {
        const T scale = self.grad() / b;
        // d/dmu = mu; d/dlog_var = (exp(log_var) - 1) / 2
        accumulate_grad(*self.inputs[0], scale * self.inputs[0]->get_value());
        accumulate_grad(*self.inputs[1], scale * T(0.5) * (xt::exp(self.inputs[1]->get_value()) - T(1)));
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> mse_loss(const Tensor<T>&, const Tensor<T>&);                                           \
    template Tensor<T> bce_with_logits(const Tensor<T>&, const Tensor<T>&);                                    \
    template Tensor<T> cross_entropy(const Tensor<T>&, const std::vector<int>&);                               \
    template Tensor<T> gaussian_kl(const Tensor<T>&, const Tensor<T>&);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
