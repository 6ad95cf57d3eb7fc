// `aegrad eval`, `aegrad reconstruct` and `aegrad summary`: look at a trained model, or at an
// architecture before training it.
#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "number_checks.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include <aegrad/data/atomic_file.hpp>
#include <aegrad/data/bar_chart.hpp>
#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/ticks.hpp>
#include <aegrad/models/anomaly.hpp>
#include <aegrad/models/report.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/nn/safetensors.hpp>
#include <aegrad/nn/summary.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

struct LoadArgs {
    std::string model_file, out = "reconstructions.png";
    DataFlags data;
    std::size_t count = 10, worst = 0;
};

void add_load_options(CLI::App* cmd, LoadArgs& a) {
    cmd->add_option("model", a.model_file, "A model.safetensors written by `aegrad train`")->required();
    add_model_data_flags(*cmd, a.data);
}

// A table has no picture to reconstruct: each feature's error instead, as a chart (FILE.svg) and for a
// program (FILE.csv: feature, name, mse), and the worst features named.
void write_feature_errors(const std::string& out, models::Autoencoder& model, const data::Dataset& d) {
    const std::vector<double> errors = models::feature_errors(model, d.rows());
    const auto name = [&](std::size_t j) { return j < d.columns.size() ? d.columns[j] : fmt::format("feature {}", j); };
    const fs::path stem = fs::path(out).parent_path() / fs::path(out).stem();
    if (!stem.parent_path().empty())
        fs::create_directories(stem.parent_path());
    std::vector<data::Bar> bars;  // worst first: the features the model cannot predict from the others
    for (std::size_t j : models::largest_first(errors, errors.size()))
        bars.push_back({name(j), errors[j]});
    data::write_svg_with_png(stem.string() + ".svg",
                             data::bar_chart_svg(bars, {fmt::format("Reconstruction error per feature, worst first "
                                                                    "({} samples)", data::tick_label(d.size(), 1)),
                                                        "mean squared error (in the model's scaled units)"}));
    data::write_file_atomically(stem.string() + ".csv", [&](std::ostream& csv) {
        csv << "feature,name,mse\n";
        for (std::size_t j = 0; j < errors.size(); ++j) {
            std::string quoted = name(j);
            for (std::size_t at = quoted.find('"'); at != std::string::npos; at = quoted.find('"', at + 2))
                quoted.insert(at, 1, '"');
            csv << fmt::format("{},\"{}\",{:.9g}\n", j, quoted, errors[j]);
        }
    });
    std::vector<std::string> worst;
    for (std::size_t j : models::largest_first(errors, 5))
        worst.push_back(fmt::format("{} {:.4g}", name(j), errors[j]));
    fmt::print("worst-reconstructed features: {}\nwrote {}.svg, {}.csv\n", fmt::join(worst, ", "), stem.string(),
               stem.string());
}
} // namespace

void add_eval_command(CLI::App& app) {
    auto a = std::make_shared<LoadArgs>();
    auto* cmd = app.add_subcommand("eval", "Reconstruction MSE of a trained model on the test images");
    add_load_options(cmd, *a);
    cmd->callback([a] {
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        const data::Dataset test = load_for_model(a->data, spec);
        fmt::print("test MSE {:.6f} on {} samples\n", models::reconstruction_mse_of(*model, test.rows()), test.size());
    });
}

void add_reconstruct_command(CLI::App& app) {
    auto a = std::make_shared<LoadArgs>();
    auto* cmd = app.add_subcommand("reconstruct", "Write test images over their reconstructions as a PNG (for a "
                                                  "denoising model: the noisy input, its reconstruction, the original); "
                                                  "for a table, each feature's error as OUT.svg and OUT.csv");
    add_load_options(cmd, *a);
    cmd->add_option("--out", a->out, "PNG file to write")->capture_default_str();
    auto* count = cmd->add_option("--count", a->count, "How many images (the first ones)")
                      ->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--worst", a->worst, "Instead of the first images: the K worst reconstructed of all the data")
        ->check(CLI::Range(1, 100))->excludes(count);
    cmd->callback([a] {
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        if (spec.input.size() == 1)
            return write_feature_errors(a->out, *model, load_for_model(a->data, spec));
        if (spec.input.size() != 2)
            throw UsageError(fmt::format("{}: its samples are {}, not single-channel images to draw", a->model_file,
                                         sample_str(spec.input)));
        DataFlags flags = a->data;
        std::size_t count = a->count;
        if (a->worst == 0)
            flags.test_samples = count;
        data::Dataset test = load_for_model(flags, spec);
        if (a->worst > 0) {
            const auto errors = models::reconstruction_errors(*model, test.rows());
            const auto worst = models::largest_first(errors, a->worst);
            std::vector<std::string> listed;
            for (std::size_t i : worst)
                listed.push_back(fmt::format("{} ({:.4g})", i, errors[i]));
            fmt::print("the {} worst reconstructed of {} samples, by index (error): {}\n", worst.size(), test.size(),
                       fmt::join(listed, ", "));
            test = test.subset(worst);
            count = worst.size();
        }
        const std::size_t h = spec.input[0], w = spec.input[1];
        const models::Objective objective(spec.objective(0), *model);
        if (objective.options().noise().kind != models::Noise::Kind::none)  // what the model learnt to undo, too
            models::write_denoising_reconstructions(a->out, *model, objective, test.rows(), h, w, count);
        else
            models::write_reconstructions(a->out, *model, test.rows(), h, w, count);
        fmt::print("wrote {}\n", a->out);
    });
}

void add_summary_command(CLI::App& app) {
    auto spec = std::make_shared<ModelSpec>();
    auto layers = std::make_shared<std::string>();
    auto flags = std::make_shared<std::array<bool, 3>>();  // --tied, --untied, --mirror
    auto input = std::make_shared<std::size_t>(784);
    auto* cmd = app.add_subcommand("summary", "Print a model's layers, output shapes and parameter counts");
    cmd->add_option("--model", spec->model, "Model family")->check(CLI::IsMember({"dense", "conv", "vae"}))->capture_default_str();
    cmd->add_option("--latent", spec->latent, "vae: the size of the code")->check(positive_number())->capture_default_str();
    cmd->add_flag("--batch-norm", spec->batch_norm, "conv: BatchNorm2d after each convolution but the last");
    cmd->add_option("--layers", *layers, "Encoder sizes, the last the coding size (default dense 100,30; conv 16,32,64,30)");
    add_tied_flags(*cmd, (*flags)[0], (*flags)[1], (*flags)[2]);
    cmd->add_option("--input", *input, "Input size (conv: a square image of this many pixels)")
        ->check(positive_number())->capture_default_str();
    cmd->add_option("--activation", spec->activation, "Hidden activation")->capture_default_str();
    cmd->add_option("--output-activation", spec->output_activation, "Output activation")->capture_default_str();
    cmd->callback([=] {
        std::shared_ptr<models::Autoencoder> model;
        try {  // every failure here comes from the flags: a model they do not describe
            if (!layers->empty())
                spec->layers = parse_positive_list(*layers);
            resolve_tied(*spec, (*flags)[0], (*flags)[1], (*flags)[2]);
            const auto side = static_cast<std::size_t>(std::lround(std::sqrt(double(*input))));
            if (spec->model == "conv" && side * side != *input)
                throw UsageError(fmt::format("--input {}: a conv model needs a square image", *input));
            spec->input = spec->model == "conv" ? Shape{side, side} : Shape{*input};
            model = spec->build(0);
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
        fmt::print("{}", nn::summary(*model, {*input}));
    });
}

} // namespace aegrad::cli
