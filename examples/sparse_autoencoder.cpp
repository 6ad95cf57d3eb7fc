// Sparse and contractive autoencoders: a penalty on the codes added to the reconstruction loss. Géron's
// sparse models have 300 sigmoid codes behind a ReLU layer; the penalty makes most codes stay near zero.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

namespace {
// The mean code activation over the test images, and the share of activations below 0.1.
std::pair<double, double> code_activity(models::Autoencoder& model, data::Rows images) {
    NoGradGuard no_grad;
    model.eval();
    const Array<float> codes = model.encode(Tensor<float>(images.slice(0, images.count()))).value();
    return {xt::mean(codes)(), xt::mean(xt::cast<double>(codes < 0.1f))()};
}
} // namespace

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    set_num_threads(2);
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 2000 : 0);
    const auto test = data::load_mnist(data::kFashionMnistDir, data::Split::test, quick ? 500 : 0);
    const int epochs = quick ? 1 : 10;

    const auto sparse_model = [] {
        return models::StackedAutoencoder(models::StackedAutoencoderOptions(784, {100, 300})
                                              .tied(false)
                                              .coding_activation(nn::Activation::sigmoid));
    };
    const std::pair<const char*, models::ObjectiveOptions> runs[] = {
        {"no penalty", models::ObjectiveOptions()},
        {"L1 1e-4", models::ObjectiveOptions().sparsity(models::Sparsity::parse("l1:1e-4"))},
        {"KL to 0.1, 0.05", models::ObjectiveOptions().sparsity(models::Sparsity::parse("kl:0.1:0.05"))},
    };
    for (const auto& [name, options] : runs) {
        nn::manual_seed(42);
        auto model = sparse_model();
        models::Objective objective(options, model);
        nn::Adam adam(model.parameters(), nn::AdamOptions().lr(1e-3));
        nn::fit(model, adam, train.pixels, objective.loss_fn(),
                nn::FitOptions().epochs(epochs).batch_size(32).progress(false));
        const auto [mean, quiet] = code_activity(model, test.pixels);
        fmt::print("{:16s} test MSE {:.4f}, mean code {:.3f}, codes below 0.1: {:.0f}%\n", name,
                   models::reconstruction_mse_of(model, test.pixels), mean, 100 * quiet);
    }

    // Contractive: the penalty is the squared Frobenius norm of the coding layer's Jacobian, so codes move
    // little when the input moves a little.
    for (double weight : {0.0, 0.01}) {
        nn::manual_seed(42);
        models::StackedAutoencoder model(
            models::StackedAutoencoderOptions(784, {100, 30}).tied(false).coding_activation(nn::Activation::sigmoid));
        models::Objective objective(models::ObjectiveOptions().contractive(weight), model);
        nn::Adam adam(model.parameters(), nn::AdamOptions().lr(1e-3));
        nn::fit(model, adam, train.pixels, objective.loss_fn(),
                nn::FitOptions().epochs(epochs).batch_size(32).progress(false));
        NoGradGuard no_grad;
        model.eval();
        const Tensor<float> x(data::Rows(test.pixels).slice(0, 500));
        const auto& coding = dynamic_cast<nn::Dense&>(*(*model.encoder())[1]);
        const double jacobian = nn::contractive_penalty(model.encode(x), coding.weight(), nn::Activation::sigmoid).item();
        fmt::print("contractive {:<5} test MSE {:.4f}, ||J||^2 of the coding layer {:.3f}\n", weight,
                   models::reconstruction_mse_of(model, test.pixels), jacobian);
    }
}
