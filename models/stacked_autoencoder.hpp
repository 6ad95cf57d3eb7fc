#pragma once
// A stacked dense autoencoder: input -> layers[0] -> ... -> layers[k-1] (the codings) -> ... -> input,
// the decoder mirroring the encoder. Tied (the default): each decoder layer is a DenseTranspose of its
// mirror encoder layer, so the model has about half the parameters.
#include <memory>
#include <optional>
#include <vector>

#include <aegrad/models/layered_autoencoder.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/sequential.hpp>

namespace aegrad::models {

struct StackedAutoencoderOptions {
    StackedAutoencoderOptions(std::size_t input, std::vector<std::size_t> layers)
        : input_(input), layers_(std::move(layers)) {}
    std::size_t input() const { return input_; }
    const std::vector<std::size_t>& layers() const { return layers_; }
    AEGRAD_OPTION(nn::Activation, activation, nn::Activation::relu)        // every layer but the output
    AEGRAD_OPTION(nn::Activation, output_activation, nn::Activation::none)  // e.g. sigmoid for pixels in [0, 1]
    /// The coding layer's own activation (Géron's sparse models: sigmoid codes behind ReLU layers); unset:
    /// `activation`.
    AEGRAD_OPTION(std::optional<nn::Activation>, coding_activation, std::nullopt)
    AEGRAD_OPTION(bool, tied, true)
    AEGRAD_OPTION(nn::Init, init, nn::Init::glorot_uniform)

private:
    std::size_t input_;
    std::vector<std::size_t> layers_;
};

template <class T> class BasicStackedAutoencoder : public BasicLayeredAutoencoder<T> {
public:
    using SequentialT = nn::BasicSequential<T>;
    explicit BasicStackedAutoencoder(StackedAutoencoderOptions options, Generator& gen = nn::default_generator());

    /// x [B, input] -> codes [B, layers.back()] -> reconstruction [B, input]
    Tensor<T> encode(const Tensor<T>& x) override { return this->forward_in_scope("encoder", *encoder_, x); }
    Tensor<T> decode(const Tensor<T>& codes) override { return this->forward_in_scope("decoder", *decoder_, codes); }
    std::string type_name() const override { return "StackedAutoencoder"; }

    /// The encoder and decoder share this model's parameters (they are its children, not copies).
    const std::shared_ptr<SequentialT>& encoder() const { return encoder_; }
    const std::shared_ptr<SequentialT>& decoder() const { return decoder_; }
    /// Number of encoder layers; stage k is encoder layer k, and its mirror the decoder layer depth-1-k.
    /// Phase k of layer-wise pretraining reconstructs the codes of layer k-1 (the input for k = 0).
    std::size_t depth() const override { return options_.layers().size(); }
    Shape boundary(std::size_t k) const override;
    typename BasicLayeredAutoencoder<T>::ModulePtr encoder_stage(std::size_t k) const override;
    typename BasicLayeredAutoencoder<T>::ModulePtr decoder_stage(std::size_t k) const override;
    const StackedAutoencoderOptions& options() const { return options_; }

private:
    StackedAutoencoderOptions options_;
    std::shared_ptr<SequentialT> encoder_, decoder_;
};

using StackedAutoencoder = BasicStackedAutoencoder<float>;

} // namespace aegrad::models
