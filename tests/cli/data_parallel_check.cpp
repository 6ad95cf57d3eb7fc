// Data-parallel training checked against one process, step by step, as PyTorch checks its
// DistributedDataParallel: the same model trained on the same global batches must hold the same parameters
// after every step, up to float rounding (each rank sums its own rows' gradients).
//
//   data_parallel_check train MODEL STEPS BATCH OPTIMIZER OUT   every step's parameters, to OUT (rank 0)
//   data_parallel_check compare A B STEPS TOLERANCE             each step's largest difference; exit 1 above
//   data_parallel_check throw-on-rank R                         rank R throws at its 3rd step: every rank
//                                                                must end, non-zero, not hang
//
// MODEL is dense (the seed model, 784-100-30 tied) or conv (Géron's); the images are the first STEPS x BATCH
// Fashion-MNIST training images, one epoch of them. Run `train` alone and under mpirun, then `compare`.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include <aegrad/data/mnist.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/trainer.hpp>
#include "model_spec.hpp"

using namespace aegrad;

namespace {
// Appends the parameters after each step.
class ParameterRecorder : public nn::Callback {
public:
    std::vector<float> values;
    std::size_t per_step = 0;
    void on_step_end(nn::Module& model, std::size_t, double) override {
        per_step = 0;
        for (const auto& p : model.parameters()) {
            values.insert(values.end(), p.value().begin(), p.value().end());
            per_step += p.size();
        }
    }
};

int train(const std::string& model_name, std::size_t steps, std::size_t batch, const std::string& optimizer_name,
          const std::string& out) {
    const data::LabelledImages images = data::load_mnist(data::kFashionMnistDir, data::Split::train, steps * batch);
    cli::ModelSpec spec;
    spec.model = model_name;
    spec.tied = model_name == "dense";
    spec.input = {images.rows, images.cols};
    const auto model = spec.build(42);
    models::Objective objective(spec.objective(42), *model);
    std::unique_ptr<nn::Optimizer> optimizer;
    if (optimizer_name == "sgd")
        optimizer = std::make_unique<nn::SGD>(model->parameters(), nn::SGDOptions().lr(0.05).momentum(0.9));
    else
        optimizer = std::make_unique<nn::Adam>(model->parameters(), nn::AdamOptions().lr(1e-3));
    ParameterRecorder recorder;
    nn::fit(*model, *optimizer, data::Rows(images.pixels), objective.loss_fn(),
            nn::FitOptions().epochs(1).batch_size(batch).seed(7).progress(false), {&recorder});
    if (nn::distributed::is_root()) {
        std::ofstream file(out, std::ios::binary);
        file.write(reinterpret_cast<const char*>(recorder.values.data()),
                   static_cast<std::streamsize>(recorder.values.size() * sizeof(float)));
        if (!file.flush())
            throw std::runtime_error("cannot write " + out);
        fmt::print("{} steps of {} parameters, {} rank(s)\n", recorder.values.size() / recorder.per_step,
                   recorder.per_step, nn::distributed::size());
    }
    return 0;
}

// Throws on one rank in the middle of training, as a failed read or a full disk on one machine would.
class ThrowOnRank : public nn::Callback {
public:
    explicit ThrowOnRank(int rank) : rank_(rank) {}
    void on_step_end(nn::Module&, std::size_t step, double) override {
        if (step == 3 && nn::distributed::rank() == rank_)
            throw std::runtime_error(fmt::format("rank {} fails at step 3", rank_));
    }

private:
    int rank_;
};

int throw_on_rank(int rank) {
    const data::LabelledImages images = data::load_mnist(data::kFashionMnistDir, data::Split::train, 2048);
    cli::ModelSpec spec;
    spec.input = {images.rows, images.cols};
    const auto model = spec.build(42);
    nn::Adam optimizer(model->parameters(), nn::AdamOptions());
    ThrowOnRank thrower(rank);
    nn::fit(*model, optimizer, data::Rows(images.pixels), nn::reconstruction_mse(),
            nn::FitOptions().epochs(1).batch_size(128).progress(false), {&thrower});
    return 0;
}

std::vector<float> read_all(const std::string& path) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file)
        throw std::runtime_error("cannot read " + path);
    std::vector<float> v(static_cast<std::size_t>(file.tellg()) / sizeof(float));
    file.seekg(0);
    file.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
    return v;
}

int compare(const std::string& a_path, const std::string& b_path, std::size_t steps, double tolerance) {
    const auto a = read_all(a_path), b = read_all(b_path);
    if (a.size() != b.size() || a.empty() || a.size() % steps != 0) {
        fmt::print("the runs recorded {} and {} values for {} steps\n", a.size(), b.size(), steps);
        return 1;
    }
    const std::size_t per_step = a.size() / steps;
    double worst = 0;
    for (std::size_t s = 0; s < steps; ++s) {
        double diff = 0, moved = 0;
        for (std::size_t i = s * per_step; i < (s + 1) * per_step; ++i) {
            diff = std::max(diff, static_cast<double>(std::fabs(a[i] - b[i])));
            if (s > 0)
                moved = std::max(moved, static_cast<double>(std::fabs(a[i] - a[i - per_step])));
        }
        fmt::print("step {:3}: largest parameter difference {:.3g}{}\n", s + 1, diff,
                   s > 0 ? fmt::format(" (the step itself moved parameters by up to {:.3g})", moved) : "");
        worst = std::max(worst, diff);
    }
    fmt::print("largest difference over {} steps: {:.3g} (tolerance {:.3g})\n", steps, worst, tolerance);
    return worst <= tolerance ? 0 : 1;
}
} // namespace

int main(int argc, char** argv) {
    nn::distributed::Session session(argc, argv);
    try {
        const std::vector<std::string> a(argv + 1, argv + argc);
        if (a.size() == 6 && a[0] == "train")
            return train(a[1], std::stoul(a[2]), std::stoul(a[3]), a[4], a[5]);
        if (a.size() == 2 && a[0] == "throw-on-rank")
            return throw_on_rank(std::stoi(a[1]));
        if (a.size() == 5 && a[0] == "compare")
            return compare(a[1], a[2], std::stoul(a[3]), std::stod(a[4]));
        std::cerr << "usage: data_parallel_check train MODEL STEPS BATCH OPTIMIZER OUT | compare A B STEPS TOLERANCE\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "data_parallel_check: " << e.what() << "\n";
        if (!nn::distributed::all_failed())
            nn::distributed::abort_all(1);
        return 1;
    }
}
