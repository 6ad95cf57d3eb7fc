#include <aegrad/nn/metrics.hpp>

#include <cmath>

#include <fmt/format.h>

#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::nn {

ClassificationReport classification_report(Module& model, data::Rows images,
                                           const std::vector<int>& labels, std::size_t classes,
                                           std::size_t batch_size) {
    if (images.count() != labels.size())
        throw std::invalid_argument(fmt::format("classification_report: {} images but {} labels", images.count(),
                                                labels.size()));
    ClassificationReport r;
    r.confusion.assign(classes, std::vector<std::size_t>(classes, 0));
    double ce_total = 0;
    std::size_t correct = 0;
    for_each_batch_eval(model, images, batch_size, [&](const data::Batch& batch) {
        std::vector<int> y;
        for (auto i : batch.indices)
            y.push_back(labels[i]);
        const Tensor<float> logits = model(batch.x);
        if (logits.dim() != 2 || logits.shape()[1] != classes)
            throw ShapeError(fmt::format("classification_report: the model gives {}, expected [B, {}]",
                                         shape_str(logits.shape()), classes));
        ce_total += cross_entropy(logits, y).item() * y.size();
        const auto& v = logits.value();
        for (std::size_t i = 0; i < y.size(); ++i) {
            std::size_t best = 0;
            for (std::size_t c = 1; c < classes; ++c)
                if (v(i, c) > v(i, best))
                    best = c;
            ++r.confusion[y[i]][best];
            correct += best == static_cast<std::size_t>(y[i]);
        }
    });
    const double n = static_cast<double>(labels.size());
    r.accuracy = n ? correct / n : NAN;
    r.cross_entropy = n ? ce_total / n : NAN;
    for (std::size_t c = 0; c < classes; ++c) {
        std::size_t total = 0;
        for (auto k : r.confusion[c])
            total += k;
        r.per_class_accuracy.push_back(total ? static_cast<double>(r.confusion[c][c]) / total : NAN);
    }
    return r;
}

std::string ClassificationReport::table(const std::vector<std::string>& names) const {
    std::string out = fmt::format("{:>14} |", "true \\ pred");
    for (std::size_t c = 0; c < confusion.size(); ++c)
        out += fmt::format("{:>6}", c);
    out += "  accuracy\n";
    for (std::size_t t = 0; t < confusion.size(); ++t) {
        out += fmt::format("{:>14} |", t < names.size() ? names[t] : std::to_string(t));
        for (auto k : confusion[t])
            out += fmt::format("{:>6}", k);
        out += fmt::format("  {:.3f}\n", per_class_accuracy[t]);
    }
    return out + fmt::format("accuracy {:.4f}, cross-entropy {:.4f}\n", accuracy, cross_entropy);
}

} // namespace aegrad::nn
