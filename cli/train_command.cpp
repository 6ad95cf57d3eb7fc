// `aegrad train`: the main job. Loads the data, builds the autoencoder (dense, conv or variational) and its
// objective (noise, penalties, loss), trains it jointly or with greedy layer-wise pretraining + fine-tuning,
// and writes the model, history, metrics and figures.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <aegrad/data/atomic_file.hpp>
#include <aegrad/autograd/anomaly.hpp>
#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include "commands.hpp"
#include "number_checks.hpp"
#include "on_root.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include "run_settings.hpp"
#include <aegrad/models/report.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/safetensors.hpp>
#include <aegrad/nn/summary.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;
struct TrainArgs {
    ModelSpec spec;
    std::string layers, schedule = "joint", optimizer = "adam", out = "aegrad-out";
    DataFlags data;
    bool tied = false, untied = false, mirror = false, quiet = false, resume = false, detect_anomaly = false;
    int epochs = 20, threads = 0;
    std::string pretrain_epochs;
    double finetune_lr_scale = 0;  // 0: the model's default (finetune_scale_for)
    std::size_t batch = 256, checkpoint_every = 0;
    double lr = 1e-3, momentum = 0.0;
    std::uint64_t seed = 42;
    std::size_t validation_samples = 0;
    int early_stopping = 0;  // patience; 0: off
    const CLI::Option* early_stopping_flag = nullptr;  // to tell "not given" from a patience of 0
    std::string lr_schedule;
};

// --lr-schedule cosine | step:EVERY:GAMMA | exponential:GAMMA, over `epochs` epochs from `lr`.
nn::LrSchedule parse_lr_schedule(const std::string& text, double lr, int epochs) {
    const auto fail = [&] {
        return UsageError(fmt::format("--lr-schedule {}: expected cosine, step:EVERY:GAMMA or exponential:GAMMA", text));
    };
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ':');)
        parts.push_back(part);
    const auto positive = [&](const std::string& v) {
        std::size_t used = 0;
        double d = 0;
        try {
            d = std::stod(v, &used);
        } catch (const std::exception&) {
            throw fail();
        }
        if (used != v.size() || !(d > 0) || !std::isfinite(d))
            throw fail();
        return d;
    };
    if (parts.size() == 1 && parts[0] == "cosine")
        return nn::cosine_lr(lr, epochs);
    if (parts.size() == 3 && parts[0] == "step") {
        const double every = positive(parts[1]);
        if (every != static_cast<double>(static_cast<int>(every)))
            throw fail();
        return nn::step_lr(lr, static_cast<int>(every), positive(parts[2]));
    }
    if (parts.size() == 2 && parts[0] == "exponential")
        return nn::exponential_lr(lr, positive(parts[1]));
    throw fail();
}

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
    try {
        if (!a.layers.empty())
            a.spec.layers = parse_positive_list(a.layers);
        resolve_tied(a.spec, a.tied, a.untied, a.mirror);
        if (a.spec.model == "vae" && a.schedule != "joint")
            throw UsageError(fmt::format("--schedule {}: the VAE has no mirror stages to pretrain one by one; use "
                                         "--schedule joint", a.schedule));
        if (a.momentum != 0 && a.optimizer != "sgd")
            throw UsageError(fmt::format("--momentum {}: momentum is for --optimizer sgd (Adam and its kin keep their "
                                         "own moment estimates)", a.momentum));
        if (a.momentum >= 1)
            throw UsageError(fmt::format("--momentum {}: must be below 1, or the steps never shrink", a.momentum));
        if (a.spec.model != "conv" && a.spec.batch_norm)
            throw UsageError("--batch-norm: BatchNorm goes between the conv model's convolutions (--model conv)");
        if (a.spec.model != "dense" && !a.spec.coding_activation.empty())
            throw UsageError("--coding-activation: only the dense model has a coding layer of its own");
        for (auto [flag, name] : {std::pair{"--activation", &a.spec.activation}, {"--output-activation", &a.spec.output_activation},
                                  {"--coding-activation", &a.spec.coding_activation}})
            try {
                if (!name->empty())
                    nn::activation_from_name(*name);
            } catch (const std::invalid_argument& e) {
                throw UsageError(fmt::format("{} {}: {}", flag, *name, e.what()));
            }
        if (a.spec.contractive < 0)
            throw UsageError("--contractive: the weight must be >= 0");
        // The objective's own checks (needs a model; the image size is known once the data is read).
        a.spec.objective(a.seed);
        if (a.spec.contractive > 0 && a.spec.model != "dense")
            throw UsageError("--contractive: the penalty needs a dense coding layer (--model dense)");
        if (a.early_stopping < 0 || (a.early_stopping_flag && a.early_stopping_flag->count() && a.early_stopping == 0))
            throw UsageError("--early-stopping: the patience must be a positive number of epochs");
        if (!a.lr_schedule.empty())
            parse_lr_schedule(a.lr_schedule, a.lr, a.epochs);
        if (const auto ranks = static_cast<std::size_t>(nn::distributed::size()); a.batch % ranks != 0)
            throw UsageError(fmt::format("--batch {}: the global batch is split evenly over the {} ranks, so it must be "
                                         "a multiple of {} (e.g. {})",
                                         a.batch, ranks, ranks, (a.batch / ranks + 1) * ranks));
    } catch (const UsageError&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    std::vector<int> pretrain;
    if (!a.pretrain_epochs.empty())
        for (auto e : parse_positive_list(a.pretrain_epochs, "--pretrain-epochs"))
            pretrain.push_back(static_cast<int>(e));
    try {
        return models::split_epoch_budget(a.epochs, a.spec.depth(), pretrain);
    } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--pretrain-epochs: {}", e.what()));
    }
}

// Fine-tuning's rate over pretraining's when --finetune-lr-scale is not given: twice the rate suits the dense
// stack and Géron's conv layout, and the mirror conv layout fine-tunes best at the same rate (the
// measurements are in tutorials 3 and 4).
double finetune_scale_for(const TrainArgs& a) {
    if (a.finetune_lr_scale > 0)
        return a.finetune_lr_scale;
    return a.spec.mirror ? 1.0 : 2.0;
}

std::string checkpoint_folder(const TrainArgs& a) { return (fs::path(a.out) / "checkpoints").string(); }

// What defines the run, for --resume to check: every flag that changes what is trained or how, and the
// data (its description and the scaling fitted to it). --threads, --quiet and --checkpoint-every do not.
RunSettings settings_of(const TrainArgs& a, const models::EpochBudget& budget, const TrainTest& data) {
    RunSettings s;
    for (const auto& [key, value] : a.spec.to_metadata()) {
        if (key == "input_shape")
            s["input shape"] = value;
        else if (key == "scaler")
            s["data scaling"] = value;
        else
            s["--" + std::regex_replace(key, std::regex("_"), "-")] = value;
    }
    const auto text = [](const auto& v) { return fmt::format("{}", v); };
    s["--schedule"] = a.schedule;
    s["--epochs"] = text(a.epochs);
    s["--optimizer"] = a.optimizer;
    s["--lr"] = text(a.lr);
    s["--momentum"] = text(a.momentum);
    s["--batch"] = text(a.batch);
    s["--seed"] = text(a.seed);
    s["--lr-schedule"] = a.lr_schedule;
    s["--early-stopping"] = text(a.early_stopping);
    s["--validation-samples"] = text(a.validation_samples);
    if (a.schedule == "layerwise") {
        s["--finetune-lr-scale"] = text(finetune_scale_for(a));
        s["pretraining epochs"] = fmt::format("{}", fmt::join(budget.pretrain, ","));
    }
    s["data"] = data.description;
    s["--train-samples"] = text(a.data.train_samples);
    s["--test-samples"] = text(a.data.test_samples);
    s["--test-fraction"] = text(a.data.test_fraction);
    return s;
}

nn::History train_layerwise(const TrainArgs& a, const models::EpochBudget& budget, models::LayeredAutoencoder& model,
                            const models::ObjectiveOptions& objective, data::Rows train, data::Rows validation) {
    models::LayerwisePretrainer pretrainer(model, models::PretrainOptions()
                                                      .objective(objective)
                                                      .pretrain_epochs(budget.pretrain)
                                                      .finetune_lr_scale(finetune_scale_for(a))
                                                      .finetune_epochs(budget.finetune)
                                                      .batch_size(a.batch)
                                                      .seed(a.seed)
                                                      .progress(!a.quiet)
                                                      .optimizer(optimizer_factory(a.optimizer, a.lr, a.momentum))
                                                      .checkpoint_dir(checkpoint_folder(a))
                                                      .checkpoint_every(a.checkpoint_every)
                                                      .resume(a.resume));
    nn::History history;
    for (const auto& phase : pretrainer.run(train, validation)) {
        fmt::print("  {}: {} epochs, {:.1f} s, last loss {:.5f}{}\n", phase.name, phase.history.epochs.size(),
                   phase.resumed ? phase.history.total_seconds() : phase.seconds,
                   phase.history.epochs.empty() ? NAN : phase.history.epochs.back().loss,
                   phase.resumed ? " (resumed from its checkpoint)" : "");
        history.append(phase.history);
    }
    return history;
}

// The training rows and the rows validated on each epoch: the last --validation-samples training images,
// or the test images.
struct DataSplit {
    data::Rows train, validation;
};

DataSplit split_validation(const TrainArgs& a, const data::Dataset& train, const data::Dataset& test) {
    if (a.validation_samples == 0)
        return {train.rows(), test.rows()};
    if (a.validation_samples >= train.size())
        throw UsageError(fmt::format("--validation-samples {}: leaves no training images of {}", a.validation_samples,
                                     train.size()));
    const std::size_t kept = train.size() - a.validation_samples;
    const data::Rows all = train.rows();
    return {all.range(0, kept), all.range(kept, train.size())};
}

nn::History train_joint(const TrainArgs& a, models::Autoencoder& model, models::Objective& objective, const DataSplit& split) {
    auto optimizer = optimizer_factory(a.optimizer, a.lr, a.momentum)(model.parameters());
    // The history so far is watched beside the checkpoint: OUT's own files are written together at the end,
    // so an interrupted run never leaves a new history beside an older run's model.
    nn::CsvLogger csv((fs::path(checkpoint_folder(a)) / "history.csv").string());
    std::vector<nn::Callback*> callbacks{&csv};
    nn::EarlyStopping early(a.early_stopping);
    if (a.early_stopping > 0)
        callbacks.push_back(&early);
    return nn::fit(model, *optimizer, split.train, objective.loss_fn(),
                   nn::FitOptions()
                       .epochs(a.epochs)
                       .batch_size(a.batch)
                       .seed(a.seed)
                       .progress(!a.quiet)
                       .lr_schedule(a.lr_schedule.empty() ? nullptr : parse_lr_schedule(a.lr_schedule, a.lr, a.epochs))
                       .validation([&](nn::Module&) { return objective.evaluate(split.validation).loss; })
                       .checkpoint(nn::CheckpointOptions()
                                       .path((fs::path(checkpoint_folder(a)) / "train.state.safetensors").string())
                                       .every_steps(a.checkpoint_every)
                                       .resume(a.resume)
                                       .generators({{"noise", &objective.generator()}})),
                   callbacks);
}

// The model, history, metrics and figures of a finished run, each written atomically.
void write_results(const TrainArgs& a, models::Autoencoder& model, models::Objective& objective, const nn::History& history,
                   const DataSplit& split, const TrainTest& data, double seconds) {
    const data::Dataset& test = data.test;
    const double test_mse = models::reconstruction_mse_of(model, test.rows());
    const models::Evaluation validation = objective.evaluate(split.validation);
    const std::size_t images_seen = history.epochs.size() * split.train.count();
    const double samples_per_s = history.total_seconds() > 0 ? images_seen / history.total_seconds() : 0;
    const auto file = [&](const char* name) { return (fs::path(a.out) / name).string(); };
    // A diverged run is a failure, named, and saves nothing (save_parameters also refuses non-finite weights).
    for (auto [what, value] : {std::pair{"test MSE", test_mse}, {"validation loss", validation.loss}})
        if (!std::isfinite(value))
            throw std::runtime_error(fmt::format("{} is {} after training: the run diverged (try a lower --lr); "
                                                 "nothing was saved in {}", what, std::isnan(value) ? "NaN" : "infinite", a.out));
    if (!nn::distributed::is_root())  // every rank holds the same model and figures: rank 0 writes them
        return;
    nn::save_parameters(model, file("model.safetensors"), a.spec.to_metadata());
    history.write_csv(file("history.csv"));
    const bool images = test.sample.size() == 2;  // single-channel images; other data gets no picture yet
    if (images && objective.options().noise().kind != models::Noise::Kind::none)
        models::write_denoising_reconstructions(file("reconstructions.png"), model, objective, test.rows(), test.sample[0],
                                                test.sample[1]);
    else if (images)
        models::write_reconstructions(file("reconstructions.png"), model, test.rows(), test.sample[0], test.sample[1]);
    models::write_loss_plot(file("loss.svg"), history);
    nlohmann::ordered_json metrics = {
        {"test_mse", test_mse},         {"val_loss", validation.loss},
        {"val_mse", validation.reconstruction},
        {"validation", a.validation_samples ? "last training images" : "test images"},
        {"params", nn::count_parameters(model)},
        {"epochs", history.epochs.size()}, {"seconds", seconds},
        {"samples_per_s", samples_per_s}, {"schedule", a.schedule},
        {"model", a.spec.model},        {"layers", a.spec.layers_or_default()},
        {"tied", a.spec.tied},          {"mirror", a.spec.mirror},
        {"finetune_lr_scale", a.schedule == "layerwise" ? nlohmann::json(finetune_scale_for(a)) : nlohmann::json()},
        {"noise", a.spec.noise},        {"masked_loss", a.spec.masked_loss},
        {"sparsity", a.spec.sparsity},  {"contractive", a.spec.contractive},
        {"loss", a.spec.loss},
        {"optimizer", a.optimizer},     {"lr", a.lr},
        {"lr_schedule", a.lr_schedule.empty() ? "constant" : a.lr_schedule},
        {"batch", a.batch},             {"seed", a.seed},
        {"train_samples", split.train.count()}, {"validation_samples", split.validation.count()},
        {"test_samples", test.size()},
        {"data", data.description},      {"input_shape", std::vector<std::size_t>(a.spec.input.begin(), a.spec.input.end())},
        {"scale", data::to_string(data.scaler.kind)},
        {"blas_core", blas_core_name()}, {"threads", num_threads()}, {"ranks", nn::distributed::size()}};
    data::write_file_atomically(file("metrics.json"), [&](std::ostream& out) { out << metrics.dump(2) << "\n"; });
    fmt::print("test MSE {:.5f}, validation loss {:.5f} (reconstruction {:.5f}) after {} epochs in {:.1f} s ({:.0f} "
               "training images/s)\n",
               test_mse, validation.loss, validation.reconstruction, history.epochs.size(), seconds, samples_per_s);
    fmt::print("results in {}/: model.safetensors, history.csv, metrics.json, {}loss.svg and .png\n", a.out,
               images ? "reconstructions.png, " : "");
}

void run_train(TrainArgs a) {
    const models::EpochBudget budget = check_flags(a);
    if (a.resume && !fs::exists(fs::path(checkpoint_folder(a)) / "settings.json"))
        throw UsageError(fmt::format("--resume: nothing to resume in {}: no run was started there (drop --resume to "
                                     "start one)", a.out));
    if (a.threads > 0)
        set_num_threads(a.threads);
    set_detect_anomaly(a.detect_anomaly);
    const TrainTest data = load_train_test(a.data, a.seed);
    const data::Dataset &train = data.train, &test = data.test;
    a.spec.input = train.sample;
    a.spec.scaler = data.scaler.kind == data::Scaling::none ? "" : data.scaler.serialise();
    const std::shared_ptr<models::Autoencoder> model = [&] {
        try {
            return a.spec.build(a.seed);
        } catch (const std::invalid_argument& e) {  // an image too small for the stages
            throw UsageError(e.what());
        }
    }();
    models::Objective objective = [&] {
        try {
            return models::Objective(a.spec.objective(a.seed), *model);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }();
    const DataSplit split = split_validation(a, train, test);
    on_root([&] {
        make_output_folder(a.out);  // only once every flag has been checked against the model and the data
        start_or_resume(a.out, checkpoint_folder(a), settings_of(a, budget, data), a.resume,
                        a.lr_schedule.rfind("cosine", 0) != 0);
    });
    fmt::print("aegrad train: {}, {} params; {} schedule, {} epochs, batch {}, {} lr {}\n",
               a.spec.describe(), nn::count_parameters(*model), a.schedule, a.epochs, a.batch,
               a.optimizer, a.lr);
    fmt::print("  data: {}: {} training, {} validation{}, {} test samples; {}, {} thread(s)\n", data.description,
               split.train.count(), split.validation.count(), a.validation_samples ? "" : " = test", test.size(),
               blas_core_name(), num_threads());
    if (nn::distributed::size() > 1)
        fmt::print("  data-parallel over {} ranks: each takes {} rows of every batch of {}\n", nn::distributed::size(),
                   a.batch / static_cast<std::size_t>(nn::distributed::size()), a.batch);
    if (!objective.plain())
        fmt::print("  objective: loss {}{}{}{}{}{}\n", a.spec.loss, a.spec.model == "vae" ? " + KL / input size" : "",
                   a.spec.noise != "none" ? ", noise " + a.spec.noise : "", a.spec.masked_loss ? " (loss on masked pixels)" : "",
                   a.spec.sparsity != "none" ? ", sparsity " + a.spec.sparsity : "",
                   a.spec.contractive > 0 ? fmt::format(", contractive {}", a.spec.contractive) : "");
    std::fflush(stdout);

    const auto start = std::chrono::steady_clock::now();
    const nn::History history =
        a.schedule == "joint"
            ? train_joint(a, *model, objective, split)
            : train_layerwise(a, budget, dynamic_cast<models::LayeredAutoencoder&>(*model), objective.options(), split.train,
                              split.validation);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_results(a, *model, objective, history, split, data, seconds);
}
} // namespace

void add_train_command(CLI::App& app) {
    auto args = std::make_shared<TrainArgs>();
    auto* cmd = app.add_subcommand("train", "Train an autoencoder on images or tabular data");
    cmd->add_option("--model", args->spec.model,
                    "dense: stacked autoencoder; conv: convolutional (Géron's by default); vae: variational (dense)")
        ->check(CLI::IsMember({"dense", "conv", "vae"}))
        ->capture_default_str();
    cmd->add_option("--layers", args->layers,
                    "Encoder sizes, the last the coding size (dense: units, default 100,30; conv: channels of each "
                    "conv+pool stage, default 16,32,64,30; vae: the hidden sizes, default 150,100)");
    cmd->add_option("--latent", args->spec.latent, "vae: the size of the code")->check(positive_number())->capture_default_str();
    cmd->add_flag("--batch-norm", args->spec.batch_norm, "conv: BatchNorm2d after each convolution but the last");
    cmd->add_option("--coding-activation", args->spec.coding_activation,
                    "dense: the coding layer's activation (default: --activation), e.g. sigmoid for a sparse model");
    cmd->add_option("--noise", args->spec.noise,
                    "Denoising: corrupt the input in training, gaussian:SIGMA, dropout:RATE or mask:RATIO[:PATCH] "
                    "(square patches of PATCH pixels, default 1)");
    cmd->add_flag("--masked-loss", args->spec.masked_loss, "With --noise mask: the loss on the masked pixels only");
    cmd->add_option("--sparsity", args->spec.sparsity,
                    "Sparse codes: l1:WEIGHT (WEIGHT times the mean L1 norm of the codes) or kl:TARGET:WEIGHT "
                    "(WEIGHT times the KL divergence of each code's mean activation to TARGET, summed over codes)");
    cmd->add_option("--contractive", args->spec.contractive,
                    "dense: add WEIGHT times the squared Frobenius norm of the coding layer's Jacobian");
    cmd->add_option("--loss", args->spec.loss, "Reconstruction loss: mse, or bce (needs --output-activation sigmoid)")
        ->check(CLI::IsMember({"mse", "bce"}))
        ->capture_default_str();
    add_tied_flags(*cmd, args->tied, args->untied, args->mirror);
    cmd->add_option("--activation", args->spec.activation, "Hidden activation")->capture_default_str();
    cmd->add_option("--output-activation", args->spec.output_activation, "Output activation (none, sigmoid, ...)")
        ->capture_default_str();
    cmd->add_option("--schedule", args->schedule, "joint, or layerwise: greedy phases then fine-tuning")
        ->check(CLI::IsMember({"joint", "layerwise"}))
        ->capture_default_str();
    cmd->add_option("--epochs", args->epochs, "Total epochs (layerwise: split between phases)")
        ->check(positive_number())->capture_default_str();
    cmd->add_option("--pretrain-epochs", args->pretrain_epochs,
                    "Layerwise: epochs of each pretraining phase, one number for all or one per layer (2,4); "
                    "fine-tuning gets the rest of --epochs");
    cmd->add_option("--finetune-lr-scale", args->finetune_lr_scale,
                    "Layerwise: fine-tuning learning rate = --lr times this (default 2; 1 for the conv mirror layout)")
        ->check(positive_number());
    cmd->add_option("--batch", args->batch, "Batch size")->check(positive_number())->capture_default_str();
    cmd->add_option("--lr", args->lr, "Learning rate")->check(positive_number())->capture_default_str();
    cmd->add_option("--optimizer", args->optimizer, "adam, nadam, adamw, rmsprop or sgd")
        ->check(CLI::IsMember({"adam", "nadam", "adamw", "rmsprop", "sgd"}))
        ->capture_default_str();
    cmd->add_option("--momentum", args->momentum, "SGD momentum, from 0 to below 1")->check(number_between(0.0, 1.0))->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed for initialisation and shuffling")->capture_default_str();
    cmd->add_option("--threads", args->threads, "Threads, 0 for every core (aegrad splits the work itself; OpenBLAS runs single-threaded)")->check(CLI::Range(0, 64))->capture_default_str();
    add_training_data_flags(*cmd, args->data);
    cmd->add_option("--out", args->out, "Folder for the results")->capture_default_str();
    cmd->add_option("--validation-samples", args->validation_samples,
                    "Hold out the last N training images for per-epoch validation (0: validate on the test images)")
        ->capture_default_str();
    args->early_stopping_flag = cmd->add_option("--early-stopping", args->early_stopping,
                    "Stop when the validation loss has not improved for PATIENCE epochs, keeping the best weights");
    cmd->add_option("--lr-schedule", args->lr_schedule, "cosine (to 0 over --epochs), step:EVERY:GAMMA or exponential:GAMMA");
    cmd->add_flag("--quiet", args->quiet, "No progress line");
    cmd->add_flag("--detect-anomaly", args->detect_anomaly,
                  "Check every op's output and gradient, and stop at the first non-finite value naming the op, its "
                  "layer and the index (slower; for finding where a NaN starts)");
    cmd->add_flag("--resume", args->resume,
                  "Continue the run in OUT from its last checkpoint (OUT/checkpoints), with the same settings; more "
                  "--epochs extend a finished run");
    cmd->add_option("--checkpoint-every", args->checkpoint_every,
                    "Also checkpoint every N training steps (checkpoints are written at every epoch's end)")
        ->check(positive_number());
    cmd->footer("With --schedule layerwise, --noise corrupts every phase's own input: a stacked denoising autoencoder.");
    cmd->callback([args] { run_train(*args); });
}

} // namespace aegrad::cli
