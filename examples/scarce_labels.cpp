// The recipe for a classifier with 100 labels: pretrain a VAE of Hinton's deep shape on every image without
// labels, then fine-tune a classifier over its means on 80 labelled images, stopping on the other 20.
#include <cstdlib>
#include <iostream>
#include <memory>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 3000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 1000 : 0);

    // 1. Pretrain the VAE 784-1000-500-250-(30) on every training image, without labels.
    nn::manual_seed(42);
    auto vae = std::make_shared<models::VariationalAutoencoder>(
        models::VariationalAutoencoderOptions(784, {1000, 500, 250}, 30));
    models::Objective objective(models::ObjectiveOptions(), *vae);
    nn::Adam adam(vae->parameters());
    nn::fit(*vae, adam, train.pixels, objective.loss_fn(),
            nn::FitOptions().epochs(quick ? 2 : 20).batch_size(256).progress(false));

    // 2. 100 labels, ten of each class; a fifth of them held out for early stopping (never the test set).
    const auto split = models::labelled_split(train, 100, /*seed=*/1, /*validation_fraction=*/0.2);
    const models::LabelledRows validation{split.validation_images, split.validation_labels};

    // 3. A softmax head over the VAE's means (the same parameters, not a copy): the head alone for 50 epochs,
    //    then everything, each phase stopping when the validation loss has not improved for 20 epochs.
    const models::EncoderOf means = models::encoder_of(vae);
    models::Classifier classifier(means.encoder, means.code_size, 10);
    models::train_classifier(classifier, split.train_images, split.train_labels,
                             models::ClassifierTraining().epochs(200).frozen_epochs(50).lr(1e-3).finetune_lr(1e-3)
                                 .batch_size(32).patience(20),
                             &validation);

    const auto report = nn::classification_report(classifier, test.pixels, test.labels, 10);
    std::cout << report.table(data::fashion_mnist_classes());
}
