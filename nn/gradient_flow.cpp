#include <aegrad/nn/gradient_flow.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/data/atomic_file.hpp>
#include <aegrad/data/svg_plot.hpp>

namespace aegrad::nn {

namespace {
double norm(const Array<float>& a) {
    double s = 0;
    for (float v : a)
        s += static_cast<double>(v) * v;
    return std::sqrt(s);
}

// The fraction of units of a ReLU layer's output v that are never positive on the probe batch: the
// columns of [B, units], or the channels of [B, C, H, W] (a feature map is dead when no position of any
// sample is positive).
double dead_fraction(const Array<float>& v) {
    const std::size_t batch = v.shape()[0], units = v.shape()[1], per_unit = v.size() / std::max<std::size_t>(1, batch * units);
    std::size_t dead = 0;
    for (std::size_t u = 0; u < units; ++u) {
        bool alive = false;
        for (std::size_t b = 0; b < batch && !alive; ++b) {
            const float* p = v.data() + (b * units + u) * per_unit;
            alive = std::any_of(p, p + per_unit, [](float x) { return x > 0; });
        }
        dead += !alive;
    }
    return static_cast<double>(dead) / static_cast<double>(units);
}
} // namespace

GradientFlow::GradientFlow(std::size_t every, Array<float> probe) : every_(every ? every : 1), probe_(std::move(probe)) {}

void GradientFlow::on_step_begin(Module&, std::size_t step) {
    if (!logging(step))
        return;
    attribution_.clear();
    scope_ = std::make_unique<AttributionScope<float>>(attribution_);
}

void GradientFlow::on_after_backward(Module& model, std::size_t step) {
    if (!scope_)
        return;
    scope_.reset();  // attribution only for this step's backward
    std::map<const Node<float>*, std::string> names;
    before_.clear();
    for (const auto& [name, p] : model.named_parameters()) {
        names[p.id()] = name;
        before_.push_back(p.value());
        if (p.has_grad())
            rows_.push_back({step, "grad_norm", name, norm(p.grad())});
    }
    for (const Node<float>* leaf : attribution_.shared_leaves()) {
        if (!names.count(leaf))
            continue;  // a shared input, not a parameter
        const auto& reads = attribution_.reads(leaf);
        for (const auto& r : reads)
            rows_.push_back({step, "read_norm", fmt::format("{} <- {}", names[leaf], r.reader), r.norm()});
        for (std::size_t i = 0; i < reads.size(); ++i)
            for (std::size_t j = i + 1; j < reads.size(); ++j)
                rows_.push_back({step, "read_cosine",
                                 fmt::format("{}: {} vs {}", names[leaf], reads[i].reader, reads[j].reader),
                                 ReadAttribution<float>::cosine(reads[i], reads[j])});
    }
}

void GradientFlow::on_step_end(Module& model, std::size_t step, double loss) {
    if (before_.empty())
        return;
    auto params = model.named_parameters();
    for (std::size_t i = 0; i < params.size() && i < before_.size(); ++i) {
        const double w = norm(before_[i]);
        const double dw = norm(Array<float>(params[i].second.value() - before_[i]));
        if (w > 0)
            rows_.push_back({step, "update_ratio", params[i].first, dw / w});
    }
    before_.clear();
    rows_.push_back({step, "loss", "training batch", loss});
    // Dead ReLU units: outputs never positive on the probe batch, layer by layer.
    NoGradGuard no_grad;
    const bool was_training = model.is_training();
    model.eval();
    Tensor<float> x(probe_);
    try {
        for (auto& [path, leaf] : model.named_leaves()) {
            x = leaf->forward(x);
            if (leaf->output_activation() == Activation::relu && x.dim() >= 2 && x.shape()[1] > 0)
                rows_.push_back({step, "dead_relu", path, dead_fraction(x.value())});
        }
    } catch (const std::exception&) {
        // Not a chain of layers: dead units cannot be counted this way.
    }
    model.train(was_training);
}

void GradientFlow::write_csv(const std::string& path) const {
    data::write_file_atomically(path, [&](std::ostream& out) {
        out << "step,metric,name,value\n";
        for (const auto& r : rows_)
            out << fmt::format("{},{},\"{}\",{:.8g}\n", r.step, r.metric, r.name, r.value);
    });
}

std::vector<std::string> GradientFlow::plot_svgs(const std::string& dir, const std::string& prefix) const {
    struct Kind {
        const char* metric;
        const char* title;
        const char* y_label;
        bool log;
    };
    const Kind kinds[] = {{"grad_norm", "gradient norm per parameter", "gradient norm (L2)", true},
                          {"read_norm", "gradient norm of each read of a shared weight", "the read's gradient norm (L2)", true},
                          {"read_cosine", "cosine between the reads of a shared weight", "cosine of the two reads' gradients", false},
                          {"update_ratio", "update-to-weight ratio ||dW|| / ||W||", "||dW|| / ||W|| of the step", true},
                          {"dead_relu", "fraction of dead ReLU units", "share of units never positive on the probe batch", false},
                          {"loss", "training loss", "loss", true}};
    std::vector<std::string> written;
    for (const auto& k : kinds) {
        std::map<std::string, data::Series> series;
        for (const auto& r : rows_)
            if (r.metric == k.metric) {
                auto& s = series[r.name];
                s.name = r.name;
                s.x.push_back(static_cast<double>(r.step));
                s.y.push_back(r.value);
            }
        if (series.empty())
            continue;
        std::vector<data::Series> list;
        for (auto& [name, s] : series)
            list.push_back(std::move(s));
        const std::string path = (std::filesystem::path(dir) / fmt::format("gradflow-{}.svg", k.metric)).string();
        data::write_line_plot_svg(path, list, {prefix + k.title, "training step", k.y_label, k.log, {}, false});
        written.push_back(path);
    }
    return written;
}

} // namespace aegrad::nn
