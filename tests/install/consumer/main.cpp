// A program outside aegrad's tree, built against the installed library only: a tied autoencoder trained
// for a few steps on its own xt::xarray of data, and a gradient check. Exits 0 when both work.
#include <iostream>

#include <xtensor/xarray.hpp>
#include <xtensor/xrandom.hpp>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main() {
    // The program's own array, with xtensor's own allocator, handed to aegrad as it is.
    xt::random::seed(1);
    xt::xarray<float> data = xt::random::rand<float>({64, 20});

    models::StackedAutoencoder model(models::StackedAutoencoderOptions(20, {8, 3}));
    nn::Adam optimizer(model.parameters(), nn::AdamOptions().lr(1e-2));
    const auto history = nn::fit(model, optimizer, data, nn::reconstruction_mse(),
                                 nn::FitOptions().epochs(30).batch_size(16).progress(false));
    const double first = history.epochs.front().loss, last = history.epochs.back().loss;

    Tensor<double> w(xt::xarray<double>{{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}}, true);
    Tensor<double> x(xt::xarray<double>{{1.0, -2.0, 0.5}});
    const auto check = gradcheck(
        [&](const std::vector<Tensor<double>>& in) { return mse_loss(matmul(tanh(matmul(in[0], in[1])), transpose(in[1])), x); },
        {Tensor<double>(x.value(), true), w});

    std::cout << "consumer: loss " << first << " -> " << last << "; " << check.message << "\n";
    return last < 0.5 * first && check.ok ? 0 : 1;
}
