#include <aegrad/models/anomaly.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

namespace {
// Calls fn(row, feature, squared error) for every value of every row, in evaluation mode without a graph.
template <class Fn> void for_each_squared_error(Autoencoder& model, data::Rows rows, Fn fn) {
    std::size_t first = 0;
    nn::for_each_batch_eval(model, rows, 1024, [&](const data::Batch& b) {
        const Array<float> x = b.x.value(), y = model(b.x).value();
        const std::size_t n = b.indices.size(), width = x.size() / n;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < width; ++j) {
                const double d = double(y.data()[i * width + j]) - double(x.data()[i * width + j]);
                fn(first + i, j, d * d);
            }
        first += n;
    });
}
} // namespace

std::vector<double> reconstruction_errors(Autoencoder& model, data::Rows rows) {
    std::vector<double> errors(rows.count(), 0.0);
    for_each_squared_error(model, rows, [&](std::size_t i, std::size_t, double e) { errors[i] += e; });
    for (double& e : errors)
        e /= static_cast<double>(rows.width());
    return errors;
}

std::vector<double> feature_errors(Autoencoder& model, data::Rows rows) {
    std::vector<double> errors(rows.width(), 0.0);
    for_each_squared_error(model, rows, [&](std::size_t, std::size_t j, double e) { errors[j] += e; });
    for (double& e : errors)
        e /= static_cast<double>(rows.count());
    return errors;
}

Array<float> encode_rows(Autoencoder& model, data::Rows rows) {
    Array<float> codes;
    std::size_t at = 0;
    nn::for_each_batch_eval(model, rows, 1024, [&](const data::Batch& b) {
        const Array<float> c = model.encode(b.x).value();
        const std::size_t n = b.indices.size(), width = c.size() / n;
        if (at == 0)
            codes = Array<float>::from_shape({rows.count(), width});
        std::copy_n(c.data(), n * width, codes.data() + at * width);
        at += n;
    });
    return codes;
}

std::vector<std::size_t> largest_first(const std::vector<double>& scores, std::size_t k) {
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    order.resize(std::min(k, order.size()));
    return order;
}

DetectionSummary summarise_detection(const std::vector<double>& scores, const std::vector<bool>& anomalous, double fpr) {
    if (scores.size() != anomalous.size())
        throw std::invalid_argument(fmt::format("summarise_detection: {} scores for {} labels", scores.size(), anomalous.size()));
    DetectionSummary s{};
    s.anomalies = static_cast<std::size_t>(std::count(anomalous.begin(), anomalous.end(), true));
    s.normals = scores.size() - s.anomalies;
    if (s.anomalies == 0 || s.normals == 0)
        throw std::invalid_argument(fmt::format("summarise_detection: {} anomalies and {} normal samples; both are needed",
                                                s.anomalies, s.normals));
    // Highest score first; samples of equal score form one group (one threshold).
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    const double P = static_cast<double>(s.anomalies), N = static_cast<double>(s.normals);
    double tp = 0, fp = 0, auc = 0, ap = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        double group_tp = 0, group_fp = 0;
        for (; j < order.size() && scores[order[j]] == scores[order[i]]; ++j)
            (anomalous[order[j]] ? group_tp : group_fp) += 1;
        // Each normal sample in the group is outscored by the anomalies before it, and ties with the group's.
        auc += group_fp * (tp + 0.5 * group_tp);
        tp += group_tp, fp += group_fp;
        ap += group_tp / P * (tp / (tp + fp));
        i = j;
    }
    s.roc_auc = auc / (P * N);
    s.pr_auc = ap;
    // The threshold: the k-th highest normal score, k the most false positives fpr allows; nothing above it is
    // normal beyond those k (ties at the threshold are not flagged).
    std::vector<double> normal_scores;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (!anomalous[i])
            normal_scores.push_back(scores[i]);
    std::sort(normal_scores.begin(), normal_scores.end(), std::greater<>());
    const auto allowed = static_cast<std::size_t>(std::floor(fpr * N + 1e-9));
    s.threshold = normal_scores[std::min(allowed, normal_scores.size() - 1)];
    double flagged_tp = 0, flagged_fp = 0;
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (scores[i] > s.threshold)
            (anomalous[i] ? flagged_tp : flagged_fp) += 1;
    s.false_positive_rate = flagged_fp / N;
    s.true_positive_rate = flagged_tp / P;
    return s;
}

} // namespace aegrad::models
