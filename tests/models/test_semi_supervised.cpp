// Joint semi-supervised training: reconstruction of the pool and classification of the labelled images,
// trained together through the shared encoder.
#include <filesystem>

#include "helpers.hpp"
#include "images.hpp"
#include <aegrad/models/models.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::models;

TEST_CASE("Joint semi-supervised training lowers both the reconstruction and the classification loss") {
    if (!std::filesystem::exists(data::kFashionMnistDir)) {
        MESSAGE("dataset-fashion-mnist is not installed; skipped");
        return;
    }
    auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, 2000);
    const LabelledSplit split = labelled_split(train, 200, 1, 0.2);
    const LabelledRows labelled{split.train_images, split.train_labels};
    const LabelledRows validation{split.validation_images, split.validation_labels};
    Generator gen(4);
    StackedAutoencoder ae(StackedAutoencoderOptions(784, {64, 16}), gen);
    auto clf = Classifier::over(ae, 10, gen);
    const double mse_before = nn::evaluate(ae, train.pixels, nn::reconstruction_mse());
    const double ce_before = validation_cross_entropy(*clf, validation);
    const auto history = train_semi_supervised(ae, *clf, train.pixels, labelled,
                                               SemiSupervisedOptions().epochs(4).weight(0.5).seed(1), &validation);
    REQUIRE(history.epochs.size() == 4);
    CHECK(nn::evaluate(ae, train.pixels, nn::reconstruction_mse()) < 0.85 * mse_before);
    CHECK(validation_cross_entropy(*clf, validation) < 0.7 * ce_before);
    CHECK(history.epochs.back().val_loss == doctest::Approx(validation_cross_entropy(*clf, validation)).epsilon(1e-5));

    StackedAutoencoder other(StackedAutoencoderOptions(784, {64, 16}));
    CHECK_THROWS_WITH_AS(train_semi_supervised(other, *clf, train.pixels, labelled, SemiSupervisedOptions()),
                         doctest::Contains("the autoencoder's own encoder"), std::invalid_argument);
    CHECK_THROWS_AS(train_semi_supervised(ae, *clf, train.pixels, LabelledRows{train.pixels, {}}, SemiSupervisedOptions()),
                    std::invalid_argument);
}
