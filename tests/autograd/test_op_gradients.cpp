// A finite-difference gradient check, in double, for every op on the tape; broadcasting variants included.
// Each TEST_CASE is named "gradcheck: <op>" so meson lists one test per op.
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::away_from_zero;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

TEST_CASE("gradcheck: add") {
    SUBCASE("same shapes") { CHECK_GRADCHECK([](const In& v) { return v[0] + v[1]; }, {random_tensor({3, 4}, 1), random_tensor({3, 4}, 2)}); }
    SUBCASE("row vector broadcast") { CHECK_GRADCHECK([](const In& v) { return v[0] + v[1]; }, {random_tensor({3, 4}, 1), random_tensor({4}, 2)}); }
    SUBCASE("both sides broadcast") { CHECK_GRADCHECK([](const In& v) { return v[0] + v[1]; }, {random_tensor({3, 1}, 1), random_tensor({1, 4}, 2)}); }
    SUBCASE("scalar") { CHECK_GRADCHECK([](const In& v) { return v[0] + 2.5; }, {random_tensor({2, 3}, 3)}); }
}

TEST_CASE("gradcheck: sub") {
    SUBCASE("broadcast") { CHECK_GRADCHECK([](const In& v) { return v[0] - v[1]; }, {random_tensor({2, 3, 4}, 1), random_tensor({3, 1}, 2)}); }
    SUBCASE("scalar minus tensor") { CHECK_GRADCHECK([](const In& v) { return 1.0 - v[0]; }, {random_tensor({5}, 3)}); }
}

TEST_CASE("gradcheck: mul") {
    SUBCASE("broadcast") { CHECK_GRADCHECK([](const In& v) { return v[0] * v[1]; }, {random_tensor({3, 4}, 1), random_tensor({3, 1}, 2)}); }
    SUBCASE("same node twice") { CHECK_GRADCHECK([](const In& v) { return v[0] * v[0]; }, {random_tensor({3, 4}, 1)}); }
}

TEST_CASE("gradcheck: div") {
    SUBCASE("broadcast") {
        CHECK_GRADCHECK([](const In& v) { return v[0] / v[1]; },
                        {random_tensor({3, 4}, 1), random_tensor({4}, 2, true, 0.5, 2.0)});
    }
    SUBCASE("scalar over tensor") { CHECK_GRADCHECK([](const In& v) { return 1.0 / v[0]; }, {random_tensor({4}, 3, true, 0.5, 2.0)}); }
}

TEST_CASE("gradcheck: neg") { CHECK_GRADCHECK([](const In& v) { return -v[0]; }, {random_tensor({3, 2}, 1)}); }
TEST_CASE("gradcheck: exp") { CHECK_GRADCHECK([](const In& v) { return exp(v[0]); }, {random_tensor({3, 2}, 1)}); }
TEST_CASE("gradcheck: log") { CHECK_GRADCHECK([](const In& v) { return log(v[0]); }, {random_tensor({3, 2}, 1, true, 0.2, 3.0)}); }
TEST_CASE("gradcheck: sqrt") { CHECK_GRADCHECK([](const In& v) { return sqrt(v[0]); }, {random_tensor({3, 2}, 1, true, 0.2, 3.0)}); }
TEST_CASE("gradcheck: pow") {
    SUBCASE("square") { CHECK_GRADCHECK([](const In& v) { return pow(v[0], 2.0); }, {random_tensor({3, 2}, 1)}); }
    SUBCASE("fractional power of positives") { CHECK_GRADCHECK([](const In& v) { return pow(v[0], 1.7); }, {random_tensor({3, 2}, 2, true, 0.2, 2.0)}); }
}
TEST_CASE("gradcheck: abs") { CHECK_GRADCHECK([](const In& v) { return abs(v[0]); }, {away_from_zero({3, 4}, 1)}); }
TEST_CASE("gradcheck: clamp") {
    // Values kept off the bounds: the derivative jumps there.
    auto x = random_tensor({20}, 1, true, -2.0, 2.0);
    for (double& e : x.mutable_value())
        if (std::abs(std::abs(e) - 0.5) < 0.05)
            e += 0.1;
    CHECK_GRADCHECK([](const In& v) { return clamp(v[0], -0.5, 0.5); }, {x});
}

TEST_CASE("gradcheck: sum") {
    SUBCASE("all") { CHECK_GRADCHECK([](const In& v) { return sum(v[0]); }, {random_tensor({3, 4}, 1)}); }
    SUBCASE("axis 0") { CHECK_GRADCHECK([](const In& v) { return sum(v[0], {0}); }, {random_tensor({3, 4}, 1)}); }
    SUBCASE("axis -1 keepdims") { CHECK_GRADCHECK([](const In& v) { return sum(v[0], {-1}, true); }, {random_tensor({2, 3, 4}, 1)}); }
    SUBCASE("two axes") { CHECK_GRADCHECK([](const In& v) { return sum(v[0], {0, 2}); }, {random_tensor({2, 3, 4}, 1)}); }
}

TEST_CASE("gradcheck: mean") {
    SUBCASE("all") { CHECK_GRADCHECK([](const In& v) { return mean(v[0]); }, {random_tensor({3, 4}, 1)}); }
    SUBCASE("axis 1 keepdims") { CHECK_GRADCHECK([](const In& v) { return mean(v[0], {1}, true); }, {random_tensor({3, 4}, 1)}); }
}

TEST_CASE("gradcheck: matmul") {
    auto a = random_tensor({3, 4}, 1), b = random_tensor({4, 5}, 2);
    SUBCASE("plain") { CHECK_GRADCHECK([](const In& v) { return matmul(v[0], v[1]); }, {a, b}); }
    SUBCASE("right operand transposed") {
        CHECK_GRADCHECK([](const In& v) { return matmul(v[0], transpose(v[1])); }, {a, random_tensor({5, 4}, 3)});
    }
    SUBCASE("left operand transposed") {
        CHECK_GRADCHECK([](const In& v) { return matmul(transpose(v[0]), v[1]); }, {random_tensor({4, 3}, 4), b});
    }
    SUBCASE("both transposed") {
        CHECK_GRADCHECK([](const In& v) { return matmul(transpose(v[0]), transpose(v[1])); },
                        {random_tensor({4, 3}, 4), random_tensor({5, 4}, 5)});
    }
}

TEST_CASE("gradcheck: linear") {
    // x [5, 4], W [4, 3], b [3]. With the ReLU, every pre-activation is checked to lie well away from the
    // kink, so the finite differences never straddle it.
    auto x = random_tensor({5, 4}, 1), w = random_tensor({4, 3}, 2), wt = random_tensor({3, 4}, 3), b = random_tensor({3}, 4);
    auto away_from_kink = [](const Tensor<double>& pre) { return xt::amin(xt::abs(pre.value()))() > 1e-3; };
    SUBCASE("plain") { CHECK_GRADCHECK([](const In& v) { return linear(v[0], v[1], v[2]); }, {x, w, b}); }
    SUBCASE("fused relu") {
        REQUIRE(away_from_kink(matmul(x, w) + b));
        CHECK_GRADCHECK([](const In& v) { return linear(v[0], v[1], v[2], Epilogue::relu); }, {x, w, b});
    }
    SUBCASE("weight read through a transpose, fused relu") {
        REQUIRE(away_from_kink(matmul(x, transpose(wt)) + b));
        CHECK_GRADCHECK([](const In& v) { return linear(v[0], transpose(v[1]), v[2], Epilogue::relu); }, {x, wt, b});
    }
    SUBCASE("no bias") { CHECK_GRADCHECK([](const In& v) { return linear(v[0], v[1], Tensor<double>()); }, {x, w}); }
    SUBCASE("input read through a transpose") {
        CHECK_GRADCHECK([](const In& v) { return linear(transpose(v[0]), v[1], v[2]); }, {random_tensor({4, 5}, 5), w, b});
    }
    SUBCASE("equals relu(x W + b)") { CHECK(xt::allclose(linear(x, w, b, Epilogue::relu).value(), relu(matmul(x, w) + b).value())); }
}

TEST_CASE("gradcheck: transpose") {
    // Read by an op other than matmul, so its value is computed and its own backward runs.
    CHECK_GRADCHECK([](const In& v) { return transpose(v[0]) * v[1]; }, {random_tensor({3, 4}, 1), random_tensor({4, 3}, 2)});
}

TEST_CASE("gradcheck: reshape") {
    CHECK_GRADCHECK([](const In& v) { return reshape(v[0], {2, -1}) * v[1]; }, {random_tensor({3, 4}, 1), random_tensor({2, 6}, 2)});
}
TEST_CASE("gradcheck: flatten") {
    CHECK_GRADCHECK([](const In& v) { return flatten(v[0]); }, {random_tensor({2, 3, 2}, 1)});
}
TEST_CASE("gradcheck: slice") {
    SUBCASE("columns") { CHECK_GRADCHECK([](const In& v) { return slice(v[0], 1, 1, 3); }, {random_tensor({3, 4}, 1)}); }
    SUBCASE("rows, read twice") {
        CHECK_GRADCHECK([](const In& v) { return slice(v[0], 0, 0, 2) * slice(v[0], 0, 1, 3); }, {random_tensor({3, 4}, 1)});
    }
}
TEST_CASE("gradcheck: concat") {
    SUBCASE("axis 0") {
        CHECK_GRADCHECK([](const In& v) { return concat<double>({v[0], v[1]}, 0); }, {random_tensor({2, 3}, 1), random_tensor({1, 3}, 2)});
    }
    SUBCASE("axis -1 with a repeated part") {
        CHECK_GRADCHECK([](const In& v) { return concat<double>({v[0], v[1], v[0]}, -1); },
                        {random_tensor({2, 3}, 1), random_tensor({2, 2}, 2)});
    }
}

TEST_CASE("gradcheck: relu") { CHECK_GRADCHECK([](const In& v) { return relu(v[0]); }, {away_from_zero({4, 5}, 1)}); }
TEST_CASE("gradcheck: leaky_relu") { CHECK_GRADCHECK([](const In& v) { return leaky_relu(v[0], 0.2); }, {away_from_zero({4, 5}, 1)}); }
TEST_CASE("gradcheck: elu") { CHECK_GRADCHECK([](const In& v) { return elu(v[0], 1.3); }, {away_from_zero({4, 5}, 1)}); }
TEST_CASE("gradcheck: selu") { CHECK_GRADCHECK([](const In& v) { return selu(v[0]); }, {away_from_zero({4, 5}, 1)}); }
TEST_CASE("gradcheck: sigmoid") { CHECK_GRADCHECK([](const In& v) { return sigmoid(v[0]); }, {random_tensor({4, 5}, 1, true, -6, 6)}); }
TEST_CASE("gradcheck: tanh") { CHECK_GRADCHECK([](const In& v) { return tanh(v[0]); }, {random_tensor({4, 5}, 1, true, -3, 3)}); }
TEST_CASE("gradcheck: softplus") { CHECK_GRADCHECK([](const In& v) { return softplus(v[0]); }, {random_tensor({4, 5}, 1, true, -6, 6)}); }
TEST_CASE("gradcheck: softmax") {
    SUBCASE("last axis") { CHECK_GRADCHECK([](const In& v) { return softmax(v[0]); }, {random_tensor({3, 5}, 1, true, -3, 3)}); }
    SUBCASE("middle axis of 3-D") { CHECK_GRADCHECK([](const In& v) { return softmax(v[0], 1); }, {random_tensor({2, 3, 4}, 2, true, -3, 3)}); }
}
TEST_CASE("gradcheck: log_softmax") {
    SUBCASE("last axis") { CHECK_GRADCHECK([](const In& v) { return log_softmax(v[0]); }, {random_tensor({3, 5}, 1, true, -3, 3)}); }
    SUBCASE("axis 0") { CHECK_GRADCHECK([](const In& v) { return log_softmax(v[0], 0); }, {random_tensor({3, 5}, 2, true, -3, 3)}); }
}

TEST_CASE("gradcheck: mse_loss") {
    SUBCASE("prediction") { CHECK_GRADCHECK([](const In& v) { return mse_loss(v[0], v[1]); }, {random_tensor({4, 3}, 1), random_tensor({4, 3}, 2, false)}); }
    SUBCASE("prediction and target") { CHECK_GRADCHECK([](const In& v) { return mse_loss(v[0], v[1]); }, {random_tensor({4, 3}, 1), random_tensor({4, 3}, 2)}); }
}
TEST_CASE("gradcheck: bce_with_logits") {
    CHECK_GRADCHECK([](const In& v) { return bce_with_logits(v[0], v[1]); },
                    {random_tensor({4, 3}, 1, true, -5, 5), random_tensor({4, 3}, 2, true, 0, 1)});
}
TEST_CASE("gradcheck: cross_entropy") {
    CHECK_GRADCHECK([](const In& v) { return cross_entropy(v[0], {2, 0, 1, 2}); }, {random_tensor({4, 3}, 1, true, -3, 3)});
}
TEST_CASE("gradcheck: gaussian_kl") {
    CHECK_GRADCHECK([](const In& v) { return gaussian_kl(v[0], v[1]); }, {random_tensor({4, 3}, 1), random_tensor({4, 3}, 2)});
}

TEST_CASE("gradcheck: dropout") {
    // The same seed every call, so the mask is fixed and the function deterministic.
    CHECK_GRADCHECK([](const In& v) { Generator gen(42); return dropout(v[0], 0.3, gen); }, {random_tensor({6, 5}, 1)});
}
TEST_CASE("gradcheck: gaussian_noise") {
    CHECK_GRADCHECK([](const In& v) { Generator gen(42); return gaussian_noise(v[0], 0.5, gen) * v[0]; }, {random_tensor({6, 5}, 1)});
}

TEST_CASE("gradcheck: a small network composing many ops") {
    CHECK_GRADCHECK(
        [](const In& v) {
            auto h = tanh(matmul(v[0], v[1]) + v[2]);
            auto logits = matmul(h, transpose(v[1]));
            return mse_loss(sigmoid(logits), v[0]) + 0.1 * sum(abs(v[1]));
        },
        {random_tensor({3, 4}, 1), away_from_zero({4, 2}, 2), random_tensor({2}, 3)});
}
