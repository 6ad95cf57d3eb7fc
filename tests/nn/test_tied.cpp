// Tied weights: the tied model equals an untied one whose decoder holds the encoder's transpose, its
// gradient is the sum of the untied model's two gradients, and every listing counts it once.
#include "helpers.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;
using aegrad::testing::random_tensor;

namespace {
template <class T> std::shared_ptr<BasicDense<T>> dense(std::size_t in, std::size_t out, Activation a, Generator& gen) {
    return std::make_shared<BasicDense<T>>(DenseOptions(in, out).activation(a), gen);
}

// The seed model: 784-100-30, ReLU, the decoder tied (or not) to the encoder.
std::shared_ptr<Sequential> seed_model(bool tied) {
    auto model_ptr = std::make_shared<Sequential>();
    Sequential& model = *model_ptr;
    auto e1 = model.add(std::make_shared<Dense>(DenseOptions(784, 100).activation(Activation::relu)));
    auto e2 = model.add(std::make_shared<Dense>(DenseOptions(100, 30).activation(Activation::relu)));
    if (tied) {
        model.add(std::make_shared<DenseTranspose>(e2, Activation::relu));
        model.add(std::make_shared<DenseTranspose>(e1));
    } else {
        model.add(std::make_shared<Dense>(DenseOptions(30, 100).activation(Activation::relu)));
        model.add(std::make_shared<Dense>(DenseOptions(100, 784)));
    }
    return model_ptr;
}
} // namespace

TEST_CASE("The seed model has 82,414 parameters tied and 163,814 untied, and the summary says so") {
    auto tied_ptr = seed_model(true), untied_ptr = seed_model(false);
    auto &tied = *tied_ptr, &untied = *untied_ptr;
    CHECK(count_parameters(tied) == 82414);
    CHECK(count_parameters(untied) == 163814);
    CHECK(tied.parameters().size() == 6);  // 2 weights + 4 biases: each tied weight once

    const std::string text = summary(tied, {784});
    MESSAGE(text);
    CHECK(text.find("Total params: 82,414") != std::string::npos);
    CHECK(text.find("Trainable params: 82,414") != std::string::npos);
    CHECK(text.find("3 (DenseTranspose)") != std::string::npos);
    CHECK(text.find("(None, 784)") != std::string::npos);
    CHECK(text.find("784 (+78,400 shared)") != std::string::npos);
    CHECK(text.find("0.weight [784, 100] read by 0, 3") != std::string::npos);
    CHECK(summary(untied, {784}).find("Total params: 163,814") != std::string::npos);

    tied[0]->freeze();
    CHECK(summary(tied, {784}).find("Non-trainable params: 78,500") != std::string::npos);
}

TEST_CASE("A tied model equals the untied model holding the transpose, and its gradient is the sum of both") {
    Generator gen(7);
    BasicSequential<double> tied, untied;
    auto e1 = tied.add(dense<double>(8, 4, Activation::tanh, gen));
    auto e2 = tied.add(dense<double>(4, 2, Activation::tanh, gen));
    auto d2 = tied.add(std::make_shared<BasicDenseTranspose<double>>(e2, Activation::tanh));
    auto d1 = tied.add(std::make_shared<BasicDenseTranspose<double>>(e1));
    d2->bias().node_ptr()->value = random_tensor({4}, 1).value();
    d1->bias().node_ptr()->value = random_tensor({8}, 2).value();

    auto u1 = untied.add(dense<double>(8, 4, Activation::tanh, gen));
    auto u2 = untied.add(dense<double>(4, 2, Activation::tanh, gen));
    auto u3 = untied.add(dense<double>(2, 4, Activation::tanh, gen));
    auto u4 = untied.add(dense<double>(4, 8, Activation::none, gen));
    auto copy = [](const Tensor<double>& from, const Tensor<double>& to, bool transposed) {
        to.node_ptr()->value = transposed ? Array<double>(xt::transpose(from.value())) : from.value();
    };
    copy(e1->weight(), u1->weight(), false);
    copy(e1->bias(), u1->bias(), false);
    copy(e2->weight(), u2->weight(), false);
    copy(e2->bias(), u2->bias(), false);
    copy(e2->weight(), u3->weight(), true);
    copy(d2->bias(), u3->bias(), false);
    copy(e1->weight(), u4->weight(), true);
    copy(d1->bias(), u4->bias(), false);

    auto x = random_tensor({5, 8}, 3, false);
    auto y_tied = tied(x), y_untied = untied(x);
    CHECK(xt::allclose(y_tied.value(), y_untied.value(), 1e-13, 1e-13));

    mse_loss(y_tied, x).backward();
    mse_loss(y_untied, x).backward();
    const xt::xarray<double> sum1 = u1->weight().grad() + xt::transpose(u4->weight().grad());
    const xt::xarray<double> sum2 = u2->weight().grad() + xt::transpose(u3->weight().grad());
    CHECK(xt::allclose(e1->weight().grad(), sum1, 1e-12, 1e-14));
    CHECK(xt::allclose(e2->weight().grad(), sum2, 1e-12, 1e-14));
    CHECK(xt::allclose(d1->bias().grad(), u4->bias().grad(), 1e-12, 1e-14));
}

TEST_CASE("An optimizer steps a tied weight once per step, with the summed gradient") {
    manual_seed(1);
    auto model_ptr = seed_model(true);
    auto& model = *model_ptr;
    auto W = model.parameters()[0];
    const xt::xarray<float> before = W.value();
    Tensor<float> x(xt::xarray<float>(xt::ones<float>({4, 784}) * 0.5f));
    SGD opt(model.parameters(), SGDOptions().lr(0.1));
    mse_loss(model(x), x).backward();
    const xt::xarray<float> expected = before - 0.1f * W.grad();
    opt.step();
    CHECK(xt::allclose(W.value(), expected));
}
