#pragma once
// Ops that draw random numbers, from a seedable generator so a run can be repeated exactly: dropout,
// additive Gaussian noise, masking noise (patches set to zero) and the reparameterised Gaussian sample of a
// variational autoencoder.
#include <cstdint>
#include <random>
#include <string>

#include <aegrad/autograd/options.hpp>
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// A seeded source of random numbers, shared by initialisers, shuffling and the random ops.
class Generator {
public:
    explicit Generator(std::uint64_t seed = 0) : engine_(seed) {}
    void seed(std::uint64_t s) { engine_.seed(s); }
    std::mt19937_64& engine() { return engine_; }
    /// The engine's whole state as text, and back: what a checkpoint keeps so that a resumed run draws the
    /// numbers an uninterrupted one would. set_state throws std::invalid_argument for text state() did not write.
    std::string state() const;
    void set_state(const std::string& text);

private:
    std::mt19937_64 engine_;
};

/// Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout), so the
/// expected value is unchanged and evaluation needs no rescaling. p in [0, 1).
template <class T> Tensor<T> dropout(const Tensor<T>& x, double p, Generator& gen);

/// x + N(0, stddev^2) noise, independent per element; the gradient passes through unchanged.
template <class T> Tensor<T> gaussian_noise(const Tensor<T>& x, double stddev, Generator& gen);

/// An array of `shape` with independent N(0, 1) values.
template <class T> Array<T> standard_normal(const Shape& shape, Generator& gen);

/// z = mu + exp(log_var / 2) * eps, the reparameterisation trick: a sample of N(mu, exp(log_var)) that is
/// differentiable in mu and log_var. mu, log_var and eps share one shape; eps is kept for backward.
template <class T> Tensor<T> reparameterize(const Tensor<T>& mu, const Tensor<T>& log_var, Array<T> eps);
/// The same with eps drawn from N(0, 1).
template <class T> Tensor<T> reparameterize(const Tensor<T>& mu, const Tensor<T>& log_var, Generator& gen);

/// Masking noise on images x [B, C, H, W], or flat rows [B, C*H*W] with the image size given: the image is cut
/// into patch x patch squares (the last row and column of squares may be smaller), and in each sample
/// round(ratio * squares) of them, chosen at random, are set to zero in every channel. patch 1 masks single
/// pixels.
struct MaskingOptions {
    AEGRAD_OPTION(std::size_t, height, 0)  // 0: x is [B, C, H, W] and gives them
    AEGRAD_OPTION(std::size_t, width, 0)
    AEGRAD_OPTION(std::size_t, patch, 1)
    AEGRAD_OPTION(double, ratio, 0.5)
};
/// The masked input and its mask (1 where a value was set to zero, else 0; x's shape), so a loss can be
/// restricted to the masked values. The gradient flows to the values that were kept.
template <class T> struct Masked {
    Tensor<T> input;
    Array<T> mask;
};
template <class T> Masked<T> masking_noise(const Tensor<T>& x, const MaskingOptions& options, Generator& gen);

} // namespace aegrad
