#pragma once
// Weight initialisers, drawing from one seedable generator so that a model built after manual_seed(s)
// is the same every run.
#include <cstdint>

#include <aegrad/autograd/random_ops.hpp>

namespace aegrad::nn {

/// The generator initialisers use unless given another (like torch.manual_seed).
Generator& default_generator();
void manual_seed(std::uint64_t seed);

/// U(-l, l) with l = sqrt(6 / (fan_in + fan_out)), Keras's default for Dense (Glorot & Bengio 2010).
template <class T> Array<T> glorot_uniform(std::size_t fan_in, std::size_t fan_out, Generator& gen);
/// N(0, 2 / fan_in), for ReLU networks (He et al. 2015); the shape is [fan_in, fan_out].
template <class T> Array<T> he_normal(std::size_t fan_in, std::size_t fan_out, Generator& gen);

enum class Init { glorot_uniform, he_normal };

/// Fills `w`, of any shape, from `init` with the given fans. A convolution kernel [out, in, kh, kw] has
/// fan_in = in kh kw and fan_out = out kh kw, as in Keras.
template <class T> void fill_weight(Array<T>& w, Init init, std::size_t fan_in, std::size_t fan_out, Generator& gen);

} // namespace aegrad::nn
