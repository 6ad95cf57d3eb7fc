// `aegrad embed`: a 2-D map of a trained model's codes (PCA or t-SNE), coloured by class, as a picture and
// optionally as the points themselves.
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "commands.hpp"
#include "number_checks.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/data/scatter_plot.hpp>
#include <aegrad/data/ticks.hpp>
#include <aegrad/models/anomaly.hpp>
#include <aegrad/models/neighbour_agreement.hpp>
#include <aegrad/models/pca.hpp>
#include <aegrad/models/tsne.hpp>

namespace aegrad::cli {

void add_embed_command(CLI::App& app) {
    struct Args {
        std::string model_file, out, codes, method = "tsne", init = "pca";
        DataFlags data;
        double perplexity = 30;
        std::size_t iterations = 1000;
        std::uint64_t seed = 42;
    };
    auto a = std::make_shared<Args>();
    a->data.test_samples = 2000;
    auto* cmd = app.add_subcommand("embed", "Map the codes of the data's samples to 2-D (t-SNE or PCA), coloured by "
                                            "class, as a PNG or SVG");
    cmd->add_option("model", a->model_file, "A model.safetensors written by `aegrad train`")->required();
    add_model_data_flags(*cmd, a->data);
    cmd->add_option("--out", a->out, "The map: FILE.png or FILE.svg")->required();
    cmd->add_option("--codes", a->codes, "Also write the 2-D points as FILE.npy ([N, 2] float32, in data order)");
    cmd->add_option("--method", a->method, "tsne or pca")->check(CLI::IsMember({"tsne", "pca"}))->capture_default_str();
    cmd->add_option("--perplexity", a->perplexity, "t-SNE: the effective number of neighbours")
        ->check(number_between(2.0, 1000.0))->capture_default_str();
    cmd->add_option("--iterations", a->iterations, "t-SNE: gradient steps (the first 250 exaggerate P)")
        ->check(CLI::Range(251, 100000))->capture_default_str();
    cmd->add_option("--init", a->init, "t-SNE's start: pca (deterministic) or random (from --seed)")
        ->check(CLI::IsMember({"pca", "random"}))->capture_default_str();
    cmd->add_option("--seed", a->seed, "t-SNE with --init random: the generator's seed")->capture_default_str();
    cmd->callback([a] {
        const std::string ext = extension_of(a->out);
        if (ext != ".png" && ext != ".svg")
            throw UsageError(fmt::format("--out {}: expected a .png or .svg file", a->out));
        if (!a->codes.empty() && extension_of(a->codes) != ".npy")
            throw UsageError(fmt::format("--codes {}: expected a .npy file", a->codes));
        const std::size_t exact_limit = 10000;  // exact t-SNE keeps N^2 doubles: 800 MB at this size
        if (a->method == "tsne" && (a->data.test_samples == 0 || a->data.test_samples > exact_limit))
            throw UsageError(fmt::format("--test-samples {}: exact t-SNE is for at most {} samples (PCA takes any number)",
                                         a->data.test_samples, exact_limit));
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        const data::Dataset d = load_for_model(a->data, spec);
        if (a->method == "tsne" && !(a->perplexity < static_cast<double>(d.size())))
            throw UsageError(fmt::format("--perplexity {}: t-SNE needs more samples than that ({} given)", a->perplexity,
                                         d.size()));
        make_parent_folder(a->out);
        const Array<double> codes = xt::cast<double>(models::encode_rows(*model, d.rows()));
        const std::size_t n = codes.shape()[0];

        Array<double> points;
        data::ScatterOptions options;
        if (a->method == "pca") {
            const models::Projection p = models::principal_components(codes, 2);
            points = p.points;
            options.title = fmt::format("PCA of the codes ({}), {} samples", spec.describe(), data::tick_label(n, 1));
            options.x_label = fmt::format("first principal component ({:.0f}% of the variance)", 100 * p.variance_ratio[0]);
            options.y_label = fmt::format("second principal component ({:.0f}%)", 100 * p.variance_ratio[1]);
        } else {
            const auto start = std::chrono::steady_clock::now();
            const auto progress = [&](std::size_t step, double kl) {
                const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                std::fprintf(stderr, "t-SNE step %zu/%zu  %s  %.1f s, ETA %.0f s\n", step, a->iterations,
                             std::isfinite(kl) ? fmt::format("KL divergence {:.4f}", kl).c_str() : "(exaggerated P)",
                             elapsed, elapsed / step * (a->iterations - step));
            };
            points = models::tsne(codes,
                                  models::TsneOptions()
                                      .perplexity(a->perplexity)
                                      .iterations(a->iterations)
                                      .init(a->init == "pca" ? models::TsneInit::pca : models::TsneInit::random)
                                      .seed(a->seed),
                                  progress);
            options.title = fmt::format("t-SNE of the codes ({}), {} samples, perplexity {:g}", spec.describe(), data::tick_label(n, 1),
                                        a->perplexity);
            options.x_label = "t-SNE 1 (distances between clusters carry no meaning)";
            options.y_label = "t-SNE 2";
        }
        std::vector<double> x(n), y(n);
        for (std::size_t i = 0; i < n; ++i)
            x[i] = points(i, 0), y[i] = points(i, 1);
        data::write_figure(a->out, data::scatter_plot_svg(x, y, d.labels, d.classes, options));
        std::string written = a->out;
        if (!a->codes.empty()) {
            make_parent_folder(a->codes);
            data::write_npy(a->codes, xt::cast<float>(points));
            written += ", " + a->codes;
        }
        if (!d.labels.empty() && n > 10) {  // which classes keep to themselves, in the codes and on the map
            const auto in_codes = models::neighbour_agreement(codes, d.labels, 10);
            const auto on_map = models::neighbour_agreement(points, d.labels, 10);
            fmt::print("of each sample's 10 nearest others, the share with its class (mean over the class):\n");
            fmt::print("{:<16} {:>12} {:>12}\n", "class", "in the codes", "on the map");
            for (const auto& [label, share] : in_codes) {
                const std::string name = label >= 0 && static_cast<std::size_t>(label) < d.classes.size()
                                             ? d.classes[label] : std::to_string(label);
                fmt::print("{:<16} {:>11.1f}% {:>11.1f}%\n", name, 100 * share, 100 * on_map.at(label));
            }
        }
        fmt::print("wrote {}: {} samples, {} classes\n", written, n,
                   d.labels.empty() ? std::string("no labels: one") : std::to_string(d.classes.size()));
    });
}

} // namespace aegrad::cli
