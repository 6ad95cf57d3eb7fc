// The squared-error kernel (autograd/detail/squared_error.hpp): its sum and its gradient against a plain
// loop, over sizes that leave SIMD tails and span several parallel blocks, on 1 and 2 threads.
#include <random>
#include <vector>

#include <aegrad/autograd/detail/squared_error.hpp>

#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::ThreadsFor;

TEST_CASE("squared_error sums (p - t)^2 and writes slope (p - t), whatever the size and thread count") {
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> dist(-2.0, 2.0);
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(1000), std::size_t(3 * 16384 + 5)}) {
        std::vector<double> p(n), t(n);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = dist(rng);
            t[i] = dist(rng);
        }
        double expected = 0;
        for (std::size_t i = 0; i < n; ++i)
            expected += (p[i] - t[i]) * (p[i] - t[i]);
        std::vector<double> sums;
        for (int threads : {1, 2}) {
            ThreadsFor use(threads);
            CAPTURE(n);
            CAPTURE(threads);
            std::vector<double> d(n, 99.0);
            const double total = detail::squared_error(p.data(), t.data(), n, 0.5, d.data());
            CHECK(total == doctest::Approx(expected).epsilon(1e-12));
            for (std::size_t i = 0; i < n; i += 97)
                CHECK(d[i] == doctest::Approx(0.5 * (p[i] - t[i])));
            CHECK(detail::squared_error(p.data(), t.data(), n, 0.5, static_cast<double*>(nullptr)) == total);
            sums.push_back(total);
        }
        CHECK(sums[0] == sums[1]);  // fixed blocks summed in order: the same bits on any thread count
    }
}
