// A node read by several ops receives the sum of their contributions: this is how tied weights work.
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;

TEST_CASE("z = x*x + x*y + y*y gives dz/dx = 2x + y and dz/dy = 2y + x") {
    auto x = random_tensor({3}, 1), y = random_tensor({3}, 2);
    sum(x * x + x * y + y * y).backward();
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(x.grad()(i) == doctest::Approx(2 * x.value()(i) + y.value()(i)));
        CHECK(y.grad()(i) == doctest::Approx(2 * y.value()(i) + x.value()(i)));
    }
}

TEST_CASE("matmul(x, W) + matmul(y, transpose(W)): W's gradient is the sum of both reads") {
    // x [B, 4] W [4, 4] and y [B, 4] W^T: a square W so both reads fit the same output.
    auto x = random_tensor({5, 4}, 1, false), y = random_tensor({5, 4}, 2, false), W = random_tensor({4, 4}, 3);
    auto g = random_tensor({5, 4}, 4, false);  // seed gradient
    (matmul(x, W) + matmul(y, transpose(W))).backward(g.value());
    // Known independently: d/dW <G, xW> = x^T G and d/dW <G, yW^T> = G^T y.
    xt::xarray<double> expected = xt::zeros<double>({4, 4});
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            for (std::size_t b = 0; b < 5; ++b)
                expected(i, j) += x.value()(b, i) * g.value()(b, j) + g.value()(b, i) * y.value()(b, j);
    CHECK(xt::allclose(W.grad(), expected, 1e-12, 1e-12));
}

TEST_CASE("gradcheck: shared nodes (a tied encoder and decoder reading W and its transpose)") {
    using In = std::vector<Tensor<double>>;
    CHECK_GRADCHECK(
        [](const In& v) {
            auto code = tanh(matmul(v[0], v[1]));                 // encoder reads W
            return sigmoid(matmul(code, transpose(v[1])) + v[2]);  // decoder reads W^T plus its own bias
        },
        {random_tensor({3, 6}, 1), random_tensor({6, 2}, 2), random_tensor({6}, 3)});
}

TEST_CASE("A matmul reading a transpose does not compute the transposed matrix") {
    auto W = random_tensor({6, 2}, 1);
    auto Wt = transpose(W);
    const auto computed = [&] { return Wt.node_ptr()->has_shape(Wt.node_ptr()->value); };
    CHECK(Wt.node_ptr()->view);
    CHECK_FALSE(computed());
    auto out = matmul(random_tensor({3, 2}, 2, false), Wt);
    sum(out).backward(BackwardOptions{true});
    CHECK_FALSE(computed());  // neither forward nor backward computed it
    CHECK(Wt.shape() == Shape{2, 6});
    CHECK(Wt.value()(1, 4) == W.value()(4, 1));  // reading it computes it on demand
    CHECK(computed());
    CHECK(W.has_grad());
}
