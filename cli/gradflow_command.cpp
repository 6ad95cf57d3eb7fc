// `aegrad gradflow`: trains the tied and the untied autoencoder side by side with a GradientFlow monitor
// (the stacked dense one, or with --model conv the mirror conv one, tied kernels against untied), and
// writes for each the CSV, the plots and the graph of one step, plus a report comparing them.
#include <filesystem>
#include <fstream>
#include <numeric>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include <aegrad/data/atomic_file.hpp>
#include <aegrad/autograd/blas_runtime.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/autograd/dot_export.hpp>
#include <aegrad/autograd/losses.hpp>
#include "commands.hpp"
#include "number_checks.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include <aegrad/nn/gradient_flow.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/summary.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::cli {

namespace {
namespace fs = std::filesystem;

struct GradflowArgs {
    std::string model = "dense", layers, out = "aegrad-gradflow";
    DataFlags data;
    int epochs = 3, threads = 0;
    std::size_t batch = 256, every = 20;
    double lr = 1e-3;
    std::uint64_t seed = 42;
    bool quiet = false;
};

struct RunResult {
    std::string label;
    std::size_t params = 0;
    double test_mse = 0;
    std::vector<nn::GradientFlow::Row> rows;
};

// first, mean and last value of one metric series
struct Summary {
    double first = NAN, mean = NAN, last = NAN;
    std::size_t n = 0;
};
Summary summarise(const std::vector<nn::GradientFlow::Row>& rows, const std::string& metric, const std::string& name) {
    Summary s;
    double total = 0;
    for (const auto& r : rows)
        if (r.metric == metric && r.name == name) {
            if (s.n++ == 0)
                s.first = r.value;
            s.last = r.value;
            total += r.value;
        }
    if (s.n)
        s.mean = total / s.n;
    return s;
}

std::vector<std::string> names_of(const std::vector<nn::GradientFlow::Row>& rows, const std::string& metric) {
    std::vector<std::string> out;
    for (const auto& r : rows)
        if (r.metric == metric && std::find(out.begin(), out.end(), r.name) == out.end())
            out.push_back(r.name);
    return out;
}

RunResult train_one(bool tied, const GradflowArgs& a, const data::Dataset& train, const data::Dataset& test) {
    ModelSpec spec;
    spec.model = a.model;
    if (!a.layers.empty())
        spec.layers = parse_positive_list(a.layers);
    spec.tied = tied;
    spec.mirror = a.model == "conv";  // the conv layout whose kernels can be tied
    spec.input = train.sample;
    auto model = spec.build(a.seed);
    const fs::path dir = fs::path(a.out) / (tied ? "tied" : "untied");
    fs::create_directories(dir);
    RunResult result{tied ? "tied" : "untied", nn::count_parameters(*model), 0, {}};

    // The graph of one step, before any training.
    {
        Tensor<float> x(test.rows().slice(0, std::min<std::size_t>(4, test.size())));
        const auto loss = mse_loss((*model)(x), x);
        for (auto& [name, p] : model->named_parameters())
            p.set_label(name);
        write_dot(to_dot(loss, fmt::format("one step of the {} autoencoder", result.label)), (dir / "graph.dot").string(),
                  (dir / "graph.svg").string());
    }
    Array<float> probe = train.rows().slice(0, std::min<std::size_t>(512, train.size()));
    nn::GradientFlow monitor(a.every, probe);
    nn::Adam optimizer(model->parameters(), nn::AdamOptions().lr(a.lr));
    nn::fit(*model, optimizer, train.rows(), nn::reconstruction_mse(),
            nn::FitOptions().epochs(a.epochs).batch_size(a.batch).seed(a.seed).progress(!a.quiet).phase(result.label),
            {&monitor});
    result.test_mse = nn::evaluate(*model, test.rows(), nn::reconstruction_mse());
    monitor.write_csv((dir / "gradflow.csv").string());
    monitor.plot_svgs(dir.string(), result.label + ": ");
    result.rows = monitor.rows();
    return result;
}

std::string report(const GradflowArgs& a, std::size_t features, const RunResult& tied, const RunResult& untied) {
    ModelSpec spec;
    spec.model = a.model;
    if (!a.layers.empty())
        spec.layers = parse_positive_list(a.layers);
    const auto l = spec.layers_or_default();
    const std::string shape = a.model == "conv"
                                  ? fmt::format("mirror conv {} -> {}", fmt::join(l.begin(), l.end() - 1, "-"), l.back())
                                  : fmt::format("{}-{}", features, fmt::join(l, "-"));
    std::string out = fmt::format("Gradient flow: tied vs untied {} autoencoder, {} epochs, Adam {}, batch {}, "
                                  "logged every {} steps\n\n",
                                  shape, a.epochs, a.lr, a.batch, a.every);
    out += fmt::format("{:<34}{:>14}{:>14}\n", "", "tied", "untied");
    out += fmt::format("{:<34}{:>14}{:>14}\n", "parameters", tied.params, untied.params);
    out += fmt::format("{:<34}{:>14.5f}{:>14.5f}\n\n", "test MSE", tied.test_mse, untied.test_mse);

    out += "Shared weights (tied model): each read's gradient norm and the cosine between the reads\n";
    for (const auto& name : names_of(tied.rows, "read_norm")) {
        auto s = summarise(tied.rows, "read_norm", name);
        out += fmt::format("  {:<58} norm first {:.3g}, mean {:.3g}, last {:.3g}\n", name, s.first, s.mean, s.last);
    }
    for (const auto& name : names_of(tied.rows, "read_cosine")) {
        auto s = summarise(tied.rows, "read_cosine", name);
        out += fmt::format("  cosine {:<51} first {:+.3f}, mean {:+.3f}, last {:+.3f}\n", name, s.first, s.mean, s.last);
    }
    out += "\nGradient norms (mean over logged steps): a tied weight gets the sum of its reads\n";
    for (const auto* run : {&tied, &untied})
        for (const auto& name : names_of(run->rows, "grad_norm"))
            if (name.find("weight") != std::string::npos)
                out += fmt::format("  {:<8} {:<24} {:.3g}\n", run->label, name, summarise(run->rows, "grad_norm", name).mean);
    out += "\nUpdate-to-weight ratio ||dW||/||W|| (last logged step)\n";
    for (const auto* run : {&tied, &untied})
        for (const auto& name : names_of(run->rows, "update_ratio"))
            if (name.find("weight") != std::string::npos)
                out += fmt::format("  {:<8} {:<24} {:.3g}\n", run->label, name, summarise(run->rows, "update_ratio", name).last);
    out += "\nDead ReLU units on the probe batch (first -> last logged step)\n";
    for (const auto* run : {&tied, &untied})
        for (const auto& name : names_of(run->rows, "dead_relu")) {
            auto s = summarise(run->rows, "dead_relu", name);
            out += fmt::format("  {:<8} {:<24} {:.1f}% -> {:.1f}%\n", run->label, name, 100 * s.first, 100 * s.last);
        }
    return out;
}

void run_gradflow(const GradflowArgs& a) {
    if (!a.layers.empty())
        parse_positive_list(a.layers);  // checked before reading data
    if (a.threads > 0)
        set_num_threads(a.threads);
    const TrainTest data = load_train_test(a.data, a.seed);
    make_output_folder(a.out);
    const RunResult tied = train_one(true, a, data.train, data.test);
    const RunResult untied = train_one(false, a, data.train, data.test);
    const std::string text = report(a, data.train.features(), tied, untied);
    data::write_file_atomically((fs::path(a.out) / "report.txt").string(), [&](std::ostream& out) { out << text; });
    fmt::print("\n{}\nresults in {}/: report.txt; tied/ and untied/ each hold gradflow.csv, gradflow-*.svg (and .png), "
               "graph.dot{}\n",
               text, a.out, std::system("command -v dot > /dev/null 2>&1") == 0 ? ", graph.svg" : "");
}
} // namespace

void add_gradflow_command(CLI::App& app) {
    auto a = std::make_shared<GradflowArgs>();
    auto* cmd = app.add_subcommand("gradflow", "Train tied and untied autoencoders side by side and study their gradients");
    cmd->add_option("--model", a->model, "dense: the stacked autoencoder; conv: the mirror conv autoencoder, tied kernels "
                                         "against untied")
        ->check(CLI::IsMember({"dense", "conv"}))
        ->capture_default_str();
    cmd->add_option("--layers", a->layers, "Encoder sizes, the last the coding size (dense 100,30; conv 16,32,64,30)");
    cmd->add_option("--epochs", a->epochs, "Epochs for each model")->check(positive_number())->capture_default_str();
    cmd->add_option("--batch", a->batch, "Batch size")->check(positive_number())->capture_default_str();
    cmd->add_option("--lr", a->lr, "Adam learning rate")->check(positive_number())->capture_default_str();
    cmd->add_option("--every", a->every, "Log every N steps")->check(positive_number())->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed")->capture_default_str();
    cmd->add_option("--threads", a->threads, "Threads, 0 for every core (aegrad splits the work itself; OpenBLAS runs single-threaded)")->check(CLI::Range(0, 64))->capture_default_str();
    add_training_data_flags(*cmd, a->data);
    cmd->add_option("--out", a->out, "Folder for the results")->capture_default_str();
    cmd->add_flag("--quiet", a->quiet, "No progress line");
    cmd->callback([a] { run_gradflow(*a); });
}

} // namespace aegrad::cli
