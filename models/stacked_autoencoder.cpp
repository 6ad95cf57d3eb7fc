#include <aegrad/models/stacked_autoencoder.hpp>

#include <fmt/format.h>

namespace aegrad::models {

using namespace nn;

template <class T>
BasicStackedAutoencoder<T>::BasicStackedAutoencoder(StackedAutoencoderOptions options, Generator& gen)
    : options_(std::move(options)) {
    using Dense = BasicDense<T>;
    using DenseTranspose = BasicDenseTranspose<T>;
    const auto& sizes = options_.layers();
    if (sizes.empty() || options_.input() == 0)
        throw std::invalid_argument("StackedAutoencoder: needs an input size and at least one layer size");
    encoder_ = this->register_module("encoder", std::make_shared<SequentialT>());
    decoder_ = this->register_module("decoder", std::make_shared<SequentialT>());
    std::vector<std::shared_ptr<Dense>> encoders;
    std::size_t in = options_.input();
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i] == 0)
            throw std::invalid_argument("StackedAutoencoder: layer sizes must be positive");
        const bool coding = i + 1 == sizes.size();
        const Activation act = coding ? options_.coding_activation().value_or(options_.activation()) : options_.activation();
        encoders.push_back(
            encoder_->add(std::make_shared<Dense>(DenseOptions(in, sizes[i]).activation(act).init(options_.init()), gen)));
        in = sizes[i];
    }
    // Decoder layer j mirrors encoder layer k = depth-1-j; the last one produces the input.
    for (std::size_t j = 0; j < sizes.size(); ++j) {
        const std::size_t k = sizes.size() - 1 - j;
        const Activation act = k == 0 ? options_.output_activation() : options_.activation();
        const std::size_t out = k == 0 ? options_.input() : sizes[k - 1];
        if (options_.tied())
            decoder_->add(std::make_shared<DenseTranspose>(encoders[k], act));
        else
            decoder_->add(std::make_shared<Dense>(DenseOptions(sizes[k], out).activation(act).init(options_.init()), gen));
    }
}

namespace {
void check_stage(std::size_t k, std::size_t depth) {
    if (k >= depth)
        throw std::out_of_range(fmt::format("StackedAutoencoder: stage {} of a {}-layer model", k, depth));
}
} // namespace

template <class T> Shape BasicStackedAutoencoder<T>::boundary(std::size_t k) const {
    if (k > depth())
        throw std::out_of_range(fmt::format("StackedAutoencoder: boundary {} of a {}-layer model", k, depth()));
    return {k == 0 ? options_.input() : options_.layers()[k - 1]};
}

template <class T>
typename BasicLayeredAutoencoder<T>::ModulePtr BasicStackedAutoencoder<T>::encoder_stage(std::size_t k) const {
    check_stage(k, depth());
    return (*encoder_)[k];
}

template <class T>
typename BasicLayeredAutoencoder<T>::ModulePtr BasicStackedAutoencoder<T>::decoder_stage(std::size_t k) const {
    check_stage(k, depth());
    return (*decoder_)[depth() - 1 - k];
}

template class BasicStackedAutoencoder<float>;
template class BasicStackedAutoencoder<double>;

} // namespace aegrad::models
