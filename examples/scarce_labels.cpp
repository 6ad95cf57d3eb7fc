// A classifier over a pretrained encoder, trained on 1,000 labels: pretraining uses all images, no labels.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 3000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 1000 : 0);

    // 1. Pretrain the tied autoencoder on every training image, without labels.
    nn::manual_seed(42);
    models::StackedAutoencoder autoencoder(models::StackedAutoencoderOptions(784, {100, 30}));
    nn::Adam adam(autoencoder.parameters());
    nn::fit(autoencoder, adam, train.pixels, nn::reconstruction_mse(),
            nn::FitOptions().epochs(quick ? 2 : 10).batch_size(256).progress(false));

    // 2. Reuse its encoder (the same parameters) under a softmax head; train on the first 1,000 labels:
    //    the head alone for 20 epochs, then everything at the same rate.
    auto classifier = models::Classifier::over(autoencoder, 10);
    const std::size_t n = 1000;
    const xt::xarray<std::uint8_t> images = xt::view(train.pixels, xt::range(0, n), xt::all());
    const std::vector<int> labels(train.labels.begin(), train.labels.begin() + n);
    models::train_classifier(*classifier, images, labels,
                             models::ClassifierTraining().epochs(quick ? 10 : 94).frozen_epochs(quick ? 3 : 23)
                                 .lr(1e-3).finetune_lr(1e-3).batch_size(32));

    const auto report = nn::classification_report(*classifier, test.pixels, test.labels, 10);
    std::cout << report.table(data::fashion_mnist_classes());
}
