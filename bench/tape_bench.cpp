// Microbenchmark of the tape: the overhead of recording an op on tiny tensors, and matmul throughput
// through the tape against a raw cblas_sgemm on every product of a seed-model training step, on 1 and 2
// threads. Prints medians of several runs; the last line is JSON for side_by_side.py.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <cblas.h>
#include <fmt/format.h>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/autograd/detail/gemm.hpp>

using namespace aegrad;
using namespace aegrad::detail;  // the gemm it times
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

Array<float> filled(Shape shape, float v) { return Array<float>(xt::ones<float>(shape) * v); }

struct GemmCase {
    std::string what;
    std::size_t m, n, k;
    bool ta, tb;
    float beta;  // 1 where the product is added onto something: a layer's bias, or a tied weight's first gradient
};

// Every matrix product of one training step of the seed model (784-100-30, tied weights) at batch B, with
// the transpose flags and betas aegrad passes to gemm (checked against a trace of a real step: `linear`
// fills its output with the bias and adds the product onto it).
std::vector<GemmCase> seed_step_products(std::size_t B) {
    return {
        {fmt::format("enc 1    x[{},784] W1", B), B, 100, 784, false, false, 1.f},
        {fmt::format("enc 2    h[{},100] W2", B), B, 30, 100, false, false, 1.f},
        {fmt::format("dec 2    c[{},30] W2^T", B), B, 100, 30, false, true, 1.f},
        {fmt::format("dec 1    h[{},100] W1^T", B), B, 784, 100, false, true, 1.f},
        {fmt::format("dW1 dec  g^T h, k={}", B), 784, 100, B, true, false, 0.f},
        {fmt::format("dh  dec 1  g[{},784] W1", B), B, 100, 784, false, false, 0.f},
        {fmt::format("dW2 dec  g^T c, k={}", B), 100, 30, B, true, false, 0.f},
        {fmt::format("dc  dec 2  g[{},100] W2", B), B, 30, 100, false, false, 0.f},
        {fmt::format("dW2 enc  h^T g, k={}, +=", B), 100, 30, B, true, false, 1.f},
        {fmt::format("dh  enc 2  g[{},30] W2^T", B), B, 100, 30, false, true, 0.f},
        {fmt::format("dW1 enc  x^T g, k={}, +=", B), 784, 100, B, true, false, 1.f},
    };
}

// A case's operands, stored as the layer holds them (a transposed operand is read with a flag).
struct GemmOperands {
    explicit GemmOperands(const GemmCase& c)
        : c(c), sa(c.ta ? Shape{c.k, c.m} : Shape{c.m, c.k}), sb(c.tb ? Shape{c.n, c.k} : Shape{c.k, c.n}),
          A(filled(sa, 0.01f)), B(filled(sb, 0.02f)), C(filled({c.m, c.n}, 0.f)),
          flops(2.0 * c.m * c.n * c.k), reps(std::max(20, static_cast<int>(2e9 / flops))) {}
    // One cblas_sgemm call, with however many threads OpenBLAS is set to.
    void raw_sgemm() {
        cblas_sgemm(CblasRowMajor, c.ta ? CblasTrans : CblasNoTrans, c.tb ? CblasTrans : CblasNoTrans,
                    static_cast<int>(c.m), static_cast<int>(c.n), static_cast<int>(c.k), 1.f, A.data(),
                    static_cast<int>(sa[1]), B.data(), static_cast<int>(sb[1]), c.beta, C.data(), static_cast<int>(c.n));
    }
    GemmCase c;
    Shape sa, sb;
    Array<float> A, B, C;
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
    Array<float> ra = filled({2, 2}, 1.f), rb = filled({2, 2}, 2.f);
    const int reps = 200000;
    const double raw = median_seconds([&] { Array<float> c = ra + rb; (void)c; }, reps);
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

    // Every product of a seed-model training step, at the two batch sizes side_by_side.py trains with. The
    // step's gemm time is the sum of its products' medians: what an epoch would cost if it were only gemm.
    std::map<std::size_t, std::map<int, double>> rates;  // batch -> threads -> the step's GFLOPS
    for (std::size_t B : {std::size_t(256), std::size_t(32)}) {
        double flops = 0, one_thread_s = 0, two_thread_s = 0;
        fmt::print("{:<30} {:>10} {:>10} {:>10} {:>6} {:>13} {:>13}\n", fmt::format("seed step at batch {} (sgemm)", B),
                   "1 thr raw", "1 thr gemm", "1 thr tape", "ratio", "2 thr BLAS", "2 thr aegrad");
        for (const auto& c : seed_step_products(B)) {
            GemmOperands g(c);
            set_num_threads(1);
            const double raw_s = median_seconds([&] { g.raw_sgemm(); }, g.reps);
            const auto aegrad_gemm = [&] {
                gemm(c.ta, c.tb, c.m, c.n, c.k, 1.f, g.A.data(), g.sa[1], g.B.data(), g.sb[1], c.beta, g.C.data(), c.n);
            };
            // aegrad's gemm on one thread: where beta = 0 it clears C itself and calls OpenBLAS with beta = 1
            // (faster); otherwise it is the same call as raw_sgemm, so it is not timed twice (the faster of two
            // timings of one call would only pick the luckier).
            const double own_s = c.beta == 0.f ? median_seconds(aegrad_gemm, g.reps) : raw_s;
            // The same product through the tape: matmul of the stored operands, transposed lazily.
            Tensor<float> ta(g.A), tb(g.B);
            const double tape_s = median_seconds(
                [&] {
                    auto out = matmul(c.ta ? transpose(ta) : ta, c.tb ? transpose(tb) : tb);
                    (void)out;
                },
                g.reps);
            // On two threads: OpenBLAS's own threading, and aegrad's row/column split over single-threaded
            // calls. The fastest of these and the 1-thread call counts towards the 2-thread step: a product
            // too small to split is best left on one core, as aegrad's gemm does.
            set_blas_threads(2);
            const double openblas_s = median_seconds([&] { g.raw_sgemm(); }, g.reps);
            set_num_threads(2);  // pins OpenBLAS back to one thread per call
            const double split_s = median_seconds(aegrad_gemm, g.reps);
            fmt::print("{:<30} {:>10.1f} {:>10.1f} {:>10.1f} {:>6.2f} {:>13.1f} {:>13.1f}\n", c.what, g.flops / raw_s / 1e9,
                       g.flops / own_s / 1e9, g.flops / tape_s / 1e9, raw_s / tape_s, g.flops / openblas_s / 1e9,
                       g.flops / split_s / 1e9);
            // The limit counts each product at the fastest way measured, so that it stays a limit.
            const double one_s = std::min(raw_s, own_s);
            flops += g.flops;
            one_thread_s += one_s;
            two_thread_s += std::min({one_s, openblas_s, split_s});
        }
        rates[B][1] = flops / one_thread_s / 1e9;
        rates[B][2] = flops / two_thread_s / 1e9;
        fmt::print("{:<30} {:>21.1f} {:>10} {:>6} {:>27.1f}   (GFLOPS, the fastest per product; {:.0f} us of gemm per "
                   "step on 1 thread)\n\n",
                   "whole step", rates[B][1], "", "", rates[B][2], one_thread_s * 1e6);
    }
    set_num_threads(1);
    // For side_by_side.py: the step's rate per batch size and thread count.
    fmt::print("{{\"sgemm_gflops\": {{\"256\": {{\"1\": {:.2f}, \"2\": {:.2f}}}, \"32\": {{\"1\": {:.2f}, \"2\": {:.2f}}}}}, "
               "\"blas_core\": \"{}\"}}\n",
               rates[256][1], rates[256][2], rates[32][1], rates[32][2], blas_core_name());
    return 0;
}
