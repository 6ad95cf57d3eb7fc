// Edge cases that once crashed or gave wrong gradients, each with the answer known by hand: reductions and
// broadcasting over a zero extent, convolutions of an empty batch, pow with exponent 0, NaN ties in max
// pooling. (Images smaller than the kernel's reach are in test_im2col.cpp.)
#include <cmath>

#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;

namespace {
// Leaves freed pool buffers of n doubles holding 7, so a result that is never written shows as 7s.
void poison_pool(std::size_t n) {
    std::vector<Array<double>> held;
    for (int k = 0; k < 4; ++k) {
        held.push_back(Array<double>::from_shape({n}));
        held.back().fill(7.0);
    }
}

Tensor<double> empty_rows(std::size_t columns) { return Tensor<double>(Array<double>::from_shape({0, columns}), true); }
} // namespace

TEST_CASE("sum and mean over the axes of a tensor with a zero extent are zeros of the reduced shape") {
    auto x = empty_rows(3);
    auto s = sum(x, {0});
    CHECK(s.shape() == Shape{3});
    CHECK(s.value() == xt::zeros<double>({3}));
    CHECK(sum(x, {1}).shape() == Shape{0});
    CHECK(sum(x).value()() == 0.0);
    CHECK(mean(x, {1}).shape() == Shape{0});  // three columns per (absent) row: a mean of nothing is not taken
    sum(sum(x, {0})).backward();
    CHECK(x.grad().shape() == std::vector<std::size_t>{0, 3});
    CHECK_THROWS_AS(mean(x), ShapeError);
    CHECK_THROWS_AS(mean(x, {0}), ShapeError);
}

TEST_CASE("broadcasting [0, 3] with [3] gives the [3] operand a zero gradient, for every binary op") {
    for (const char* op : {"add", "sub", "mul", "div"}) {
        CAPTURE(op);
        poison_pool(3);
        auto a = empty_rows(3);
        auto b = random_tensor({3}, 1, true, 1.0, 2.0);
        const std::string o = op;
        auto y = o == "add" ? a + b : o == "sub" ? a - b : o == "mul" ? a * b : a / b;
        CHECK(y.shape() == Shape{0, 3});
        sum(y).backward();
        CHECK(b.grad() == xt::zeros<double>({3}));
        CHECK(a.grad().shape() == std::vector<std::size_t>{0, 3});
    }
}

TEST_CASE("conv2d and conv_transpose2d of an empty batch give zero weight and bias gradients") {
    for (bool transpose : {false, true}) {
        CAPTURE(transpose);
        poison_pool(2 * 3 * 3 * 3);
        poison_pool(2);
        auto x = Tensor<double>(Array<double>::from_shape({0, transpose ? 2 : 3, 5, 5}), true);
        auto w = random_tensor(transpose ? Shape{2, 3, 3, 3} : Shape{2, 3, 3, 3}, 1);
        auto b = random_tensor({transpose ? std::size_t(3) : std::size_t(2)}, 2);
        auto y = transpose ? conv_transpose2d(x, w, b, ConvTranspose2dOptions()) : conv2d(x, w, b, Conv2dOptions().padding(1));
        CHECK(y.shape()[0] == 0);
        sum(y).backward();
        CHECK(w.grad() == xt::zeros<double>(w.shape()));
        CHECK(b.grad() == xt::zeros<double>(b.shape()));
    }
}

TEST_CASE("pow(x, 0) has gradient 0 everywhere, at x = 0 too; pow(x, 1) has gradient 1") {
    auto x = Tensor<double>(xt::xarray<double>{-2.0, 0.0, 3.0}, true);
    sum(pow(x, 0.0)).backward();
    CHECK(x.grad() == xt::xarray<double>{0.0, 0.0, 0.0});
    auto z = Tensor<double>(xt::xarray<double>{-2.0, 0.0, 3.0}, true);
    sum(pow(z, 1.0)).backward();
    CHECK(z.grad() == xt::xarray<double>{1.0, 1.0, 1.0});
}

TEST_CASE("max_pool2d sends a window's gradient to its last NaN, on the 2x2 fast path as in the general loop") {
    // One 2x2 window with NaNs at (0, 1) and (1, 0): the output is NaN, its gradient goes to (1, 0), as in
    // PyTorch (checked: torch.nn.functional.max_pool2d, stride 2 and stride 1).
    const double nan = std::nan("");
    const xt::xarray<double> values = {{{{1.0, nan}, {nan, 4.0}}}};
    auto fast = Tensor<double>(values, true);
    auto general = Tensor<double>(values, true);
    auto a = max_pool2d(fast, {2, 2});                                // stride 2: the unrolled path
    auto b = max_pool2d(general, {2, 2}, Pool2dOptions().stride(1));  // stride 1: the general loop, one window
    CHECK(std::isnan(a.value()(0, 0, 0, 0)));
    CHECK(std::isnan(b.value()(0, 0, 0, 0)));
    sum(a).backward();
    sum(b).backward();
    const xt::xarray<double> want = {{{{0.0, 0.0}, {1.0, 0.0}}}};
    CHECK(fast.grad() == want);
    CHECK(general.grad() == want);
}
