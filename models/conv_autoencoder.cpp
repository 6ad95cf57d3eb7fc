#include <aegrad/models/conv_autoencoder.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/shape_ops.hpp>
#include <aegrad/nn/batch_norm.hpp>
#include <aegrad/nn/pooling.hpp>
#include <aegrad/nn/shape_layers.hpp>

namespace aegrad::models {

using namespace nn;

namespace {
// A layer, then its activation; with batch_norm, the layer without one, then BatchNorm2d with it (a ReLU is
// fused into the BatchNorm).
template <class T, class Layer>
std::shared_ptr<Layer> add_with_activation(BasicSequential<T>& seq, std::shared_ptr<Layer> layer, std::size_t channels,
                                           Activation activation, bool batch_norm) {
    seq.add(layer);
    if (batch_norm)
        seq.add(std::make_shared<BasicBatchNorm2d<T>>(BatchNormLayerOptions(channels).activation(activation)));
    return layer;
}

// Transposed convolution back from `from` rows to `to` with stride 2 and kernel k: the full output
// 2 (from - 1) + k is cropped by `padding` on each side, and output_padding rows are given back at the end.
std::pair<std::size_t, std::size_t> crop_for(std::size_t from, std::size_t to, std::size_t k) {
    const long excess = long(2 * from) - 2 + long(k) - long(to);
    const long pad = std::max(0L, (excess + 1) / 2);
    return {static_cast<std::size_t>(pad), static_cast<std::size_t>(2 * pad - excess)};
}

Shape image_shape(std::size_t channels, Size2 size) { return {channels, size.h, size.w}; }
} // namespace

template <class T>
BasicConvAutoencoder<T>::BasicConvAutoencoder(ConvAutoencoderOptions o, Generator& gen) : options_(std::move(o)) {
    if (options_.channels() == 0 || options_.coding_size() == 0 || options_.decoder_channels() == 0 ||
        options_.kernel() == 0 || options_.filters().empty())
        throw std::invalid_argument(
            "ConvAutoencoder: channels, coding size, decoder channels and kernel must be positive, with at least one stage");
    if (options_.tied() && !options_.mirror())
        throw std::invalid_argument("ConvAutoencoder: tied kernels need the mirror layout (.mirror(true)): Géron's "
                                    "decoder upsamples with strides its encoder's convolutions do not have");
    encoder_ = this->register_module("encoder", std::make_shared<SequentialT>());
    decoder_ = this->register_module("decoder", std::make_shared<SequentialT>());
    encoder_->add(std::make_shared<BasicReshape<T>>(
        std::vector<long>{long(options_.channels()), long(options_.height()), long(options_.width())}));
    if (options_.mirror())
        build_mirror(gen);
    else
        build_pooling(gen);
    decoder_->add(std::make_shared<BasicFlatten<T>>());
    encoder_stages_.front().begin = 0;  // stage 0 holds the input's reshape and the output's flatten
    decoder_stages_.front().end = decoder_->size();
}

template <class T> void BasicConvAutoencoder<T>::build_pooling(Generator& gen) {
    const auto& f = options_.filters();
    const std::size_t k = options_.kernel(), n = f.size();
    const auto act = options_.activation();
    const bool bn = options_.batch_norm();
    // Image sizes after each pooling stage: sizes[0] is the input, sizes[i + 1] = sizes[i] / 2.
    std::vector<Size2> sizes{{options_.height(), options_.width()}};
    for (std::size_t i = 0; i < n; ++i)
        sizes.push_back({sizes.back().h / 2, sizes.back().w / 2});
    if (sizes.back().h == 0 || sizes.back().w == 0)
        throw std::invalid_argument(fmt::format("ConvAutoencoder: a {}x{} image is too small for {} pooling stages",
                                                options_.height(), options_.width(), n));

    std::size_t in = options_.channels();
    for (std::size_t i = 0; i < n; ++i) {
        boundaries_.push_back(image_shape(in, sizes[i]));
        encoder_stages_.push_back({encoder_->size(), 0});
        add_with_activation(*encoder_, std::make_shared<BasicConv2d<T>>(Conv2dLayerOptions(in, f[i], k).padding(Padding::same()).activation(bn ? Activation::none : act), gen), f[i], act, bn);
        encoder_->add(std::make_shared<BasicMaxPool2d<T>>(2));
        if (i + 1 < n)  // the last stage goes on with the coding layers
            encoder_stages_.back().end = encoder_->size();
        in = f[i];
    }
    add_with_activation(*encoder_, std::make_shared<BasicConv2d<T>>(Conv2dLayerOptions(in, options_.coding_size(), k).padding(Padding::same()).activation(bn ? Activation::none : act), gen), options_.coding_size(), act, bn);
    encoder_->add(std::make_shared<BasicGlobalAvgPool2d<T>>());
    encoder_stages_.back().end = encoder_->size();
    boundaries_.push_back({options_.coding_size()});

    const Size2 grid = sizes.back();
    const std::size_t dc = options_.decoder_channels();
    decoder_stages_.resize(n);
    decoder_stages_[n - 1].begin = 0;
    decoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(options_.coding_size(), dc * grid.h * grid.w), gen));
    decoder_->add(std::make_shared<BasicReshape<T>>(std::vector<long>{long(dc), long(grid.h), long(grid.w)}));
    in = dc;
    for (std::size_t stage = n; stage-- > 0;) {
        if (stage + 1 < n)
            decoder_stages_[stage].begin = decoder_->size();
        const bool last = stage == 0;
        const std::size_t out = last ? options_.channels() : f[stage - 1];
        // Back from sizes[stage + 1] to sizes[stage]: 2 s with "same", 2 s + 1 where pooling dropped a row.
        const auto h = crop_for(sizes[stage + 1].h, sizes[stage].h, k), w = crop_for(sizes[stage + 1].w, sizes[stage].w, k);
        auto layer = Conv2dLayerOptions(in, out, k).stride(2).padding(Padding(h.first, w.first)).output_padding({h.second, w.second});
        if (last)  // the output: no BatchNorm, the output activation
            decoder_->add(std::make_shared<BasicConvTranspose2d<T>>(layer.activation(options_.output_activation()), gen));
        else
            add_with_activation(*decoder_, std::make_shared<BasicConvTranspose2d<T>>(layer.activation(bn ? Activation::none : act), gen), out, act, bn);
        decoder_stages_[stage].end = decoder_->size();
        in = out;
    }
}

template <class T> void BasicConvAutoencoder<T>::build_mirror(Generator& gen) {
    const auto& f = options_.filters();
    const std::size_t k = options_.kernel(), n = f.size(), pad = (k - 1) / 2;
    const auto act = options_.activation();
    const bool bn = options_.batch_norm(), tied = options_.tied();
    // Sizes after each strided convolution: (s + 2 pad - k) / 2 + 1, i.e. ceil(s / 2) for odd kernels.
    std::vector<Size2> sizes{{options_.height(), options_.width()}};
    const auto strided = [&](std::size_t s) -> std::size_t { return s + 2 * pad < k ? 0 : (s + 2 * pad - k) / 2 + 1; };
    for (std::size_t i = 0; i < n; ++i)
        sizes.push_back({strided(sizes.back().h), strided(sizes.back().w)});
    if (sizes.back().h == 0 || sizes.back().w == 0)
        throw std::invalid_argument(fmt::format("ConvAutoencoder: a {}x{} image is too small for {} stride-2 stages "
                                                "with a {}x{} kernel", options_.height(), options_.width(), n, k, k));

    std::vector<std::shared_ptr<BasicConv2d<T>>> convs;
    std::size_t in = options_.channels();
    for (std::size_t i = 0; i < n; ++i) {
        boundaries_.push_back(image_shape(in, sizes[i]));
        encoder_stages_.push_back({encoder_->size(), 0});
        const auto o = Conv2dLayerOptions(in, f[i], k).stride(2).padding(Padding(pad)).activation(bn ? Activation::none : act);
        convs.push_back(add_with_activation(*encoder_, std::make_shared<BasicConv2d<T>>(o, gen), f[i], act, bn));
        encoder_stages_.back().end = encoder_->size();
        in = f[i];
    }
    const Size2 grid = sizes.back();
    const std::size_t flat = in * grid.h * grid.w;
    boundaries_.push_back(image_shape(in, grid));
    boundaries_.push_back({options_.coding_size()});
    encoder_stages_.push_back({encoder_->size(), 0});
    encoder_->add(std::make_shared<BasicFlatten<T>>());
    auto coding = encoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(flat, options_.coding_size()).activation(act), gen));
    encoder_stages_.back().end = encoder_->size();

    decoder_stages_.resize(n + 1);
    decoder_stages_[n].begin = 0;
    if (tied)
        decoder_->add(std::make_shared<BasicDenseTranspose<T>>(coding, act));
    else
        decoder_->add(std::make_shared<BasicDense<T>>(DenseOptions(options_.coding_size(), flat).activation(act), gen));
    decoder_->add(std::make_shared<BasicReshape<T>>(std::vector<long>{long(in), long(grid.h), long(grid.w)}));
    decoder_stages_[n].end = decoder_->size();
    for (std::size_t stage = n; stage-- > 0;) {
        decoder_stages_[stage].begin = decoder_->size();
        const bool last = stage == 0;
        const std::size_t out = last ? options_.channels() : f[stage - 1];
        const Activation a = last ? options_.output_activation() : (bn ? Activation::none : act);
        // The transpose of a stride-2 conv maps s' back to 2 (s' - 1) + k - 2 pad; output_padding adds the
        // row the stride dropped when the conv's input was even.
        const auto give_back = [&](std::size_t from, std::size_t to) { return to - (2 * (from - 1) + k - 2 * pad); };
        const Size2 op{give_back(sizes[stage + 1].h, sizes[stage].h), give_back(sizes[stage + 1].w, sizes[stage].w)};
        std::shared_ptr<BasicConvTranspose2d<T>> layer =
            tied ? std::make_shared<BasicConvTranspose2d<T>>(convs[stage], a, op)
                 : std::make_shared<BasicConvTranspose2d<T>>(
                       Conv2dLayerOptions(in, out, k).stride(2).padding(Padding(pad)).output_padding(op).activation(a), gen);
        if (last)
            decoder_->add(layer);
        else
            add_with_activation(*decoder_, layer, out, act, bn);
        decoder_stages_[stage].end = decoder_->size();
        in = out;
    }
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

template <class T> Shape BasicConvAutoencoder<T>::boundary(std::size_t k) const {
    if (k > depth())
        throw std::out_of_range(fmt::format("ConvAutoencoder: boundary {} of a {}-stage model", k, depth()));
    return boundaries_[k];
}

template <class T>
typename BasicConvAutoencoder<T>::ModulePtr BasicConvAutoencoder<T>::stage(const SequentialT& seq, Range range, const Shape& in,
                                                                          const Shape& out) const {
    auto s = std::make_shared<SequentialT>();
    if (in.size() == 3)  // stages read and write flat rows, like the data and the codes between phases
        s->add(std::make_shared<BasicReshape<T>>(std::vector<long>{long(in[0]), long(in[1]), long(in[2])}));
    for (std::size_t i = range.begin; i < range.end; ++i)
        s->add(seq[i]);
    if (out.size() == 3)
        s->add(std::make_shared<BasicFlatten<T>>());
    return s;
}

template <class T> typename BasicConvAutoencoder<T>::ModulePtr BasicConvAutoencoder<T>::encoder_stage(std::size_t k) const {
    if (k >= depth())
        throw std::out_of_range(fmt::format("ConvAutoencoder: stage {} of a {}-stage model", k, depth()));
    return stage(*encoder_, encoder_stages_[k], boundaries_[k], boundaries_[k + 1]);
}

template <class T> typename BasicConvAutoencoder<T>::ModulePtr BasicConvAutoencoder<T>::decoder_stage(std::size_t k) const {
    if (k >= depth())
        throw std::out_of_range(fmt::format("ConvAutoencoder: stage {} of a {}-stage model", k, depth()));
    return stage(*decoder_, decoder_stages_[k], boundaries_[k + 1], boundaries_[k]);
}

template class BasicConvAutoencoder<float>;
template class BasicConvAutoencoder<double>;

} // namespace aegrad::models
