#pragma once
// A Keras-like model summary: one row per layer (leaf module) with its output shape and parameter count,
// then Total / Trainable / Non-trainable, counting a shared (tied) parameter once, and a line naming each
// shared parameter and the layers that read it.
#include <string>

#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// Runs one sample of shape `input_shape` (without the batch axis) through the leaves in order, under
/// NoGradGuard, to find output shapes; a layer whose input cannot be inferred shows "?".
template <class T> std::string summary(BasicModule<T>& model, const Shape& input_shape);

/// Number of parameter values, each shared parameter counted once.
template <class T> std::size_t count_parameters(const BasicModule<T>& model);

} // namespace aegrad::nn
