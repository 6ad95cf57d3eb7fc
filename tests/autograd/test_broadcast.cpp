// NumPy broadcasting forward, its undoing backward, and errors that name the op and both shapes.
#include <aegrad/autograd/broadcast.hpp>
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;

TEST_CASE("Broadcast shapes follow NumPy's rules") {
    CHECK(broadcast_shapes("add", {3, 4}, {4}) == Shape{3, 4});
    CHECK(broadcast_shapes("add", {3, 1}, {1, 4}) == Shape{3, 4});
    CHECK(broadcast_shapes("add", {2, 3, 4}, {3, 1}) == Shape{2, 3, 4});
    CHECK(broadcast_shapes("add", {}, {5}) == Shape{5});
}

TEST_CASE("A shape mismatch names the op and both shapes") {
    auto a = random_tensor({3, 4}, 1), b = random_tensor({3}, 2);
    CHECK_THROWS_WITH_AS(a + b, "add: cannot broadcast shapes [3, 4] and [3]", ShapeError);
    CHECK_THROWS_WITH_AS(a * b, "mul: cannot broadcast shapes [3, 4] and [3]", ShapeError);
    CHECK_THROWS_WITH_AS(matmul(a, a), "matmul: inner sizes differ: [3, 4] and [3, 4]", ShapeError);
    CHECK_THROWS_WITH_AS(linear(a, a, b), "linear: inner sizes differ: [3, 4] and [3, 4]", ShapeError);
    CHECK_THROWS_WITH_AS(linear(a, transpose(a), random_tensor({4}, 3), Epilogue::relu),
                         "linear+relu: needs a bias [n] for a weight [k, n], got [4] and [4, 3]", ShapeError);
    CHECK_THROWS_WITH_AS(mse_loss(a, b), doctest::Contains("mse_loss: prediction and target shapes differ"), ShapeError);
    CHECK_THROWS_WITH_AS(reshape(a, {5, -1}), doctest::Contains("reshape: cannot view [3, 4]"), ShapeError);
    CHECK_THROWS_WITH_AS(sum(a, {2}), doctest::Contains("sum: axis 2 is out of range"), ShapeError);
    CHECK_THROWS_WITH_AS(slice(a, 1, 2, 9), doctest::Contains("slice: range [2, 9)"), ShapeError);
    CHECK_THROWS_WITH_AS(concat<double>({a, b}, 0), doctest::Contains("concat"), ShapeError);
    CHECK_THROWS_WITH_AS(cross_entropy(a, {0, 1}), doctest::Contains("cross_entropy"), ShapeError);
    CHECK_THROWS_WITH(cross_entropy(a, {0, 1, 7}), doctest::Contains("label 7 at index 2"));
}

TEST_CASE("Backward sums a broadcast gradient down to each input's shape") {
    auto a = random_tensor({2, 3, 4}, 1), b = random_tensor({3, 1}, 2);
    sum(a + b).backward();
    CHECK(a.grad().shape() == a.value().shape());
    CHECK(b.grad().shape() == b.value().shape());
    CHECK(b.grad()(0, 0) == doctest::Approx(8.0));  // each b element was added to 2 x 4 outputs
    CHECK(a.grad()(1, 2, 3) == doctest::Approx(1.0));
}
