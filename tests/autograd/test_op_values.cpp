// Forward values against answers known independently (hand-computed or closed form).
#include <cmath>

#include "helpers.hpp"

using namespace aegrad;

TEST_CASE("Activations give their textbook values, and stay finite at extreme inputs") {
    Tensor<double> x(xt::xarray<double>{-1000.0, -1.0, 0.0, 2.0, 1000.0});
    CHECK(relu(x).value()(1) == 0.0);
    CHECK(relu(x).value()(3) == 2.0);
    CHECK(leaky_relu(x, 0.1).value()(1) == doctest::Approx(-0.1));
    CHECK(elu(x).value()(1) == doctest::Approx(std::exp(-1.0) - 1.0));
    CHECK(selu(x).value()(3) == doctest::Approx(1.0507009873554804934 * 2.0));
    CHECK(sigmoid(x).value()(0) == 0.0);
    CHECK(sigmoid(x).value()(4) == 1.0);
    CHECK(sigmoid(x).value()(3) == doctest::Approx(1.0 / (1.0 + std::exp(-2.0))));
    CHECK(softplus(x).value()(4) == doctest::Approx(1000.0));
    CHECK(softplus(x).value()(2) == doctest::Approx(std::log(2.0)));
    CHECK(tanh(x).value()(3) == doctest::Approx(std::tanh(2.0)));
}

TEST_CASE("softmax rows sum to one and log_softmax is its logarithm, even for huge logits") {
    Tensor<double> x(xt::xarray<double>{{1.0, 2.0, 3.0}, {1000.0, 1000.0, -1000.0}});
    auto s = softmax(x);
    CHECK(s.value()(0, 0) + s.value()(0, 1) + s.value()(0, 2) == doctest::Approx(1.0));
    CHECK(s.value()(1, 0) == doctest::Approx(0.5));
    auto ls = log_softmax(x);
    CHECK(ls.value()(0, 2) == doctest::Approx(std::log(s.value()(0, 2))));
    CHECK(std::isfinite(ls.value()(1, 2)));
}

TEST_CASE("Losses match their definitions") {
    Tensor<double> p(xt::xarray<double>{{1.0, 2.0}, {3.0, 4.0}});
    Tensor<double> t(xt::xarray<double>{{1.0, 0.0}, {0.0, 4.0}});
    CHECK(mse_loss(p, t).item() == doctest::Approx((4.0 + 9.0) / 4.0));

    // bce against hand-computed -[t log s(x) + (1 - t) log(1 - s(x))]
    Tensor<double> logits(xt::xarray<double>{0.5, -2.0, 800.0});
    Tensor<double> targets(xt::xarray<double>{1.0, 0.25, 1.0});
    auto s = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
    const double expected = (-std::log(s(0.5)) - (0.25 * std::log(s(-2.0)) + 0.75 * std::log(1 - s(-2.0))) + 0.0) / 3.0;
    CHECK(bce_with_logits(logits, targets).item() == doctest::Approx(expected));

    // cross-entropy: -log softmax at the label, averaged
    Tensor<double> z(xt::xarray<double>{{0.0, 0.0}, {std::log(3.0), 0.0}});
    CHECK(cross_entropy(z, {0, 0}).item() == doctest::Approx((std::log(2.0) + std::log(4.0 / 3.0)) / 2.0));

    // KL of N(0, 1) to N(0, 1) is zero; of N(1, 1) it is 1/2 per dimension
    Tensor<double> zero(xt::xarray<double>(xt::zeros<double>({2, 3})));
    Tensor<double> one(xt::xarray<double>(xt::ones<double>({2, 3})));
    CHECK(gaussian_kl(zero, zero).item() == doctest::Approx(0.0));
    CHECK(gaussian_kl(one, zero).item() == doctest::Approx(1.5));
}

TEST_CASE("mse_loss prepares its gradient only when backward will run") {
    // Requests to the buffer pool while computing one loss: recording adds one, the prediction-sized
    // gradient written in the forward pass; under NoGradGuard, or with no input needing a gradient, none.
    Tensor<double> p(xt::xarray<double>(xt::ones<double>({64, 10})), true), t(xt::xarray<double>(xt::zeros<double>({64, 10})));
    const auto requests = [] { const auto s = buffer_pool_stats(); return s.system_allocations + s.reuses; };
    const auto requests_of = [&](const Tensor<double>& prediction) {
        const auto before = requests();
        auto loss = mse_loss(prediction, t);
        return requests() - before;
    };
    const auto recording = requests_of(p);
    std::size_t under_guard = 0;
    {
        NoGradGuard no_grad;
        under_guard = requests_of(p);
        CHECK(mse_loss(p, t).item() == doctest::Approx(1.0));
    }
    CHECK(recording == under_guard + 1);
    CHECK(requests_of(Tensor<double>(p.value())) == under_guard);  // a constant prediction: nothing to record
}

TEST_CASE("Dropout keeps the expectation, zeroes about p of the elements, and repeats with its seed") {
    Tensor<float> x(xt::xarray<float>(xt::ones<float>({100, 100})));
    Generator g1(3), g2(3);
    auto a = dropout(x, 0.3, g1), b = dropout(x, 0.3, g2);
    CHECK(xt::all(xt::equal(a.value(), b.value())));
    const double zeros = static_cast<double>(xt::sum(xt::equal(a.value(), 0.0f))());
    CHECK(zeros / 10000.0 == doctest::Approx(0.3).epsilon(0.1));
    CHECK(xt::mean(a.value())() == doctest::Approx(1.0).epsilon(0.05));
    CHECK_THROWS(dropout(x, 1.0, g1));

    Generator g3(5);
    auto noisy = gaussian_noise(x, 0.5, g3);
    const auto noise = xt::eval(noisy.value() - 1.0f);
    CHECK(xt::mean(noise)() == doctest::Approx(0.0).epsilon(0.02));
    CHECK(std::sqrt(xt::mean(noise * noise)()) == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("matmul matches a hand-written product in float and double, in every transpose combination") {
    xt::xarray<float> a{{1, 2, 3}, {4, 5, 6}};
    xt::xarray<float> b{{1, 0}, {0, 1}, {2, 2}};
    Tensor<float> A(a), B(b);
    xt::xarray<float> expected{{7, 8}, {16, 17}};
    CHECK(xt::allclose(matmul(A, B).value(), expected));
    Tensor<float> At(xt::xarray<float>(xt::transpose(a))), Bt(xt::xarray<float>(xt::transpose(b)));
    CHECK(xt::allclose(matmul(transpose(At), B).value(), expected));
    CHECK(xt::allclose(matmul(A, transpose(Bt)).value(), expected));
    CHECK(xt::allclose(matmul(transpose(At), transpose(Bt)).value(), expected));
}

TEST_CASE("Shape ops move elements to the right places") {
    Tensor<double> x(xt::xarray<double>{{1, 2, 3}, {4, 5, 6}});
    CHECK(reshape(x, {3, -1}).value()(2, 1) == 6);
    CHECK(flatten(reshape(x, {2, 3, 1})).shape() == Shape{2, 3});
    CHECK(slice(x, 1, 1, 3).value()(1, 0) == 5);
    auto c = concat<double>({x, x}, 0);
    CHECK(c.shape() == Shape{4, 3});
    CHECK(c.value()(3, 2) == 6);
    CHECK(concat<double>({x, slice(x, 1, 0, 1)}, 1).value()(1, 3) == 4);
    CHECK(sum(x, {1}).value()(1) == 15);
    CHECK(mean(x, {0}, true).shape() == Shape{1, 3});
    CHECK(mean(x).item() == doctest::Approx(3.5));
}
