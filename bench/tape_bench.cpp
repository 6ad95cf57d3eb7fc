// Microbenchmark of the tape: the overhead of recording an op on tiny tensors, and matmul throughput
// through the tape against a raw cblas_sgemm on the seed model's shapes. Prints medians of several runs.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
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

// A case's operands, stored as the layer holds them (a transposed operand is read with a flag).
struct GemmOperands {
    explicit GemmOperands(const GemmCase& c)
        : c(c), sa(c.ta ? Shape{c.k, c.m} : Shape{c.m, c.k}), sb(c.tb ? Shape{c.n, c.k} : Shape{c.k, c.n}),
          A(filled(sa, 0.01f)), B(filled(sb, 0.02f)), C(xt::xarray<float>::from_shape({c.m, c.n})),
          flops(2.0 * c.m * c.n * c.k), reps(std::max(20, static_cast<int>(2e9 / flops))) {}
    // One cblas_sgemm call, with however many threads OpenBLAS is set to.
    void raw_sgemm() {
        cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans,
                    static_cast<int>(c.m), static_cast<int>(c.n), static_cast<int>(c.k), 1.f, A.data(),
                    static_cast<int>(sa[1]), B.data(), static_cast<int>(sb[1]), 0.f, C.data(), static_cast<int>(c.n));
    }
    GemmCase c;
    Shape sa, sb;
    xt::xarray<float> A, B, C;
    double flops;
    int reps;
};

} // namespace

int main(int argc, char** argv) {
    const std::string core = ensure_fast_blas_core(argc, argv);
    set_num_threads(1);  // one thread for the tape and for OpenBLAS, until the 2-thread table
    fmt::print("aegrad tape benchmark — {}; 1 thread; medians of 7 runs\n\n", core);

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

    // The seed model's first layer, 784 -> 100, and the transposed products its backward runs, at the two
    // batch sizes side_by_side.py trains with. A case's name is built here, so it owns its string.
    std::map<std::size_t, std::map<int, std::vector<double>>> rates;  // batch -> threads -> GFLOPS per case
    for (std::size_t B : {std::size_t(256), std::size_t(32)}) {
        std::vector<std::string> names = {fmt::format("forward  x[{},784] W[784,100]", B),
                                          fmt::format("decoder  h[{},100] W^T (W[784,100])", B),
                                          fmt::format("dW = x^T g: x[{0},784]^T g[{0},100]", B),
                                          fmt::format("dx = g W^T: g[{},100] W[784,100]^T", B)};
        const GemmCase cases[] = {
            {names[0].c_str(), B, 100, 784, false, false},
            {names[1].c_str(), B, 784, 100, false, true},
            {names[2].c_str(), 784, 100, B, true, false},
            {names[3].c_str(), B, 784, 100, false, true},
        };
        set_num_threads(1);
        fmt::print("{:<42} {:>12} {:>12} {:>8}\n", "matmul (float), 1 thread", "raw GFLOPS", "tape GFLOPS", "ratio");
        for (const auto& c : cases) {
            GemmOperands g(c);
            const double raw_s = median_seconds([&] { g.raw_sgemm(); }, g.reps);
            Tensor<float> ta(g.A), tb(g.B);
            const double tape_s = median_seconds(
                [&] {
                    auto out = matmul(c.ta ? transpose(ta) : ta, c.tb ? transpose(tb) : tb);
                    (void)out;
                },
                g.reps);
            fmt::print("{:<42} {:>12.1f} {:>12.1f} {:>8.2f}\n", c.what, g.flops / raw_s / 1e9,
                       g.flops / tape_s / 1e9, raw_s / tape_s);
            rates[B][1].push_back(g.flops / raw_s / 1e9);
        }

        // The same shapes on two threads: OpenBLAS's own threading, and aegrad's row/column split over
        // single-threaded calls. The faster of the two is the 2-thread rate for the gemm limit.
        fmt::print("\n{:<42} {:>16} {:>16}\n", "sgemm on 2 threads", "OpenBLAS GFLOPS", "aegrad GFLOPS");
        for (const auto& c : cases) {
            GemmOperands g(c);
            set_num_threads(1);
            set_blas_threads(2);
            const double openblas_s = median_seconds([&] { g.raw_sgemm(); }, g.reps);
            set_num_threads(2);  // pins OpenBLAS back to one thread per call
            const double split_s = median_seconds(
                [&] { gemm(c.ta, c.tb, c.m, c.n, c.k, 1.f, g.A.data(), g.sa[1], g.B.data(), g.sb[1], 0.f, g.C.data(), c.n); },
                g.reps);
            fmt::print("{:<42} {:>16.1f} {:>16.1f}\n", c.what, g.flops / openblas_s / 1e9, g.flops / split_s / 1e9);
            rates[B][2].push_back(g.flops / std::min(openblas_s, split_s) / 1e9);
        }
        fmt::print("\n");
    }
    // For side_by_side.py: the median rate over the four shapes, per batch size and thread count.
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
    };
    fmt::print("{{\"sgemm_gflops\": {{\"256\": {{\"1\": {:.2f}, \"2\": {:.2f}}}, \"32\": {{\"1\": {:.2f}, \"2\": {:.2f}}}}}, "
               "\"blas_core\": \"{}\"}}\n",
               median(rates[256][1]), median(rates[256][2]), median(rates[32][1]), median(rates[32][2]), blas_core_name());
    return 0;
}
