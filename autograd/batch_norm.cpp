#include <aegrad/autograd/batch_norm.hpp>

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/detail/batch_norm_kernels.hpp>
#include <aegrad/autograd/errors.hpp>

namespace aegrad {

template <class T>
Tensor<T> batch_norm(const Tensor<T>& x, const Tensor<T>& gamma, const Tensor<T>& beta, typename Tensor<T>::Array* running_mean,
                     typename Tensor<T>::Array* running_var, const BatchNormOptions& o) {
    if (x.dim() != 2 && x.dim() != 4)
        throw ShapeError(fmt::format("batch_norm: input {} is neither [B, C] nor [B, C, H, W]", shape_str(x.shape())));
    const detail::ChannelLayout l{x.shape()[0], x.shape()[1], x.dim() == 4 ? x.shape()[2] * x.shape()[3] : 1};
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

    // The statistics: the batch's in training (moving the running ones towards them), the running ones in
    // evaluation.
    const std::size_t C = l.channels;
    std::vector<T> mean(C), var(C), inv_std(C), scale(C), shift(C);
    if (o.training()) {
        detail::channel_statistics(l, x.value().data(), mean.data(), var.data());
        const T m = static_cast<T>(o.momentum()), unbiased = static_cast<T>(l.count()) / static_cast<T>(l.count() - 1);
        for (std::size_t c = 0; c < C; ++c) {
            if (running_mean)
                running_mean->data()[c] = (1 - m) * running_mean->data()[c] + m * mean[c];
            if (running_var)
                running_var->data()[c] = (1 - m) * running_var->data()[c] + m * var[c] * unbiased;
        }
    } else {
        std::copy_n(running_mean->data(), C, mean.data());
        std::copy_n(running_var->data(), C, var.data());
    }
    // y = e(gamma x_hat + beta), x_hat = (x - mean) / sigma: per channel the affine map scale x + shift.
    for (std::size_t c = 0; c < C; ++c) {
        inv_std[c] = T(1) / std::sqrt(var[c] + static_cast<T>(o.eps()));
        scale[c] = (gamma.defined() ? gamma.value().data()[c] : T(1)) * inv_std[c];
        shift[c] = (beta.defined() ? beta.value().data()[c] : T(0)) - mean[c] * scale[c];
    }
    Array<T> y = Array<T>::from_shape(x.shape());
    detail::channel_affine(l, x.value().data(), scale.data(), shift.data(), o.epilogue(), y.data());

    std::vector<Tensor<T>> inputs{x};
    for (const Tensor<T>* p : {&gamma, &beta})
        if (p->defined())
            inputs.push_back(*p);
    const bool training = o.training(), has_gamma = gamma.defined(), has_beta = beta.defined();
    const Epilogue epilogue = o.epilogue();
    return Tensor<T>::from_op(
        std::move(y), "batch_norm" + epilogue_suffix(epilogue), std::move(inputs),
        [l, training, has_gamma, has_beta, epilogue, mean = std::move(mean), inv_std = std::move(inv_std),
         scale = std::move(scale)](Node<T>& self, BackwardContext<T>& ctx) {
            // With g' the output gradient (gated by a fused ReLU):
            //   dbeta = sum g',  dgamma = sum g' x_hat,
            //   dx = gamma / sigma (g' - mean(g') - x_hat mean(g' x_hat))   (batch statistics depend on x)
            //   dx = gamma / sigma g'                                       (fixed statistics)
            const T* g = ctx.grad().data();
            const T* y = epilogue == Epilogue::relu ? self.value.data() : nullptr;
            const T* x = self.inputs[0]->get_value().data();
            Node<T>* gamma = has_gamma ? self.inputs[1].get() : nullptr;
            Node<T>* beta = has_beta ? self.inputs.back().get() : nullptr;
            Array<T> dbeta = Array<T>::from_shape({l.channels}), dgamma = Array<T>::from_shape({l.channels});
            detail::channel_gradient_sums(l, g, y, x, mean.data(), inv_std.data(), dbeta.data(), dgamma.data());
            if (self.inputs[0]->requires_grad) {
                Array<T> dx = Array<T>::from_shape(self.inputs[0]->shape);
                detail::channel_input_gradient(l, g, y, x, mean.data(), inv_std.data(), scale.data(),
                                               training ? dbeta.data() : nullptr, training ? dgamma.data() : nullptr,
                                               dx.data());
                accumulate_grad(*self.inputs[0], std::move(dx));
            }
            if (gamma)
                accumulate_grad(*gamma, std::move(dgamma));
            if (beta)
                accumulate_grad(*beta, std::move(dbeta));
        });
}

template Tensor<float> batch_norm(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, Array<float>*,
                                  Array<float>*, const BatchNormOptions&);
template Tensor<double> batch_norm(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, Array<double>*,
                                   Array<double>*, const BatchNormOptions&);

} // namespace aegrad
