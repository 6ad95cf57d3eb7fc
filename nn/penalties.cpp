#include <aegrad/nn/penalties.hpp>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include <aegrad/autograd/elementwise.hpp>
#include <aegrad/autograd/errors.hpp>
#include <aegrad/autograd/linalg.hpp>
#include <aegrad/autograd/reductions.hpp>
#include <aegrad/autograd/shape_ops.hpp>

namespace aegrad::nn {

namespace {
template <class T> void require_rows(const char* what, const Tensor<T>& codes) {
    if (codes.dim() != 2 || codes.shape()[0] == 0)
        throw ShapeError(fmt::format("{}: codes must be [B, n] with B > 0, got {}", what, shape_str(codes.shape())));
}
} // namespace

template <class T> Tensor<T> l1_activity(const Tensor<T>& codes) {
    require_rows("l1_activity", codes);
    return sum(abs(codes)) / static_cast<T>(codes.shape()[0]);
}

template <class T> Tensor<T> kl_sparsity(const Tensor<T>& codes, double target) {
    require_rows("kl_sparsity", codes);
    if (!(target > 0.0 && target < 1.0))
        throw std::invalid_argument(fmt::format("kl_sparsity: target {} must be in (0, 1)", target));
    const T rho = static_cast<T>(target), tiny = T(1e-7);
    const Tensor<T> q = clamp(mean(codes, {0}), tiny, T(1) - tiny);
    return sum(rho * log(rho / q) + (T(1) - rho) * log((T(1) - rho) / (T(1) - q)));
}

template <class T> Tensor<T> contractive_penalty(const Tensor<T>& h, const Tensor<T>& weight, Activation activation) {
    require_rows("contractive_penalty", h);
    if (weight.dim() != 2 || weight.shape()[1] != h.shape()[1])
        throw_shapes("contractive_penalty", "weight must be [in, out] for codes [B, out]:", weight.shape(), h.shape());
    Tensor<T> slope_squared;  // f'(z)^2 [B, out]
    switch (activation) {
    case Activation::sigmoid: slope_squared = pow(h * (T(1) - h), T(2)); break;
    case Activation::tanh: slope_squared = pow(T(1) - h * h, T(2)); break;
    case Activation::relu:  // f' is 0 or 1 and has no gradient of its own
        slope_squared = Tensor<T>(Array<T>(xt::cast<T>(h.value() > T(0)))); break;
    case Activation::none: slope_squared = Tensor<T>(Array<T>(xt::ones<T>(h.shape()))); break;
    default:
        throw std::invalid_argument(fmt::format("contractive_penalty: no closed form for {}; use sigmoid, tanh, relu or "
                                                "none", activation_name(activation)));
    }
    const Tensor<T> column_norms = reshape(sum(weight * weight, {0}), {static_cast<long>(weight.shape()[1]), 1});  // sum_i W_ij^2
    return sum(matmul(slope_squared, column_norms)) / static_cast<T>(h.shape()[0]);
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> l1_activity(const Tensor<T>&);                                                          \
    template Tensor<T> kl_sparsity(const Tensor<T>&, double);                                                  \
    template Tensor<T> contractive_penalty(const Tensor<T>&, const Tensor<T>&, Activation);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad::nn
