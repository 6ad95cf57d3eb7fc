#include <aegrad/nn/init.hpp>

#include <cmath>

namespace aegrad::nn {

Generator& default_generator() {
    static Generator gen(0);
    return gen;
}

void manual_seed(std::uint64_t seed) { default_generator().seed(seed); }

template <class T> void fill_weight(Array<T>& w, Init init, std::size_t fan_in, std::size_t fan_out, Generator& gen) {
    if (init == Init::he_normal) {
        std::normal_distribution<double> dist(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
        for (T& v : w)
            v = static_cast<T>(dist(gen.engine()));
        return;
    }
    const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    std::uniform_real_distribution<double> dist(-limit, limit);
    for (T& v : w)
        v = static_cast<T>(dist(gen.engine()));
}

template <class T> Array<T> glorot_uniform(std::size_t fan_in, std::size_t fan_out, Generator& gen) {
    Array<T> w = Array<T>::from_shape({fan_in, fan_out});
    fill_weight(w, Init::glorot_uniform, fan_in, fan_out, gen);
    return w;
}

template <class T> Array<T> he_normal(std::size_t fan_in, std::size_t fan_out, Generator& gen) {
    Array<T> w = Array<T>::from_shape({fan_in, fan_out});
    fill_weight(w, Init::he_normal, fan_in, fan_out, gen);
    return w;
}

template Array<float> glorot_uniform(std::size_t, std::size_t, Generator&);
template Array<double> glorot_uniform(std::size_t, std::size_t, Generator&);
template Array<float> he_normal(std::size_t, std::size_t, Generator&);
template Array<double> he_normal(std::size_t, std::size_t, Generator&);
template void fill_weight(Array<float>&, Init, std::size_t, std::size_t, Generator&);
template void fill_weight(Array<double>&, Init, std::size_t, std::size_t, Generator&);

} // namespace aegrad::nn
