#pragma once
// A convolutional autoencoder for images, by default Géron's Fashion-MNIST model (Hands-On ML, ch. 17):
//   encoder  Conv(16, 3, same, relu), MaxPool 2, Conv(32, ...), MaxPool 2, Conv(64, ...), MaxPool 2,
//            Conv(30, 3, same, relu), GlobalAvgPool                         -> 30 codings
//   decoder  Dense(3 x 3 x 16), Reshape(16, 3, 3), ConvTranspose(32, 3, stride 2, valid, relu) -> 7 x 7,
//            ConvTranspose(16, 3, stride 2, same, relu) -> 14 x 14, ConvTranspose(1, 3, stride 2, same) -> 28 x 28
// Each decoder step doubles the size, adding one row when the encoder's pooling dropped one (7 -> 3).
//
// With mirror(true), every stage has an exact mirror, which tied kernels need:
//   encoder  Conv(16, 3, stride 2, padding 1, relu) -> 14 x 14, Conv(32, ...) -> 7 x 7, Conv(64, ...) -> 4 x 4,
//            Flatten, Dense(30, relu)                                       -> 30 codings
//   decoder  Dense(64 x 4 x 4, relu), Reshape, then per stage the ConvTranspose with the same kernel, stride
//            and padding (output_padding gives back the row a stride dropped: 4 -> 7 -> 14 -> 28)
// and with tied(true) each decoder stage reads its encoder stage's weight node (ConvTranspose2d of the
// Conv2d's kernel, DenseTranspose of the Dense's), so the model has about half the parameters.
#include <memory>
#include <vector>

#include <aegrad/models/layered_autoencoder.hpp>
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
    /// Strided convolutions mirrored stage by stage, with a dense coding layer (the layout above).
    AEGRAD_OPTION(bool, mirror, false)
    /// The decoder reads the encoder's kernels and dense weight (needs mirror).
    AEGRAD_OPTION(bool, tied, false)

private:
    std::size_t channels_, height_, width_;
};

/// Its stages for layer-wise pretraining: each conv (+ pool) stage and the decoder stage back to its input
/// size; the innermost stage holds the coding layers (Géron's: the last conv + pool, the coding conv and the
/// global pooling, mirrored by the decoder's Dense, Reshape and first ConvTranspose).
template <class T> class BasicConvAutoencoder : public BasicLayeredAutoencoder<T> {
public:
    using SequentialT = nn::BasicSequential<T>;
    using ModulePtr = typename BasicLayeredAutoencoder<T>::ModulePtr;
    /// Throws std::invalid_argument when the image is too small for the stages, or for tied without mirror.
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

    std::size_t depth() const override { return encoder_stages_.size(); }
    Shape boundary(std::size_t k) const override;
    ModulePtr encoder_stage(std::size_t k) const override;
    ModulePtr decoder_stage(std::size_t k) const override;

private:
    struct Range {  // modules [begin, end) of the encoder or decoder Sequential
        std::size_t begin = 0, end = 0;
    };
    void build_pooling(Generator& gen);
    void build_mirror(Generator& gen);
    ModulePtr stage(const SequentialT& seq, Range range, const Shape& in, const Shape& out) const;

    ConvAutoencoderOptions options_;
    std::shared_ptr<SequentialT> encoder_, decoder_;
    std::vector<Range> encoder_stages_, decoder_stages_;
    std::vector<Shape> boundaries_;
};

using ConvAutoencoder = BasicConvAutoencoder<float>;

} // namespace aegrad::models
