// The C++ side of the PyTorch round trip (torch_roundtrip.py): a small tied autoencoder, 20-8-3 with
// ReLU, saved to or loaded from a safetensors file, and its output on a fixed input printed as JSON.
//   safetensors_peer save FILE    writes a seeded model to FILE, prints its output
//   safetensors_peer load FILE    loads FILE into the same architecture, prints its output
#include <cstring>
#include <iostream>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::nn;

int main(int argc, char** argv) {
    if (argc != 3 || (std::strcmp(argv[1], "save") != 0 && std::strcmp(argv[1], "load") != 0)) {
        std::cerr << "usage: safetensors_peer save|load FILE\n";
        return 2;
    }
    manual_seed(1234);
    Sequential model;
    auto e1 = model.add(std::make_shared<Dense>(DenseOptions(20, 8).activation(Activation::relu)));
    auto e2 = model.add(std::make_shared<Dense>(DenseOptions(8, 3).activation(Activation::relu)));
    model.add(std::make_shared<DenseTranspose>(e2, Activation::relu));
    model.add(std::make_shared<DenseTranspose>(e1));
    // Non-zero biases, so that a bias stored under the wrong name would show.
    float v = 0.01f;
    for (auto& p : model.parameters())
        if (p.dim() == 1)
            for (float& b : p.mutable_value())
                b = (v += 0.01f);
    try {
        if (std::strcmp(argv[1], "save") == 0)
            save_parameters(model, argv[2]);
        else
            load_parameters(model, argv[2]);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    Tensor<float> x(xt::xarray<float>(xt::linspace<float>(0.f, 1.f, 40).reshape({2, 20})));
    const auto y = model(x).value();
    fmt::print("[{}]\n", fmt::join(y.begin(), y.end(), ", "));
    return 0;
}
