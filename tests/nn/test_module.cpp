// Module bookkeeping: names, deduplication by identity, modes and freezing.
#include "helpers.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;

namespace {
// A module with a parameter registered twice under different names, and a bad name, for the checks.
struct Twice : Module {
    Tensor<float> w{xt::xarray<float>{1.0f}, true};
    explicit Twice(const std::string& second_name) {
        register_parameter("w", w);
        register_parameter(second_name, w);
    }
    Tensor<float> forward(const Tensor<float>& x) override { return x * w; }
    std::string type_name() const override { return "Twice"; }
};
} // namespace

TEST_CASE("named_parameters lists a shared parameter once, under the first name met") {
    Sequential model;
    auto enc = model.add(std::make_shared<Dense>(DenseOptions(6, 3)));
    model.add(std::make_shared<ActivationLayer>(Activation::relu));
    model.add(std::make_shared<DenseTranspose>(enc));
    std::vector<std::string> names;
    for (auto& [name, p] : model.named_parameters())
        names.push_back(name);
    CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "2.bias"});
    CHECK(Twice("v").named_parameters().size() == 1);
}

TEST_CASE("Parameter and module names are checked") {
    CHECK_THROWS_WITH(Twice("w"), doctest::Contains("already named 'w'"));
    CHECK_THROWS_WITH(Twice("a.b"), doctest::Contains("no dots"));
    CHECK_THROWS_WITH(Twice(""), doctest::Contains("non-empty"));
}

TEST_CASE("train and eval reach every descendant") {
    Sequential outer;
    outer.add(std::make_shared<Sequential>(std::initializer_list<Module::ModulePtr>{std::make_shared<Dropout>(0.5)}));
    outer.eval();
    CHECK_FALSE(outer.is_training());
    CHECK_FALSE(outer[0]->is_training());
    auto leaves = outer.named_leaves();
    REQUIRE(leaves.size() == 1);
    CHECK(leaves[0].first == "0.0");
    CHECK_FALSE(leaves[0].second->is_training());
}

TEST_CASE("A frozen layer gets no gradient and keeps its values; unfreezing restores training") {
    manual_seed(3);
    Sequential model;
    auto enc = model.add(std::make_shared<Dense>(DenseOptions(4, 2).activation(Activation::tanh)));
    auto dec = model.add(std::make_shared<Dense>(DenseOptions(2, 4)));
    enc->freeze();
    Tensor<float> x(xt::xarray<float>{{1, 2, 3, 4}});
    const xt::xarray<float> before = enc->weight().value();
    Adam opt(model.parameters());
    mse_loss(model(x), x).backward();
    CHECK_FALSE(enc->weight().has_grad());
    CHECK(dec->weight().has_grad());
    opt.step();
    CHECK(xt::all(xt::equal(enc->weight().value(), before)));
    enc->unfreeze();
    opt.zero_grad();
    mse_loss(model(x), x).backward();
    opt.step();
    CHECK_FALSE(xt::all(xt::equal(enc->weight().value(), before)));
}

TEST_CASE("reset_parameters draws new values into the same nodes, so ties survive") {
    auto enc = std::make_shared<Dense>(DenseOptions(5, 3));
    DenseTranspose dec(enc);
    const auto* node = enc->weight().id();
    Generator gen(99);
    enc->reset_parameters(gen);
    CHECK(enc->weight().id() == node);
    CHECK(dec.weight().id() == node);
}
