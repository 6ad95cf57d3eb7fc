// aegrad's threads: parallel_for covers every index exactly once and passes exceptions on; a gemm split
// across threads gives what xtensor-blas's product gives on one.
#include <atomic>
#include <stdexcept>

#include <xtensor-blas/xlinalg.hpp>

#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;
using aegrad::testing::ThreadsFor;


TEST_CASE("parallel_for visits each index once, on any thread count, and rethrows") {
    for (int threads : {1, 2, 3}) {
        ThreadsFor t(threads);
        std::vector<std::atomic<int>> seen(1000);
        parallel_for(seen.size(), [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i)
                ++seen[i];
        });
        for (auto& s : seen)
            CHECK(s == 1);
        CHECK_THROWS_WITH(parallel_for(100, [](std::size_t b, std::size_t) {
                              if (b > 0 || num_threads() == 1)
                                  throw std::runtime_error("chunk failed");
                          }),
                          "chunk failed");
    }
}

TEST_CASE("matmul split across threads equals xtensor-blas's product, in every transpose combination") {
    auto a = random_tensor({300, 200}, 1, false), b = random_tensor({200, 150}, 2, false);
    const xt::xarray<double> expected = xt::linalg::dot(a.value(), b.value());
    Tensor<double> at(xt::xarray<double>(xt::transpose(a.value()))), bt(xt::xarray<double>(xt::transpose(b.value())));
    for (int threads : {1, 2}) {
        ThreadsFor t(threads);
        CHECK(xt::allclose(matmul(a, b).value(), expected));
        CHECK(xt::allclose(matmul(transpose(at), b).value(), expected));
        CHECK(xt::allclose(matmul(a, transpose(bt)).value(), expected));
        CHECK(xt::allclose(matmul(transpose(at), transpose(bt)).value(), expected));
        // A wide product (split by columns): [20, 200] x [200, 3000]
        auto wide_b = random_tensor({200, 3000}, 3, false);
        auto wide_a = random_tensor({20, 200}, 4, false);
        CHECK(xt::allclose(matmul(wide_a, wide_b).value(), xt::linalg::dot(wide_a.value(), wide_b.value())));
    }
}
