// gradcheck itself: it passes correct gradients, catches wrong ones, and says where.
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

namespace {
// x^3 with a deliberately wrong backward (2x instead of 3x^2) at one element, to prove the check can fail.
Tensor<double> broken_cube(const Tensor<double>& x) {
    return Tensor<double>::from_op(x.value() * x.value() * x.value(), "broken_cube", {x}, [](Node<double>& self, BackwardContext<double>& ctx) {
        xt::xarray<double> g = 3.0 * self.inputs[0]->value * self.inputs[0]->value * ctx.grad();
        g(1, 2) *= 1.01;
        accumulate_grad(*self.inputs[0], g);
    });
}
} // namespace

TEST_CASE("gradcheck passes a correct gradient and fails a wrong one, naming the element") {
    auto x = random_tensor({2, 3}, 1);
    auto good = gradcheck([](const In& v) { return v[0] * v[0] * v[0]; }, {x});
    CHECK(good.ok);
    CHECK(good.checked == 6);

    auto bad = gradcheck([](const In& v) { return broken_cube(v[0]); }, {x});
    CHECK_FALSE(bad.ok);
    CHECK(bad.input == 0);
    CHECK(bad.index == Shape{1, 2});
    CHECK(bad.message.find("FAILED") != std::string::npos);
    CHECK(bad.message.find("[1, 2]") != std::string::npos);
}

TEST_CASE("gradcheck skips inputs that need no gradient and refuses a function with none") {
    auto x = random_tensor({3}, 1), c = random_tensor({3}, 2, false);
    auto report = gradcheck([](const In& v) { return v[0] * v[1]; }, {x, c});
    CHECK(report.ok);
    CHECK(report.checked == 3);
    CHECK_THROWS_WITH(gradcheck([](const In& v) { return v[0] * 2.0; }, {c}), doctest::Contains("does not depend"));
}

TEST_CASE("gradcheck catches a missing contribution from a second read of a shared node") {
    // A 'matmul' that forgets the second read: x*W + stop(x)*W^T, where the first read alone is backpropagated.
    auto x = random_tensor({2, 2}, 1);
    auto W = random_tensor({2, 2}, 2);
    auto report = gradcheck([](const In& v) { return matmul(v[0], v[1]) + matmul(v[0], transpose(v[1].detach())); },
                            {x, W});
    CHECK_FALSE(report.ok);  // the detached read is missing from W's analytic gradient
}
