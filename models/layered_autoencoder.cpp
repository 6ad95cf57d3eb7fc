#include <aegrad/models/layered_autoencoder.hpp>

namespace aegrad::models {

template <class T> std::shared_ptr<BasicAutoencoder<T>> BasicLayeredAutoencoder<T>::shallow(std::size_t k) const {
    return std::make_shared<BasicShallowAutoencoder<T>>(encoder_stage(k), decoder_stage(k));
}

template <class T>
BasicShallowAutoencoder<T>::BasicShallowAutoencoder(std::shared_ptr<nn::BasicModule<T>> encoder,
                                                    std::shared_ptr<nn::BasicModule<T>> decoder) {
    if (!encoder || !decoder)
        throw std::invalid_argument("ShallowAutoencoder: needs an encoder and a decoder");
    encoder_ = this->register_module("encoder", std::move(encoder));
    decoder_ = this->register_module("decoder", std::move(decoder));
}

template class BasicLayeredAutoencoder<float>;
template class BasicLayeredAutoencoder<double>;
template class BasicShallowAutoencoder<float>;
template class BasicShallowAutoencoder<double>;

} // namespace aegrad::models
