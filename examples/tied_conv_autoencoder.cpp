// A tied convolutional autoencoder: the decoder's transposed convolutions read the encoder's own kernels.
// Build it beside its untied twin, compare their sizes, then pretrain it stage by stage and fine-tune it.
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

    // The mirror layout: stride-2 convolutions 16-32-64, a dense layer to 30 codings, and back through the
    // transposes. Tied, each ConvTranspose2d reads its Conv2d's kernel node and the decoder's Dense is a
    // DenseTranspose of the coding layer.
    nn::manual_seed(42);
    models::ConvAutoencoder untied(models::ConvAutoencoderOptions().mirror(true));
    models::ConvAutoencoder model(models::ConvAutoencoderOptions().mirror(true).tied(true));
    fmt::print("untied: {} parameters, tied: {}\n", nn::count_parameters(untied), nn::count_parameters(model));
    std::cout << nn::summary(model, {784});

    // Layer by layer: phase k trains conv stage k with its transpose on the codes of the stages before it
    // (the last phase is the dense coding layer), then the whole model is fine-tuned at the same rate.
    models::LayerwisePretrainer pretrainer(model, models::PretrainOptions()
                                                      .pretrain_epochs({1})
                                                      .finetune_epochs(quick ? 1 : 6)
                                                      .batch_size(256)
                                                      .seed(42));
    for (const auto& phase : pretrainer.run(train.pixels, test.pixels))
        fmt::print("{}: {} epochs in {:.1f} s, validation loss {:.4f}\n", phase.name, phase.history.epochs.size(),
                   phase.seconds, phase.history.epochs.back().val_loss);
    fmt::print("test MSE {:.4f}\n", nn::evaluate(model, test.pixels, nn::reconstruction_mse()));
    models::write_reconstructions("tied-conv-reconstructions.png", model, test.pixels, 28, 28);
    std::cout << "wrote tied-conv-reconstructions.png\n";
}
