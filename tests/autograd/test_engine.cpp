// The graph walk: long chains, releasing the graph, and flat memory over many steps.
#include <fstream>
#include <functional>
#include <unistd.h>

#include "helpers.hpp"
#include <aegrad/autograd/detail/sanitizer.hpp>

using namespace aegrad;

namespace {
long resident_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}
} // namespace

TEST_CASE("A chain of 10,000 ops runs backward and is freed without deep recursion") {
    Tensor<double> x(xt::xarray<double>{1.0}, true);
    std::weak_ptr<Node<double>> first_op;
    {
        Tensor<double> y = x;
        for (int i = 0; i < 10000; ++i) {
            y = y * 1.0001;
            if (i == 0)
                first_op = y.node_ptr();
        }
        sum(y).backward(BackwardOptions{true});
        CHECK(x.grad()(0) == doctest::Approx(std::pow(1.0001, 10000)).epsilon(1e-9));
        CHECK_FALSE(first_op.expired());
    }
    CHECK(first_op.expired());  // the whole chain went with its last handle
}

TEST_CASE("Backward releases the graph unless asked to keep it") {
    Tensor<double> x(xt::xarray<double>{3.0}, true);
    auto y = sum(x * x);
    y.backward();
    CHECK_THROWS_WITH(y.backward(), doctest::Contains("already released"));

    auto z = sum(x * x * x);
    x.zero_grad();
    z.backward(BackwardOptions{true});
    z.backward();
    CHECK(x.grad()(0) == doctest::Approx(2 * 27.0));
}

TEST_CASE("take_grad hands the output's gradient buffer to the input only when the graph is released") {
    // An identity op whose backward reports the address of the buffer it was handed.
    const double* handed = nullptr;
    auto identity = [&handed](const Tensor<double>& x) {
        return Tensor<double>::from_op(x.value(), "identity", {x}, [&handed](Node<double>& self, BackwardContext<double>& ctx) {
            handed = ctx.grad().data();
            accumulate_grad(*self.inputs[0], ctx.take_grad());
        });
    };
    Tensor<double> x(xt::xarray<double>{1.0, 2.0, 3.0}, true);
    SUBCASE("released: the same buffer, no copy") {
        (identity(x) * 2.0).backward(xt::xarray<double>{1.0, 1.0, 1.0});
        CHECK(x.grad().data() == handed);
    }
    SUBCASE("retained: a copy, so the output's gradient stays intact for the next pass") {
        auto y = identity(x) * 2.0;
        y.backward(xt::xarray<double>{1.0, 1.0, 1.0}, BackwardOptions{true});
        CHECK(x.grad().data() != handed);
        y.backward(xt::xarray<double>{1.0, 1.0, 1.0});
        CHECK(x.grad() == xt::xarray<double>{4.0, 4.0, 4.0});
    }
    SUBCASE("an input that already has a gradient gets the sum") {
        auto y = identity(x) * 2.0 + x;  // x is read twice
        y.backward(xt::xarray<double>{1.0, 1.0, 1.0});
        CHECK(x.grad() == xt::xarray<double>{3.0, 3.0, 3.0});
    }
}

namespace {
// Runs backward from `loss`, releasing the graph or retaining it, and returns the gradients of `params`. A
// retained graph is then run a second time from zeroed gradients, which must give the same gradients;
// `between` runs before that second pass.
std::vector<xt::xarray<double>> gradients_of(Tensor<double>& loss, const std::vector<Tensor<double>*>& params, bool retain,
                                             const std::function<void()>& between = [] {}) {
    loss.backward(BackwardOptions{retain});
    std::vector<xt::xarray<double>> first;
    for (auto* p : params)
        first.push_back(p->grad());
    if (retain) {
        between();
        for (auto* p : params)
            p->zero_grad();
        loss.backward();
        for (std::size_t i = 0; i < params.size(); ++i)
            CHECK(params[i]->grad() == first[i]);
    }
    return first;
}
} // namespace

TEST_CASE("Ops that hand gradient buffers on give the same gradients with and without retain_graph") {
    // linear, add and mse_loss hand buffers on when the graph is released; the retained pass copies. Both
    // must agree, and a retained graph must give the same gradients again on its second pass.
    auto grads = [](bool retain) {
        Tensor<double> x(xt::xarray<double>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}, true);
        Tensor<double> b(xt::xarray<double>{0.1, -0.2, 0.3}, true);
        Tensor<double> t(xt::xarray<double>{{1.0, 0.0, 1.0}, {0.0, 1.0, 0.0}}, true);
        Tensor<double> three(xt::xarray<double>(3.0 * xt::eye<double>(3)));
        auto loss = mse_loss(add(linear(x, three, b), x * x), t);
        return gradients_of(loss, {&x, &b, &t}, retain);
    };
    const auto released = grads(false), retained = grads(true);
    for (std::size_t i = 0; i < released.size(); ++i)
        CHECK(xt::allclose(released[i], retained[i], 1e-14, 0.0));
    // And against the formula: d/dt = -2 (p - t) / n, so it is not just two equal wrong answers.
    Tensor<double> x(xt::xarray<double>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}});
    const xt::xarray<double> p = 3.0 * x.value() + xt::xarray<double>{0.1, -0.2, 0.3} + x.value() * x.value();
    const xt::xarray<double> t{{1.0, 0.0, 1.0}, {0.0, 1.0, 0.0}};
    CHECK(xt::allclose(released[2], xt::xarray<double>(-2.0 * (p - t) / 6.0), 1e-14, 0.0));
}

TEST_CASE("linear+relu gates its gradient in place only when released: the same gradients as relu(matmul + b)") {
    // The fused op against the two ops it replaces, on a graph released after one pass and on a retained
    // graph run twice; the weight is read directly and through a transpose, as a tied autoencoder reads it.
    const xt::xarray<double> x0{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}};
    const xt::xarray<double> w0{{0.3, -0.6, 0.9}, {-0.2, 0.4, 0.1}, {0.7, 0.05, -0.5}};
    // Non-zero where the output's ReLU is off, so a gated gradient there would differ from the true one.
    const xt::xarray<double> target{{1.0, 0.5, 1.0}, {0.0, 1.0, 0.5}};
    auto grads = [&](bool fused, bool retain) {
        Tensor<double> x(x0, true), w(w0, true), b(xt::xarray<double>{0.1, -0.2, 0.3}, true);
        auto layer = [&](const Tensor<double>& in, const Tensor<double>& weight) {
            return fused ? linear(in, weight, b, Epilogue::relu) : relu(matmul(in, weight) + b);
        };
        auto out = layer(layer(x, w), transpose(w));
        auto loss = mse_loss(out, Tensor<double>(target));
        // A retained graph keeps the output's own gradient, not the gated one.
        return gradients_of(loss, {&x, &w, &b}, retain, [&] {
            CHECK(xt::allclose(out.grad(), 2.0 * (out.value() - target) / 6.0, 1e-14, 0.0));
        });
    };
    const auto reference = grads(false, false);
    // Some ReLUs are off, so the gate matters.
    Tensor<double> x(x0), w(w0);
    CHECK(xt::any(xt::equal(linear(x, w, Tensor<double>(xt::xarray<double>{0.1, -0.2, 0.3}), Epilogue::relu).value(), 0.0)));
    for (bool retain : {false, true}) {
        const auto fused = grads(true, retain);
        for (std::size_t i = 0; i < reference.size(); ++i)
            CHECK(xt::allclose(fused[i], reference[i], 1e-13, 0.0));
    }
}

TEST_CASE("mse_loss hands on a scaled buffer when its output gradient is not 1") {
    // loss * 3 seeds mse_loss's backward with 3: the donated buffer must be scaled, as the copy is.
    auto grad_of_prediction = [](bool retain) {
        Tensor<double> p(xt::xarray<double>{0.5, -1.0, 2.0}, true);
        Tensor<double> t(xt::xarray<double>{1.0, 0.0, 1.0});
        (mse_loss(p, t) * 3.0).backward(BackwardOptions{retain});
        return xt::xarray<double>(p.grad());
    };
    const xt::xarray<double> expected = 3.0 * 2.0 * xt::xarray<double>{-0.5, -1.0, 1.0} / 3.0;
    CHECK(xt::allclose(grad_of_prediction(false), expected, 1e-14, 0.0));
    CHECK(xt::allclose(grad_of_prediction(true), expected, 1e-14, 0.0));
}

TEST_CASE("A step's graph is freed when its tensors go out of scope, and memory stays flat over 10,000 steps") {
    // A small training step: the loop never clears a tape by hand.
    Tensor<float> w(xt::xarray<float>(xt::ones<float>({64, 32}) * 0.01f), true);
    Tensor<float> x(xt::xarray<float>(xt::ones<float>({16, 64})));
    std::weak_ptr<Node<float>> hidden_of_last_step;
    auto step = [&](bool keep_probe) {
        auto h = relu(matmul(x, w));
        auto loss = mse_loss(matmul(h, transpose(w)), x);
        if (keep_probe)
            hidden_of_last_step = h.node_ptr();
        loss.backward();
        NoGradGuard no_grad;
        xt::noalias(w.mutable_value()) -= 1e-3f * w.grad();
        w.zero_grad();
    };
    for (int i = 0; i < 1000; ++i)
        step(false);
    const long warm = resident_kib();
    for (int i = 0; i < 9000; ++i)
        step(i == 8999);
    const long after = resident_kib();
    CHECK(hidden_of_last_step.expired());
    INFO("resident KiB after 1,000 steps: " << warm << ", after 10,000: " << after);
#if !AEGRAD_ASAN
    CHECK(after - warm < 2048);  // a leak of one step's graph would be ~60 KiB a step, 500 MiB in all
#endif
}
