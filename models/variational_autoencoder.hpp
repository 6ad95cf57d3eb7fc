#pragma once
// A variational autoencoder (Kingma & Welling 2013), dense, as Géron builds it for Fashion-MNIST:
//   encoder  Dense(hidden[0], act), ..., then two heads Dense(latent): the mean and the log-variance of
//            the code's Gaussian; a code is drawn by the reparameterisation mu + exp(log_var / 2) eps
//   decoder  Dense(hidden[k-1], act), ..., Dense(input, output_activation)
// Its loss (models/objective.hpp) is the reconstruction plus the KL divergence to N(0, I) divided by the
// input size, as Géron's, so the numbers compare with his.
#include <memory>
#include <vector>

#include <aegrad/autograd/random_ops.hpp>
#include <aegrad/models/autoencoder.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/sequential.hpp>

namespace aegrad::models {

struct VariationalAutoencoderOptions {
    VariationalAutoencoderOptions(std::size_t input, std::vector<std::size_t> hidden, std::size_t latent)
        : input_(input), hidden_(std::move(hidden)), latent_(latent) {}
    std::size_t input() const { return input_; }
    const std::vector<std::size_t>& hidden() const { return hidden_; }
    std::size_t latent() const { return latent_; }
    AEGRAD_OPTION(nn::Activation, activation, nn::Activation::relu)
    AEGRAD_OPTION(nn::Activation, output_activation, nn::Activation::none)
    AEGRAD_OPTION(std::uint64_t, seed, 0)  // of the codes drawn in training

private:
    std::size_t input_;
    std::vector<std::size_t> hidden_;
    std::size_t latent_;
};

template <class T> struct Gaussian {
    Tensor<T> mean, log_var;  // [B, latent] each
};

template <class T> class BasicVariationalAutoencoder : public BasicAutoencoder<T> {
public:
    using SequentialT = nn::BasicSequential<T>;
    explicit BasicVariationalAutoencoder(VariationalAutoencoderOptions options, Generator& gen = nn::default_generator());

    /// x [B, input] -> the code distribution's mean and log-variance.
    Gaussian<T> encode_distribution(const Tensor<T>& x);
    /// The means: what a VAE's codes are as features.
    Tensor<T> encode(const Tensor<T>& x) override { return encode_distribution(x).mean; }
    Tensor<T> decode(const Tensor<T>& codes) override { return this->forward_in_scope("decoder", *decoder_, codes); }
    /// In training a drawn code is decoded; in evaluation the mean, so a reconstruction is repeatable.
    Tensor<T> forward(const Tensor<T>& x) override;
    /// A code drawn from q(z | x) by the reparameterisation, with this model's generator.
    Tensor<T> draw(const Gaussian<T>& q) { return reparameterize(q.mean, q.log_var, gen_); }
    std::string type_name() const override { return "VariationalAutoencoder"; }

    /// n new samples: codes from N(0, I) through the decoder -> [n, input].
    Tensor<T> sample(std::size_t n, Generator& gen);
    /// steps reconstructions along the straight line between the means of a and b ([1, input] each or flat
    /// [input]), both ends included -> [steps, input].
    Tensor<T> interpolate(const Tensor<T>& a, const Tensor<T>& b, std::size_t steps);

    const std::shared_ptr<SequentialT>& encoder() const { return encoder_; }
    const std::shared_ptr<SequentialT>& decoder() const { return decoder_; }
    const VariationalAutoencoderOptions& options() const { return options_; }

private:
    VariationalAutoencoderOptions options_;
    std::shared_ptr<SequentialT> encoder_, decoder_;
    std::shared_ptr<nn::BasicDense<T>> mean_, log_var_;
    Generator gen_;
};

using VariationalAutoencoder = BasicVariationalAutoencoder<float>;

extern template class BasicVariationalAutoencoder<float>;
extern template class BasicVariationalAutoencoder<double>;

} // namespace aegrad::models
