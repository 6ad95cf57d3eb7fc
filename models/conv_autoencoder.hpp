#pragma once
// A convolutional autoencoder for images, by default Géron's Fashion-MNIST model (Hands-On ML, ch. 17):
//   encoder  Conv(16, 3, same, relu), MaxPool 2, Conv(32, ...), MaxPool 2, Conv(64, ...), MaxPool 2,
//            Conv(30, 3, same, relu), GlobalAvgPool                         -> 30 codings
//   decoder  Dense(3 x 3 x 16), Reshape(16, 3, 3), ConvTranspose(32, 3, stride 2, valid, relu) -> 7 x 7,
//            ConvTranspose(16, 3, stride 2, same, relu) -> 14 x 14, ConvTranspose(1, 3, stride 2, same) -> 28 x 28
// Each decoder step doubles the size, adding one row when the encoder's pooling dropped one (7 -> 3).
#include <memory>
#include <vector>

#include <aegrad/models/autoencoder.hpp>
#include <aegrad/nn/conv.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/sequential.hpp>

namespace aegrad::models {

struct ConvAutoencoderOptions {
    ConvAutoencoderOptions(std::size_t channels = 1, std::size_t height = 28, std::size_t width = 28)
        : channels_(channels), height_(height), width_(width) {}
    std::size_t channels() const { return channels_; }
    std::size_t height() const { return height_; }
    std::size_t width() const { return width_; }
    /// Channels of the encoder's conv + pool stages; the decoder mirrors them.
    AEGRAD_OPTION(std::vector<std::size_t>, filters, (std::vector<std::size_t>{16, 32, 64}))
    AEGRAD_OPTION(std::size_t, coding_size, 30)        // channels of the last conv = length of the code
    AEGRAD_OPTION(std::size_t, kernel, 3)
    AEGRAD_OPTION(std::size_t, decoder_channels, 16)   // of the grid the decoder's Dense layer fills
    AEGRAD_OPTION(nn::Activation, activation, nn::Activation::relu)
    AEGRAD_OPTION(nn::Activation, output_activation, nn::Activation::none)
    /// BatchNorm2d after every convolution but the decoder's last (conv -> BatchNorm -> activation, the
    /// activation fused into the BatchNorm).
    AEGRAD_OPTION(bool, batch_norm, false)

private:
    std::size_t channels_, height_, width_;
};

template <class T> class BasicConvAutoencoder : public BasicAutoencoder<T> {
public:
    using SequentialT = nn::BasicSequential<T>;
    /// Throws std::invalid_argument when the image is too small for the pooling stages.
    explicit BasicConvAutoencoder(ConvAutoencoderOptions options = {}, Generator& gen = nn::default_generator());

    /// x [B, C H W] (flat, as the data loader gives) or [B, C, H, W] -> a reconstruction of the same shape.
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return "ConvAutoencoder"; }
    Tensor<T> encode(const Tensor<T>& x) override { return this->forward_in_scope("encoder", *encoder_, x); }
    Tensor<T> decode(const Tensor<T>& codes) override { return this->forward_in_scope("decoder", *decoder_, codes); }

    /// encoder: x -> [B, coding_size]; decoder: codes -> [B, C H W].
    const std::shared_ptr<SequentialT>& encoder() const { return encoder_; }
    const std::shared_ptr<SequentialT>& decoder() const { return decoder_; }
    const ConvAutoencoderOptions& options() const { return options_; }

private:
    ConvAutoencoderOptions options_;
    std::shared_ptr<SequentialT> encoder_, decoder_;
};

using ConvAutoencoder = BasicConvAutoencoder<float>;

} // namespace aegrad::models
