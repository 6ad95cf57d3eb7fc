// A ConvTranspose2d tied to a Conv2d: it reads the conv's own kernel node, it is the conv's adjoint, and a
// tied pair equals the untied pair holding the same kernel twice, with the tied gradient the sum of the two.
#include "helpers.hpp"
#include "layer_checks.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
using aegrad::testing::check_module;
using aegrad::testing::random_tensor;
using aegrad::testing::randomise_biases;

namespace {
using Conv = BasicConv2d<double>;
using ConvT = BasicConvTranspose2d<double>;

// A stride-2 conv on 7x6 images (3 -> 4 channels, kernel 3, padding 1: 4x3 out), and the output_padding
// that maps 4x3 back to 7x6.
std::shared_ptr<Conv> strided_conv(Generator& gen) {
    return std::make_shared<Conv>(Conv2dLayerOptions(3, 4, 3).stride(2).padding(1).activation(Activation::tanh), gen);
}
const Size2 back_to_7x6{0, 1};
} // namespace

TEST_CASE("gradcheck layer: ConvTranspose2d tied to a Conv2d, the kernel read by both") {
    Generator gen(5);
    BasicSequential<double> pair;
    auto conv = pair.add(strided_conv(gen));
    pair.add(std::make_shared<ConvT>(conv, Activation::tanh, back_to_7x6));
    randomise_biases(pair, 11);
    CHECK(pair.parameters().size() == 3);  // one kernel, two biases
    auto x = random_tensor({2, 3, 7, 6}, 2);
    CHECK(pair(x).shape() == Shape{2, 3, 7, 6});
    check_module(pair, x);
}

TEST_CASE("A tied ConvTranspose2d reads the conv's kernel node and is the conv's adjoint") {
    Generator gen(1);
    auto conv = std::make_shared<Conv>(Conv2dLayerOptions(3, 4, 3).stride(2).padding(1), gen);
    ConvT tied(conv, Activation::none, back_to_7x6);
    CHECK(tied.tied());
    CHECK(tied.weight().id() == conv->weight().id());
    CHECK(tied.bias().shape() == Shape{3});
    CHECK(tied.options().in() == 4);
    CHECK(tied.options().out() == 3);
    // <conv(x), y> = <x, conv^T(y)> with both biases zero: the transposed conv is the conv's adjoint.
    auto x = random_tensor({2, 3, 7, 6}, 3, false), y = random_tensor({2, 4, 4, 3}, 4, false);
    const double left = xt::sum(conv->forward(x).value() * y.value())();
    const double right = xt::sum(x.value() * tied(y).value())();
    CHECK(left == doctest::Approx(right).epsilon(1e-12));
    // Resetting the tied layer draws nothing into the conv's kernel: it only clears its own bias.
    const Array<double> kernel = conv->weight().value();
    tied.bias().node_ptr()->value.fill(0.5);
    tied.reset_parameters(gen);
    CHECK(conv->weight().value() == kernel);
    CHECK(xt::all(xt::equal(tied.bias().value(), 0.0)));
    CHECK_THROWS_AS(ConvT(nullptr), std::invalid_argument);
    CHECK_THROWS_WITH_AS(ConvT(conv, Activation::none, {2, 0})(y), doctest::Contains("output_padding"), std::invalid_argument);
}

TEST_CASE("A tied conv pair equals the untied pair holding the kernel twice; the tied gradient is the sum") {
    Generator gen(9);
    BasicSequential<double> tied, untied;
    auto conv = tied.add(strided_conv(gen));
    auto back = tied.add(std::make_shared<ConvT>(conv, Activation::none, back_to_7x6));
    randomise_biases(tied, 3);
    auto u_conv = untied.add(strided_conv(gen));
    auto u_back = untied.add(std::make_shared<ConvT>(
        Conv2dLayerOptions(4, 3, 3).stride(2).padding(1).output_padding(back_to_7x6), gen));
    u_conv->weight().node_ptr()->value = conv->weight().value();
    u_conv->bias().node_ptr()->value = conv->bias().value();
    u_back->weight().node_ptr()->value = conv->weight().value();  // [4, 3, 3, 3] is the layout of both
    u_back->bias().node_ptr()->value = back->bias().value();

    auto x = random_tensor({2, 3, 7, 6}, 6, false);
    auto y_tied = tied(x), y_untied = untied(x);
    CHECK(xt::allclose(y_tied.value(), y_untied.value(), 1e-13, 1e-13));
    mse_loss(y_tied, x).backward();
    mse_loss(y_untied, x).backward();
    const Array<double> sum = u_conv->weight().grad() + u_back->weight().grad();
    CHECK(xt::allclose(conv->weight().grad(), sum, 1e-12, 1e-14));
    CHECK(xt::allclose(back->bias().grad(), u_back->bias().grad(), 1e-12, 1e-14));
    CHECK(xt::allclose(conv->bias().grad(), u_conv->bias().grad(), 1e-12, 1e-14));
}
