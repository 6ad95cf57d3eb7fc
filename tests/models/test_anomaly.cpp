// Anomaly scores and their summary: ROC AUC, average precision and the threshold at a false-positive rate on
// rankings whose values are known by hand (scikit-learn's documented example among them); per-row
// and per-feature reconstruction errors and codes against the model applied directly.
#include <aegrad/models/anomaly.hpp>
#include <aegrad/models/report.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <xtensor/xview.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::models;

TEST_CASE("ROC AUC and average precision of known rankings") {
    // scikit-learn's example: roc_auc_score 0.75, average_precision_score 0.8333.
    const auto doc = summarise_detection({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}, 0.0);
    CHECK(doc.roc_auc == doctest::Approx(0.75));
    CHECK(doc.pr_auc == doctest::Approx(5.0 / 6));
    CHECK(doc.anomalies == 2);
    CHECK(doc.normals == 2);
    const auto perfect = summarise_detection({1, 2, 8, 9}, {false, false, true, true}, 0.0);
    CHECK(perfect.roc_auc == 1.0);
    CHECK(perfect.pr_auc == 1.0);
    CHECK(summarise_detection({9, 8, 2, 1}, {false, false, true, true}, 0.0).roc_auc == 0.0);
    // All scores equal: a coin toss, and the precision is the anomalies' share.
    const auto ties = summarise_detection({3, 3, 3, 3, 3}, {true, false, false, false, true}, 0.0);
    CHECK(ties.roc_auc == doctest::Approx(0.5));
    CHECK(ties.pr_auc == doctest::Approx(0.4));
    CHECK_THROWS_AS(summarise_detection({1, 2}, {false, false}, 0.1), std::invalid_argument);
    CHECK_THROWS_AS(summarise_detection({1, 2}, {true}, 0.1), std::invalid_argument);
}

TEST_CASE("The threshold at a false-positive rate flags at most that share of the normal samples") {
    std::vector<double> scores;
    std::vector<bool> anomalous;
    for (int i = 1; i <= 200; ++i) {  // normal 1..200; anomalies 150.5, 190.5, 300, 400
        scores.push_back(i);
        anomalous.push_back(false);
    }
    for (double a : {150.5, 190.5, 300.0, 400.0}) {
        scores.push_back(a);
        anomalous.push_back(true);
    }
    const auto s = summarise_detection(scores, anomalous, 0.01);
    CHECK(s.threshold == 198.0);  // 199 and 200 are the two false positives 1% of 200 allows
    CHECK(s.false_positive_rate == doctest::Approx(0.01));
    CHECK(s.true_positive_rate == doctest::Approx(0.5));
    const auto strict = summarise_detection(scores, anomalous, 0.0);
    CHECK(strict.threshold == 200.0);
    CHECK(strict.false_positive_rate == 0.0);
    CHECK(s.roc_auc == doctest::Approx((150.0 + 190.0 + 200 + 200) / (4 * 200)));
}

TEST_CASE("Per-row reconstruction errors and codes are those of the model applied to each row alone") {
    nn::manual_seed(5);
    StackedAutoencoder ae(StackedAutoencoderOptions(6, {4, 2}));
    Array<float> x = Array<float>::from_shape({1100, 6});  // more rows than one evaluation batch
    for (std::size_t i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
    const auto errors = reconstruction_errors(ae, x);
    const Array<float> codes = encode_rows(ae, x);
    REQUIRE(errors.size() == 1100);
    REQUIRE(codes.shape() == Shape{1100, 2});
    NoGradGuard no_grad;
    double mean = 0;
    for (std::size_t row : {std::size_t(0), std::size_t(517), std::size_t(1024), std::size_t(1099)}) {
        const Tensor<float> one(Array<float>(xt::view(x, xt::range(row, row + 1), xt::all())));
        const Array<float> y = ae(one).value(), c = ae.encode(one).value();
        double sum = 0;
        for (std::size_t j = 0; j < 6; ++j)
            sum += (double(y(0, j)) - double(x(row, j))) * (double(y(0, j)) - double(x(row, j)));
        CHECK(errors[row] == doctest::Approx(sum / 6).epsilon(1e-5));
        CHECK(codes(row, 1) == doctest::Approx(c(0, 1)).epsilon(1e-5));
    }
    for (double e : errors)
        mean += e / 1100;
    CHECK(mean == doctest::Approx(reconstruction_mse_of(ae, x)).epsilon(1e-5));
}

TEST_CASE("Per-feature errors are the squared errors averaged down the rows, and average to the MSE") {
    nn::manual_seed(6);
    StackedAutoencoder ae(StackedAutoencoderOptions(5, {3, 1}));
    Array<float> x = Array<float>::from_shape({1300, 5});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<float>(std::cos(0.61 * static_cast<double>(i)) * double(i % 5 + 1));
    const auto features = feature_errors(ae, x);
    REQUIRE(features.size() == 5);
    NoGradGuard no_grad;
    const Array<float> y = ae(Tensor<float>(x)).value();
    double mean = 0;
    for (std::size_t j = 0; j < 5; ++j) {
        double sum = 0;
        for (std::size_t i = 0; i < 1300; ++i)
            sum += (double(y(i, j)) - double(x(i, j))) * (double(y(i, j)) - double(x(i, j)));
        CHECK(features[j] == doctest::Approx(sum / 1300).epsilon(1e-6));
        mean += features[j] / 5;
    }
    CHECK(mean == doctest::Approx(reconstruction_mse_of(ae, x)).epsilon(1e-5));
}

TEST_CASE("largest_first gives the indices of the largest scores in order, ties by index") {
    CHECK(largest_first({0.5, 3, 1, 3, 2}, 3) == std::vector<std::size_t>{1, 3, 4});
    CHECK(largest_first({1, 2}, 5) == std::vector<std::size_t>{1, 0});
    CHECK(largest_first({}, 2).empty());
}
