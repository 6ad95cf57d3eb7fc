// The ops behind the autoencoder variants: the reparameterised sample, masking noise, the masked and
// binary cross-entropy losses, and batch normalisation. Gradient checks in double, and values against
// answers known independently.
#include <cmath>
#include <algorithm>
#include <set>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::testing;
using In = std::vector<Tensor<double>>;

namespace {
Array<double> fixed_eps(Shape shape, unsigned seed) { return random_tensor(shape, seed, false).value(); }

Array<double> mask_of(Shape shape, unsigned seed) {  // 0/1, about half ones
    Array<double> m = random_tensor(shape, seed, false).value();
    for (double& v : m)
        v = v > 0 ? 1.0 : 0.0;
    return m;
}
} // namespace

TEST_CASE("gradcheck: reparameterize") {
    const Array<double> eps = fixed_eps({4, 3}, 7);
    CHECK_GRADCHECK([&](const In& v) { return reparameterize(v[0], v[1], eps); },
                    {random_tensor({4, 3}, 1), random_tensor({4, 3}, 2)});
}

TEST_CASE("gradcheck: masking_noise") {
    CHECK_GRADCHECK(
        [](const In& v) {
            Generator gen(3);
            return masking_noise(v[0], MaskingOptions().patch(2).ratio(0.5), gen).input * v[0];
        },
        {random_tensor({2, 2, 5, 4}, 1)});
}

TEST_CASE("gradcheck: masked_mse_loss") {
    const Array<double> mask = mask_of({5, 6}, 9);
    CHECK_GRADCHECK([&](const In& v) { return masked_mse_loss(v[0], v[1], mask); },
                    {random_tensor({5, 6}, 1), random_tensor({5, 6}, 2)});
}

TEST_CASE("gradcheck: binary_cross_entropy") {
    CHECK_GRADCHECK([](const In& v) { return binary_cross_entropy(v[0], v[1]); },
                    {random_tensor({4, 5}, 1, true, 0.1, 0.9), random_tensor({4, 5}, 2, true, 0.0, 1.0)});
}

TEST_CASE("gradcheck: batch_norm") {
    SUBCASE("training, rows") {
        CHECK_GRADCHECK([](const In& v) { return batch_norm(v[0], v[1], v[2], nullptr, nullptr); },
                        {random_tensor({6, 3}, 1), random_tensor({3}, 2), random_tensor({3}, 3)});
    }
    SUBCASE("training, images, a batch of one") {
        CHECK_GRADCHECK([](const In& v) { return batch_norm(v[0], v[1], v[2], nullptr, nullptr); },
                        {random_tensor({1, 2, 3, 4}, 4), random_tensor({2}, 5), random_tensor({2}, 6)});
    }
    SUBCASE("training, a fused ReLU") {
        CHECK_GRADCHECK(
            [](const In& v) { return batch_norm(v[0], v[1], v[2], nullptr, nullptr, BatchNormOptions().epilogue(Epilogue::relu)); },
            {random_tensor({3, 2, 3, 3}, 11), random_tensor({2}, 12), random_tensor({2}, 13)});
    }
    SUBCASE("training, no scale or shift") {
        CHECK_GRADCHECK([](const In& v) { return batch_norm(v[0], {}, {}, nullptr, nullptr) * v[0]; },
                        {random_tensor({3, 2, 2, 2}, 7)});
    }
    SUBCASE("evaluation: the running statistics are constants") {
        Array<double> mean{0.5, -0.25, 1.0}, var{2.0, 0.5, 1.5};
        CHECK_GRADCHECK(
            [&](const In& v) { return batch_norm(v[0], v[1], v[2], &mean, &var, BatchNormOptions().training(false)); },
            {random_tensor({4, 3, 2, 2}, 8), random_tensor({3}, 9), random_tensor({3}, 10)});
    }
}

TEST_CASE("reparameterize is mu + exp(log_var / 2) eps, and its draws have that mean and spread") {
    Tensor<double> mu(xt::xarray<double>{{1.0, -2.0}}), log_var(xt::xarray<double>{{0.0, std::log(4.0)}});
    const auto z = reparameterize(mu, log_var, Array<double>{{0.5, -1.0}});
    CHECK(z.value()(0, 0) == doctest::Approx(1.5));
    CHECK(z.value()(0, 1) == doctest::Approx(-2.0 - 2.0));
    CHECK_THROWS_WITH_AS(reparameterize(mu, log_var, Array<double>{1.0, 2.0}), doctest::Contains("reparameterize"), ShapeError);

    const std::size_t n = 20000;
    Tensor<double> m(Array<double>(3.0 * xt::ones<double>(Shape{n, 1}))), lv(Array<double>(std::log(0.25) * xt::ones<double>(Shape{n, 1})));
    Generator gen(1);
    const Array<double> draws = reparameterize(m, lv, gen).value();
    const double mean = xt::mean(draws)(), sd = std::sqrt(xt::mean(xt::square(draws - mean))());
    CHECK(mean == doctest::Approx(3.0).epsilon(0.01));
    CHECK(sd == doctest::Approx(0.5).epsilon(0.03));
}

TEST_CASE("masking_noise hides round(ratio * patches) whole patches per image, in every channel") {
    // 2 images of 2 channels, 5 x 7 pixels in 2 x 2 patches: 3 x 4 = 12 patches, the last row and column narrower.
    Tensor<double> x(Array<double>(xt::ones<double>({2, 2 * 5 * 7})));
    Generator gen(5);
    const auto masked = masking_noise(x, MaskingOptions().height(5).width(7).patch(2).ratio(0.25), gen);
    for (std::size_t b = 0; b < 2; ++b) {
        std::set<std::pair<std::size_t, std::size_t>> patches;
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t r = 0; r < 5; ++r)
                for (std::size_t col = 0; col < 7; ++col) {
                    const std::size_t i = (c * 5 + r) * 7 + col;
                    const double m = masked.mask(b, i);
                    CHECK(masked.input.value()(b, i) == 1.0 - m);  // masked values are zero, the rest kept
                    // the same patch is masked in the other channel and in every pixel of it
                    CHECK(m == masked.mask(b, ((1 - c) * 5 + (r / 2) * 2) * 7 + (col / 2) * 2));
                    if (m == 1.0)
                        patches.insert({r / 2, col / 2});
                }
        CHECK(patches.size() == 3);  // round(0.25 * 12)
    }
    // Different images get different patches (with overwhelming probability for this seed), ratio 0 and 1.
    CHECK(!std::equal(masked.mask.data(), masked.mask.data() + 70, masked.mask.data() + 70));
    Generator g2(1);
    CHECK(xt::sum(masking_noise(x, MaskingOptions().height(5).width(7).ratio(0.0), g2).mask)() == 0.0);
    CHECK(xt::sum(masking_noise(x, MaskingOptions().height(5).width(7).ratio(1.0), g2).mask)() == x.size());
    CHECK_THROWS_WITH_AS(masking_noise(x, MaskingOptions().height(6).width(7), g2), doctest::Contains("masking_noise"),
                         ShapeError);
    CHECK_THROWS_AS(masking_noise(x, MaskingOptions().height(5).width(7).ratio(1.5), g2), std::invalid_argument);
}

TEST_CASE("masked_mse_loss averages over the masked values only; binary_cross_entropy as PyTorch defines it") {
    Tensor<double> p(xt::xarray<double>{{1.0, 2.0, 3.0}}), t(xt::xarray<double>{{0.0, 0.0, 0.0}});
    CHECK(masked_mse_loss(p, t, Array<double>{{1.0, 0.0, 1.0}}).item() == doctest::Approx((1.0 + 9.0) / 2.0));
    CHECK(masked_mse_loss(p, t, Array<double>{{0.0, 0.0, 0.0}}).item() == 0.0);
    CHECK_THROWS_WITH_AS(masked_mse_loss(p, t, Array<double>{1.0, 0.0}), doctest::Contains("masked_mse_loss"), ShapeError);

    Tensor<double> q(xt::xarray<double>{0.25, 0.5, 0.0}), y(xt::xarray<double>{1.0, 0.25, 1.0});
    const double expected = (-std::log(0.25) - (0.25 * std::log(0.5) + 0.75 * std::log(0.5)) + 100.0) / 3.0;
    CHECK(binary_cross_entropy(q, y).item() == doctest::Approx(expected));  // log 0 clamped at -100
    CHECK_THROWS_AS(binary_cross_entropy(Tensor<double>(xt::xarray<double>{1.5}), Tensor<double>(xt::xarray<double>{1.0})),
                    std::invalid_argument);
}

TEST_CASE("batch_norm standardises each channel in training and moves the running statistics as PyTorch does") {
    // One channel of values 1..4 (mean 2.5, biased variance 1.25, unbiased 5/3) and one of constants.
    Tensor<double> x(xt::xarray<double>{{1.0, 7.0}, {2.0, 7.0}, {3.0, 7.0}, {4.0, 7.0}});
    Array<double> mean = xt::zeros<double>({2}), var = xt::ones<double>({2});
    const auto y = batch_norm(x, {}, {}, &mean, &var);
    CHECK(y.value()(0, 0) == doctest::Approx((1.0 - 2.5) / std::sqrt(1.25 + 1e-5)));
    CHECK(y.value()(2, 1) == 0.0);
    CHECK(mean(0) == doctest::Approx(0.1 * 2.5));
    CHECK(mean(1) == doctest::Approx(0.1 * 7.0));
    CHECK(var(0) == doctest::Approx(0.9 + 0.1 * 5.0 / 3.0));
    CHECK(var(1) == doctest::Approx(0.9));
    // Evaluation: (x - running mean) / sqrt(running var + eps) gamma + beta.
    Tensor<double> gamma(xt::xarray<double>{2.0, 1.0}), beta(xt::xarray<double>{0.5, 0.0});
    const auto e = batch_norm(x, gamma, beta, &mean, &var, BatchNormOptions().training(false));
    CHECK(e.value()(3, 0) == doctest::Approx(2.0 * (4.0 - mean(0)) / std::sqrt(var(0) + 1e-5) + 0.5));
    // Errors name the op and the shapes.
    CHECK_THROWS_WITH_AS(batch_norm(Tensor<double>(xt::xarray<double>{{1.0, 2.0}}), {}, {}, nullptr, nullptr),
                         doctest::Contains("one value per channel"), ShapeError);
    CHECK_THROWS_WITH_AS(batch_norm(x, Tensor<double>(xt::xarray<double>{1.0, 2.0, 3.0}), {}, nullptr, nullptr),
                         doctest::Contains("batch_norm"), ShapeError);
    CHECK_THROWS_AS(batch_norm(x, {}, {}, nullptr, nullptr, BatchNormOptions().training(false)), std::invalid_argument);
}
