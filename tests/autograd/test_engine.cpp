// The graph walk: long chains, releasing the graph, and flat memory over many steps.
#include <fstream>
#include <unistd.h>

#include "helpers.hpp"

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
#if !defined(__SANITIZE_ADDRESS__)
    CHECK(after - warm < 2048);  // a leak of one step's graph would be ~60 KiB a step, 500 MiB in all
#endif
}
