// `aegrad semisup`: pretrain an autoencoder on all training images without their labels, then compare
// classifiers trained on N labelled images (scratch baselines, the pretrained encoder probed or
// fine-tuned, and joint semi-supervised training) over several N and seeds; print mean, standard deviation
// and 95% interval of the test accuracy, write a CSV and a plot.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include "commands.hpp"
#include "model_spec.hpp"
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/models/scarce_labels.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

struct SemisupArgs {
    std::string layers = "100,30", schedule = "layerwise", labels = "100,1000,10000,60000", out = "aegrad-semisup";
    std::string data_dir = data::kFashionMnistDir, use = "probe,finetune,joint";
    int epochs = 20, seeds = 3, threads = 0;
    std::size_t train_samples = 0;
    double finetune_lr = 1e-3, frozen_fraction = 0.25;
    double joint_weight = models::ScarceLabelsOptions().joint_weight();
    int joint_epochs = models::ScarceLabelsOptions().joint_epochs(), patience = models::ScarceLabelsOptions().patience();
    std::uint64_t seed = 42;
    bool quiet = false;
};

void run_semisup(const SemisupArgs& a) {
    ModelSpec spec;
    spec.layers = parse_positive_list(a.layers);
    models::ScarceLabelsOptions options;
    options.labels(parse_positive_list(a.labels, "--labels"));
    std::vector<std::uint64_t> seeds;
    for (int s = 1; s <= a.seeds; ++s)
        seeds.push_back(static_cast<std::uint64_t>(s));
    options.seeds(seeds).finetune_lr(a.finetune_lr).frozen_fraction(a.frozen_fraction);
    // The scratch baselines always run; --use picks the ways of using the unlabelled images.
    std::vector<std::string> methods{"scratch", "scratch-regularised"};
    std::stringstream uses(a.use);
    for (std::string use; std::getline(uses, use, ',');) {
        if (use == "probe" || use == "finetune")
            methods.push_back("pretrained-" + use);
        else if (use == "joint")
            methods.push_back("joint");
        else
            throw UsageError(fmt::format("--use {}: expected a list of probe, finetune and joint", a.use));
    }
    options.methods(methods)
        .joint_weight(a.joint_weight)
        .joint_epochs(a.joint_epochs)
        .patience(a.patience);
    if (a.threads > 0)
        set_num_threads(a.threads);

    const auto train = data::load_mnist(a.data_dir, data::Split::train, a.train_samples);
    for (std::size_t n : options.labels())
        if (n > train.size())
            throw UsageError(fmt::format("--labels {}: more than the {} training images", n, train.size()));
    const auto test = data::load_mnist(a.data_dir, data::Split::test);
    fs::create_directories(a.out);
    auto autoencoder = spec.build_dense(train.rows * train.cols, a.seed);
    fmt::print("aegrad semisup: pretraining the {}-{} autoencoder ({}, {} epochs) on all {} training images, "
               "labels unused\n",
               train.rows * train.cols, fmt::join(spec.layers, "-"), a.schedule, a.epochs, train.size());
    std::fflush(stdout);
    if (a.schedule == "layerwise") {
        const auto budget = models::split_epoch_budget(a.epochs, spec.layers.size());
        models::LayerwisePretrainer(*autoencoder,
                                    models::PretrainOptions()
                                        .pretrain_epochs(budget.pretrain)
                                        .finetune_epochs(budget.finetune)
                                        .finetune_lr_scale(2.0)
                                        .seed(a.seed)
                                        .progress(!a.quiet))
            .run(train.pixels);
    } else {
        nn::Adam optimizer(autoencoder->parameters());
        nn::fit(*autoencoder, optimizer, train.pixels, nn::reconstruction_mse(),
                nn::FitOptions().epochs(a.epochs).batch_size(256).seed(a.seed).progress(!a.quiet));
    }
    fmt::print("pretrained: test reconstruction MSE {:.5f}\n\n",
               nn::evaluate(*autoencoder, test.pixels, nn::reconstruction_mse()));

    std::ofstream csv((fs::path(a.out) / "semisup.csv").string());
    csv << "labels,method,seed,test_accuracy,seconds\n";
    const auto rows = models::run_scarce_labels(*autoencoder, train, test, options, [&](const models::ScarceLabelsRow& r) {
        csv << fmt::format("{},{},{},{:.6f},{:.2f}\n", r.labels, r.method, r.seed, r.test_accuracy, r.seconds) << std::flush;
        if (!a.quiet)
            fmt::print(stderr, "  {:>6} labels  {:<22} seed {}  {} epochs  test accuracy {:.2f}%\n", r.labels, r.method,
                       r.seed, r.epochs, 100 * r.test_accuracy);
    });
    const auto summary = models::summarise(rows);
    const std::string table = models::summary_table(summary);
    std::ofstream((fs::path(a.out) / "semisup.txt").string()) << table;

    std::map<std::string, data::Series> series;
    for (const auto& s : summary) {
        auto& line = series[s.method];
        line.name = s.method;
        line.x.push_back(std::log10(static_cast<double>(s.labels)));
        line.y.push_back(100 * s.mean);
    }
    std::vector<data::Series> lines;
    for (auto& [name, s] : series)
        lines.push_back(s);
    data::write_line_plot_svg((fs::path(a.out) / "semisup.svg").string(), lines,
                              {"Test accuracy against labelled images (mean over seeds)", "log10(labelled images)",
                               "test accuracy (%)", false, {}});
    fmt::print("{}\nresults in {}/: semisup.csv, semisup.txt, semisup.svg\n", table, a.out);
}
} // namespace

void add_semisup_command(CLI::App& app) {
    auto a = std::make_shared<SemisupArgs>();
    auto* cmd = app.add_subcommand("semisup", "Does autoencoder pretraining help a classifier with few labels?");
    cmd->add_option("--layers", a->layers, "Encoder layer sizes")->capture_default_str();
    cmd->add_option("--schedule", a->schedule, "Pretraining: layerwise or joint")
        ->check(CLI::IsMember({"joint", "layerwise"}))->capture_default_str();
    cmd->add_option("--epochs", a->epochs, "Pretraining epochs")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--labels", a->labels, "Numbers of labelled images to try")->capture_default_str();
    cmd->add_option("--use", a->use, "Ways of using the unlabelled images besides the scratch baselines: probe, finetune, joint")
        ->capture_default_str();
    cmd->add_option("--train-samples", a->train_samples, "Use only the first N training images (the unlabelled pool)");
    cmd->add_option("--seeds", a->seeds, "Seeds per (labels, method)")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the pretraining")->capture_default_str();
    cmd->add_option("--threads", a->threads, "Threads, 0 for every core (aegrad splits the work itself; OpenBLAS runs single-threaded)")->check(CLI::Range(0, 64))->capture_default_str();
    cmd->add_option("--data", a->data_dir, "Folder with the MNIST-format IDX files")->capture_default_str();
    cmd->add_option("--out", a->out, "Folder for the results")->capture_default_str();
    cmd->add_option("--finetune-lr", a->finetune_lr, "Learning rate after unfreezing the pretrained encoder")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--frozen-fraction", a->frozen_fraction, "Share of epochs that train the head alone")
        ->check(CLI::Range(0.0, 1.0))->capture_default_str();
    cmd->add_option("--joint-weight", a->joint_weight, "joint: the cross-entropy's weight against the reconstruction")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--joint-epochs", a->joint_epochs, "joint: passes over the unlabelled pool")
        ->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--patience", a->patience,
                    "Early stopping on the labelled validation split: epochs without improvement (joint: a tenth)")
        ->check(CLI::NonNegativeNumber)->capture_default_str();
    cmd->add_flag("--quiet", a->quiet, "No progress output");
    cmd->callback([a] { run_semisup(*a); });
}

} // namespace aegrad::cli
