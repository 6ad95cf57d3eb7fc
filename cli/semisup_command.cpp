// `aegrad semisup`: pretrain an autoencoder on all training images without their labels, then compare
// classifiers trained on N labelled images (scratch baselines, the pretrained encoder probed or
// fine-tuned, and joint semi-supervised training) over several N and seeds; print mean, standard deviation
// and 95% interval of the test accuracy, write a CSV and a plot.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include <aegrad/data/atomic_file.hpp>
#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include "commands.hpp"
#include "number_checks.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include <aegrad/data/dataset.hpp>
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/models/scarce_labels.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

struct SemisupArgs {
    std::string model = "dense", layers, schedule = "layerwise", labels = "100,300,1000,3000,60000", out = "aegrad-semisup";
    std::string data_dir = data::kFashionMnistDir, use = "finetune,joint", pretrain;
    int epochs = 20, seeds = 5, threads = 0;
    std::size_t train_samples = 0;
    double finetune_lr = 1e-3, frozen_fraction = 0.25;
    double joint_weight = models::ScarceLabelsOptions().joint_weight();
    int joint_epochs = models::ScarceLabelsOptions().joint_epochs(), patience = models::ScarceLabelsOptions().patience();
    std::uint64_t seed = 42;
    bool quiet = false, tied = false, untied = false, mirror = false;
};

// The objective each --pretrain method trains the autoencoder with, as the `aegrad train` flags that give it
// (Géron's chapter 17 settings where he gives them); ModelSpec turns them into the objective, noise seed
// included, exactly as for `aegrad train`.
models::ObjectiveOptions pretrain_objective(const std::string& method, ModelSpec spec, std::uint64_t seed) {
    if (method == "denoising")
        spec.noise = "gaussian:0.2";
    else if (method == "dropout")
        spec.noise = "dropout:0.5";
    else if (method == "masking")
        spec.noise = "mask:0.5:4";
    else if (method == "sparse")
        spec.sparsity = "l1:1e-4";
    else if (method == "contractive")
        spec.contractive = 0.01;
    else if (method != "plain" && method != "vae")
        throw UsageError(fmt::format("--pretrain {}: expected plain, denoising, dropout, masking, sparse, contractive or vae",
                                     method));
    return spec.objective(seed);
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(item);
    return out;
}

// Pretrains `autoencoder` on the unlabelled images under `objective`, layer-wise or jointly (a VAE always
// jointly: it has no mirror stages).
void pretrain(const SemisupArgs& a, models::Autoencoder& autoencoder, const models::ObjectiveOptions& objective,
              const data::LabelledImages& train) {
    if (auto* layered = dynamic_cast<models::LayeredAutoencoder*>(&autoencoder); layered && a.schedule == "layerwise") {
        const auto budget = models::split_epoch_budget(a.epochs, layered->depth());
        models::LayerwisePretrainer(*layered, models::PretrainOptions()
                                                     .objective(objective)
                                                     .pretrain_epochs(budget.pretrain)
                                                     .finetune_epochs(budget.finetune)
                                                     .finetune_lr_scale(2.0)
                                                     .seed(a.seed)
                                                     .progress(!a.quiet))
            .run(train.pixels);
        return;
    }
    models::Objective loss(objective, autoencoder);
    nn::Adam optimizer(autoencoder.parameters());
    nn::fit(autoencoder, optimizer, train.pixels, loss.loss_fn(),
            nn::FitOptions().epochs(a.epochs).batch_size(256).seed(a.seed).progress(!a.quiet));
}

// The model's encoder for the classifiers, and a factory of fresh models of its shape.
std::pair<models::EncoderOf, models::FreshModel> encoder_and_factory(const std::shared_ptr<models::Autoencoder>& model) {
    if (auto dense = std::dynamic_pointer_cast<models::StackedAutoencoder>(model)) {
        const auto options = dense->options();
        return {models::encoder_of(dense),
                [options](Generator& gen) { return models::encoder_of(std::make_shared<models::StackedAutoencoder>(options, gen)); }};
    }
    if (auto vae = std::dynamic_pointer_cast<models::VariationalAutoencoder>(model)) {
        const auto options = vae->options();
        return {models::encoder_of(vae), [options](Generator& gen) {
                    return models::encoder_of(std::make_shared<models::VariationalAutoencoder>(options, gen));
                }};
    }
    auto conv = std::dynamic_pointer_cast<models::ConvAutoencoder>(model);
    const auto options = conv->options();
    return {models::encoder_of(conv),
            [options](Generator& gen) { return models::encoder_of(std::make_shared<models::ConvAutoencoder>(options, gen)); }};
}

// One part of labelled single-channel byte images: an MNIST-format folder's, or an .npz archive's in Keras's
// layout (x_train, y_train, x_test, y_test), which is what the experiment's classifiers are built for.
data::LabelledImages labelled_images(const std::string& path, data::Split split, std::size_t limit) {
    if (!data::has_splits(path))
        throw UsageError(fmt::format("--data {}: semisup needs labelled train and test parts, an MNIST-format folder "
                                     "or an .npz archive with x_train, y_train, x_test and y_test", path));
    data::Dataset d = data::load_dataset(path, data::DatasetOptions().limit(limit), split);
    if (!d.has_bytes() || d.sample.size() != 2 || d.labels.size() != d.size())
        throw UsageError(fmt::format("--data {}: semisup takes labelled single-channel images of bytes; this holds {} "
                                     "of {}{}", path, d.has_bytes() ? "bytes" : "floats", sample_str(d.sample),
                                     d.labels.empty() ? " without labels" : ""));
    data::LabelledImages images;
    images.pixels = std::move(d.bytes);
    images.labels = std::move(d.labels);
    images.rows = d.sample[0];
    images.cols = d.sample[1];
    return images;
}

void run_semisup(const SemisupArgs& a) {
    ModelSpec spec;
    spec.model = a.model;
    // The defaults are the best method measured with 100 labels (docs/tutorials/05): Hinton's deep shape
    // pretrained as a VAE and fine-tuned; the conv model's best was plain pretraining.
    if (!a.layers.empty())
        spec.layers = parse_positive_list(a.layers);
    else if (a.model == "dense")
        spec.layers = {1000, 500, 250, 30};
    const std::string pretrain_list = !a.pretrain.empty() ? a.pretrain : a.model == "dense" ? "vae" : "plain";
    resolve_tied(spec, a.tied, a.untied, a.mirror);
    models::ScarceLabelsOptions options;
    options.labels(parse_positive_list(a.labels, "--labels"));
    std::vector<std::uint64_t> seeds;
    for (int s = 1; s <= a.seeds; ++s)
        seeds.push_back(static_cast<std::uint64_t>(s));
    options.seeds(seeds).finetune_lr(a.finetune_lr).frozen_fraction(a.frozen_fraction);
    // The scratch baselines and joint training run once; probe and fine-tune once per --pretrain method.
    std::vector<std::string> first{"scratch", "scratch-regularised"}, per_pretrain;
    for (const auto& use : split_list(a.use)) {
        if (use == "probe" || use == "finetune")
            per_pretrain.push_back("pretrained-" + use);
        else if (use == "joint")
            first.push_back("joint");
        else
            throw UsageError(fmt::format("--use {}: expected a list of probe, finetune and joint", a.use));
    }
    const auto pretrain_methods = split_list(pretrain_list);
    for (const auto& m : pretrain_methods) {
        pretrain_objective(m, spec, 0);  // checked before any data is read
        if (m == "vae" && (spec.model != "dense" || spec.layers_or_default().size() < 2))
            throw UsageError("--pretrain vae: a dense VAE, its hidden sizes and latent size from --layers (like 100,30)");
    }
    options.joint_weight(a.joint_weight).joint_epochs(a.joint_epochs).patience(a.patience);
    if (a.threads > 0)
        set_num_threads(a.threads);

    const auto train = labelled_images(a.data_dir, data::Split::train, a.train_samples);
    for (std::size_t n : options.labels())
        if (n > train.size())
            throw UsageError(fmt::format("--labels {}: more than the {} training images", n, train.size()));
    const auto test = labelled_images(a.data_dir, data::Split::test, 0);
    make_output_folder(a.out);

    // semisup.csv is rewritten whole (atomically) after every run, so a kill keeps the runs finished so far.
    std::string csv = "labels,method,seed,test_accuracy,seconds\n";
    std::vector<models::ScarceLabelsRow> rows;
    const auto run = [&](const std::shared_ptr<models::Autoencoder>& model, const std::vector<std::string>& methods,
                         const std::string& name) {
        options.methods(methods).pretrained_name(name);
        const auto [encoder, factory] = encoder_and_factory(model);
        const auto these = models::run_scarce_labels(encoder, factory, train, test, options, [&](const models::ScarceLabelsRow& r) {
            csv += fmt::format("{},{},{},{:.6f},{:.2f}\n", r.labels, r.method, r.seed, r.test_accuracy, r.seconds);
            data::write_file_atomically((fs::path(a.out) / "semisup.csv").string(), [&](std::ostream& out) { out << csv; });
            if (!a.quiet)
                fmt::print(stderr, "  {:>6} labels  {:<22} seed {}  {} epochs  test accuracy {:.2f}%\n", r.labels,
                           r.method, r.seed, r.epochs, 100 * r.test_accuracy);
        });
        rows.insert(rows.end(), these.begin(), these.end());
    };
    // The baselines and joint training start from random initialisations of the model: no pretraining.
    spec.input = {train.rows, train.cols};
    run(spec.build(a.seed), first, "");
    for (const std::string& method : per_pretrain.empty() ? std::vector<std::string>{} : pretrain_methods) {
        ModelSpec shape = spec;
        if (method == "vae") {  // the same encoder sizes, the last one as the latent code
            shape.model = "vae";
            shape.latent = spec.layers_or_default().back();
            shape.layers = spec.layers_or_default();
            shape.layers.pop_back();
        }
        const auto autoencoder = shape.build(a.seed);
        fmt::print("aegrad semisup: pretraining the {} autoencoder ({}, {}, {} epochs) on all {} training images, "
                   "labels unused\n",
                   shape.describe(), method, method == "vae" ? "joint" : a.schedule, a.epochs,
                   train.size());
        std::fflush(stdout);
        try {
            pretrain(a, *autoencoder, pretrain_objective(method, shape, a.seed), train);
        } catch (const std::invalid_argument& e) {  // an objective the model cannot have (contractive on conv)
            throw UsageError(fmt::format("--pretrain {}: {}", method, e.what()));
        }
        fmt::print("pretrained: test reconstruction MSE {:.5f}\n\n",
                   nn::evaluate(*autoencoder, test.pixels, nn::reconstruction_mse()));
        run(autoencoder, per_pretrain, method);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.labels < y.labels; });
    const auto summary = models::summarise(rows);
    const std::string table = models::summary_table(summary);
    data::write_file_atomically((fs::path(a.out) / "semisup.txt").string(), [&](std::ostream& out) { out << table; });

    std::map<std::string, data::Series> series;
    for (const auto& s : summary) {
        auto& line = series[s.method];
        line.name = s.method;
        line.x.push_back(static_cast<double>(s.labels));
        line.y.push_back(100 * s.mean);
        line.lower.push_back(100 * (s.mean - s.interval));  // NaN with one seed: no band there
        line.upper.push_back(100 * (s.mean + s.interval));
    }
    std::vector<data::Series> lines;
    for (auto& [name, s] : series)
        lines.push_back(s);
    data::write_line_plot_svg((fs::path(a.out) / "semisup.svg").string(), lines,
                              {"Test accuracy against labelled images (mean over seeds, 95% interval shaded)", "labelled images (log scale)",
                               "test accuracy (%)", false, {}, true});
    fmt::print("{}\nresults in {}/: semisup.csv, semisup.txt, semisup.svg and .png\n", table, a.out);
}
} // namespace

void add_semisup_command(CLI::App& app) {
    auto a = std::make_shared<SemisupArgs>();
    auto* cmd = app.add_subcommand("semisup", "Does autoencoder pretraining help a classifier with few labels?");
    cmd->add_option("--model", a->model, "dense: the stacked autoencoder; conv: the convolutional one")
        ->check(CLI::IsMember({"dense", "conv"}))
        ->capture_default_str();
    cmd->add_option("--layers", a->layers, "Encoder sizes, the last the coding size (dense 1000,500,250,30; conv 16,32,64,30)");
    add_tied_flags(*cmd, a->tied, a->untied, a->mirror);
    cmd->add_option("--schedule", a->schedule, "Pretraining: layerwise or joint")
        ->check(CLI::IsMember({"joint", "layerwise"}))->capture_default_str();
    cmd->add_option("--epochs", a->epochs, "Pretraining epochs")->check(positive_number())->capture_default_str();
    cmd->add_option("--labels", a->labels, "Numbers of labelled images to try")->capture_default_str();
    cmd->add_option("--pretrain", a->pretrain,
                    "Pretraining objectives to compare: plain, denoising (gaussian:0.2), dropout (0.5), masking "
                    "(mask:0.5:4), sparse (l1:1e-4), contractive (0.01), vae (the means as features); default vae for dense, "
                    "plain for conv");
    cmd->add_option("--use", a->use, "Ways of using the unlabelled images besides the scratch baselines: probe, finetune, joint")
        ->capture_default_str();
    cmd->add_option("--train-samples", a->train_samples, "Use only the first N training images (the unlabelled pool)");
    cmd->add_option("--seeds", a->seeds, "Seeds per (labels, method)")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the pretraining")->capture_default_str();
    cmd->add_option("--threads", a->threads, "Threads, 0 for every core (aegrad splits the work itself; OpenBLAS runs single-threaded)")->check(CLI::Range(0, 64))->capture_default_str();
    cmd->add_option("--data", a->data_dir, "Labelled images: a folder of MNIST-format IDX files, or an .npz archive "
                                           "with x_train, y_train, x_test and y_test (Keras's layout)")
        ->capture_default_str();
    cmd->add_option("--out", a->out, "Folder for the results")->capture_default_str();
    cmd->add_option("--finetune-lr", a->finetune_lr, "Learning rate after unfreezing the pretrained encoder")
        ->check(positive_number())->capture_default_str();
    cmd->add_option("--frozen-fraction", a->frozen_fraction, "Share of epochs that train the head alone")
        ->check(number_between(0.0, 1.0))->capture_default_str();
    cmd->add_option("--joint-weight", a->joint_weight, "joint: the cross-entropy's weight against the reconstruction")
        ->check(positive_number())->capture_default_str();
    cmd->add_option("--joint-epochs", a->joint_epochs, "joint: passes over the unlabelled pool")
        ->check(positive_number())->capture_default_str();
    cmd->add_option("--patience", a->patience,
                    "Early stopping on the labelled validation split: epochs without improvement (joint: a tenth)")
        ->check(non_negative_number())->capture_default_str();
    cmd->add_flag("--quiet", a->quiet, "No progress output");
    cmd->callback([a] { run_semisup(*a); });
}

} // namespace aegrad::cli
