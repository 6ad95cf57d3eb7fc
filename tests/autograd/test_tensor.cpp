// The Tensor handle: sharing, flags, printing, detach and the no-grad scope.
#include <sstream>

#include "helpers.hpp"

using namespace aegrad;

TEST_CASE("Copying a handle shares the node; detach makes an independent leaf") {
    Tensor<float> a(xt::xarray<float>{{1, 2}, {3, 4}}, true);
    Tensor<float> b = a;
    CHECK(b.id() == a.id());
    b.mutable_value()(0, 0) = 10;
    CHECK(a.value()(0, 0) == 10);

    Tensor<float> d = (a * 2.0f).detach();
    CHECK(d.id() != a.id());
    CHECK_FALSE(d.requires_grad());
    CHECK(d.op() == "leaf");
    CHECK(d.value()(0, 0) == 20);
}

TEST_CASE("An op's output requires grad exactly when an input does and recording is on") {
    Tensor<double> x(xt::xarray<double>{1, 2, 3}, true);
    Tensor<double> c(xt::xarray<double>{4, 5, 6});
    CHECK((x * c).requires_grad());
    CHECK_FALSE((c * c).requires_grad());
    {
        NoGradGuard no_grad;
        CHECK_FALSE(grad_enabled());
        Tensor<double> y = x * c;
        CHECK_FALSE(y.requires_grad());
        CHECK(y.value()(2) == doctest::Approx(18));
    }
    CHECK(grad_enabled());
}

TEST_CASE("Printing shows shape, dtype, op and values") {
    Tensor<float> x(xt::xarray<float>{{1.5f, 2.f}}, true);
    std::ostringstream out;
    out << relu(x);
    CHECK(out.str().find("shape=[1, 2]") != std::string::npos);
    CHECK(out.str().find("dtype=float32") != std::string::npos);
    CHECK(out.str().find("op=relu") != std::string::npos);
    CHECK(out.str().find("1.5") != std::string::npos);
}

TEST_CASE("Backward needs a scalar or a seed of the right shape, and something that requires grad") {
    Tensor<double> x(xt::xarray<double>{1, 2, 3}, true);
    auto y = x * x;
    CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("not a scalar"), ShapeError);
    CHECK_THROWS_WITH_AS(y.backward(xt::xarray<double>{1, 1}), doctest::Contains("[2] and [3]"), ShapeError);
    y.backward(xt::xarray<double>{1, 1, 1});
    CHECK(x.grad()(2) == doctest::Approx(6));

    Tensor<double> c(xt::xarray<double>{1, 2});
    CHECK_THROWS_WITH(sum(c * c).backward(), doctest::Contains("does not require grad"));
    CHECK_THROWS_WITH(c.grad(), doctest::Contains("no gradient reached"));
    CHECK_THROWS_WITH(y.set_requires_grad(false), doctest::Contains("not a leaf"));
    CHECK_THROWS_AS(Tensor<double>().value(), std::logic_error);
}

TEST_CASE("item reads a one-element tensor and refuses others") {
    CHECK(sum(Tensor<float>(xt::xarray<float>{1, 2, 3})).item() == 6.0f);
    CHECK_THROWS_WITH_AS(Tensor<float>(xt::xarray<float>{1, 2}).item(), doctest::Contains("item: tensor of shape [2]"),
                         ShapeError);
}

TEST_CASE("zero_grad forgets the gradient and the next backward starts from zero") {
    Tensor<double> x(xt::xarray<double>{2.0}, true);
    sum(x * x).backward();
    CHECK(x.grad()(0) == doctest::Approx(4));
    sum(x * x).backward();
    CHECK(x.grad()(0) == doctest::Approx(8));  // accumulates, as in PyTorch
    x.zero_grad();
    CHECK_FALSE(x.has_grad());
    sum(3.0 * x).backward();
    CHECK(x.grad()(0) == doctest::Approx(3));
}
