// Microbenchmark of the tape: the overhead of recording an op on tiny tensors, and matmul throughput
// through the tape against a raw cblas_sgemm on the seed model's shapes. Prints medians of several runs.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include <cblas.h>
#include <fmt/format.h>

#include "autograd/aegrad.hpp"
#include "autograd/gemm.hpp"

using namespace aegrad;
using Clock = std::chrono::steady_clock;

namespace {

// Median seconds per call of fn over `runs` runs of `reps` calls each.
double median_seconds(const std::function<void()>& fn, int reps, int runs = 7) {
    fn();  // warm up
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
        auto start = Clock::now();
        for (int i = 0; i < reps; ++i)
            fn();
        times.push_back(std::chrono::duration<double>(Clock::now() - start).count() / reps);
    }
    std::nth_element(times.begin(), times.begin() + runs / 2, times.end());
    return times[runs / 2];
}

xt::xarray<float> filled(Shape shape, float v) { return xt::xarray<float>(xt::ones<float>(shape) * v); }

struct GemmCase {
    const char* what;
    std::size_t m, n, k;
    bool ta, tb;
};

} // namespace

int main(int argc, char** argv) {
    const std::string core = ensure_fast_blas_core(argc, argv);
    set_blas_threads(1);
    fmt::print("aegrad tape benchmark — {}; BLAS threads 1; medians of 7 runs\n\n", core);

    // Tape overhead: one add on [2, 2] tensors, raw xtensor vs the tape without and with recording.
    Tensor<float> a(filled({2, 2}, 1.f), true), b(filled({2, 2}, 2.f), true);
    xt::xarray<float> ra = filled({2, 2}, 1.f), rb = filled({2, 2}, 2.f);
    const int reps = 200000;
    const double raw = median_seconds([&] { xt::xarray<float> c = ra + rb; (void)c; }, reps);
    const double no_grad = median_seconds([&] { NoGradGuard g; auto c = a + b; (void)c; }, reps);
    const double recorded = median_seconds([&] { auto c = a + b; (void)c; }, reps);
    const int chain = 100;
    const double fwd_bwd = median_seconds(
        [&] {
            auto c = a;
            for (int i = 0; i < chain; ++i)
                c = c * b;
            sum(c).backward();
            a.zero_grad();
            b.zero_grad();
        },
        reps / chain / 4) / (chain + 1);
    fmt::print("Tape overhead per op on [2, 2] tensors\n");
    fmt::print("  {:<44} {:>8.0f} ns\n", "raw xtensor a + b", raw * 1e9);
    fmt::print("  {:<44} {:>8.0f} ns\n", "tape add, not recording (NoGradGuard)", no_grad * 1e9);
    fmt::print("  {:<44} {:>8.0f} ns\n", "tape add, recorded", recorded * 1e9);
    fmt::print("  {:<44} {:>8.0f} ns\n", "tape mul forward + backward, per op in a chain", fwd_bwd * 1e9);
    fmt::print("  recording overhead over raw xtensor: {:.0f} ns per op\n\n", (recorded - raw) * 1e9);

    // The seed model's first layer, B = 256, 784 -> 100, and the transposed products its backward runs.
    const GemmCase cases[] = {
        {"forward  x[256,784] W[784,100]", 256, 100, 784, false, false},
        {"decoder  h[256,100] W^T (W[784,100])", 256, 784, 100, false, true},
        {"dW = x^T g: x[256,784]^T g[256,100]", 784, 100, 256, true, false},
        {"dx = g W^T: g[256,100] W[784,100]^T", 256, 784, 100, false, true},
    };
    fmt::print("{:<40} {:>12} {:>12} {:>8}\n", "matmul (float)", "raw GFLOPS", "tape GFLOPS", "ratio");
    for (const auto& c : cases) {
        const Shape sa = c.ta ? Shape{c.k, c.m} : Shape{c.m, c.k};
        const Shape sb = c.tb ? Shape{c.n, c.k} : Shape{c.k, c.n};
        xt::xarray<float> A = filled(sa, 0.01f), B = filled(sb, 0.02f), C = xt::xarray<float>::from_shape({c.m, c.n});
        const double flops = 2.0 * c.m * c.n * c.k;
        const int n = std::max(20, static_cast<int>(2e9 / flops));
        const double raw_s = median_seconds(
            [&] {
                cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans,
                            static_cast<int>(c.m), static_cast<int>(c.n), static_cast<int>(c.k), 1.f, A.data(),
                            static_cast<int>(sa[1]), B.data(), static_cast<int>(sb[1]), 0.f, C.data(),
                            static_cast<int>(c.n));
            },
            n);
        Tensor<float> ta(A), tb(B);
        const double tape_s = median_seconds(
            [&] {
                auto out = matmul(c.ta ? transpose(ta) : ta, c.tb ? transpose(tb) : tb);
                (void)out;
            },
            n);
        fmt::print("{:<40} {:>12.1f} {:>12.1f} {:>8.2f}\n", c.what, flops / raw_s / 1e9, flops / tape_s / 1e9,
                   raw_s / tape_s);
    }

    // The same shapes on two threads: OpenBLAS's own threading, and aegrad's row/column split over
    // single-threaded calls. The faster of the two is the 2-thread gemm limit side_by_side.py reports.
    fmt::print("\n{:<40} {:>16} {:>16}\n", "sgemm on 2 threads", "OpenBLAS GFLOPS", "aegrad GFLOPS");
    for (const auto& c : cases) {
        const Shape sa = c.ta ? Shape{c.k, c.m} : Shape{c.m, c.k};
        const Shape sb = c.tb ? Shape{c.n, c.k} : Shape{c.k, c.n};
        xt::xarray<float> A = filled(sa, 0.01f), B = filled(sb, 0.02f), C = xt::xarray<float>::from_shape({c.m, c.n});
        const double flops = 2.0 * c.m * c.n * c.k;
        const int n = std::max(20, static_cast<int>(2e9 / flops));
        set_num_threads(1);
        set_blas_threads(2);
        const double openblas_s = median_seconds(
            [&] {
                cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans,
                            static_cast<int>(c.m), static_cast<int>(c.n), static_cast<int>(c.k), 1.f, A.data(),
                            static_cast<int>(sa[1]), B.data(), static_cast<int>(sb[1]), 0.f, C.data(),
                            static_cast<int>(c.n));
            },
            n);
        set_num_threads(2);  // pins OpenBLAS back to one thread per call
        const double split_s = median_seconds(
            [&] { gemm(c.ta, c.tb, c.m, c.n, c.k, 1.f, A.data(), sa[1], B.data(), sb[1], 0.f, C.data(), c.n); }, n);
        fmt::print("{:<40} {:>16.1f} {:>16.1f}\n", c.what, flops / openblas_s / 1e9, flops / split_s / 1e9);
    }
    return 0;
}
