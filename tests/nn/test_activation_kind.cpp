// nn/activation_kind.hpp: activations by name, and the part of one that the op before it fuses.
#include <aegrad/nn/activation_kind.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::nn;

TEST_CASE("A ReLU is fused whole into the op before it; every other activation stays after it") {
    const auto relu = fuse_activation(Activation::relu);
    CHECK(relu.epilogue == Epilogue::relu);
    CHECK(relu.after == Activation::none);
    for (Activation a : {Activation::none, Activation::sigmoid, Activation::tanh, Activation::elu, Activation::softmax}) {
        const auto split = fuse_activation(a);
        CHECK(split.epilogue == Epilogue::none);
        CHECK(split.after == a);
    }
    CHECK(epilogue_suffix(Epilogue::relu) == "+relu");
    CHECK(epilogue_suffix(Epilogue::none).empty());
}

TEST_CASE("Activation names round-trip, and an unknown name lists the known ones") {
    for (Activation a : {Activation::none, Activation::relu, Activation::leaky_relu, Activation::selu, Activation::softplus})
        CHECK(activation_from_name(activation_name(a)) == a);
    CHECK_THROWS_WITH_AS(activation_from_name("gelu"), doctest::Contains("unknown activation 'gelu' (known: none, relu"),
                         std::invalid_argument);
}
