#include <aegrad/models/variational_autoencoder.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/errors.hpp>
#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/autograd/name_scope.hpp>

namespace aegrad::models {

using namespace nn;

template <class T>
BasicVariationalAutoencoder<T>::BasicVariationalAutoencoder(VariationalAutoencoderOptions o, Generator& gen)
    : options_(std::move(o)), gen_(options_.seed()) {
    if (options_.input() == 0 || options_.latent() == 0)
        throw std::invalid_argument("VariationalAutoencoder: the input and latent sizes must be positive");
    this->register_generator("sampler", gen_);
    encoder_ = this->register_module("encoder", std::make_shared<SequentialT>());
    std::size_t in = options_.input();
    for (std::size_t size : options_.hidden()) {
        if (size == 0)
            throw std::invalid_argument("VariationalAutoencoder: hidden sizes must be positive");
        encoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(in, size).activation(options_.activation()), gen));
        in = size;
    }
    mean_ = this->register_module("mean", std::make_shared<BasicDense<T>>(DenseOptions(in, options_.latent()), gen));
    log_var_ = this->register_module("log_var", std::make_shared<BasicDense<T>>(DenseOptions(in, options_.latent()), gen));
    decoder_ = this->register_module("decoder", std::make_shared<SequentialT>());
    in = options_.latent();
    const auto& hidden = options_.hidden();
    for (auto it = hidden.rbegin(); it != hidden.rend(); ++it) {
        decoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(in, *it).activation(options_.activation()), gen));
        in = *it;
    }
    decoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(in, options_.input()).activation(options_.output_activation()), gen));
}

template <class T> Gaussian<T> BasicVariationalAutoencoder<T>::encode_distribution(const Tensor<T>& x) {
    if (x.dim() != 2 || x.shape()[1] != options_.input())
        throw ShapeError(fmt::format("VariationalAutoencoder: expects input [B, {}], got {}", options_.input(),
                                     shape_str(x.shape())));
    const Tensor<T> h = this->forward_in_scope("encoder", *encoder_, x);
    return {this->forward_in_scope("mean", *mean_, h), this->forward_in_scope("log_var", *log_var_, h)};
}

template <class T> Tensor<T> BasicVariationalAutoencoder<T>::forward(const Tensor<T>& x) {
    const Gaussian<T> q = encode_distribution(x);
    if (!this->is_training())
        return decode(q.mean);
    NameScope scope("sampling");
    return decode(draw(q));
}

template <class T> Tensor<T> BasicVariationalAutoencoder<T>::sample(std::size_t n, Generator& gen) {
    return decode(Tensor<T>(standard_normal<T>({n, options_.latent()}, gen)));
}

template <class T>
Tensor<T> BasicVariationalAutoencoder<T>::interpolate(const Tensor<T>& a, const Tensor<T>& b, std::size_t steps) {
    if (steps < 2)
        throw std::invalid_argument("VariationalAutoencoder::interpolate: needs at least 2 steps (the two ends)");
    const auto row = [this](const Tensor<T>& x) {
        if (x.size() != options_.input())
            throw ShapeError(fmt::format("VariationalAutoencoder::interpolate: an end has shape {}, not one input of {}",
                                         shape_str(x.shape()), options_.input()));
        return Tensor<T>(Array<T>(xt::reshape_view(x.value(), {std::size_t(1), options_.input()})));
    };
    const Array<T> ma = encode(row(a)).value(), mb = encode(row(b)).value();
    Array<T> codes = Array<T>::from_shape({steps, options_.latent()});
    for (std::size_t s = 0; s < steps; ++s) {
        const T t = static_cast<T>(s) / static_cast<T>(steps - 1);
        for (std::size_t j = 0; j < options_.latent(); ++j)
            codes(s, j) = (1 - t) * ma(0, j) + t * mb(0, j);
    }
    return decode(Tensor<T>(std::move(codes)));
}

template class BasicVariationalAutoencoder<float>;
template class BasicVariationalAutoencoder<double>;

} // namespace aegrad::models
