// A convolutional autoencoder on Fashion-MNIST (Géron's architecture): build it, look at its layers, train
// it, compare its reconstructions with the originals.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    set_num_threads(2);  // aegrad splits the batch between threads; OpenBLAS stays single-threaded
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 2000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 500 : 0);

    // One layer on its own: 16 3x3 filters with "same" padding keep the 28x28 size.
    nn::Conv2d conv(nn::Conv2dLayerOptions(1, 16, 3).padding(nn::Padding::same()).activation(nn::Activation::relu));
    const Tensor<float> batch(data::Rows(train.pixels).slice(0, 8));
    fmt::print("Conv2d on {}: {}\n", shape_str(reshape(batch, {8, 1, 28, 28}).shape()),
               shape_str(conv(reshape(batch, {8, 1, 28, 28})).shape()));

    // The whole model takes the loader's flat [B, 784] rows and gives back the same shape.
    nn::manual_seed(42);
    models::ConvAutoencoder model;  // defaults: Géron's encoder 16-32-64 -> 30 codings, and its mirror
    std::cout << nn::summary(model, {784});

    const auto test_mse = [&](nn::Module& m) { return nn::evaluate(m, test.pixels, nn::reconstruction_mse()); };
    nn::Adam optimizer(model.parameters(), nn::AdamOptions().lr(1e-3));
    const nn::History history = nn::fit(model, optimizer, train.pixels, nn::reconstruction_mse(),
                                        nn::FitOptions().epochs(quick ? 1 : 10).batch_size(256).validation(test_mse));

    fmt::print("test MSE {:.4f} after {} epochs\n", test_mse(model), history.epochs.size());
    models::write_reconstructions("conv_reconstructions.png", model, test.pixels, 28, 28);
    std::cout << "wrote conv_reconstructions.png\n";
}
