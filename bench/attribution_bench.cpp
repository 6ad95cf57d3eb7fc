// The cost of per-read gradient attribution: one training step of the seed model (tied 784-100-30,
// batch 256, Adam) with attribution off and on, medians of several runs, and the memory the recorded
// contributions hold.
#include <algorithm>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/losses.hpp>
#include <aegrad/autograd/read_attribution.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/optimizer.hpp>

using namespace aegrad;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string core = ensure_fast_blas_core(argc, argv);
    set_blas_threads(1);
    nn::manual_seed(1);
    models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}));
    nn::Adam optimizer(model.parameters());
    Tensor<float> x(xt::xarray<float>(xt::ones<float>({256, 784}) * 0.3f));
    ReadAttribution<float> attribution;
    std::size_t recorded_bytes = 0;

    auto step = [&](bool attribute) {
        optimizer.zero_grad();
        auto loss = mse_loss(model(x), x);
        if (attribute) {
            attribution.clear();
            AttributionScope<float> on(attribution);
            loss.backward();
        } else {
            loss.backward();
        }
        optimizer.step();
    };
    auto median_ms = [&](bool attribute) {
        std::vector<double> runs;
        for (int r = 0; r < 7; ++r) {
            const auto start = Clock::now();
            for (int i = 0; i < 30; ++i)
                step(attribute);
            runs.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() / 30);
        }
        std::nth_element(runs.begin(), runs.begin() + 3, runs.end());
        return runs[3];
    };
    step(false);
    step(true);
    const double off = median_ms(false), on = median_ms(true);
    for (const auto* leaf : attribution.shared_leaves())
        for (const auto& read : attribution.reads(leaf))
            recorded_bytes += read.gradient.size() * sizeof(float);
    std::size_t all_reads = 0;
    for (auto& p : model.parameters())
        for (const auto& read : attribution.reads(p))
            all_reads += read.gradient.size() * sizeof(float);

    fmt::print("per-read attribution cost — seed model training step, batch 256, {}, 1 thread; medians of 7 runs\n",
               core);
    fmt::print("  {:<40} {:8.3f} ms\n", "attribution off", off);
    fmt::print("  {:<40} {:8.3f} ms  ({:+.1f}%)\n", "attribution on (every step)", on, 100 * (on / off - 1));
    fmt::print("  {:<40} {:8.1f} KiB (shared weights' reads), {:.1f} KiB (all reads)\n",
               "memory held by the recorded reads", recorded_bytes / 1024.0, all_reads / 1024.0);
    fmt::print("  off, the engine checks once per backward pass whether an edge hook is alive\n");
    return 0;
}
