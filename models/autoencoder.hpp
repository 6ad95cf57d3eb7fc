#pragma once
// What every autoencoder offers besides forward: its encoder and its decoder as functions, so training
// objectives (noise, penalties on the codes), feature extraction and sampling work on any of them.
#include <aegrad/nn/module.hpp>

namespace aegrad::models {

template <class T> class BasicAutoencoder : public nn::BasicModule<T> {
public:
    /// x [B, ...] -> codes [B, n]; a variational autoencoder gives the means.
    virtual Tensor<T> encode(const Tensor<T>& x) = 0;
    /// codes [B, n] -> a reconstruction, flat [B, input].
    virtual Tensor<T> decode(const Tensor<T>& codes) = 0;
    Tensor<T> forward(const Tensor<T>& x) override { return decode(encode(x)); }
};

using Autoencoder = BasicAutoencoder<float>;

} // namespace aegrad::models
