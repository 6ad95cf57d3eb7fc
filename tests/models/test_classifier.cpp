// The classifier over a pretrained encoder, its training schedule, and the classification metrics.
#include <cmath>
#include <filesystem>
#include <set>

#include <aegrad/data/mnist.hpp>
#include "helpers.hpp"
#include <aegrad/models/classifier.hpp>
#include <aegrad/models/scarce_labels.hpp>
#include <aegrad/nn/metrics.hpp>
#include <aegrad/nn/nn.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;
using namespace aegrad::models;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

TEST_CASE("gradcheck model: Classifier over a tied autoencoder's encoder, through cross-entropy") {
    Generator gen(6);
    BasicStackedAutoencoder<double> ae(StackedAutoencoderOptions(6, {4, 3}).activation(nn::Activation::tanh), gen);
    auto clf = BasicClassifier<double>::over(ae, 5, gen);
    In inputs{random_tensor({4, 6}, 1, false)};
    for (auto& p : clf->parameters())
        inputs.push_back(p);
    CHECK_GRADCHECK([&](const In& v) { return cross_entropy((*clf)(v[0]), {0, 4, 2, 2}); }, inputs);
}

TEST_CASE("The classifier's encoder is the autoencoder's: the same parameter nodes, not copies") {
    StackedAutoencoder ae(StackedAutoencoderOptions(784, {100, 30}));
    auto clf = Classifier::over(ae, 10);
    auto ae_params = ae.encoder()->parameters();
    auto clf_params = clf->parameters();
    REQUIRE(clf_params.size() == ae_params.size() + 2);  // plus the head's weight and bias
    for (std::size_t i = 0; i < ae_params.size(); ++i)
        CHECK(clf_params[i].id() == ae_params[i].id());
    CHECK(clf->named_parameters()[0].first == "encoder.0.weight");
    CHECK((*clf)(Tensor<float>(xt::xarray<float>(xt::zeros<float>({2, 784})))).shape() == Shape{2, 10});
}

TEST_CASE("Frozen encoder parameters do not change in a step; the head's do") {
    nn::manual_seed(4);
    StackedAutoencoder ae(StackedAutoencoderOptions(20, {8, 4}));
    auto clf = Classifier::over(ae, 3);
    xt::xarray<float> x = xt::xarray<float>::from_shape({30, 20});
    std::vector<int> y(30);
    for (std::size_t i = 0; i < 30; ++i) {
        y[i] = static_cast<int>(i % 3);
        for (std::size_t j = 0; j < 20; ++j)
            x(i, j) = static_cast<float>((i * 31 + j * 7) % 11) / 11.0f;
    }
    const xt::xarray<float> encoder_before = ae.encoder()->parameters()[0].value();
    const xt::xarray<float> head_before = clf->head()->weight().value();
    train_classifier(*clf, x, y, ClassifierTraining().epochs(1).keep_frozen(true).batch_size(10));
    CHECK(xt::all(xt::equal(ae.encoder()->parameters()[0].value(), encoder_before)));
    CHECK_FALSE(xt::all(xt::equal(clf->head()->weight().value(), head_before)));
    CHECK_FALSE(ae.encoder()->parameters()[0].requires_grad());

    // Unfrozen after the frozen epochs: the encoder moves too.
    train_classifier(*clf, x, y, ClassifierTraining().epochs(2).frozen_epochs(1).batch_size(10));
    CHECK(ae.encoder()->parameters()[0].requires_grad());
    CHECK_FALSE(xt::all(xt::equal(ae.encoder()->parameters()[0].value(), encoder_before)));
}

TEST_CASE("Classification metrics: accuracy, per-class accuracy, confusion and cross-entropy of known logits") {
    // The "model" passes its input through, so the inputs are the logits.
    nn::ActivationLayer identity(nn::Activation::none);
    xt::xarray<float> logits{{2, 0, 0}, {0, 2, 0}, {0, 2, 0}, {0, 0, 2}};
    std::vector<int> labels{0, 1, 2, 2};
    auto r = nn::classification_report(identity, logits, labels, 3);
    CHECK(r.accuracy == doctest::Approx(0.75));
    CHECK(r.confusion[2][1] == 1);
    CHECK(r.confusion[2][2] == 1);
    CHECK(r.per_class_accuracy[0] == doctest::Approx(1.0));
    CHECK(r.per_class_accuracy[2] == doctest::Approx(0.5));
    const double right = -std::log(std::exp(2.0) / (std::exp(2.0) + 2.0)), wrong = -std::log(1.0 / (std::exp(2.0) + 2.0));
    CHECK(r.cross_entropy == doctest::Approx((3 * right + wrong) / 4).epsilon(1e-5));
    CHECK(r.table({"a", "b", "c"}).find("accuracy 0.7500") != std::string::npos);
    CHECK_THROWS(nn::classification_report(identity, logits, {0, 1}, 3));
}

TEST_CASE("A small run learns far above chance, and the experiment's rows and summary add up") {
    if (!std::filesystem::exists(data::kFashionMnistDir)) {
        MESSAGE("dataset-fashion-mnist is not installed; skipped");
        return;
    }
    auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, 3000);
    auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, 1000);
    nn::manual_seed(8);
    StackedAutoencoder ae(StackedAutoencoderOptions(784, {64, 16}));
    nn::Adam pretrain(ae.parameters());
    nn::fit(ae, pretrain, train.pixels, nn::reconstruction_mse(), nn::FitOptions().epochs(3).batch_size(64).progress(false));
    const auto rows = run_scarce_labels(ae, train, test,
                                        ScarceLabelsOptions().labels({500}).seeds({1, 2}).min_steps(300).min_epochs(5));
    REQUIRE(rows.size() == 10);  // 5 methods x 2 seeds
    // Chance is 0.1. A linear probe of a 3-epoch autoencoder's 16 codes is weaker than a whole network.
    for (const auto& r : rows) {
        CAPTURE(r.method);
        CHECK(r.test_accuracy > (r.method == "pretrained-probe" ? 0.25 : 0.45));
        if (r.method == "scratch" || r.method == "joint")
            CHECK(r.test_accuracy > 0.6);
        CHECK(r.epochs >= 1);
    }
    const auto summary = summarise(rows);
    REQUIRE(summary.size() == 5);
    CHECK(summary[0].runs == 2);
    CHECK(summary[0].mean == doctest::Approx((rows[0].test_accuracy + rows[5].test_accuracy) / 2));
    // Two runs: the interval is the mean plus or minus t(1) = 12.706 standard errors.
    CHECK(summary[0].interval == doctest::Approx(12.706 * summary[0].stddev / std::sqrt(2.0)));
    CHECK(summary_table(summary).find("95% interval") != std::string::npos);
    CHECK_THROWS_WITH_AS(run_scarce_labels(ae, train, test, ScarceLabelsOptions().labels({3001})),
                         doctest::Contains("3001 labelled images asked for, but the training set has 3000"),
                         std::invalid_argument);
}

TEST_CASE("Labelled subsets are balanced over the classes, differ by seed, and hold out a validation part") {
    data::LabelledImages train;
    train.rows = 1;
    train.cols = 2;
    train.pixels = Array<std::uint8_t>::from_shape({300, 2});
    for (std::size_t i = 0; i < 300; ++i) {
        train.labels.push_back(static_cast<int>(i % 10));
        train.pixels(i, 0) = static_cast<std::uint8_t>(i % 256);
        train.pixels(i, 1) = static_cast<std::uint8_t>(i / 256);
    }
    const LabelledSplit a = labelled_split(train, 105, 1, 0.2), b = labelled_split(train, 105, 2, 0.2);
    std::vector<int> per_class(10, 0);
    for (int y : a.train_labels)
        ++per_class[static_cast<std::size_t>(y)];
    for (int y : a.validation_labels)
        ++per_class[static_cast<std::size_t>(y)];
    for (std::size_t c = 0; c < 10; ++c)
        CHECK(per_class[c] == (c < 5 ? 11 : 10));  // 105 = 10 each, the first 5 classes one more
    CHECK(a.validation_labels.size() == 20);       // round(0.2 * 11) = round(0.2 * 10) = 2 per class
    CHECK(a.train_labels.size() + a.validation_labels.size() == 105);
    // Each image's label is still its own (row i has label i % 10), and no image is in both parts.
    std::set<std::size_t> seen;
    const auto check_rows = [&](const Array<std::uint8_t>& x, const std::vector<int>& y) {
        for (std::size_t r = 0; r < y.size(); ++r) {
            const std::size_t i = x(r, 0) + 256u * x(r, 1);
            CHECK(static_cast<int>(i % 10) == y[r]);
            CHECK(seen.insert(i).second);
        }
    };
    check_rows(a.train_images, a.train_labels);
    check_rows(a.validation_images, a.validation_labels);
    CHECK(a.train_images != b.train_images);
    CHECK_THROWS_AS(labelled_split(train, 301, 1, 0.2), std::invalid_argument);
    data::LabelledImages skewed = train;
    skewed.labels[9] = skewed.labels[19] = 0;  // class 9 keeps 28 images
    CHECK_THROWS_WITH_AS(labelled_split(skewed, 300, 1, 0.2), doctest::Contains("need 30 of class 9, the training set has 28"),
                         std::invalid_argument);
    CHECK(t_975(4) == doctest::Approx(2.776));
    CHECK(t_975(100) == doctest::Approx(1.96));
}

TEST_CASE("Early stopping on the validation split keeps the best epoch's weights") {
    if (!std::filesystem::exists(data::kFashionMnistDir)) {
        MESSAGE("dataset-fashion-mnist is not installed; skipped");
        return;
    }
    auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, 2000);
    const LabelledSplit split = labelled_split(train, 100, 3, 0.2);
    const LabelledRows validation{split.validation_images, split.validation_labels};
    nn::manual_seed(2);
    StackedAutoencoder ae(StackedAutoencoderOptions(784, {64, 16}));
    auto clf = Classifier::over(ae, 10);
    // 80 images memorised for 300 epochs: the validation loss turns up long before the end.
    const auto history = train_classifier(*clf, split.train_images, split.train_labels,
                                          ClassifierTraining().epochs(300).patience(10), &validation);
    REQUIRE(history.epochs.size() < 300);
    double best = 1e30;
    for (const auto& e : history.epochs)
        best = std::min(best, e.val_loss);
    CHECK(validation_cross_entropy(*clf, validation) == doctest::Approx(best).epsilon(1e-5));
}
