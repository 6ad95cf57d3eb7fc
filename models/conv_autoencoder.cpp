#include <aegrad/models/conv_autoencoder.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/shape_ops.hpp>
#include <aegrad/nn/batch_norm.hpp>
#include <aegrad/nn/pooling.hpp>
#include <aegrad/nn/shape_layers.hpp>

namespace aegrad::models {

using namespace nn;

namespace {
template <class Layer> struct LayerKind {
    using type = Layer;
};
} // namespace

template <class T>
BasicConvAutoencoder<T>::BasicConvAutoencoder(ConvAutoencoderOptions o, Generator& gen) : options_(std::move(o)) {
    const auto& f = options_.filters();
    const std::size_t k = options_.kernel();
    if (options_.channels() == 0 || options_.coding_size() == 0 || options_.decoder_channels() == 0 || k == 0)
        throw std::invalid_argument("ConvAutoencoder: channels, coding size, decoder channels and kernel must be positive");
    // Image sizes after each pooling stage: sizes[0] is the input, sizes[i + 1] = sizes[i] / 2.
    std::vector<Size2> sizes{{options_.height(), options_.width()}};
    for (std::size_t i = 0; i < f.size(); ++i)
        sizes.push_back({sizes.back().h / 2, sizes.back().w / 2});
    if (sizes.back().h == 0 || sizes.back().w == 0)
        throw std::invalid_argument(fmt::format("ConvAutoencoder: a {}x{} image is too small for {} pooling stages",
                                                options_.height(), options_.width(), f.size()));

    encoder_ = this->register_module("encoder", std::make_shared<SequentialT>());
    decoder_ = this->register_module("decoder", std::make_shared<SequentialT>());
    const auto act = options_.activation();
    encoder_->add(std::make_shared<BasicReshape<T>>(
        std::vector<long>{long(options_.channels()), long(options_.height()), long(options_.width())}));
    // A convolution and its activation; with batch_norm, conv -> BatchNorm2d with the activation (a ReLU fused).
    const auto add_conv = [&](SequentialT& seq, auto kind, Conv2dLayerOptions o, Activation activation) {
        using Layer = typename decltype(kind)::type;
        if (!options_.batch_norm()) {
            seq.add(std::make_shared<Layer>(o.activation(activation), gen));
            return;
        }
        seq.add(std::make_shared<Layer>(o.activation(Activation::none), gen));
        seq.add(std::make_shared<BasicBatchNorm2d<T>>(BatchNormLayerOptions(o.out()).activation(activation)));
    };
    std::size_t in = options_.channels();
    for (std::size_t filters : f) {
        add_conv(*encoder_, LayerKind<BasicConv2d<T>>{}, Conv2dLayerOptions(in, filters, k).padding(Padding::same()), act);
        encoder_->add(std::make_shared<BasicMaxPool2d<T>>(2));
        in = filters;
    }
    add_conv(*encoder_, LayerKind<BasicConv2d<T>>{}, Conv2dLayerOptions(in, options_.coding_size(), k).padding(Padding::same()), act);
    encoder_->add(std::make_shared<BasicGlobalAvgPool2d<T>>());

    const Size2 grid = sizes.back();
    const std::size_t dc = options_.decoder_channels();
    decoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(options_.coding_size(), dc * grid.h * grid.w), gen));
    decoder_->add(std::make_shared<BasicReshape<T>>(std::vector<long>{long(dc), long(grid.h), long(grid.w)}));
    in = dc;
    for (std::size_t stage = f.size(); stage-- > 0;) {
        const bool last = stage == 0;
        const std::size_t out = last ? options_.channels() : f[stage - 1];
        // Back from sizes[stage + 1] to sizes[stage]: 2 s with "same", 2 s + 1 where pooling dropped a row
        // (3 -> 7, "valid" for a 3x3 kernel). Both are one rule: crop the full output 2 (s - 1) + k by p on
        // each side and give op rows back at the end.
        const auto crop = [k](std::size_t from, std::size_t to) {
            const long excess = long(2 * from) - 2 + long(k) - long(to);
            const long pad = std::max(0L, (excess + 1) / 2);
            return std::pair{static_cast<std::size_t>(pad), static_cast<std::size_t>(2 * pad - excess)};
        };
        const auto h = crop(sizes[stage + 1].h, sizes[stage].h), w = crop(sizes[stage + 1].w, sizes[stage].w);
        const auto layer =
            Conv2dLayerOptions(in, out, k).stride(2).padding(Padding(h.first, w.first)).output_padding({h.second, w.second});
        if (last)  // the output: no BatchNorm, the output activation
            decoder_->add(std::make_shared<BasicConvTranspose2d<T>>(Conv2dLayerOptions(layer).activation(options_.output_activation()), gen));
        else
            add_conv(*decoder_, LayerKind<BasicConvTranspose2d<T>>{}, layer, act);
        in = out;
    }
    decoder_->add(std::make_shared<BasicFlatten<T>>());
}

template <class T> Tensor<T> BasicConvAutoencoder<T>::forward(const Tensor<T>& x) {
    const std::size_t pixels = options_.channels() * options_.height() * options_.width();
    const bool flat = x.dim() == 2 && x.shape()[1] == pixels;
    const bool image = x.dim() == 4 && x.shape()[1] == options_.channels() && x.shape()[2] == options_.height() &&
                       x.shape()[3] == options_.width();
    if (!flat && !image)
        throw ShapeError(fmt::format("ConvAutoencoder: expects input [B, {}] or [B, {}, {}, {}], got {}", pixels,
                                     options_.channels(), options_.height(), options_.width(), shape_str(x.shape())));
    Tensor<T> y = this->forward_in_scope("decoder", *decoder_, this->forward_in_scope("encoder", *encoder_, x));
    if (image)
        y = reshape(y, {long(x.shape()[0]), long(x.shape()[1]), long(x.shape()[2]), long(x.shape()[3])});
    return y;
}

template class BasicConvAutoencoder<float>;
template class BasicConvAutoencoder<double>;

} // namespace aegrad::models
