// The ConvAutoencoder's mirror layout and its tied form (the decoder reads the encoder's kernels), and the
// stages that layer-wise pretraining trains, for both layouts.
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include "nn/layer_checks.hpp"
#include <aegrad/models/models.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::models;
using aegrad::testing::random_tensor;
using aegrad::testing::randomise_biases;

namespace {
ConvAutoencoderOptions small_mirror(bool tied) {
    return ConvAutoencoderOptions(2, 9, 6).filters({3, 4}).coding_size(5).activation(nn::Activation::tanh).mirror(true).tied(tied);
}

template <class T> void set(const Tensor<T>& to, const Array<T>& value) { to.node_ptr()->value = value; }

// The model's encoder and decoder composed from its stages, one after another.
template <class T> Tensor<T> through_stages(const BasicLayeredAutoencoder<T>& model, Tensor<T> x, bool encoder) {
    const std::size_t n = model.depth();
    for (std::size_t i = 0; i < n; ++i)
        x = encoder ? (*model.encoder_stage(i))(x) : (*model.decoder_stage(n - 1 - i))(x);
    return x;
}
} // namespace

TEST_CASE("gradcheck model: the tied mirror ConvAutoencoder, every kernel read twice") {
    Generator gen(4);
    BasicConvAutoencoder<double> model(small_mirror(true), gen);
    randomise_biases(model, 3);
    auto x = random_tensor({2, 108}, 5);
    CHECK(model(x).shape() == Shape{2, 108});
    std::vector<Tensor<double>> inputs{x};
    for (auto& p : model.parameters())
        inputs.push_back(p);
    CHECK_GRADCHECK([&](const std::vector<Tensor<double>>& v) { return model(v[0]); }, inputs);
}

TEST_CASE("The mirror layout halves its size stage by stage and back; tied, it has about half the parameters") {
    ConvAutoencoder untied(ConvAutoencoderOptions().mirror(true)), tied(ConvAutoencoderOptions().mirror(true).tied(true));
    Tensor<float> x(Array<float>(xt::zeros<float>({3, 784})));
    CHECK(tied(x).shape() == Shape{3, 784});
    CHECK(tied.encode(x).shape() == Shape{3, 30});
    // Encoder: convs 1*16*9+16, 16*32*9+32, 32*64*9+64 and Dense 1024*30+30 (28 -> 14 -> 7 -> 4).
    const std::size_t encoder = 160 + 4640 + 18496 + 30750;
    // Untied decoder: Dense 30*1024+1024 and transposed convs 64*32*9+32, 32*16*9+16, 16*1*9+1; tied: the biases.
    CHECK(nn::count_parameters(untied) == encoder + 31744 + 18464 + 4624 + 145);
    CHECK(nn::count_parameters(tied) == encoder + 1024 + 32 + 16 + 1);
    CHECK(tied.parameters().size() == 8 + 4);  // 4 weights and 4 biases in the encoder, 4 decoder biases

    const std::string table = nn::summary(tied, Shape{784});
    MESSAGE(table);
    CHECK(table.find("Total params: 55,119") != std::string::npos);
    CHECK(table.find("(None, 16, 14, 14)") != std::string::npos);
    CHECK(table.find("(None, 64, 4, 4)") != std::string::npos);
    CHECK(table.find("(+18,432 shared)") != std::string::npos);
    CHECK(table.find("encoder.1.weight [16, 1, 3, 3] read by encoder.1, decoder.4") != std::string::npos);
    CHECK(table.find("encoder.5.weight [1024, 30] read by encoder.5, decoder.0") != std::string::npos);

    CHECK_THROWS_WITH_AS(ConvAutoencoder(ConvAutoencoderOptions().tied(true)), doctest::Contains("need the mirror layout"),
                         std::invalid_argument);
    // A 3x3 kernel with padding 1 keeps even a 1x1 image (ceil(s / 2) >= 1); a 4x4 kernel needs 2 rows.
    CHECK(ConvAutoencoder(ConvAutoencoderOptions(1, 1, 1).mirror(true))(Tensor<float>(Array<float>(xt::zeros<float>({2, 1})))).shape() == Shape{2, 1});
    CHECK_THROWS_WITH_AS(ConvAutoencoder(ConvAutoencoderOptions(1, 1, 1).mirror(true).kernel(4)),
                         doctest::Contains("a 1x1 image is too small for 3 stride-2 stages with a 4x4 kernel"),
                         std::invalid_argument);
}

TEST_CASE("The tied conv model equals the untied one whose decoder holds the encoder's kernels; its gradient is the sum") {
    Generator gen(8);
    BasicConvAutoencoder<double> tied(small_mirror(true), gen), untied(small_mirror(false), gen);
    randomise_biases(tied, 1);
    // Same names in both (decoder kernels exist only in the untied model): copy everything the tied model has,
    // then each untied decoder kernel from its encoder stage (a Dense's weight transposed).
    const auto tied_params = tied.named_parameters();
    for (auto& [name, p] : untied.named_parameters()) {
        auto it = std::find_if(tied_params.begin(), tied_params.end(), [&](const auto& e) { return e.first == name; });
        if (it != tied_params.end())
            set(p, it->second.value());
    }
    const auto weight_of = [](const BasicConvAutoencoder<double>& m, bool encoder, std::size_t i) -> Tensor<double> {
        for (auto& [name, p] : (encoder ? m.encoder() : m.decoder())->named_parameters())
            if (name == std::to_string(i) + ".weight")
                return p;
        FAIL("no weight at ", i);
        return {};
    };
    // Encoder: 0 reshape, 1 conv, 2 conv, 3 flatten, 4 dense; decoder: 0 dense, 1 reshape, 2 convT, 3 convT, 4 flatten.
    const std::pair<std::size_t, std::size_t> mirrors[] = {{1, 3}, {2, 2}};
    for (auto [e, d] : mirrors)
        set(weight_of(untied, false, d), weight_of(tied, true, e).value());
    set(weight_of(untied, false, 0), Array<double>(xt::transpose(weight_of(tied, true, 4).value())));

    auto x = random_tensor({3, 108}, 7, false);
    auto y_tied = tied(x), y_untied = untied(x);
    CHECK(xt::allclose(y_tied.value(), y_untied.value(), 1e-13, 1e-13));
    nn::mse_loss(y_tied, x).backward();
    nn::mse_loss(y_untied, x).backward();
    for (auto [e, d] : mirrors) {
        const Array<double> sum = weight_of(untied, true, e).grad() + weight_of(untied, false, d).grad();
        CHECK(xt::allclose(weight_of(tied, true, e).grad(), sum, 1e-12, 1e-14));
    }
    const Array<double> dense_sum = weight_of(untied, true, 4).grad() + xt::transpose(weight_of(untied, false, 0).grad());
    CHECK(xt::allclose(weight_of(tied, true, 4).grad(), dense_sum, 1e-12, 1e-14));

    // Per-read attribution sees each kernel read twice, and the reads sum to its gradient.
    ReadAttribution<double> attribution;
    for (auto& p : tied.parameters())
        p.zero_grad();
    {
        AttributionScope<double> scope(attribution);
        nn::mse_loss(tied(x), x).backward();
    }
    CHECK(attribution.shared_leaves().size() == 3);
    const auto& reads = attribution.reads(weight_of(tied, true, 1));
    REQUIRE(reads.size() == 2);
    CHECK(xt::allclose(reads[0].gradient + reads[1].gradient, weight_of(tied, true, 1).grad(), 1e-12, 1e-14));
}

TEST_CASE("A tied conv model's file holds each kernel once, and loading it gives the same model") {
    const std::string path = fmt::format("/tmp/aegrad-tied-conv-{}.safetensors", getpid());
    Generator gen(2);
    ConvAutoencoder a(ConvAutoencoderOptions().mirror(true).tied(true), gen);
    nn::save_parameters(a, path);
    const auto stored = nn::read_safetensors<float>(path);
    CHECK(stored.size() == a.parameters().size());
    ConvAutoencoder b(ConvAutoencoderOptions().mirror(true).tied(true));
    nn::load_parameters(b, path);
    Tensor<float> x(Array<float>(xt::ones<float>({2, 784}) * 0.5f));
    CHECK(a(x).value() == b(x).value());
    std::filesystem::remove(path);

    // An optimizer holds a tied kernel once, and steps it once with the summed gradient.
    nn::SGD sgd(a.parameters(), nn::SGDOptions().lr(0.1));
    auto kernel = a.parameters()[0];
    nn::mse_loss(a(x), x).backward();
    const Array<float> expected = kernel.value() - 0.1f * kernel.grad();
    sgd.step();
    CHECK(xt::allclose(kernel.value(), expected));
}

TEST_CASE("A conv model's stages compose to its encoder and decoder, in both layouts") {
    Generator gen(6);
    for (bool mirror : {false, true}) {
        CAPTURE(mirror);
        auto o = ConvAutoencoderOptions(2, 9, 6).filters({3, 4}).coding_size(5).decoder_channels(3).mirror(mirror).batch_norm(true);
        BasicConvAutoencoder<double> model(o, gen);
        model.eval();  // BatchNorm with running statistics: the stages see what the whole model sees
        CHECK(model.depth() == (mirror ? 3u : 2u));
        CHECK(model.boundary(0) == Shape{2, 9, 6});
        CHECK(model.boundary(1) == (mirror ? Shape{3, 5, 3} : Shape{3, 4, 3}));
        CHECK(model.boundary(model.depth()) == Shape{5});
        auto x = random_tensor({3, 108}, 9, false);
        CHECK(xt::allclose(through_stages(model, x, true).value(), model.encode(x).value(), 1e-14, 1e-14));
        auto codes = random_tensor({3, 5}, 10, false);
        CHECK(xt::allclose(through_stages(model, codes, false).value(), model.decode(codes).value(), 1e-14, 1e-14));
        for (std::size_t k = 0; k < model.depth(); ++k) {
            std::size_t width = 1;
            for (auto d : model.boundary(k))
                width *= d;
            auto in = random_tensor({2, width}, 11, false);
            CHECK(model.shallow(k)->forward(in).shape() == Shape{2, width});
        }
        CHECK_THROWS_AS(model.encoder_stage(model.depth()), std::out_of_range);
    }
}
