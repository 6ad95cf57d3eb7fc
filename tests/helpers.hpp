#pragma once
// Shared by the test suites: random inputs and a gradient-check assertion that prints the worst element.
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include <aegrad/autograd/autograd.hpp>

namespace aegrad::testing {

/// A double tensor of `shape` with uniform values in [lo, hi), reproducible from `seed`.
inline Tensor<double> random_tensor(Shape shape, unsigned seed, bool requires_grad = true, double lo = -1.0,
                                    double hi = 1.0) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> dist(lo, hi);
    xt::xarray<double> v = xt::xarray<double>::from_shape(shape);
    for (double& x : v)
        x = dist(rng);
    return Tensor<double>(std::move(v), requires_grad);
}

/// n doubles uniform in [-1, 1), reproducible from `seed`: raw buffers for the kernels' tests.
inline std::vector<double> random_values(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<double> v(n);
    for (double& x : v)
        x = dist(rng);
    return v;
}

/// Values kept away from a kink (|x| >= margin), so finite differences do not straddle it.
inline Tensor<double> away_from_zero(Shape shape, unsigned seed, double margin = 0.1) {
    auto t = random_tensor(shape, seed);
    for (double& x : t.mutable_value())
        x = x >= 0 ? x + margin : x - margin;
    return t;
}

/// Sets aegrad's thread count for a scope and restores it after.
struct ThreadsFor {
    explicit ThreadsFor(int n) : saved(num_threads()) { set_num_threads(n); }
    ~ThreadsFor() { set_num_threads(saved); }
    ThreadsFor(const ThreadsFor&) = delete;
    ThreadsFor& operator=(const ThreadsFor&) = delete;
    int saved;
};

} // namespace aegrad::testing

/// Asserts that backward agrees with central differences for f over `inputs`.
#define CHECK_GRADCHECK(f, ...)                                                                                \
    do {                                                                                                       \
        auto aegrad_report_ = ::aegrad::gradcheck(f, __VA_ARGS__);                                             \
        INFO(aegrad_report_.message);                                                                          \
        CHECK(aegrad_report_.ok);                                                                              \
    } while (0)
