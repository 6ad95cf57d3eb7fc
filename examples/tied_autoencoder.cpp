// The seed model: a stacked 784-100-30 autoencoder whose decoder reuses the encoder's weights.
#include <iostream>

#include <aegrad/nn/nn.hpp>

using namespace aegrad::nn;

int main() {
    Sequential model;
    auto hidden = model.add(std::make_shared<Dense>(DenseOptions(784, 100).activation(Activation::relu)));
    auto coding = model.add(std::make_shared<Dense>(DenseOptions(100, 30).activation(Activation::relu)));
    model.add(std::make_shared<DenseTranspose>(coding, Activation::relu));  // reads coding's weight, transposed
    model.add(std::make_shared<DenseTranspose>(hidden));                     // reads hidden's weight, transposed

    std::cout << summary(model, {784});
    return count_parameters(model) == 82414 ? 0 : 1;
}
