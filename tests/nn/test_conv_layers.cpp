// Image layers (nn/conv.hpp, nn/pooling.hpp) and the ConvAutoencoder: double-precision gradient checks
// with respect to input and parameters, the sizes "same" and "valid" give, and clear errors.
#include "helpers.hpp"
#include "layer_checks.hpp"
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
using aegrad::testing::check_module;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

using aegrad::testing::randomise_biases;

TEST_CASE("gradcheck layer: Conv2d with same, valid and explicit padding, strides and dilations") {
    Generator gen(1);
    struct Case {
        const char* name;
        Conv2dLayerOptions options;
        Shape out;
    };
    const Case cases[] = {
        {"same 3x3", Conv2dLayerOptions(2, 3, 3).padding(Padding::same()).activation(Activation::tanh), {2, 3, 5, 7}},
        {"valid 3x3", Conv2dLayerOptions(2, 3, 3), {2, 3, 3, 5}},
        {"same with dilation 2", Conv2dLayerOptions(2, 2, 3).padding(Padding::same()).dilation(2), {2, 2, 5, 7}},
        {"explicit padding, stride 2", Conv2dLayerOptions(2, 2, {3, 2}).padding({1, 0}).stride(2), {2, 2, 3, 3}},
        {"no bias", Conv2dLayerOptions(2, 2, 1).bias(false), {2, 2, 5, 7}},
    };
    for (const auto& c : cases) {
        SUBCASE(c.name) {
            BasicConv2d<double> layer(c.options, gen);
            randomise_biases(layer, 3);
            auto x = random_tensor({2, 2, 5, 7}, 2);
            CHECK(layer(x).shape() == c.out);
            check_module(layer, x);
        }
    }
}

TEST_CASE("gradcheck layer: ConvTranspose2d: same multiplies by the stride, valid adds the kernel") {
    Generator gen(2);
    struct Case {
        const char* name;
        Conv2dLayerOptions options;
        Shape out;
    };
    const Case cases[] = {
        {"same, stride 2", Conv2dLayerOptions(3, 2, 3).stride(2).padding(Padding::same()), {2, 2, 6, 8}},
        {"valid, stride 2", Conv2dLayerOptions(3, 2, 3).stride(2).activation(Activation::tanh), {2, 2, 7, 9}},
        {"same, stride 3, kernel 2", Conv2dLayerOptions(3, 1, 2).stride(3).padding(Padding::same()), {2, 1, 9, 12}},
        {"explicit, output_padding", Conv2dLayerOptions(3, 2, 3).stride(2).padding(1).output_padding({1, 0}), {2, 2, 6, 7}},
    };
    for (const auto& c : cases) {
        SUBCASE(c.name) {
            BasicConvTranspose2d<double> layer(c.options, gen);
            randomise_biases(layer, 5);
            auto x = random_tensor({2, 3, 3, 4}, 3);
            CHECK(layer(x).shape() == c.out);
            check_module(layer, x);
        }
    }
}

TEST_CASE("gradcheck layer: pooling and upsampling layers") {
    auto x = random_tensor({2, 2, 5, 6}, 4);
    BasicMaxPool2d<double> max_pool(2);
    CHECK(max_pool(x).shape() == Shape{2, 2, 2, 3});
    check_module(max_pool, x);
    BasicAvgPool2d<double> avg_pool(3, Pool2dOptions().stride(1).padding(1));
    CHECK(avg_pool(x).shape() == Shape{2, 2, 5, 6});
    check_module(avg_pool, x);
    BasicGlobalAvgPool2d<double> gap;
    CHECK(gap(x).shape() == Shape{2, 2});
    check_module(gap, x);
    BasicUpsample<double> nearest(2), bilinear({2, 3}, UpsampleMode::bilinear);
    CHECK(bilinear(x).shape() == Shape{2, 2, 10, 18});
    check_module(nearest, x);
    check_module(bilinear, x);
}

TEST_CASE("gradcheck layer: ConvAutoencoder, a small configuration end to end") {
    Generator gen(3);
    models::BasicConvAutoencoder<double> model(
        models::ConvAutoencoderOptions(1, 8, 6).filters({2, 3}).coding_size(3).decoder_channels(2).activation(Activation::tanh),
        gen);
    randomise_biases(model, 7);
    auto x = random_tensor({2, 48}, 4);
    CHECK(model(x).shape() == Shape{2, 48});
    CHECK(model.encoder()->forward(x).shape() == Shape{2, 3});
    check_module(model, x);
}

TEST_CASE("ConvAutoencoder defaults to Géron's Fashion-MNIST architecture") {
    models::ConvAutoencoder model;
    Tensor<float> x(xt::xarray<float>(xt::zeros<float>({4, 784})));
    CHECK(model(x).shape() == Shape{4, 784});
    CHECK(model(reshape(x, {4, 1, 28, 28})).shape() == Shape{4, 1, 28, 28});
    CHECK(model.encoder()->forward(x).shape() == Shape{4, 30});
    // Parameters: convs 1*16*9+16, 16*32*9+32, 32*64*9+64, 64*30*9+30; Dense 30*144+144;
    // transposed convs 16*32*9+32, 32*16*9+16, 16*1*9+1.
    const std::size_t expected = (144 + 16) + (4608 + 32) + (18432 + 64) + (17280 + 30) + (4320 + 144) +
                                 (4608 + 32) + (4608 + 16) + (144 + 1);
    CHECK(count_parameters(model) == expected);
    const std::string table = summary(model, Shape{784});
    CHECK(table.find("32, 7, 7") != std::string::npos);
    CHECK(table.find("1, 28, 28") != std::string::npos);
}

TEST_CASE("Image layers explain impossible settings and inputs") {
    CHECK_THROWS_WITH_AS(Conv2d(Conv2dLayerOptions(1, 2, 3).stride(2).padding(Padding::same())),
                         doctest::Contains("padding 'same' needs stride 1"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(Conv2d(Conv2dLayerOptions(1, 2, 2).padding(Padding::same())),
                         doctest::Contains("odd dilated kernel extent"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(ConvTranspose2d(Conv2dLayerOptions(1, 2, 2).padding(Padding::same())),
                         doctest::Contains("padding 'same' is impossible"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(models::ConvAutoencoder(models::ConvAutoencoderOptions(1, 4, 4)),
                         doctest::Contains("a 4x4 image is too small for 3 pooling stages"), std::invalid_argument);
    models::ConvAutoencoder model;
    CHECK_THROWS_WITH_AS(model(Tensor<float>(xt::xarray<float>(xt::zeros<float>({2, 100})))),
                         doctest::Contains("ConvAutoencoder: expects input [B, 784] or [B, 1, 28, 28], got [2, 100]"),
                         ShapeError);
    Conv2d conv(Conv2dLayerOptions(3, 2, 3));
    CHECK_THROWS_WITH_AS(conv(Tensor<float>(xt::xarray<float>(xt::zeros<float>({2, 1, 8, 8})))),
                         doctest::Contains("conv2d: input channels differ"), ShapeError);
}
