#pragma once
// Regularising layers that are active only in training mode (identity in eval mode): Dropout and
// GaussianNoise (the input corruption of a denoising autoencoder).
#include <aegrad/autograd/random_ops.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// Inverted dropout with probability p; each layer owns a generator seeded from `seed`.
template <class T> class BasicDropout : public BasicModule<T> {
public:
    explicit BasicDropout(double p, std::uint64_t seed = 0) : p_(p), gen_(seed) {
        if (!(p >= 0.0 && p < 1.0))
            throw std::invalid_argument("Dropout: probability must be in [0, 1)");
        this->register_generator("generator", gen_);
    }
    Tensor<T> forward(const Tensor<T>& x) override { return this->is_training() ? dropout(x, p_, gen_) : x; }
    std::string type_name() const override { return "Dropout"; }

private:
    double p_;
    Generator gen_;
};

/// Adds N(0, stddev^2) noise in training.
template <class T> class BasicGaussianNoise : public BasicModule<T> {
public:
    explicit BasicGaussianNoise(double stddev, std::uint64_t seed = 0) : stddev_(stddev), gen_(seed) {
        if (!(stddev >= 0.0))
            throw std::invalid_argument("GaussianNoise: standard deviation must be >= 0");
        this->register_generator("generator", gen_);
    }
    Tensor<T> forward(const Tensor<T>& x) override {
        return this->is_training() ? gaussian_noise(x, stddev_, gen_) : x;
    }
    std::string type_name() const override { return "GaussianNoise"; }

private:
    double stddev_;
    Generator gen_;
};

using Dropout = BasicDropout<float>;
using GaussianNoise = BasicGaussianNoise<float>;

} // namespace aegrad::nn
