// Data-parallel scaling: training steps of the seed model (tied 784-100-30, Adam) or the conv model on a
// global batch of Fashion-MNIST split over the ranks, as fit() runs them under mpirun: the loss summed
// over ranks, gradients averaged in buckets sent during backward, then Adam.
//   bench_scaling [--model seed|conv] [--batch B] [--threads T] [--steps S] [--runs R] [--bucket-kb KB] [--data DIR]
//   mpirun -np K bench_scaling ...
// Measures, as medians over runs of S steps:
//   step         a whole data-parallel step; images/s = global batch / step
//   compute      the same step with no communication at all (this rank's shard alone)
//   allreduce    a blocking sum of the gradients' bytes, as if no overlap were possible
//   wait         the part of the averager's communication backward did not hide: GradientAverager's
//                wait_seconds, in steps where the ranks first wait for each other after backward, so that
//                the slower rank's lateness is not counted as communication; hidden = 1 - wait / allreduce
// Rank 0 prints a human line, then one JSON line for bench/scaling.py.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xtensor/xview.hpp>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/data_parallel.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/optimizer.hpp>

using namespace aegrad;
namespace dist = aegrad::nn::distributed;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The slowest rank's value: a collective step lasts as long as its slowest rank.
double slowest(double seconds) {
    dist::allreduce_max(&seconds, 1);
    return seconds;
}

// Median over `runs` of the slowest rank's mean seconds per call of fn, over `steps` calls.
double median_step(const std::function<void()>& fn, int steps, int runs) {
    std::vector<double> per_run;
    for (int r = 0; r < runs; ++r) {
        double sync = 0;
        dist::allreduce_sum(&sync, 1);  // every rank starts the run together
        const auto start = Clock::now();
        for (int i = 0; i < steps; ++i)
            fn();
        per_run.push_back(slowest(seconds_since(start) / steps));
    }
    return median(per_run);
}

} // namespace

int main(int argc, char** argv) {
    const std::string core = ensure_fast_blas_core(argc, argv);
    dist::Session session(argc, argv);
    int threads = 1, steps = 20, runs = 5;
    std::size_t batch = 256, bucket_kb = 4096;
    std::string data_dir = data::kFashionMnistDir, kind = "seed";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else if (flag == "--batch") batch = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--steps") steps = std::atoi(argv[i + 1]);
        else if (flag == "--runs") runs = std::atoi(argv[i + 1]);
        else if (flag == "--bucket-kb") bucket_kb = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--data") data_dir = argv[i + 1];
        else if (flag == "--model") kind = argv[i + 1];
        else { fmt::print(stderr, "unknown flag {}\n", flag); return 2; }
    }
    const auto ranks = static_cast<std::size_t>(dist::size());
    if (batch % ranks != 0 || (kind != "seed" && kind != "conv")) {
        if (dist::is_root())
            fmt::print(stderr, "--model seed|conv, and --batch {} must split evenly over {} ranks\n", batch, ranks);
        return 2;
    }
    set_num_threads(threads);

    // This rank's shard of one global batch, as the sharded loader would give it.
    const std::size_t shard = batch / ranks;
    const auto train = data::load_mnist(data_dir, data::Split::train, batch);
    Array<float> pixels = data::to_unit_floats(train.pixels);
    Array<float> rows = xt::view(pixels, xt::range(dist::rank() * shard, (dist::rank() + 1) * shard));
    Generator gen(42);
    std::shared_ptr<models::Autoencoder> model;
    if (kind == "seed") {
        model = std::make_shared<models::StackedAutoencoder>(models::StackedAutoencoderOptions(784, {100, 30}), gen);
        rows.reshape({shard, std::size_t(784)});
    } else {
        model = std::make_shared<models::ConvAutoencoder>(models::ConvAutoencoderOptions(), gen);
    }
    const Tensor<float> x(rows);
    models::Objective objective(models::ObjectiveOptions(), *model);
    nn::Adam adam(model->parameters(), nn::AdamOptions().lr(1e-3));
    nn::broadcast_state(*model);
    nn::GradientAverager averager(model->parameters(), bucket_kb << 10);

    std::vector<nn::GradientAverager::StepStats> stats;
    const auto parallel_step = [&](bool sync_after_backward) {
        adam.zero_grad();
        auto loss = objective.terms(x, true).total;
        double value = loss.item() * static_cast<double>(shard);
        dist::allreduce_sum(&value, 1);
        averager.begin(static_cast<double>(shard) / static_cast<double>(batch));
        loss.backward();
        if (sync_after_backward) {
            double sync = 0;
            dist::allreduce_sum(&sync, 1);
        }
        averager.finish();
        adam.step();
        if (sync_after_backward)
            stats.push_back(averager.last_step());
    };
    const auto compute_step = [&] {
        adam.zero_grad();
        auto loss = objective.terms(x, true).total;
        loss.backward();
        adam.step();
    };
    for (int i = 0; i < 3; ++i)
        parallel_step(false);
    const double step = median_step([&] { parallel_step(false); }, steps, runs);
    const double compute = median_step(compute_step, steps, runs);
    median_step([&] { parallel_step(true); }, steps, runs);

    const nn::GradientAverager::StepStats& last = stats.back();
    std::vector<double> waits;
    for (const auto& s : stats)
        waits.push_back(s.wait_seconds);
    const double wait = slowest(median(waits));
    std::size_t sent_in_backward = 0;
    for (const auto& s : stats)
        sent_in_backward += s.buckets_sent_in_backward;

    // The same bytes summed in one blocking call: what the step would wait with no overlap at all.
    std::vector<float> gradients(last.bytes / sizeof(float), 1.f);
    const double allreduce = ranks == 1 ? 0.0 : median_step([&] { dist::start_allreduce_sum(gradients.data(), gradients.size()).wait(); },
                                                            steps, runs);
    const double hidden = allreduce > 0 ? std::clamp(1.0 - wait / allreduce, 0.0, 1.0) : 0.0;

    if (dist::is_root()) {
        fmt::print("aegrad {} data-parallel: {:.0f} images/s on {} rank(s) x {} thread(s), global batch {}: step {:.2f} ms, "
                   "compute {:.2f} ms; gradients {:.2f} MB in {} bucket(s) ({:.1f} a step sent during backward), "
                   "blocking allreduce {:.3f} ms, waited {:.3f} ms, {:.0f}% hidden ({}; medians of {} runs of {} steps)\n",
                   kind, batch / step, ranks, threads, batch, step * 1e3, compute * 1e3, last.bytes / 1e6, last.buckets,
                   static_cast<double>(sent_in_backward) / static_cast<double>(stats.size()), allreduce * 1e3, wait * 1e3,
                   hidden * 100, core, runs, steps);
        fmt::print("{{\"model\": \"{}\", \"ranks\": {}, \"threads\": {}, \"batch\": {}, \"images_per_s\": {:.1f}, "
                   "\"step_s\": {:.6g}, \"compute_s\": {:.6g}, \"bytes\": {}, \"buckets\": {}, "
                   "\"bucket_kb\": {}, \"buckets_sent_in_backward\": {:.3g}, \"allreduce_s\": {:.6g}, \"wait_s\": {:.6g}, \"hidden\": {:.4f}, "
                   "\"blas_core\": \"{}\"}}\n",
                   kind, ranks, threads, batch, batch / step, step, compute, last.bytes, last.buckets, bucket_kb,
                   static_cast<double>(sent_in_backward) / static_cast<double>(stats.size()), allreduce, wait, hidden,
                   blas_core_name());
    }
    return 0;
}
