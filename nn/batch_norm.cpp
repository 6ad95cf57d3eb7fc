#include <aegrad/nn/batch_norm.hpp>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include <aegrad/autograd/errors.hpp>

namespace aegrad::nn {

template <class T>
BasicBatchNorm<T>::BasicBatchNorm(BatchNormLayerOptions options, std::size_t dims) : options_(options), dims_(dims) {
    const std::size_t c = options.channels();
    if (c == 0)
        throw std::invalid_argument(fmt::format("{}: needs at least one channel", type_name()));
    if (options.affine()) {
        weight_ = this->register_parameter("weight", Tensor<T>(Array<T>(xt::ones<T>({c})), true));
        bias_ = this->register_parameter("bias", Tensor<T>(Array<T>(xt::zeros<T>({c})), true));
    }
    running_mean_ = this->register_buffer("running_mean", Tensor<T>(Array<T>(xt::zeros<T>({c}))));
    running_var_ = this->register_buffer("running_var", Tensor<T>(Array<T>(xt::ones<T>({c}))));
}

template <class T> Tensor<T> BasicBatchNorm<T>::forward(const Tensor<T>& x) {
    if (x.dim() != dims_ || x.shape()[1] != options_.channels())
        throw ShapeError(fmt::format("{}: expects input [B, {}{}], got {}", type_name(), options_.channels(),
                                     dims_ == 4 ? ", H, W" : "", shape_str(x.shape())));
    const auto [epilogue, after] = fuse_activation(options_.activation());
    return activate(after, batch_norm(x, weight_, bias_, &running_mean_.mutable_value(), &running_var_.mutable_value(),
                                      BatchNormOptions()
                                          .training(this->is_training())
                                          .momentum(options_.momentum())
                                          .eps(options_.eps())
                                          .epilogue(epilogue)));
}

template class BasicBatchNorm<float>;
template class BasicBatchNorm<double>;

} // namespace aegrad::nn
