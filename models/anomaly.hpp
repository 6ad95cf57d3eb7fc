#pragma once
// An autoencoder as an anomaly detector: trained on normal samples only, it reconstructs them well and
// anything unlike them badly, so each sample's reconstruction error is its anomaly score. And what a
// program reads out of a trained model: every sample's codes.
#include <vector>

#include <aegrad/data/rows.hpp>
#include <aegrad/models/autoencoder.hpp>

namespace aegrad::models {

/// Each row's reconstruction error: the mean over its values of (reconstruction - value)^2, in evaluation
/// mode without a graph.
std::vector<double> reconstruction_errors(Autoencoder& model, data::Rows rows);

/// Each feature's reconstruction error: the mean over the rows of (reconstruction - value)^2, which shows
/// what a tabular model has not learnt (the features it cannot predict from the others).
std::vector<double> feature_errors(Autoencoder& model, data::Rows rows);

/// The codes of every row [N, code size] (a VAE's: the means), in evaluation mode without a graph.
Array<float> encode_rows(Autoencoder& model, data::Rows rows);

/// The indices of the k largest scores, largest first (ties in index order); all of them when k is larger.
std::vector<std::size_t> largest_first(const std::vector<double>& scores, std::size_t k);

/// How well scores rank the anomalies (anomalous[i] true) above the normal samples.
struct DetectionSummary {
    double roc_auc;    // the probability that an anomaly outscores a normal sample, ties counting half
    double pr_auc;     // average precision: precision averaged over the anomalies, as scikit-learn computes it
    double threshold;  // flag score > threshold: the lowest threshold whose false-positive rate is <= fpr
    double false_positive_rate, true_positive_rate;  // of that rule on these samples
    std::size_t anomalies, normals;
};

/// Throws std::invalid_argument when the sizes differ or either class is absent (no ranking to measure).
DetectionSummary summarise_detection(const std::vector<double>& scores, const std::vector<bool>& anomalous, double fpr);

} // namespace aegrad::models
