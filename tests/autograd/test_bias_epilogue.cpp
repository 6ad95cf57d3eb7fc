// The bias and epilogue kernels (autograd/detail/bias_epilogue.hpp) on small arrays whose answers are
// written out, and on 1 and 2 threads alike.
#include <vector>

#include <aegrad/autograd/detail/bias_epilogue.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::detail;  // the kernels under test
using aegrad::testing::ThreadsFor;

TEST_CASE("fill_rows starts every row as the bias, and the relu epilogue clips in place") {
    const std::vector<double> bias{1.0, -2.0, 0.5};
    std::vector<double> out(6, 99.0);
    fill_rows(bias.data(), 2, 3, out.data());
    CHECK(out == std::vector<double>{1.0, -2.0, 0.5, 1.0, -2.0, 0.5});
    apply_epilogue(Epilogue::none, out.data(), 2, 3);
    CHECK(out == std::vector<double>{1.0, -2.0, 0.5, 1.0, -2.0, 0.5});
    apply_epilogue(Epilogue::relu, out.data(), 2, 3);
    CHECK(out == std::vector<double>{1.0, 0.0, 0.5, 1.0, 0.0, 0.5});
}

TEST_CASE("The gate passes the gradient where the output is positive, in place or into another buffer") {
    const std::vector<double> out{0.5, 0.0, -1.0, 2.0}, grad{1.0, 2.0, 3.0, 4.0};
    std::vector<double> gated(4, 99.0);
    gate_rows(Epilogue::relu, grad.data(), out.data(), 2, 2, gated.data());
    CHECK(gated == std::vector<double>{1.0, 0.0, 0.0, 4.0});  // a zero output is the kink: no gradient
    gate_rows(Epilogue::none, grad.data(), out.data(), 2, 2, gated.data());
    CHECK(gated == grad);
    std::vector<double> in_place = grad;
    gate_rows(Epilogue::relu, in_place.data(), out.data(), 2, 2, in_place.data());
    CHECK(in_place == std::vector<double>{1.0, 0.0, 0.0, 4.0});
}

TEST_CASE("column_sums gives a bias's gradient, overwritten or added, the same on any thread count") {
    // [300, 70]: enough columns for parallel_for to split them on two threads.
    const std::size_t rows = 300, n = 70;
    std::vector<double> g(rows * n);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < n; ++c)
            g[r * n + c] = static_cast<double>(c) + 0.001 * static_cast<double>(r);
    for (int threads : {1, 2}) {
        ThreadsFor t(threads);
        std::vector<double> sums(n, 7.0);
        column_sums(g.data(), rows, n, false, sums.data());
        for (std::size_t c = 0; c < n; ++c)  // 300 c + 0.001 (0 + ... + 299)
            CHECK(sums[c] == doctest::Approx(300.0 * static_cast<double>(c) + 0.001 * 299.0 * 300.0 / 2.0));
        std::vector<double> again = sums;
        column_sums(g.data(), rows, n, true, again.data());
        for (std::size_t c = 0; c < n; ++c)
            CHECK(again[c] == doctest::Approx(2.0 * sums[c]));
    }
}

TEST_CASE("add_channel_bias adds each channel's bias to its plane, then the epilogue") {
    // [batch 2, channels 2, positions 2]
    std::vector<double> x{-1.0, 1.0, 2.0, -3.0, 0.0, 0.5, 1.0, -0.25};
    const std::vector<double> bias{0.5, -1.0};
    std::vector<double> plain = x;
    add_channel_bias(plain.data(), 2, 2, 2, bias.data(), Epilogue::none);
    CHECK(plain == std::vector<double>{-0.5, 1.5, 1.0, -4.0, 0.5, 1.0, 0.0, -1.25});
    add_channel_bias(x.data(), 2, 2, 2, bias.data(), Epilogue::relu);
    CHECK(x == std::vector<double>{0.0, 1.5, 1.0, 0.0, 0.5, 1.0, 0.0, 0.0});
    std::vector<double> no_bias{-1.0, 2.0};
    add_channel_bias(no_bias.data(), 1, 1, 2, static_cast<const double*>(nullptr), Epilogue::relu);
    CHECK(no_bias == std::vector<double>{0.0, 2.0});
}
