#pragma once
// The architecture a command trains or loads, as flags and as safetensors metadata, so that `eval` and
// `reconstruct` rebuild exactly the model a file holds.
//   dense: a stacked autoencoder; `layers` are the encoder sizes, the last the coding size (100,30).
//   conv:  a ConvAutoencoder; `layers` are the conv+pool stages' channels, then the coding size
//          (16,32,64,30, Géron's model); with `mirror`, the channels of stride-2 stages mirrored one by one,
//          which `tied` needs (the decoder reads the encoder's kernels).
//   vae:   a VariationalAutoencoder; `layers` are the encoder's hidden sizes (150,100), `latent` the code size.
// The training objective (noise, penalties, loss) is stored beside it, so `reconstruct` can show what a
// denoising model was trained to undo.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <aegrad/models/objective.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>

namespace aegrad::cli {

struct ModelSpec {
    std::string model = "dense";
    std::vector<std::size_t> layers;  // empty: the family's default
    bool tied = true;                 // dense; conv with mirror (Géron's conv layout is untied)
    bool mirror = false;              // conv
    std::string activation = "relu";
    std::string output_activation = "none";
    std::string coding_activation;   // dense: the coding layer's own; empty = `activation`
    std::size_t latent = 10;         // vae
    bool batch_norm = false;         // conv
    std::string noise = "none", sparsity = "none", loss = "mse";
    bool masked_loss = false;
    double contractive = 0;
    Shape input{28, 28};  // one sample: {features}, {H, W} or {C, H, W}
    std::string scaler;   // a tabular model's input scaling (data::Scaler, serialised); empty for none

    /// The layers, or the family's default when none were given.
    std::vector<std::size_t> layers_or_default() const;
    /// The phases of layer-wise pretraining before fine-tuning: the model's stages.
    std::size_t depth() const;
    /// "dense 784-100-30 tied" or "conv 28x28 16-32-64 -> 30 mirror tied"
    std::string describe() const;

    std::map<std::string, std::string> to_metadata() const;
    /// Throws data::DataError naming the file and the field when the metadata lacks the architecture or a
    /// value does not parse.
    static ModelSpec from_metadata(const std::map<std::string, std::string>& metadata, const std::string& file);
    /// The model for `input` samples (flat rows of their size); throws std::invalid_argument when the model
    /// cannot take them (a conv model needs images large enough for its stages).
    std::shared_ptr<models::Autoencoder> build(std::uint64_t seed) const;
    /// The objective options for `input` samples; throws std::invalid_argument for malformed values.
    models::ObjectiveOptions objective(std::uint64_t seed) const;
    /// The dense family only (gradient flow, scarce labels); throws for others.
    std::shared_ptr<models::StackedAutoencoder> build_dense(std::size_t input, std::uint64_t seed) const;
};

/// The model a file written by `aegrad train` holds, rebuilt from its metadata (into *spec when given; a file
/// from before input shapes were stored takes 28 x 28 images) and loaded.
std::shared_ptr<models::Autoencoder> load_model(const std::string& path, ModelSpec* spec = nullptr);

/// "28x28", "3x32x32" or "30 features".
std::string sample_str(const Shape& sample);

/// --tied, --untied and --mirror, for the commands that build a model.
void add_tied_flags(CLI::App& command, bool& tied, bool& untied, bool& mirror);
/// Sets spec.tied and spec.mirror from those flags: dense is tied unless --untied; conv is Géron's untied
/// layout unless --mirror (untied) or --tied (tied kernels, which need the mirror layout). Throws UsageError
/// for a flag that does not apply to the model.
void resolve_tied(ModelSpec& spec, bool tied, bool untied, bool mirror);

/// "100,30" -> {100, 30}; throws std::invalid_argument naming `flag` on anything else.
std::vector<std::size_t> parse_positive_list(const std::string& text, const std::string& flag = "--layers");

} // namespace aegrad::cli
