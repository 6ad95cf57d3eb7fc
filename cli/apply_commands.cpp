// `aegrad encode` and `aegrad score`: a trained model applied to data, its codes or its anomaly scores
// written for a program to read (and for scores, a summary and pictures for a person).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "number_checks.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include <aegrad/data/atomic_file.hpp>
#include <aegrad/data/csv.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/models/anomaly.hpp>
#include <aegrad/models/report.hpp>

namespace aegrad::cli {

namespace {
// --anomaly-label as a label: one of the data's class names, or an integer.
int anomaly_label_of(const std::string& text, const data::Dataset& d) {
    const auto named = std::find(d.classes.begin(), d.classes.end(), text);
    if (named != d.classes.end())
        return static_cast<int>(named - d.classes.begin());
    try {
        std::size_t used = 0;
        const int k = std::stoi(text, &used);
        if (used == text.size())
            return k;
    } catch (const std::exception&) {
    }
    throw UsageError(fmt::format("--anomaly-label {}: neither an integer nor one of the classes ({})", text,
                                 d.classes.empty() ? "none named" : fmt::format("{}", fmt::join(d.classes, ", "))));
}

// Which samples are anomalies: label == k, or label 1 when none was given and the labels are all 0 or 1.
std::vector<bool> anomalies_of(const std::vector<int>& labels, std::optional<int> k) {
    const bool binary = std::all_of(labels.begin(), labels.end(), [](int l) { return l == 0 || l == 1; });
    if (!k && !binary)
        return {};
    std::vector<bool> out;
    for (int l : labels)
        out.push_back(l == k.value_or(1));
    return out;
}

// The scores' histogram (40 bins over their range), per class when the classes are known, with the threshold.
// Scores spanning more than two decades are binned by their logarithm and drawn on a log axis, or the normal
// samples' bins (the interesting part) would be one spike beside the anomalies' long tail.
void write_histogram(const std::string& path, std::vector<double> scores, const std::vector<bool>& anomalous,
                     double threshold) {
    const auto [lo0, hi0] = std::minmax_element(scores.begin(), scores.end());
    const bool log_scale = *lo0 > 0 && *hi0 / *lo0 > 100;
    if (log_scale)
        for (double& s : scores)
            s = std::log10(s);
    const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
    const std::size_t bins = 40;
    const double width = (*hi - *lo) / bins > 0 ? (*hi - *lo) / bins : 1.0;
    std::vector<data::Series> series(anomalous.empty() ? 1 : 2);
    series[0].name = anomalous.empty() ? "all samples" : "normal";
    if (!anomalous.empty())
        series[1].name = "anomalies";
    for (auto& s : series) {
        s.y.assign(bins, 0);
        for (std::size_t b = 0; b < bins; ++b) {
            const double centre = *lo + (b + 0.5) * width;
            s.x.push_back(log_scale ? std::pow(10.0, centre) : centre);  // a log axis takes the real values
        }
    }
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const auto b = std::min(bins - 1, static_cast<std::size_t>((scores[i] - *lo) / width));
        series[!anomalous.empty() && anomalous[i] ? 1 : 0].y[b] += 1;
    }
    data::PlotOptions options;
    options.title = anomalous.empty() ? "Anomaly scores" : "Anomaly scores, the threshold dashed";
    options.x_label = log_scale ? "reconstruction error (mean squared, per sample; log scale)"
                                : "reconstruction error (mean squared, per sample)";
    options.log_x = log_scale;
    options.y_label = "samples per bin";
    if (std::isfinite(threshold))
        options.vertical_markers = {threshold};
    data::write_line_plot_svg(path, series, options);
}
} // namespace

void add_encode_command(CLI::App& app) {
    struct Args {
        std::string model_file, out;
        DataFlags data;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("encode", "Write every sample's codes (a VAE's: the means) as .npy or .csv");
    cmd->add_option("model", a->model_file, "A model.safetensors written by `aegrad train`")->required();
    add_model_data_flags(*cmd, a->data);
    cmd->add_option("--out", a->out, "The codes: FILE.npy ([N, code size] float32) or FILE.csv (a row per sample)")->required();
    cmd->callback([a] {
        const std::string ext = extension_of(a->out);
        if (ext != ".npy" && ext != ".csv")
            throw UsageError(fmt::format("--out {}: expected a .npy or .csv file", a->out));
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        const data::Dataset d = load_for_model(a->data, spec);
        make_parent_folder(a->out);
        const Array<float> codes = models::encode_rows(*model, d.rows());
        const std::size_t n = codes.shape()[0], k = codes.shape()[1];
        if (ext == ".npy") {
            data::write_npy(a->out, codes);
        } else {
            std::vector<std::string> header;
            std::vector<std::vector<double>> columns(k, std::vector<double>(n));
            for (std::size_t j = 0; j < k; ++j) {
                header.push_back(fmt::format("code_{}", j));
                for (std::size_t i = 0; i < n; ++i)
                    columns[j][i] = codes(i, j);
            }
            data::write_csv(a->out, header, columns);
        }
        fmt::print("wrote {}: {} codes of size {}\n", a->out, n, k);
    });
}

void add_score_command(CLI::App& app) {
    struct Args {
        std::string model_file, out;
        DataFlags data;
        std::string anomaly_label;
        double fpr = 0.01;
        std::size_t top = 10;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("score", "Write every sample's anomaly score (its reconstruction error) as CSV; with "
                                            "labels, the ROC and PR AUC and a threshold");
    cmd->add_option("model", a->model_file, "A model.safetensors written by `aegrad train`")->required();
    add_model_data_flags(*cmd, a->data);
    cmd->add_option("--out", a->out, "FILE.csv: index,score[,label]; beside it FILE.json (with labels), FILE.svg, "
                                     "and for images FILE-most-anomalous.png")
        ->required();
    cmd->add_option("--anomaly-label", a->anomaly_label,
                    "The anomalies' label: an integer or a class name (default: 1, when the labels are all 0 or 1)");
    cmd->add_option("--fpr", a->fpr, "The false-positive rate the threshold allows")->check(number_between(0.0, 1.0))->capture_default_str();
    cmd->add_option("--top", a->top, "Images: how many of the most anomalous to draw")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->callback([a] {
        if (extension_of(a->out) != ".csv")
            throw UsageError(fmt::format("--out {}: expected a .csv file", a->out));
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        const data::Dataset d = load_for_model(a->data, spec);
        std::optional<int> k;
        if (!a->anomaly_label.empty()) {
            if (d.labels.empty())
                throw UsageError(fmt::format("--anomaly-label: {} has no labels (--labels, or --label-column for CSV)",
                                             a->data.data));
            k = anomaly_label_of(a->anomaly_label, d);
        }
        const std::vector<bool> anomalous = anomalies_of(d.labels, k);
        if (k && std::none_of(anomalous.begin(), anomalous.end(), [](bool x) { return x; }))
            throw UsageError(fmt::format("--anomaly-label {}: no sample has that label", a->anomaly_label));
        make_parent_folder(a->out);
        const std::vector<double> scores = models::reconstruction_errors(*model, d.rows());

        std::vector<double> index(scores.size());
        std::iota(index.begin(), index.end(), 0.0);
        std::vector<std::string> header{"index", "score"};
        std::vector<std::vector<double>> columns{index, scores};
        if (!d.labels.empty()) {
            header.push_back("label");
            columns.emplace_back(d.labels.begin(), d.labels.end());
        }
        data::write_csv(a->out, header, columns);
        std::vector<std::string> written{a->out};

        double threshold = NAN;
        if (!anomalous.empty()) {
            const auto s = models::summarise_detection(scores, anomalous, a->fpr);
            threshold = s.threshold;
            const nlohmann::ordered_json summary = {
                {"roc_auc", s.roc_auc},       {"pr_auc", s.pr_auc},
                {"threshold", s.threshold},   {"fpr", a->fpr},
                {"false_positive_rate", s.false_positive_rate}, {"true_positive_rate", s.true_positive_rate},
                {"anomalies", s.anomalies},   {"normals", s.normals},
                {"anomaly_label", k.value_or(1)}};
            data::write_file_atomically(beside(a->out, ".json"), [&](std::ostream& out) { out << summary.dump(2) << "\n"; });
            written.push_back(beside(a->out, ".json"));
            fmt::print("{} anomalies among {} samples: ROC AUC {:.4f}, PR AUC {:.4f}; threshold {:.6g} flags {:.1f}% of "
                       "the normal samples and {:.1f}% of the anomalies\n",
                       s.anomalies, scores.size(), s.roc_auc, s.pr_auc, s.threshold, 100 * s.false_positive_rate,
                       100 * s.true_positive_rate);
        } else if (!d.labels.empty()) {
            fmt::print("the labels are not all 0 or 1: give --anomaly-label K for the ROC and PR AUC\n");
        }
        write_histogram(beside(a->out, ".svg"), scores, anomalous, threshold);
        written.push_back(beside(a->out, ".svg"));
        if (spec.input.size() == 2) {  // the most anomalous images over their reconstructions
            const std::vector<std::size_t> order = models::largest_first(scores, a->top);
            const data::Dataset worst = d.subset(order);
            models::write_reconstructions(beside(a->out, "-most-anomalous.png"), *model, worst.rows(), spec.input[0],
                                          spec.input[1], order.size());
            written.push_back(beside(a->out, "-most-anomalous.png"));
        }
        fmt::print("wrote {}\n", fmt::join(written, ", "));
    });
}

} // namespace aegrad::cli
