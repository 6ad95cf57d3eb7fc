// The PyTorch export's names, layouts and module code, without PyTorch (tests/cli/export_torch.py loads the
// files in PyTorch and compares outputs): a tied decoder's weight is the encoder's [in, out] array, which is
// PyTorch's [out, in] for the layer mapping back; activations take their own indices.
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/models/torch_export.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <xtensor/xmanipulation.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::models;

namespace {
std::map<std::string, Array<float>> by_name(const TorchModule& m) {
    std::map<std::string, Array<float>> out;
    for (const auto& [name, a] : m.state)
        CHECK_MESSAGE(out.emplace(name, a).second, "listed twice: " << name);
    return out;
}
Shape shape_of(const Array<float>& a) { return Shape(a.shape().begin(), a.shape().end()); }
} // namespace

TEST_CASE("A tied dense model exports as an untied nn.Sequential whose decoder holds the transposes") {
    nn::manual_seed(2);
    StackedAutoencoder ae(StackedAutoencoderOptions(6, {4, 2}).output_activation(nn::Activation::sigmoid));
    const TorchModule m = to_torch(ae);
    const auto state = by_name(m);
    REQUIRE(state.size() == 8);
    const Array<float>& w0 = ae.encoder()->named_parameters()[0].second.value();  // [6, 4]
    CHECK(shape_of(state.at("encoder.0.weight")) == Shape{4, 6});
    CHECK(state.at("encoder.0.weight") == Array<float>(xt::transpose(w0)));
    CHECK(shape_of(state.at("encoder.2.weight")) == Shape{2, 4});
    CHECK(shape_of(state.at("decoder.0.weight")) == Shape{4, 2});
    CHECK(state.at("decoder.2.weight") == w0);  // Linear(4, 6) reads the encoder's first weight as it is
    CHECK(shape_of(state.at("decoder.2.bias")) == Shape{6});
    for (const char* line : {"nn.Linear(6, 4),\n        nn.ReLU(),\n        nn.Linear(4, 2),",
                             "nn.Linear(4, 6),\n        nn.Sigmoid(),\n    ),"})
        CHECK_MESSAGE(m.code.find(line) != std::string::npos, m.code);
}

TEST_CASE("A VAE exports as a module with its heads; a conv model keeps its kernels' layout") {
    nn::manual_seed(3);
    VariationalAutoencoder vae(VariationalAutoencoderOptions(5, {3}, 2));
    const auto v = by_name(to_torch(vae));
    CHECK(shape_of(v.at("mean.weight")) == Shape{2, 3});
    CHECK(shape_of(v.at("log_var.bias")) == Shape{2});
    CHECK(shape_of(v.at("decoder.2.weight")) == Shape{5, 3});
    CHECK(v.count("encoder.0.weight") == 1);

    ConvAutoencoder conv(ConvAutoencoderOptions(1, 12, 12).filters({4, 8}).coding_size(5).mirror(true).tied(true));
    const auto c = by_name(to_torch(conv));
    CHECK(shape_of(c.at("encoder.1.weight")) == Shape{4, 1, 3, 3});  // [out, in, kh, kw], after nn.Unflatten
    // Linear, ReLU, Unflatten, ConvTranspose2d(8, 4), ReLU, ConvTranspose2d(4, 1): the last reads the first kernel.
    CHECK(c.at("decoder.5.weight") == c.at("encoder.1.weight"));
}
