// Each optimizer's first three steps against torch.optim (1.13) on the same problem, the learning-rate
// schedules of nn/lr_schedule.hpp, and the rule that a
// shared parameter is stepped once.
#include "helpers.hpp"
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;

namespace {
using Steps = std::vector<std::array<double, 2>>;

// p starts at [1, -2]; loss = sum(0.5 * p^2 * [1, 3]), so the gradient is [p0, 3 p1]. With copies > 1, p is that
// pair repeated and every pair must follow the same path: a long parameter takes the vectorised, threaded
// update, whose every element is then checked against the same PyTorch values.
xt::xarray<double> repeated_pair(double a, double b, std::size_t copies) {
    xt::xarray<double> out = xt::xarray<double>::from_shape({2 * copies});
    for (std::size_t i = 0; i < out.size(); ++i)
        out(i) = i % 2 == 0 ? a : b;
    return out;
}

template <class Opt, class Options>
void check_three_steps(Options options, const Steps& expected, AdamVariant variant = AdamVariant::adam, std::size_t copies = 1) {
    Tensor<double> p(repeated_pair(1.0, -2.0, copies), true);
    Tensor<double> scale(repeated_pair(1.0, 3.0, copies));
    std::unique_ptr<BasicOptimizer<double>> opt;
    if constexpr (std::is_same_v<Opt, BasicAdam<double>>)
        opt = std::make_unique<Opt>(std::vector<Tensor<double>>{p}, options, variant);
    else
        opt = std::make_unique<Opt>(std::vector<Tensor<double>>{p}, options);
    for (const auto& want : expected) {
        opt->zero_grad();
        sum(0.5 * p * p * scale).backward();
        opt->step();
        double worst = 0.0;  // the largest relative error over all elements
        for (std::size_t i = 0; i < p.value().size(); ++i)
            worst = std::max(worst, std::abs(p.value()(i) - want[i % 2]) / std::abs(want[i % 2]));
        CHECK(worst < 1e-9);
    }
}
} // namespace

// Expected values printed by torch.optim in PyTorch 1.13 for the same problem and settings.
TEST_CASE("SGD's first three steps match PyTorch: plain, momentum, Nesterov, weight decay") {
    check_three_steps<BasicSGD<double>>(SGDOptions().lr(0.1), {{0.9, -1.4}, {0.81, -0.98}, {0.729, -0.686}});
    check_three_steps<BasicSGD<double>>(SGDOptions().lr(0.1).momentum(0.9), {{0.9, -1.4}, {0.72, -0.44}, {0.486, 0.556}});
    check_three_steps<BasicSGD<double>>(SGDOptions().lr(0.1).momentum(0.9).nesterov(true),
                                        {{0.81, -0.86}, {0.5751, 0.1162}, {0.327321, 0.696346}});
    check_three_steps<BasicSGD<double>>(SGDOptions().lr(0.1).weight_decay(0.1),
                                        {{0.89, -1.38}, {0.7921, -0.9522}, {0.704969, -0.657018}});
}

// The four Adam-family cases, on a parameter of `copies` pairs.
void check_adam_family(std::size_t copies) {
    check_three_steps<BasicAdam<double>>(AdamOptions().lr(0.1), {{0.900000001, -1.900000000167},
                                                                 {0.800412229712, -1.800166485947},
                                                                 {0.701586274504, -1.700623391791}},
                                         AdamVariant::adam, copies);
    check_three_steps<BasicAdam<double>>(AdamOptions().lr(0.1).weight_decay(0.1),
                                         {{0.900000000909, -1.900000000161},
                                          {0.800412229527, -1.800166485936},
                                          {0.701586274221, -1.700623391775}},
                                         AdamVariant::adam, copies);
    check_three_steps<BasicAdam<double>>(AdamOptions().lr(0.1).weight_decay(0.1),
                                         {{0.890000001, -1.880000000167},
                                          {0.781571856954, -1.761408950417},
                                          {0.675101223189, -1.644368683307}},
                                         AdamVariant::adamw, copies);
    // Nadam: the algorithm as documented for torch.optim.NAdam, evaluated in plain Python floats. (PyTorch
    // 1.13's default single-tensor NAdam multiplies mu twice into the next momentum product, a bug later
    // fixed; its foreach path agrees with these values to 1e-8, keeping the product in float32.)
    check_three_steps<BasicAdam<double>>(AdamOptions().lr(0.1),
                                         {{0.894354823221, -1.894354822341},
                                          {0.819973071532, -1.817897530654},
                                          {0.752729267616, -1.747508501059}},
                                         AdamVariant::nadam, copies);
}

TEST_CASE("Adam, AdamW and Nadam's first three steps match PyTorch") { check_adam_family(1); }

TEST_CASE("Adam's vectorised update, split over 2 threads, gives every element PyTorch's values") {
    // 80,002 elements: more than one thread's block, and a length no SIMD width divides, so the vector loop,
    // its scalar tail and the split all run.
    testing::ThreadsFor two(2);
    check_adam_family(40001);
}

TEST_CASE("RMSprop's first three steps match PyTorch, with and without momentum") {
    check_three_steps<BasicRMSprop<double>>(RMSpropOptions().lr(0.01), {{0.90000001, -1.900000001667},
                                                                        {0.832917975265, -1.830943327874},
                                                                        {0.779982281982, -1.775349444102}});
    check_three_steps<BasicRMSprop<double>>(RMSpropOptions().lr(0.01).momentum(0.9),
                                            {{0.90000001, -1.900000001667},
                                             {0.742917984265, -1.740943329374},
                                             {0.552914953234, -1.544129961896}});
}

TEST_CASE("A parameter listed twice is stepped once, and frozen or gradient-less parameters are not stepped") {
    Tensor<double> w(xt::xarray<double>{1.0}, true), frozen(xt::xarray<double>{1.0}, true), idle(xt::xarray<double>{5.0}, true);
    BasicSGD<double> opt({w, w, frozen, idle}, SGDOptions().lr(0.5));
    CHECK(opt.parameters().size() == 3);
    sum(w * 2.0 + frozen * 2.0).backward();
    frozen.set_requires_grad(false);
    opt.step();
    CHECK(w.value()(0) == doctest::Approx(0.0));  // 1 - 0.5 * 2, once
    CHECK(frozen.value()(0) == 1.0);
    CHECK(idle.value()(0) == 5.0);
}

TEST_CASE("Learning-rate schedules give the textbook rates") {
    auto step = step_lr(0.1, 2, 0.5);
    CHECK(step(0) == doctest::Approx(0.1));
    CHECK(step(3) == doctest::Approx(0.05));
    CHECK(step(4) == doctest::Approx(0.025));
    CHECK(exponential_lr(1.0, 0.9)(2) == doctest::Approx(0.81));
    auto cosine = cosine_lr(1.0, 10, 0.1);
    CHECK(cosine(0) == doctest::Approx(1.0));
    CHECK(cosine(5) == doctest::Approx(0.55));
    CHECK(cosine(10) == doctest::Approx(0.1));
    CHECK(cosine(12) == doctest::Approx(0.1));
}
