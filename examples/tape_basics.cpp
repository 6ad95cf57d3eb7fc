// Tensors, backward and gradcheck: the smallest tour of the tape.
#include <iostream>

#include <xtensor/xio.hpp>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main() {
    // Leaves that require grad are the things we differentiate with respect to.
    Tensor<double> x(xt::xarray<double>{1.0, 2.0, 3.0}, true);
    Tensor<double> y(xt::xarray<double>{0.5, -1.0, 2.0}, true);

    // z = sum(x*x + x*y + y*y): x and y are each read three times; backward sums every read.
    auto z = sum(x * x + x * y + y * y);
    z.backward();
    std::cout << "z = " << z.item() << "\n";
    std::cout << "dz/dx = 2x + y = " << x.grad() << "\n";
    std::cout << "dz/dy = 2y + x = " << y.grad() << "\n";

    // A tied weight: one matrix read directly and through transpose.
    Tensor<double> W(xt::xarray<double>{{0.1, 0.2}, {0.3, 0.4}, {0.5, 0.6}}, true);  // [3, 2]
    auto reconstruction = matmul(tanh(matmul(reshape(x.detach(), {1, 3}), W)), transpose(W));
    std::cout << "reconstruction of x through a tied 3-2-3 autoencoder: " << reconstruction.value() << "\n";

    // gradcheck compares backward with central differences in double precision.
    // Here: the tied autoencoder's loss, with respect to both its input and its weight.
    Tensor<double> target(xt::xarray<double>{{1.0, 2.0, 3.0}});
    auto report = gradcheck(
        [&](const std::vector<Tensor<double>>& in) {
            return mse_loss(matmul(tanh(matmul(in[0], in[1])), transpose(in[1])), target);
        },
        {Tensor<double>(xt::xarray<double>{{1.0, 2.0, 3.0}}, true), W});
    std::cout << report.message << "\n";
    return report.ok ? 0 : 1;
}
