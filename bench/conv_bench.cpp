// Training throughput of Géron's models: images per second of whole training steps (forward, loss, backward,
// Adam) on one batch of Fashion-MNIST, medians of several timed runs.
//   conv            the default ConvAutoencoder, MSE
//   denoising-conv  the same, trained to undo Gaussian noise (sigma 0.2) drawn each step
//   vae             the VariationalAutoencoder 784-150-100-(10), MSE + KL / 784
//   bench_conv [--model conv|denoising-conv|mirror-conv|tied-conv|vae] [--threads N] [--batch B] [--steps S] [--runs R] [--data DIR]
// Prints a human line, then one JSON line for bench/side_by_side.py.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/nn/losses.hpp>
#include <aegrad/nn/optimizer.hpp>

using namespace aegrad;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const std::string core = ensure_fast_blas_core(argc, argv);
    int threads = 1, steps = 20, runs = 5;
    std::size_t batch = 256;
    std::string data_dir = data::kFashionMnistDir, kind = "conv";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--threads") threads = std::atoi(argv[i + 1]);
        else if (flag == "--batch") batch = std::strtoul(argv[i + 1], nullptr, 10);
        else if (flag == "--steps") steps = std::atoi(argv[i + 1]);
        else if (flag == "--runs") runs = std::atoi(argv[i + 1]);
        else if (flag == "--data") data_dir = argv[i + 1];
        else if (flag == "--model") kind = argv[i + 1];
        else { fmt::print(stderr, "unknown flag {}\n", flag); return 2; }
    }
    set_num_threads(threads);
    const auto train = data::load_mnist(data_dir, data::Split::train, batch);
    Tensor<float> x(data::to_unit_floats(train.pixels));
    Generator gen(42);
    std::shared_ptr<models::Autoencoder> model;
    models::ObjectiveOptions objective_options;
    if (kind == "conv" || kind == "denoising-conv")
        model = std::make_shared<models::ConvAutoencoder>(models::ConvAutoencoderOptions(), gen);
    else if (kind == "mirror-conv" || kind == "tied-conv")
        model = std::make_shared<models::ConvAutoencoder>(
            models::ConvAutoencoderOptions().mirror(true).tied(kind == "tied-conv"), gen);
    else if (kind == "vae")
        model = std::make_shared<models::VariationalAutoencoder>(models::VariationalAutoencoderOptions(784, {150, 100}, 10), gen);
    else {
        fmt::print(stderr, "unknown --model {}: conv, denoising-conv, mirror-conv, tied-conv or vae\n", kind);
        return 2;
    }
    if (kind == "denoising-conv")
        objective_options.noise(models::Noise::parse("gaussian:0.2"));
    models::Objective objective(objective_options, *model);
    nn::Adam adam(model->parameters(), nn::AdamOptions().lr(1e-3));
    const auto step = [&] {
        adam.zero_grad();
        auto loss = objective.terms(x, true).total;
        loss.backward();
        adam.step();
    };
    for (int i = 0; i < 3; ++i)
        step();
    std::vector<double> rates;
    for (int r = 0; r < runs; ++r) {
        const auto start = Clock::now();
        for (int i = 0; i < steps; ++i)
            step();
        rates.push_back(steps * double(batch) / std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    fmt::print("aegrad {} training: {:.0f} images/s (median of {} runs of {} steps, batch {}, {} thread(s); {})\n", kind,
               median, runs, steps, batch, threads, core);
    fmt::print("{{\"model\": \"{}\", \"images_per_s\": {:.1f}, \"runs\": [{:.1f}], \"threads\": {}, \"batch\": {}, "
               "\"blas_core\": \"{}\"}}\n",
               kind, median, fmt::join(rates, ", "), threads, batch, blas_core_name());
    return 0;
}
