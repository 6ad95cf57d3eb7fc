// `aegrad train`: the main job. Loads the data, builds the stacked autoencoder, trains it jointly or with
// greedy layer-wise pretraining + fine-tuning, and writes the model, history, metrics and figures.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include "commands.hpp"
#include "model_spec.hpp"
#include <aegrad/models/report.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/safetensors.hpp>
#include <aegrad/nn/summary.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;
struct TrainArgs {
    ModelSpec spec;
    std::string layers, schedule = "joint", optimizer = "adam", out = "aegrad-out";
    std::string data_dir = data::kFashionMnistDir;
    bool untied = false, quiet = false, resume = false;
    int epochs = 20, threads = 0;
    std::string pretrain_epochs;
    double finetune_lr_scale = 2.0;
    std::size_t batch = 256, train_samples = 0, test_samples = 0;
    double lr = 1e-3, momentum = 0.0;
    std::uint64_t seed = 42;
};

models::OptimizerFactory optimizer_factory(const std::string& name, double lr, double momentum) {
    return [=](std::vector<Tensor<float>> p) -> std::unique_ptr<nn::Optimizer> {
        if (name == "adam")
            return std::make_unique<nn::Adam>(std::move(p), nn::AdamOptions().lr(lr));
        if (name == "adamw")
            return std::make_unique<nn::Adam>(std::move(p), nn::AdamOptions().lr(lr).weight_decay(0.01),
                                              nn::AdamVariant::adamw);
        if (name == "nadam")
            return std::make_unique<nn::Adam>(std::move(p), nn::AdamOptions().lr(lr), nn::AdamVariant::nadam);
        if (name == "rmsprop")
            return std::make_unique<nn::RMSprop>(std::move(p), nn::RMSpropOptions().lr(lr));
        return std::make_unique<nn::SGD>(std::move(p), nn::SGDOptions().lr(lr).momentum(momentum));
    };
}

// Checks every flag before the data is read, so a typo costs no time; returns the epoch split of a
// layer-wise schedule.
models::EpochBudget check_flags(TrainArgs& a) {
    if (!a.layers.empty())
        a.spec.layers = parse_positive_list(a.layers);
    a.spec.tied = !a.untied;
    if (a.spec.model != "dense" && a.schedule != "joint")
        throw std::invalid_argument(fmt::format("--schedule {}: layer-wise pretraining is for --model dense", a.schedule));
    if (a.spec.model != "dense" && a.untied)
        throw std::invalid_argument("--untied: only the dense model has tied weights");
    std::vector<int> pretrain;
    if (!a.pretrain_epochs.empty())
        for (auto e : parse_positive_list(a.pretrain_epochs, "--pretrain-epochs"))
            pretrain.push_back(static_cast<int>(e));
    try {
        return models::split_epoch_budget(a.epochs, a.spec.layers_or_default().size(), pretrain);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("--pretrain-epochs: {}", e.what()));
    }
}

nn::History train_layerwise(const TrainArgs& a, const models::EpochBudget& budget, models::StackedAutoencoder& model,
                            const data::LabelledImages& train, const data::LabelledImages& test) {
    models::LayerwisePretrainer pretrainer(model, models::PretrainOptions()
                                                      .pretrain_epochs(budget.pretrain)
                                                      .finetune_lr_scale(a.finetune_lr_scale)
                                                      .finetune_epochs(budget.finetune)
                                                      .batch_size(a.batch)
                                                      .seed(a.seed)
                                                      .progress(!a.quiet)
                                                      .optimizer(optimizer_factory(a.optimizer, a.lr, a.momentum))
                                                      .checkpoint_dir((fs::path(a.out) / "checkpoints").string())
                                                      .resume(a.resume));
    nn::History history;
    for (const auto& phase : pretrainer.run(train.pixels, test.pixels)) {
        fmt::print("  {}: {} epochs, {:.1f} s, last loss {:.5f}{}\n", phase.name, phase.history.epochs.size(),
                   phase.resumed ? phase.history.total_seconds() : phase.seconds,
                   phase.history.epochs.empty() ? NAN : phase.history.epochs.back().loss,
                   phase.resumed ? " (resumed from its checkpoint)" : "");
        history.append(phase.history);
    }
    return history;
}

nn::History train_joint(const TrainArgs& a, nn::Module& model, const data::LabelledImages& train, const data::LabelledImages& test) {
    auto optimizer = optimizer_factory(a.optimizer, a.lr, a.momentum)(model.parameters());
    nn::CsvLogger csv((fs::path(a.out) / "history.csv").string());
    return nn::fit(model, *optimizer, train.pixels, nn::reconstruction_mse(),
                   nn::FitOptions()
                       .epochs(a.epochs)
                       .batch_size(a.batch)
                       .seed(a.seed)
                       .progress(!a.quiet)
                       .validation([&test](nn::Module& m) { return nn::evaluate(m, test.pixels, nn::reconstruction_mse()); }),
                   {&csv});
}

// The model, history, metrics and figures of a finished run, each written atomically.
void write_results(const TrainArgs& a, nn::Module& model, const nn::History& history, const data::LabelledImages& train,
                   const data::LabelledImages& test, double seconds) {
    const double test_mse = models::reconstruction_mse_of(model, test.pixels);
    const std::size_t images_seen = history.epochs.size() * train.size();
    const double samples_per_s = history.total_seconds() > 0 ? images_seen / history.total_seconds() : 0;
    const auto file = [&](const char* name) { return (fs::path(a.out) / name).string(); };
    nn::save_parameters(model, file("model.safetensors"), a.spec.to_metadata());
    history.write_csv(file("history.csv"));
    models::write_reconstructions(file("reconstructions.png"), model, test.pixels, test.rows, test.cols);
    models::write_loss_plot(file("loss.svg"), history);
    nlohmann::ordered_json metrics = {
        {"test_mse", test_mse},         {"params", nn::count_parameters(model)},
        {"epochs", history.epochs.size()}, {"seconds", seconds},
        {"samples_per_s", samples_per_s}, {"schedule", a.schedule},
        {"model", a.spec.model},        {"layers", a.spec.layers_or_default()},
        {"tied", a.spec.tied},
        {"optimizer", a.optimizer},     {"lr", a.lr},
        {"batch", a.batch},             {"seed", a.seed},
        {"train_samples", train.size()}, {"test_samples", test.size()},
        {"blas_core", blas_core_name()}, {"threads", num_threads()}};
    {
        const std::string tmp = file("metrics.json.tmp");
        std::ofstream(tmp) << metrics.dump(2) << "\n";
        fs::rename(tmp, file("metrics.json"));
    }
    fmt::print("test MSE {:.5f} after {} epochs in {:.1f} s ({:.0f} training images/s)\n", test_mse,
               history.epochs.size(), seconds, samples_per_s);
    fmt::print("results in {}/: model.safetensors, history.csv, metrics.json, reconstructions.png, loss.svg\n", a.out);
}

void run_train(TrainArgs a) {
    const models::EpochBudget budget = check_flags(a);
    if (a.threads > 0)
        set_num_threads(a.threads);
    const auto train = data::load_mnist(a.data_dir, data::Split::train, a.train_samples);
    const auto test = data::load_mnist(a.data_dir, data::Split::test, a.test_samples);
    fs::create_directories(a.out);
    std::shared_ptr<models::StackedAutoencoder> dense;  // the layer-wise scheduler needs the dense type
    std::shared_ptr<nn::Module> model;
    if (a.spec.model == "dense")
        model = dense = a.spec.build_dense(train.rows * train.cols, a.seed);
    else
        model = a.spec.build(train.rows, train.cols, a.seed);
    fmt::print("aegrad train: {}, {} params; {} schedule, {} epochs, batch {}, {} lr {}\n",
               a.spec.describe(train.rows, train.cols), nn::count_parameters(*model), a.schedule, a.epochs, a.batch,
               a.optimizer, a.lr);
    fmt::print("  data: {} ({} training, {} test images); {}, {} thread(s)\n", a.data_dir, train.size(),
               test.size(), blas_core_name(), num_threads());
    std::fflush(stdout);

    const auto start = std::chrono::steady_clock::now();
    const nn::History history = a.schedule == "joint" ? train_joint(a, *model, train, test)
                                                      : train_layerwise(a, budget, *dense, train, test);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_results(a, *model, history, train, test, seconds);
}
} // namespace

void add_train_command(CLI::App& app) {
    auto args = std::make_shared<TrainArgs>();
    auto* cmd = app.add_subcommand("train", "Train a stacked autoencoder on an MNIST-format dataset");
    cmd->add_option("--model", args->spec.model, "dense: stacked autoencoder; conv: convolutional (Géron's by default)")
        ->check(CLI::IsMember({"dense", "conv"}))
        ->capture_default_str();
    cmd->add_option("--layers", args->layers,
                    "Encoder sizes, the last the coding size (dense: units, default 100,30; conv: channels of each "
                    "conv+pool stage, default 16,32,64,30)");
    cmd->add_flag("--untied,!--tied", args->untied, "Untied: the decoder gets its own weights (default: tied, reusing the encoder's transposed)");
    cmd->add_option("--activation", args->spec.activation, "Hidden activation")->capture_default_str();
    cmd->add_option("--output-activation", args->spec.output_activation, "Output activation (none, sigmoid, ...)")
        ->capture_default_str();
    cmd->add_option("--schedule", args->schedule, "joint, or layerwise: greedy phases then fine-tuning")
        ->check(CLI::IsMember({"joint", "layerwise"}))
        ->capture_default_str();
    cmd->add_option("--epochs", args->epochs, "Total epochs (layerwise: split between phases)")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--pretrain-epochs", args->pretrain_epochs,
                    "Layerwise: epochs of each pretraining phase, one number for all or one per layer (2,4); "
                    "fine-tuning gets the rest of --epochs");
    cmd->add_option("--finetune-lr-scale", args->finetune_lr_scale, "Layerwise: fine-tuning learning rate = --lr times this")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--batch", args->batch, "Batch size")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--lr", args->lr, "Learning rate")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--optimizer", args->optimizer, "adam, nadam, adamw, rmsprop or sgd")
        ->check(CLI::IsMember({"adam", "nadam", "adamw", "rmsprop", "sgd"}))
        ->capture_default_str();
    cmd->add_option("--momentum", args->momentum, "SGD momentum")->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed for initialisation and shuffling")->capture_default_str();
    cmd->add_option("--threads", args->threads, "Threads, 0 for every core (aegrad splits the work itself; OpenBLAS runs single-threaded)")->check(CLI::Range(0, 64))->capture_default_str();
    cmd->add_option("--data", args->data_dir, "Folder with the four MNIST-format IDX files (plain or .gz)")
        ->capture_default_str();
    cmd->add_option("--train-samples", args->train_samples, "Use only the first N training images");
    cmd->add_option("--test-samples", args->test_samples, "Use only the first N test images");
    cmd->add_option("--out", args->out, "Folder for the results")->capture_default_str();
    cmd->add_flag("--quiet", args->quiet, "No progress line");
    cmd->add_flag("--resume", args->resume, "Layerwise: continue after the last finished phase in OUT/checkpoints");
    cmd->callback([args] { run_train(*args); });
}

} // namespace aegrad::cli
