// Denoising and masked autoencoders on Fashion-MNIST: the input is corrupted in training, the target stays
// the clean image. Géron's dropout model, then a masked one whose loss counts only the hidden patches.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    set_num_threads(2);
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 2000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 500 : 0);
    const int epochs = quick ? 1 : 10;

    // Géron's denoising model: Dropout(0.5) on the input, then an untied 784-100-30 autoencoder.
    nn::manual_seed(42);
    models::StackedAutoencoder dense(models::StackedAutoencoderOptions(784, {100, 30}).tied(false));
    models::Objective denoising(models::ObjectiveOptions().noise(models::Noise::parse("dropout:0.5")), dense);
    nn::Adam adam(dense.parameters(), nn::AdamOptions().lr(1e-3));
    nn::fit(dense, adam, train.pixels, denoising.loss_fn(), nn::FitOptions().epochs(epochs).batch_size(32));
    const models::Evaluation clean = denoising.evaluate(test.pixels);
    fmt::print("dropout denoising: test loss {:.4f} on clean images\n", clean.loss);
    models::write_denoising_reconstructions("denoising.png", dense, denoising, test.pixels, 28, 28);

    // Masked: half of each image's 4x4 patches hidden; the loss is taken on the hidden pixels only, so the
    // model is scored on what it had to infer, not on what it could copy.
    nn::manual_seed(42);
    models::StackedAutoencoder masked_model(models::StackedAutoencoderOptions(784, {100, 30}).tied(false));
    models::Objective masked(models::ObjectiveOptions()
                                 .noise(models::Noise::parse("mask:0.5:4"))
                                 .masked_loss(true)
                                 .image_height(28)
                                 .image_width(28),
                             masked_model);
    nn::Adam adam2(masked_model.parameters(), nn::AdamOptions().lr(1e-3));
    nn::fit(masked_model, adam2, train.pixels, masked.loss_fn(), nn::FitOptions().epochs(epochs).batch_size(32));
    fmt::print("masked: MSE {:.4f} on the masked pixels of the test images\n", masked.evaluate(test.pixels).loss);
    models::write_denoising_reconstructions("masked.png", masked_model, masked, test.pixels, 28, 28);
    std::cout << "wrote denoising.png and masked.png: noisy inputs, reconstructions, originals\n";
}
