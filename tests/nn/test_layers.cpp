// Layers (nn/dense.hpp, nn/shape_layers.hpp, nn/noise_layers.hpp, nn/activation.hpp): a double-precision
// gradient check of every layer, with respect to its input and parameters,
// and their behaviour in training and evaluation mode.
#include "helpers.hpp"
#include "layer_checks.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
using aegrad::testing::away_from_zero;
using aegrad::testing::check_module;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

TEST_CASE("gradcheck layer: Dense, with each activation and without bias") {
    Generator gen(1);
    for (auto act : {Activation::none, Activation::tanh, Activation::sigmoid, Activation::softplus, Activation::selu}) {
        CAPTURE(activation_name(act));
        BasicDense<double> dense(DenseOptions(4, 3).activation(act), gen);
        dense.bias().node_ptr()->value = random_tensor({3}, 9).value();  // non-zero bias
        check_module(dense, random_tensor({5, 4}, 2));
    }
    BasicDense<double> no_bias(DenseOptions(4, 3).bias(false).init(Init::he_normal), gen);
    CHECK(no_bias.parameters().size() == 1);
    check_module(no_bias, random_tensor({5, 4}, 3));
}

TEST_CASE("gradcheck layer: DenseTranspose reads the tied weight") {
    Generator gen(2);
    auto dense = std::make_shared<BasicDense<double>>(DenseOptions(6, 3), gen);
    BasicDenseTranspose<double> decoder(dense, Activation::tanh);
    CHECK(decoder.weight().id() == dense->weight().id());
    CHECK(decoder.bias().shape() == Shape{6});
    check_module(decoder, random_tensor({4, 3}, 4));
}

TEST_CASE("gradcheck layer: Sequential of a tied autoencoder") {
    Generator gen(3);
    BasicSequential<double> model;
    auto enc = model.add(std::make_shared<BasicDense<double>>(DenseOptions(5, 2).activation(Activation::elu), gen));
    model.add(std::make_shared<BasicDenseTranspose<double>>(enc, Activation::sigmoid));
    CHECK(model.parameters().size() == 3);  // W, encoder bias, decoder bias
    check_module(model, random_tensor({3, 5}, 5));
}

TEST_CASE("gradcheck layer: Flatten, Reshape and Activation") {
    BasicFlatten<double> flat;
    check_module(flat, random_tensor({2, 3, 2}, 1));
    BasicReshape<double> reshape_layer({2, 3});
    CHECK(reshape_layer(random_tensor({4, 6}, 2)).shape() == Shape{4, 2, 3});
    check_module(reshape_layer, random_tensor({4, 6}, 2));
    for (auto act : {Activation::relu, Activation::leaky_relu, Activation::elu, Activation::softmax}) {
        CAPTURE(activation_name(act));
        BasicActivationLayer<double> layer(act);
        check_module(layer, away_from_zero({3, 4}, 3));
    }
}

TEST_CASE("gradcheck layer: Dropout and GaussianNoise in training; identity in evaluation") {
    // A fresh layer per call keeps the random draw fixed, as gradcheck needs.
    auto x = random_tensor({4, 5}, 1);
    CHECK_GRADCHECK([](const In& v) { BasicDropout<double> d(0.4, 11); return d(v[0]) * v[0]; }, {x});
    CHECK_GRADCHECK([](const In& v) { BasicGaussianNoise<double> n(0.3, 11); return n(v[0]) * v[0]; }, {x});

    BasicDropout<double> dropout_layer(0.5, 1);
    BasicGaussianNoise<double> noise_layer(1.0, 1);
    CHECK_FALSE(xt::allclose(dropout_layer(x).value(), x.value()));
    CHECK_FALSE(xt::allclose(noise_layer(x).value(), x.value()));
    dropout_layer.eval();
    noise_layer.eval();
    CHECK(dropout_layer(x).id() == x.id());
    CHECK(noise_layer(x).id() == x.id());
}

TEST_CASE("Layers name themselves and both shapes when the input does not fit") {
    Dense dense(DenseOptions(784, 100));
    Tensor<float> x(xt::xarray<float>(xt::zeros<float>({2, 30})));
    CHECK_THROWS_WITH_AS(dense(x), "Dense: expects input [B, 784], got [2, 30]", ShapeError);
    CHECK_THROWS_WITH(Dense(DenseOptions(0, 3)), doctest::Contains("sizes must be positive"));
    CHECK_THROWS(activation_from_name("swish"));
    CHECK(activation_from_name("relu") == Activation::relu);
}

TEST_CASE("Dense initialises as Keras does: Glorot-uniform weights within the limit, zero bias, seeded") {
    manual_seed(5);
    Dense a(DenseOptions(784, 100));
    manual_seed(5);
    Dense b(DenseOptions(784, 100));
    CHECK(xt::all(xt::equal(a.weight().value(), b.weight().value())));
    const float limit = std::sqrt(6.0f / 884.0f);
    CHECK(xt::amax(xt::abs(a.weight().value()))() <= limit);
    CHECK(xt::amax(xt::abs(a.weight().value()))() > 0.95f * limit);
    CHECK(xt::all(xt::equal(a.bias().value(), 0.0f)));
    Dense he(DenseOptions(784, 100).init(Init::he_normal));
    const float std_dev = std::sqrt(xt::mean(he.weight().value() * he.weight().value())());
    CHECK(std_dev == doctest::Approx(std::sqrt(2.0 / 784)).epsilon(0.03));
}
