// A variational autoencoder on Fashion-MNIST, Géron's 784-150-100-(10)-100-150-784: train it, then make new
// images from codes drawn from N(0, I), and walk the code space between two test images.
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

    nn::manual_seed(42);
    models::VariationalAutoencoder vae(models::VariationalAutoencoderOptions(784, {150, 100}, 10));
    std::cout << nn::summary(vae, {784});
    // The loss: reconstruction MSE + the KL divergence of q(z | x) to N(0, I) / 784, as Géron's.
    models::Objective objective(models::ObjectiveOptions(), vae);
    nn::Adam adam(vae.parameters(), nn::AdamOptions().lr(1e-3), nn::AdamVariant::nadam);
    nn::fit(vae, adam, train.pixels, objective.loss_fn(), nn::FitOptions().epochs(quick ? 1 : 25).batch_size(128));
    const models::Evaluation e = objective.evaluate(test.pixels);
    fmt::print("VAE: test loss {:.4f} (reconstruction {:.4f} + KL / 784 {:.4f})\n", e.loss, e.reconstruction,
               e.loss - e.reconstruction);

    NoGradGuard no_grad;
    vae.eval();
    Generator gen(42);
    models::write_image_grid("vae_samples.png", vae.sample(21, gen).value(), 28, 28, 7);
    const data::Rows rows(test.pixels);
    const Tensor<float> shoe(rows.slice(0, 1)), trousers(rows.slice(2, 3));  // test images 0 and 2
    models::write_image_grid("vae_interpolation.png", vae.interpolate(shoe, trousers, 9).value(), 28, 28, 9);
    std::cout << "wrote vae_samples.png (21 new images) and vae_interpolation.png (9 steps from a boot to trousers)\n";
}
