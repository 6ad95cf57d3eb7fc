// StackedAutoencoder: structure, parameter sharing with its encoder/decoder, and its gradient check.
#include "helpers.hpp"
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/summary.hpp>

using namespace aegrad;
using namespace aegrad::models;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

TEST_CASE("gradcheck model: a tied and an untied stacked autoencoder") {
    for (bool tied : {true, false}) {
        CAPTURE(tied);
        Generator gen(4);
        BasicStackedAutoencoder<double> model(
            StackedAutoencoderOptions(7, {5, 3}).tied(tied).activation(nn::Activation::tanh).output_activation(nn::Activation::sigmoid),
            gen);
        for (auto& p : model.parameters())  // non-zero biases everywhere
            if (p.dim() == 1)
                p.node_ptr()->value = random_tensor(p.shape(), 17).value();
        In inputs{random_tensor({4, 7}, 1, false)};
        for (auto& p : model.parameters())
            inputs.push_back(p);
        CHECK_GRADCHECK([&](const In& v) { return mse_loss(model(v[0]), v[0]); }, inputs);
    }
}

TEST_CASE("The seed model's parameter counts; encoder and decoder share the model's parameters") {
    StackedAutoencoder tied(StackedAutoencoderOptions(784, {100, 30}));
    StackedAutoencoder untied(StackedAutoencoderOptions(784, {100, 30}).tied(false));
    CHECK(nn::count_parameters(tied) == 82414);
    CHECK(nn::count_parameters(untied) == 163814);
    CHECK(tied.encoder()->parameters()[0].id() == tied.parameters()[0].id());
    // The decoder's last layer reads the first encoder layer's weight.
    auto decoder_params = tied.decoder()->parameters();
    bool shares = false;
    for (auto& p : decoder_params)
        shares = shares || p.id() == tied.encoder()->parameters()[0].id();
    CHECK(shares);
    Tensor<float> x(xt::xarray<float>(xt::ones<float>({2, 784}) * 0.5f));
    CHECK(tied(x).shape() == Shape{2, 784});
    CHECK(tied.encoder()->forward(x).shape() == Shape{2, 30});
    CHECK_THROWS(StackedAutoencoder(StackedAutoencoderOptions(784, {})));
}

TEST_CASE("The shallow autoencoder of each phase is the model's own layers") {
    StackedAutoencoder model(StackedAutoencoderOptions(20, {8, 4, 2}));
    for (std::size_t k = 0; k < 3; ++k) {
        auto shallow = std::dynamic_pointer_cast<ShallowAutoencoder>(model.shallow(k));
        REQUIRE(shallow);
        CHECK(shallow->encoder() == (*model.encoder())[k]);
        CHECK(shallow->decoder() == (*model.decoder())[2 - k]);
    }
    CHECK(model.boundary(0) == Shape{20});
    CHECK(model.boundary(3) == Shape{2});
    CHECK_THROWS_AS(model.shallow(3), std::out_of_range);
    Tensor<float> codes(xt::xarray<float>(xt::ones<float>({3, 8})));
    CHECK(model.shallow(1)->forward(codes).shape() == Shape{3, 8});
}
