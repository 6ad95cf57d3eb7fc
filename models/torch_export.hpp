#pragma once
// A trained autoencoder in PyTorch's terms: the Python code of the nn.Module that computes the same
// function from standard layers, and that module's state_dict in its own names and layouts, so
// `model.load_state_dict(state, strict=True)` takes the file as it is.
//   Dense [in, out] becomes nn.Linear's weight [out, in]; a tied DenseTranspose becomes an nn.Linear of its
//   own whose weight is the [in, out] array it reads (the transpose it computes with), so the export is
//   untied: PyTorch would train the two copies apart.
//   Conv2d and ConvTranspose2d keep their layouts (ours are PyTorch's); a tied ConvTranspose2d gets its own
//   copy of the conv's kernel.
//   A layer's fused activation becomes the next module of the nn.Sequential (nn.ReLU() after nn.Linear),
//   which is why PyTorch's indices ("encoder.2.weight") step over activations.
// The module takes and gives flat rows [B, features], as the model does: a conv model's first module is
// nn.Unflatten to its images.
#include <string>

#include <aegrad/models/autoencoder.hpp>
#include <aegrad/nn/safetensors.hpp>

namespace aegrad::models {

struct TorchModule {
    /// Python that builds `model` from `torch` and `torch.nn as nn` (and OrderedDict); `model.encode(x)`
    /// works for a VAE, `model.encoder(x)` gives the codes of the others.
    std::string code;
    /// model.state_dict() as PyTorch names it, every tensor float32.
    nn::NamedArrays<float> state;
};

/// Throws std::invalid_argument naming the first layer that has no PyTorch counterpart here (by its path
/// and type).
TorchModule to_torch(const Autoencoder& model);

} // namespace aegrad::models
