#include <aegrad/models/scarce_labels.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include <aegrad/nn/metrics.hpp>

namespace aegrad::models {

namespace {
const char* kMethods[] = {"scratch", "pretrained-frozen", "pretrained-fine-tuned"};

// The first n images of a seeded shuffle of the training set (bytes, as the training set keeps them), with
// their labels.
std::pair<Array<std::uint8_t>, std::vector<int>> labelled_subset(const data::LabelledImages& train,
                                                                      std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    n = std::min(n, order.size());
    const std::size_t row = train.pixels.shape()[1];
    Array<std::uint8_t> x = Array<std::uint8_t>::from_shape({n, row});
    std::vector<int> y(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::copy_n(train.pixels.data() + order[i] * row, row, x.data() + i * row);
        y[i] = train.labels[order[i]];
    }
    return {std::move(x), std::move(y)};
}
} // namespace

std::vector<ScarceLabelsRow> run_scarce_labels(StackedAutoencoder& pretrained, const data::LabelledImages& train,
                                               const data::LabelledImages& test, const ScarceLabelsOptions& o,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row) {
    std::vector<Array<float>> pretrained_values;
    for (auto& p : pretrained.parameters())
        pretrained_values.push_back(p.value());
    auto restore = [&] {
        auto params = pretrained.parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            xt::noalias(params[i].mutable_value()) = pretrained_values[i];
            params[i].set_requires_grad(true);
        }
    };
    std::vector<ScarceLabelsRow> rows;
    for (std::size_t n : o.labels())
        for (std::uint64_t seed : o.seeds()) {
            auto [x, y] = labelled_subset(train, n, seed);
            const std::size_t batch = y.size() >= 10000 ? 256 : 32;
            const std::size_t steps_per_epoch = (y.size() + batch - 1) / batch;
            const int epochs = static_cast<int>(std::clamp<std::size_t>(
                std::max<std::size_t>(o.min_epochs(), (o.min_steps() + steps_per_epoch - 1) / steps_per_epoch), 1,
                o.max_epochs()));
            for (const char* method : kMethods) {
                Generator gen(seed * 7919 + 17);
                std::shared_ptr<Classifier> clf;
                std::shared_ptr<StackedAutoencoder> fresh;  // the scratch method's own, randomly initialised encoder
                ClassifierTraining t;
                t.epochs(epochs).batch_size(batch).seed(seed).lr(o.lr()).finetune_lr(o.finetune_lr());
                if (std::string(method) == "scratch") {
                    fresh = std::make_shared<StackedAutoencoder>(pretrained.options(), gen);
                    clf = Classifier::over(*fresh, 10, gen);
                } else {
                    restore();
                    clf = Classifier::over(pretrained, 10, gen);
                    if (std::string(method) == "pretrained-frozen")
                        t.keep_frozen(true);
                    else
                        t.frozen_epochs(std::max(1, static_cast<int>(std::lround(epochs * o.frozen_fraction()))));
                }
                train_classifier(*clf, x, y, t);
                const double accuracy = nn::classification_report(*clf, test.pixels, test.labels, 10).accuracy;
                rows.push_back({n, method, seed, accuracy, epochs});
                if (on_row)
                    on_row(rows.back());
            }
        }
    restore();
    return rows;
}

std::vector<ScarceLabelsSummary> summarise(const std::vector<ScarceLabelsRow>& rows) {
    std::map<std::pair<std::size_t, std::string>, std::vector<double>> groups;
    std::vector<std::pair<std::size_t, std::string>> order;
    for (const auto& r : rows) {
        auto key = std::make_pair(r.labels, r.method);
        if (!groups.count(key))
            order.push_back(key);
        groups[key].push_back(r.test_accuracy);
    }
    std::vector<ScarceLabelsSummary> out;
    for (const auto& key : order) {
        const auto& v = groups[key];
        const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
        double ss = 0;
        for (double a : v)
            ss += (a - mean) * (a - mean);
        out.push_back({key.first, key.second, mean, v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0, v.size()});
    }
    return out;
}

std::string summary_table(const std::vector<ScarceLabelsSummary>& summary) {
    std::string out = fmt::format("{:>8}  {:<24}{:>20}\n", "labels", "method", "test accuracy");
    for (const auto& s : summary)
        out += fmt::format("{:>8}  {:<24}{:>10.2f}% ± {:.2f}  (n={})\n", s.labels, s.method, 100 * s.mean,
                           100 * s.stddev, s.runs);
    return out;
}

} // namespace aegrad::models
