#pragma once
// Ops that draw random numbers: dropout and additive Gaussian noise, from a seedable generator so a run
// can be repeated exactly.
#include <cstdint>
#include <random>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// A seeded source of random numbers, shared by initialisers, shuffling and the random ops.
class Generator {
public:
    explicit Generator(std::uint64_t seed = 0) : engine_(seed) {}
    void seed(std::uint64_t s) { engine_.seed(s); }
    std::mt19937_64& engine() { return engine_; }

private:
    std::mt19937_64 engine_;
};

/// Zeroes each element with probability p and scales the rest by 1/(1-p) (inverted dropout), so the
/// expected value is unchanged and evaluation needs no rescaling. p in [0, 1).
template <class T> Tensor<T> dropout(const Tensor<T>& x, double p, Generator& gen);

/// x + N(0, stddev^2) noise, independent per element; the gradient passes through unchanged.
template <class T> Tensor<T> gaussian_noise(const Tensor<T>& x, double stddev, Generator& gen);

} // namespace aegrad
