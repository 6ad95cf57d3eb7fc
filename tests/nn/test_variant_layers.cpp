// BatchNorm layers and their buffers, and the penalties of sparse and contractive autoencoders: gradient
// checks in double, and values against answers known independently.
#include <cmath>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include "layer_checks.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
using aegrad::testing::check_module;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

TEST_CASE("gradcheck layer: BatchNorm1d and BatchNorm2d, in training and evaluation") {
    BasicBatchNorm1d<double> rows(BatchNormLayerOptions(3));
    Tensor<double>(rows.weight()).mutable_value() = random_tensor({3}, 1, false).value();
    check_module(rows, random_tensor({5, 3}, 2));
    BasicBatchNorm2d<double> images(BatchNormLayerOptions(2));
    Tensor<double>(images.bias()).mutable_value() = random_tensor({2}, 3, false).value();
    check_module(images, random_tensor({2, 2, 3, 3}, 4));
    images.eval();
    check_module(images, random_tensor({2, 2, 3, 3}, 5));
}

TEST_CASE("gradcheck layer: penalties of sparse and contractive codes") {
    CHECK_GRADCHECK([](const In& v) { return l1_activity(v[0]); }, {aegrad::testing::away_from_zero({4, 3}, 1)});
    CHECK_GRADCHECK([](const In& v) { return kl_sparsity(sigmoid(v[0]), 0.1); }, {random_tensor({4, 3}, 2)});
    for (Activation a : {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::none})
        CHECK_GRADCHECK(
            [a](const In& v) {
                const auto h = activate(a, matmul(v[0], v[1]) + v[2]);
                return contractive_penalty(h, v[1], a);
            },
            {random_tensor({3, 4}, 3), random_tensor({4, 2}, 4), aegrad::testing::away_from_zero({2}, 5, 0.3)});
}

TEST_CASE("BatchNorm's running statistics are buffers: saved and loaded, not parameters, never stepped") {
    BatchNorm2d bn(BatchNormLayerOptions(2));
    CHECK(bn.parameters().size() == 2);  // weight and bias
    REQUIRE(bn.named_buffers().size() == 2);
    CHECK(bn.named_buffers()[0].first == "running_mean");
    CHECK_FALSE(bn.running_mean().requires_grad());
    CHECK(count_parameters(bn) == 4);

    Tensor<float> x(Array<float>(random_tensor({4, 2, 3, 3}, 6, false).value() * 3.0 + 1.0), true);
    Adam adam(bn.parameters(), AdamOptions().lr(0.1));
    sum(bn(x) * bn(x)).backward();
    adam.step();
    // After two forward passes the running mean moved twice towards the batch mean: 1 - 0.9^2 of the way.
    const auto channel0 = xt::view(x.value(), xt::all(), 0);
    CHECK(bn.running_mean().value()(0) == doctest::Approx((1 - 0.81) * xt::mean(channel0)()).epsilon(1e-4));

    const auto path = (std::filesystem::temp_directory_path() / fmt::format("aegrad_bn_{}.safetensors", getpid())).string();
    save_parameters(bn, path);
    BatchNorm2d loaded(BatchNormLayerOptions(2));
    load_parameters(loaded, path);
    std::filesystem::remove(path);
    CHECK(loaded.running_mean().value() == bn.running_mean().value());
    CHECK(loaded.running_var().value() == bn.running_var().value());
    CHECK(loaded.weight().value() == bn.weight().value());
    bn.eval();
    loaded.eval();
    CHECK(xt::allclose(loaded(x).value(), bn(x).value()));
    CHECK_THROWS_WITH_AS(bn(Tensor<float>(Array<float>(xt::zeros<float>({2, 3, 2, 2})))), doctest::Contains("BatchNorm2d"),
                         ShapeError);
}

TEST_CASE("The contractive penalty equals the squared norm of the Jacobian taken by finite differences") {
    const auto x = random_tensor({1, 4}, 7, false), w = random_tensor({4, 3}, 8, false), b = random_tensor({3}, 9, false);
    for (Activation a : {Activation::sigmoid, Activation::tanh}) {
        const auto layer = [&](const Array<double>& in) { return activate(a, matmul(Tensor<double>(in), w) + b).value(); };
        double frobenius = 0, step = 1e-6;
        for (std::size_t i = 0; i < 4; ++i) {
            Array<double> up = x.value(), down = x.value();
            up(0, i) += step, down(0, i) -= step;
            const Array<double> column = (layer(up) - layer(down)) / (2 * step);  // dh / dx_i
            frobenius += xt::sum(column * column)();
        }
        const auto h = Tensor<double>(layer(x.value()));
        CHECK(contractive_penalty(h, w, a).item() == doctest::Approx(frobenius).epsilon(1e-6));
    }
    CHECK_THROWS_AS(contractive_penalty(random_tensor({2, 3}, 1), w, Activation::elu), std::invalid_argument);
    CHECK_THROWS_AS(contractive_penalty(random_tensor({2, 2}, 1), w, Activation::sigmoid), ShapeError);
}

TEST_CASE("Sparsity penalties match their definitions") {
    Tensor<double> codes(xt::xarray<double>{{0.2, -0.5}, {0.4, 0.1}});
    CHECK(l1_activity(codes).item() == doctest::Approx((0.2 + 0.5 + 0.4 + 0.1) / 2));
    // Means 0.3 and 0.05 against a target of 0.1.
    Tensor<double> p(xt::xarray<double>{{0.2, 0.05}, {0.4, 0.05}});
    const auto kl = [](double t, double q) { return t * std::log(t / q) + (1 - t) * std::log((1 - t) / (1 - q)); };
    CHECK(kl_sparsity(p, 0.1).item() == doctest::Approx(kl(0.1, 0.3) + kl(0.1, 0.05)));
    CHECK(kl_sparsity(Tensor<double>(xt::xarray<double>{{0.1, 0.1}}), 0.1).item() == doctest::Approx(0.0));
    CHECK_THROWS_AS(kl_sparsity(p, 1.0), std::invalid_argument);
}
