// Greedy layer-wise pretraining of a stacked autoencoder, then fine-tuning, with the scheduler.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 2000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 500 : 0);

    nn::manual_seed(42);
    models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}));

    // Phase 1: 784-100-784 on the images. Phase 2: 100-30-100 on phase 1's codes. Then all of it.
    // Each phase gets a fresh Adam; fine-tuning runs at twice the rate (see the tutorial for why).
    models::LayerwisePretrainer pretrainer(model, models::PretrainOptions()
                                                      .pretrain_epochs({1, 1})
                                                      .finetune_epochs(quick ? 1 : 18)
                                                      .finetune_lr_scale(2.0)
                                                      .batch_size(256)
                                                      .seed(42)
                                                      .checkpoint_dir("checkpoints"));
    nn::History all;
    for (const auto& phase : pretrainer.run(train.pixels, test.pixels)) {
        fmt::print("{}: {} epochs in {:.1f} s, validation MSE {:.4f}\n", phase.name, phase.history.epochs.size(),
                   phase.seconds, phase.history.epochs.back().val_loss);
        all.append(phase.history);
    }
    fmt::print("test MSE {:.4f}\n", nn::evaluate(model, test.pixels, nn::reconstruction_mse()));
    models::write_loss_plot("layerwise-loss.svg", all);
    models::write_reconstructions("layerwise-reconstructions.png", model, test.pixels, 28, 28);
}
