// The batch-normalisation kernels (autograd/detail/batch_norm_kernels.hpp) on a [2, 2, 3] layout whose
// answers are written out, and on 1 and 2 threads alike.
#include <vector>

#include <aegrad/autograd/detail/batch_norm_kernels.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::detail;  // the kernels under test
using aegrad::testing::ThreadsFor;

namespace {
// Two samples, two channels, three positions: channel 0 holds 1..6, channel 1 holds 2 everywhere.
const ChannelLayout layout{2, 2, 3};
const std::vector<double> x{1, 2, 3, 2, 2, 2, 4, 5, 6, 2, 2, 2};
} // namespace

TEST_CASE("channel_statistics: each channel's mean and biased variance, over samples and positions") {
    for (int threads : {1, 2}) {
        ThreadsFor scope(threads);
        std::vector<double> mean(2), var(2);
        channel_statistics(layout, x.data(), mean.data(), var.data());
        CHECK(mean[0] == doctest::Approx(3.5));
        CHECK(var[0] == doctest::Approx(17.5 / 6));  // sum of (k - 3.5)^2 for k = 1..6, over 6
        CHECK(mean[1] == 2.0);
        CHECK(var[1] == 0.0);
    }
}

TEST_CASE("channel_affine: scale and shift per channel, with or without the fused ReLU") {
    const std::vector<double> scale{2.0, -1.0}, shift{-5.0, 1.0};
    for (int threads : {1, 2}) {
        ThreadsFor scope(threads);
        std::vector<double> y(12, 99.0);
        channel_affine(layout, x.data(), scale.data(), shift.data(), Epilogue::none, y.data());
        CHECK(y == std::vector<double>{-3, -1, 1, -1, -1, -1, 3, 5, 7, -1, -1, -1});
        channel_affine(layout, x.data(), scale.data(), shift.data(), Epilogue::relu, y.data());
        CHECK(y == std::vector<double>{0, 0, 1, 0, 0, 0, 3, 5, 7, 0, 0, 0});
    }
}

TEST_CASE("The gradient sums and the input gradient follow the formulas, the ReLU gate included") {
    const std::vector<double> g{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::vector<double> y{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};  // two outputs clipped by a ReLU
    const std::vector<double> mean{3.5, 2.0}, inv_std{0.5, 1.0}, scale{1.0, 2.0};
    const double* none = nullptr;  // no ReLU gate; fixed statistics
    for (int threads : {1, 2}) {
        ThreadsFor scope(threads);
        std::vector<double> sum_g(2), sum_gx(2);
        channel_gradient_sums(layout, g.data(), none, x.data(), mean.data(), inv_std.data(), sum_g.data(), sum_gx.data());
        CHECK(sum_g == std::vector<double>{6, 6});
        CHECK(sum_gx[0] == doctest::Approx(0.0));  // x_hat sums to zero over the channel
        channel_gradient_sums(layout, g.data(), y.data(), x.data(), mean.data(), inv_std.data(), sum_g.data(), sum_gx.data());
        CHECK(sum_g == std::vector<double>{5, 5});
        CHECK(sum_gx[0] == doctest::Approx(1.25));  // without the first value's x_hat, (1 - 3.5) / 2

        // Fixed statistics: dx = scale g'. Batch statistics: dx = scale (g' - mean(g') - x_hat mean(g' x_hat)).
        std::vector<double> dx(12);
        channel_input_gradient(layout, g.data(), y.data(), x.data(), mean.data(), inv_std.data(), scale.data(), none,
                               none, dx.data());
        CHECK(dx == std::vector<double>{0, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 0});
        channel_input_gradient(layout, g.data(), y.data(), x.data(), mean.data(), inv_std.data(), scale.data(), sum_g.data(),
                               sum_gx.data(), dx.data());
        const double x_hat_2 = (3 - 3.5) * 0.5;
        CHECK(dx[2] == doctest::Approx(1.0 * (1 - 5.0 / 6 - x_hat_2 * 1.25 / 6)));
        CHECK(dx[0] == doctest::Approx(1.0 * (0 - 5.0 / 6 - (1 - 3.5) * 0.5 * 1.25 / 6)));
        CHECK(dx[11] == doctest::Approx(2.0 * (0 - 5.0 / 6)));
    }
}
