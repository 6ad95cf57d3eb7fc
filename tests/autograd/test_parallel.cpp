// aegrad's threads: parallel_for covers every index exactly once and passes exceptions on; a gemm split
// across threads (by rows, columns or slices of k) gives what xtensor-blas's product gives on one; a
// product's two gradients computed at once give what one thread gives; each thread keeps its own scratch
// buffers.
#include <algorithm>
#include <atomic>
#include <limits>
#include <stdexcept>
#include <thread>

#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include <aegrad/autograd/detail/gemm.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/autograd/detail/scratch.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::detail;  // the kernels under test
using aegrad::testing::random_tensor;
using aegrad::testing::ThreadsFor;

namespace {
// How many of n indices one parallel_for over them did not visit exactly once.
long indices_not_visited_once(std::size_t n) {
    std::vector<std::atomic<int>> seen(n);
    parallel_for(n, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            ++seen[i];
    });
    return std::count_if(seen.begin(), seen.end(), [](const std::atomic<int>& s) { return s != 1; });
}
} // namespace


TEST_CASE("parallel_for from several application threads at once covers every index of every call") {
    // Four threads sharing the pool's one job slot: each call must finish with its own work done, none may
    // hang (the suite's timeout would say so), whichever of them gets the pool.
    ThreadsFor t(2);
    std::vector<std::thread> callers;
    std::atomic<long> wrong{0};
    for (int c = 0; c < 4; ++c)
        callers.emplace_back([&wrong, c] {
            for (int round = 0; round < 300; ++round)
                wrong += indices_not_visited_once(257 + c);
        });
    for (auto& c : callers)
        c.join();
    CHECK(wrong == 0);
}

TEST_CASE("set_num_threads from inside parallel work is refused, and the pool keeps working") {
    ThreadsFor t(2);
    CHECK_THROWS_AS(parallel_for(64, [](std::size_t, std::size_t) { set_num_threads(3); }), std::logic_error);
    CHECK(num_threads() == 2);
    CHECK(indices_not_visited_once(100) == 0);
}

TEST_CASE("parallel_for visits each index once, on any thread count, and rethrows") {
    for (int threads : {1, 2, 3}) {
        ThreadsFor t(threads);
        CHECK(indices_not_visited_once(1000) == 0);
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

TEST_CASE("a product with a long inner dimension, split along k, equals the one-thread product") {
    // k = 4000 is more than twice C's longer side (30) and the product is large enough to split, so on 2
    // and 3 threads gemm adds up partial products over slices of k. C sits in a wider array (ldc > n),
    // and alpha and beta are not 1, so every argument of the split is used.
    const std::size_t m = 20, n = 30, k = 4000, ldc = n + 3;
    const xt::xarray<double> a = random_tensor({m, k}, 5, false).value(), b = random_tensor({k, n}, 6, false).value();
    const xt::xarray<double> at = xt::transpose(a), bt = xt::transpose(b);
    const xt::xarray<double> c0 = random_tensor({m, ldc}, 7, false).value();
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            CAPTURE(ta);
            CAPTURE(tb);
            auto product = [&](int threads) {
                ThreadsFor t(threads);
                xt::xarray<double> c = c0;
                gemm<double>(ta, tb, m, n, k, 2.0, (ta ? at : a).data(), ta ? m : k, (tb ? bt : b).data(), tb ? k : n,
                             0.5, c.data(), ldc);
                return c;
            };
            const xt::xarray<double> one = product(1);
            xt::xarray<double> expected = c0;
            xt::view(expected, xt::all(), xt::range(0, n)) =
                0.5 * xt::view(c0, xt::all(), xt::range(0, n)) + 2.0 * xt::linalg::dot(a, b);
            CHECK(xt::allclose(one, expected));
            for (int threads : {2, 3}) {
                CAPTURE(threads);
                const xt::xarray<double> split = product(threads);
                CHECK(xt::allclose(split, one, 1e-12, 1e-12));
                // The columns past n belong to someone else: untouched.
                CHECK(xt::view(split, xt::all(), xt::range(n, ldc)) == xt::view(c0, xt::all(), xt::range(n, ldc)));
            }
        }
}

TEST_CASE("gemm_is_split says whether gemm shares a product between threads") {
    {
        ThreadsFor two(2);
        CHECK(gemm_is_split(256, 784, 100));     // 20M multiply-adds: split by columns
        CHECK(gemm_is_split(20, 30, 4000));      // along k
        CHECK_FALSE(gemm_is_split(256, 30, 100));  // 768k: too small to pay for a second thread
        bool nested = true;
        parallel_for(2, [&](std::size_t b, std::size_t) {
            if (b == 0)
                nested = gemm_is_split(256, 784, 100);
        });
        CHECK_FALSE(nested);
    }
    ThreadsFor one(1);
    CHECK_FALSE(gemm_is_split(256, 784, 100));
}

TEST_CASE("a product's two gradients, run at once on two threads, equal one thread's") {
    // Every product here is 768k or 900k multiply-adds: unsplit on any thread count, so each gradient is
    // one BLAS call either way and the results must agree to the bit. On two threads, x's and w's
    // gradients are computed at once, one per thread, and so are h's and w's second contribution (read
    // through a transpose, as a tied decoder reads it). v meets itself on both sides of a product, so its
    // two contributions go into one buffer and must not run at once (if they did, the values here would
    // rarely show it, but `scripts/test.sh --tsan` reports the race).
    const auto gradients = [](int threads) {
        ThreadsFor t(threads);
        auto x = random_tensor({256, 100}, 8), w = random_tensor({100, 30}, 9), v = random_tensor({150, 40}, 10);
        auto h = matmul(x, w);
        auto r = matmul(h, transpose(w));
        auto s = matmul(v, transpose(v));
        (sum(r * r) + sum(s * s)).backward();
        return std::vector<xt::xarray<double>>{x.grad(), w.grad(), v.grad()};
    };
    const auto one = gradients(1), two = gradients(2);
    for (std::size_t i = 0; i < one.size(); ++i) {
        CAPTURE(i);
        CHECK(two[i] == one[i]);
    }
    // v's gradient is (g + g^T) v with g = 2 s: both contributions are there.
    auto v = random_tensor({150, 40}, 10, false).value();
    const xt::xarray<double> s = xt::linalg::dot(v, xt::transpose(v));
    CHECK(xt::allclose(one[2], xt::linalg::dot(4.0 * s, v)));
}

TEST_CASE("parallel_parts says how many chunks parallel_for runs at once") {
    ThreadsFor t(2);
    CHECK(parallel_parts(1000) == 2);
    CHECK(parallel_parts(1000, 600) == 1);  // fewer than two grains
    std::size_t nested = 0;
    parallel_for(2, [&](std::size_t b, std::size_t) {
        if (b == 0)
            nested = parallel_parts(1000);
    });
    CHECK(nested == 1);  // inside a parallel region everything runs serially
    ThreadsFor one(1);
    CHECK(parallel_parts(1000) == 1);
}

TEST_CASE("thread_scratch gives each thread and slot its own buffer, which only grows") {
    std::vector<float>& buffer = thread_scratch<float>(0, 100);
    CHECK(buffer.size() >= 100);
    buffer[99] = 7.0f;
    CHECK(&thread_scratch<float>(0, 10) == &buffer);  // a smaller request keeps the buffer and its contents
    CHECK(buffer[99] == 7.0f);
    CHECK(&thread_scratch<float>(1, 10) != &buffer);  // another slot
    const std::size_t grown = thread_scratch<float>(0, 1000).size();
    CHECK(grown >= 1000);
    const std::vector<float>* other = nullptr;
    std::thread([&] { other = &thread_scratch<float>(0, 10); }).join();
    CHECK(other != &buffer);  // another thread
}

TEST_CASE("gemm with beta = 0 ignores what C held, even NaN, and leaves the columns past n alone") {
    // gemm clears C itself and asks BLAS to add onto it, instead of passing beta = 0 on: every split must
    // clear exactly its own block of C. Shapes that run unsplit, split by rows, by columns and along k.
    struct Case { std::size_t m, n, k; };
    for (const Case s : {Case{5, 7, 3}, Case{300, 40, 200}, Case{20, 300, 400}, Case{20, 30, 4000}}) {
        const std::size_t ldc = s.n + 2;
        const xt::xarray<double> a = random_tensor({s.m, s.k}, 8, false).value();
        const xt::xarray<double> b = random_tensor({s.k, s.n}, 9, false).value();
        const xt::xarray<double> expected = xt::linalg::dot(a, b);
        for (int threads : {1, 2}) {
            CAPTURE(s.m);
            CAPTURE(s.k);
            CAPTURE(threads);
            ThreadsFor t(threads);
            xt::xarray<double> c = xt::xarray<double>::from_shape({s.m, ldc});
            c.fill(std::numeric_limits<double>::quiet_NaN());
            xt::view(c, xt::all(), xt::range(s.n, ldc)) = -1.0;
            gemm<double>(false, false, s.m, s.n, s.k, 1.0, a.data(), s.k, b.data(), s.n, 0.0, c.data(), ldc);
            CHECK(xt::allclose(xt::eval(xt::view(c, xt::all(), xt::range(0, s.n))), expected));
            CHECK(xt::all(xt::equal(xt::view(c, xt::all(), xt::range(s.n, ldc)), -1.0)));
        }
    }
}
