#pragma once
// Activations by name, for layers that take one as an option, and which part of one an op can fuse.
#include <string>

#include <aegrad/autograd/epilogue.hpp>

namespace aegrad::nn {

enum class Activation { none, relu, leaky_relu, elu, selu, sigmoid, tanh, softplus, softmax };

/// "relu", "none", ...; and back (throws on an unknown name, listing the known ones).
std::string activation_name(Activation a);
Activation activation_from_name(const std::string& name);

/// An activation split into what the op before it applies inside itself (its epilogue) and what is left
/// to apply after it: a ReLU is fused whole, the others stay outside.
struct FusedActivation {
    Epilogue epilogue;
    Activation after;
};
FusedActivation fuse_activation(Activation a);

} // namespace aegrad::nn
