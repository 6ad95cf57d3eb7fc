#pragma once
// An autoencoder built of stages that mirror each other, which is what greedy layer-wise pretraining needs:
// encoder stage k maps the codes of stage k-1 (the input for k = 0) to its own codes, and decoder stage k
// maps them back. Phase k of the schedule trains the shallow autoencoder of the pair; the stages are
// the model's own modules, so what a phase learns is the deep model's.
#include <memory>

#include <aegrad/models/autoencoder.hpp>

namespace aegrad::models {

template <class T> class BasicLayeredAutoencoder : public BasicAutoencoder<T> {
public:
    using ModulePtr = std::shared_ptr<nn::BasicModule<T>>;
    /// Number of stages (pretraining phases).
    virtual std::size_t depth() const = 0;
    /// One sample's shape between stages: boundary(0) the input, boundary(depth()) the codes; {C, H, W} for
    /// feature maps, {n} for flat codes. Stages take and give flat rows [B, product of the shape].
    virtual Shape boundary(std::size_t k) const = 0;
    /// Encoder stage k: [B, |boundary(k)|] -> [B, |boundary(k + 1)|]; throws std::out_of_range for k >= depth().
    virtual ModulePtr encoder_stage(std::size_t k) const = 0;
    /// The decoder stage mirroring encoder stage k: [B, |boundary(k + 1)|] -> [B, |boundary(k)|].
    virtual ModulePtr decoder_stage(std::size_t k) const = 0;
    /// The shallow autoencoder of phase k: encoder_stage(k), then decoder_stage(k).
    std::shared_ptr<BasicAutoencoder<T>> shallow(std::size_t k) const;
};

/// Two modules as an autoencoder: encode is the first, decode the second (registered as "encoder" and
/// "decoder", not copied).
template <class T> class BasicShallowAutoencoder : public BasicAutoencoder<T> {
public:
    BasicShallowAutoencoder(std::shared_ptr<nn::BasicModule<T>> encoder, std::shared_ptr<nn::BasicModule<T>> decoder);
    Tensor<T> encode(const Tensor<T>& x) override { return this->forward_in_scope("encoder", *encoder_, x); }
    Tensor<T> decode(const Tensor<T>& codes) override { return this->forward_in_scope("decoder", *decoder_, codes); }
    std::string type_name() const override { return "ShallowAutoencoder"; }
    const std::shared_ptr<nn::BasicModule<T>>& encoder() const { return encoder_; }
    const std::shared_ptr<nn::BasicModule<T>>& decoder() const { return decoder_; }

private:
    std::shared_ptr<nn::BasicModule<T>> encoder_, decoder_;
};

using LayeredAutoencoder = BasicLayeredAutoencoder<float>;
using ShallowAutoencoder = BasicShallowAutoencoder<float>;

} // namespace aegrad::models
