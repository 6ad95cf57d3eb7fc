// A tied stacked autoencoder on Fashion-MNIST: build it, print its summary, train it, look at it.
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

    // 784-100-30-100-784, ReLU, the decoder reading the encoder's weights transposed.
    nn::manual_seed(42);
    models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}).tied(true));
    std::cout << nn::summary(model, {784});

    const auto test_mse = [&](nn::Module& m) { return nn::evaluate(m, test.pixels, nn::reconstruction_mse()); };
    nn::Adam optimizer(model.parameters(), nn::AdamOptions().lr(1e-3));
    const nn::History history = nn::fit(model, optimizer, train.pixels, nn::reconstruction_mse(),
                                        nn::FitOptions().epochs(quick ? 2 : 20).batch_size(256).validation(test_mse));

    fmt::print("test MSE {:.4f} after {} epochs\n", test_mse(model), history.epochs.size());
    models::write_reconstructions("reconstructions.png", model, test.pixels, 28, 28);
    models::write_loss_plot("loss.svg", history);
    std::cout << "wrote reconstructions.png and loss.svg\n";
}
