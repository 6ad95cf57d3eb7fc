#include <aegrad/models/layerwise_pretrainer.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/safetensors.hpp>

namespace aegrad::models {

using namespace nn;

namespace {
// Applies `layer` to `input` in chunks, in eval mode and without a graph.
Array<float> apply_in_chunks(Module& layer, data::Rows input) {
    Array<float> out;  // sized at the first batch (a default xarray is 0-d with one element)
    std::size_t row = 0;
    for_each_batch_eval(layer, input, 4096, [&](const data::Batch& batch) {
        auto y = layer(batch.x).value();
        if (row == 0)
            out = Array<float>::from_shape({input.count(), y.shape()[1]});
        std::copy(y.begin(), y.end(), out.data() + row * y.shape()[1]);
        row += y.shape()[0];
    });
    return out;
}

// The standard deviation of all values in the first rows (enough to tell the scale of the data or codes).
double spread(data::Rows rows) {
    const Array<float> sample = rows.slice(0, std::min<std::size_t>(rows.count(), 2000));
    const double mean = xt::mean(sample)();
    return std::sqrt(xt::mean(xt::square(sample - static_cast<float>(mean)))());
}
} // namespace

Array<float> encode_through(const LayeredAutoencoder& model, data::Rows input, std::size_t k) {
    if (k == 0)
        return input.slice(0, input.count());
    Array<float> codes = apply_in_chunks(*model.encoder_stage(0), input);
    for (std::size_t i = 1; i < k; ++i)
        codes = apply_in_chunks(*model.encoder_stage(i), codes);
    return codes;
}

ObjectiveOptions phase_objective(const ObjectiveOptions& objective, const LayeredAutoencoder& model, std::size_t phase,
                                 double spread_ratio) {
    const std::size_t depth = model.depth();
    if (phase >= depth)
        return objective;
    ObjectiveOptions o = objective;
    o.seed(objective.seed() + 1000 * (phase + 1));  // each phase its own noise
    if (phase + 1 < depth)
        o.sparsity({}).contractive(0);
    if (phase == 0) {
        if (o.image_height() == 0 && model.boundary(0).size() == 3)
            o.image_height(model.boundary(0)[1]).image_width(model.boundary(0)[2]);
        return o;
    }
    o.loss(ReconstructionLoss::mse);
    if (o.noise().kind == Noise::Kind::gaussian) {
        Noise n = o.noise();
        n.amount *= spread_ratio;
        o.noise(n);
    }
    if (o.noise().kind == Noise::Kind::mask) {
        Noise n = o.noise();
        const Shape in = model.boundary(0), here = model.boundary(phase);
        if (here.size() == 3) {
            const double scale = in.size() == 3 ? static_cast<double>(here[1]) / static_cast<double>(in[1]) : 1.0;
            n.patch = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(static_cast<double>(n.patch) * scale)));
            o.image_height(here[1]).image_width(here[2]);
        } else {
            n.patch = 1;
            o.image_height(1).image_width(here[0]);
        }
        o.noise(n);
    }
    return o;
}

LayerwisePretrainer::LayerwisePretrainer(LayeredAutoencoder& model, PretrainOptions options)
    : model_(model), options_(std::move(options)) {
    if (!options_.optimizer())
        options_.optimizer([](std::vector<Tensor<float>> p) -> std::unique_ptr<Optimizer> {
            return std::make_unique<Adam>(std::move(p), AdamOptions().lr(1e-3));
        });
    options_.pretrain_epochs(per_layer_epochs(options_.pretrain_epochs(), model.depth(), 5));
}

std::string LayerwisePretrainer::checkpoint_path(std::size_t index) const {
    return (std::filesystem::path(options_.checkpoint_dir()) /
            fmt::format("phase-{}-of-{}.safetensors", index + 1, model_.depth() + 1))
        .string();
}

std::string LayerwisePretrainer::state_path(std::size_t index) const {
    return (std::filesystem::path(options_.checkpoint_dir()) /
            fmt::format("phase-{}-of-{}.state.safetensors", index + 1, model_.depth() + 1))
        .string();
}

std::vector<PhaseReport> LayerwisePretrainer::run(data::Rows train, std::optional<data::Rows> validation) {
    using Clock = std::chrono::steady_clock;
    const std::size_t depth = model_.depth(), phases = depth + 1;
    const bool checkpoints = !options_.checkpoint_dir().empty();
    // Data-parallel, every rank reads the checkpoints and rank 0 alone writes and removes them.
    const bool writer = nn::distributed::is_root();
    if (checkpoints && writer)
        std::filesystem::create_directories(options_.checkpoint_dir());

    // Resume after the last finished pretraining phase (fine-tuning resumes from its own checkpoint, to
    // carry on when given more epochs); a fresh run removes stale files.
    std::size_t first = 0;
    for (std::size_t i = phases; checkpoints && i-- > 0;) {
        if (!options_.resume()) {
            if (!writer)
                continue;
            std::filesystem::remove(checkpoint_path(i));
            std::filesystem::remove(checkpoint_path(i) + ".csv");
            std::filesystem::remove(state_path(i));
        } else if (first == 0 && i < depth && std::filesystem::exists(checkpoint_path(i))) {
            load_parameters(model_, checkpoint_path(i));
            first = i + 1;
        }
    }
    if (checkpoints && options_.resume() && !nn::distributed::same_on_every_rank(static_cast<double>(first)))
        throw std::runtime_error(fmt::format("the ranks see different checkpoints in {}: to resume a data-parallel run, "
                                             "every rank must see the same folder (a filesystem they share)",
                                             options_.checkpoint_dir()));

    std::vector<PhaseReport> reports;
    for (std::size_t phase = 0; phase < phases; ++phase) {
        PhaseReport report;
        report.name = phase < depth ? fmt::format("pretrain {}/{}", phase + 1, depth) : "fine-tune";
        if (phase < first) {
            report.resumed = true;
            if (std::filesystem::exists(checkpoint_path(phase) + ".csv"))
                report.history = History::read_csv(checkpoint_path(phase) + ".csv");
            reports.push_back(report);
            continue;
        }
        const auto start = Clock::now();
        const bool fine_tune = phase == depth;
        // Phase k > 0 trains on the codes of the layers before it, computed once here (not per step). The
        // first phase and fine-tuning read the inputs as they are, with no copy.
        Array<float> codes, val_codes;  // hold the codes the Rows below point into
        const auto rows_for_phase = [&](data::Rows source, Array<float>& kept) {
            if (phase == 0 || fine_tune)
                return source;
            kept = encode_through(model_, source, phase);
            return data::Rows(kept);
        };
        const data::Rows inputs = rows_for_phase(train, codes);
        std::optional<data::Rows> val_inputs;
        if (validation)
            val_inputs = rows_for_phase(*validation, val_codes);
        std::shared_ptr<Autoencoder> target = fine_tune ? nullptr : model_.shallow(phase);
        Autoencoder& trained = fine_tune ? static_cast<Autoencoder&>(model_) : *target;
        double ratio = 1.0;  // of the codes' spread to the data's, for Gaussian noise on codes
        if (phase > 0 && !fine_tune && options_.objective().noise().kind == Noise::Kind::gaussian)
            if (const double data = spread(train); data > 0)
                ratio = spread(inputs) / data;
        Objective objective(phase_objective(options_.objective(), model_, phase, ratio), trained);

        auto optimizer = options_.optimizer()(trained.parameters());
        if (fine_tune)
            optimizer->set_lr(optimizer->lr() * options_.finetune_lr_scale());
        FitOptions fit_options;
        fit_options.epochs(fine_tune ? options_.finetune_epochs() : options_.pretrain_epochs()[phase])
            .batch_size(options_.batch_size())
            .seed(options_.seed() * 1000 + phase)  // each phase's shuffling depends only on the seed and phase
            .progress(options_.progress())
            .phase(report.name);
        if (validation)
            fit_options.validation([&](Module&) { return objective.evaluate(*val_inputs).loss; });
        if (checkpoints) {
            report.resumed = options_.resume() && std::filesystem::exists(state_path(phase));
            fit_options.checkpoint(CheckpointOptions()
                                       .path(state_path(phase))
                                       .every_steps(options_.checkpoint_every())
                                       .resume(options_.resume())
                                       .generators({{"noise", &objective.generator()}}));
        }
        report.history = fit(trained, *optimizer, inputs, objective.loss_fn(), fit_options);
        report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (checkpoints && writer) {  // the history first: a checkpoint without its history is never left behind
            report.history.write_csv(checkpoint_path(phase) + ".csv");
            save_parameters(model_, checkpoint_path(phase), {{"phase", report.name}});
            if (!fine_tune)  // the finished phase's file replaces it
                std::filesystem::remove(state_path(phase));
        }
        reports.push_back(std::move(report));
    }
    return reports;
}

} // namespace aegrad::models
