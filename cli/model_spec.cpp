#include "model_spec.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "commands.hpp"
#include <aegrad/data/data_error.hpp>

#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/nn/init.hpp>
#include <aegrad/nn/safetensors.hpp>

namespace aegrad::cli {

std::vector<std::size_t> parse_positive_list(const std::string& text, const std::string& flag) {
    std::vector<std::size_t> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        std::size_t used = 0;
        long v = -1;
        try {
            v = std::stol(item, &used);
        } catch (const std::exception&) {
        }
        if (v <= 0 || used != item.size())
            throw std::invalid_argument(fmt::format("{}: '{}' is not a list of positive numbers like 100,30", flag, text));
        out.push_back(static_cast<std::size_t>(v));
    }
    if (out.empty())
        throw std::invalid_argument(flag + ": give at least one number, like 100,30");
    return out;
}

void add_tied_flags(CLI::App& command, bool& tied, bool& untied, bool& mirror) {
    auto* t = command.add_flag("--tied", tied, "Decoder reads the encoder's weights (dense: the default; conv: tied "
                                               "kernels in the mirror layout)");
    command.add_flag("--untied", untied, "Decoder with its own weights (conv: the default)")->excludes(t);
    command.add_flag("--mirror", mirror, "conv: strided convolutions mirrored stage by stage, with a dense coding "
                                         "layer (implied by --tied)");
}

void resolve_tied(ModelSpec& spec, bool tied, bool untied, bool mirror) {
    if (spec.model == "vae" && (tied || untied))
        throw UsageError("--tied/--untied: the VAE's decoder has its own weights");
    if (spec.model != "conv" && mirror)
        throw UsageError("--mirror: a layout of the conv model (--model conv)");
    spec.tied = spec.model == "conv" ? tied : !untied;
    spec.mirror = spec.model == "conv" && (mirror || tied);
}

std::vector<std::size_t> ModelSpec::layers_or_default() const {
    if (!layers.empty())
        return layers;
    if (model == "conv")
        return {16, 32, 64, 30};
    if (model == "vae")
        return {150, 100};
    return {100, 30};
}

std::size_t ModelSpec::depth() const {
    const std::size_t n = layers_or_default().size();
    return model == "conv" && !mirror ? n - 1 : n;  // Géron's innermost stage holds the coding conv
}

std::string sample_str(const Shape& sample) {
    if (sample.size() == 1)
        return fmt::format("{} features", sample[0]);
    return fmt::format("{}", fmt::join(sample, "x"));
}

namespace {
std::size_t flat_size(const Shape& sample) {
    std::size_t n = 1;
    for (std::size_t d : sample)
        n *= d;
    return n;
}
} // namespace

std::string ModelSpec::describe() const {
    const auto l = layers_or_default();
    const std::size_t flat = flat_size(input);
    if (model == "conv")
        return fmt::format("conv {} {} -> {}{}{}{}", sample_str(input), fmt::join(l.begin(), l.end() - 1, "-"), l.back(),
                           mirror ? " mirror" : "", mirror ? (tied ? " tied" : " untied") : "",
                           batch_norm ? " batch-norm" : "");
    if (model == "vae")
        return fmt::format("vae {}-{} -> latent {}", flat, fmt::join(l, "-"), latent);
    return fmt::format("dense {}-{} {}", flat, fmt::join(l, "-"), tied ? "tied" : "untied");
}

std::map<std::string, std::string> ModelSpec::to_metadata() const {
    return {{"model", model},
            {"layers", fmt::format("{}", fmt::join(layers_or_default(), ","))},
            {"tied", tied ? "true" : "false"},
            {"mirror", mirror ? "true" : "false"},
            {"activation", activation},
            {"output_activation", output_activation},
            {"coding_activation", coding_activation},
            {"latent", std::to_string(latent)},
            {"batch_norm", batch_norm ? "true" : "false"},
            {"noise", noise},
            {"masked_loss", masked_loss ? "true" : "false"},
            {"sparsity", sparsity},
            {"contractive", fmt::format("{}", contractive)},
            {"loss", loss},
            {"input_shape", fmt::format("{}", fmt::join(input, ","))},
            {"scaler", scaler}};
}

ModelSpec ModelSpec::from_metadata(const std::map<std::string, std::string>& m, const std::string& file) {
    for (const char* key : {"model", "layers", "tied", "activation", "output_activation"})
        if (!m.count(key))
            throw data::DataError(fmt::format("{}: no '{}' in the file's metadata; was it written by `aegrad train`?",
                                              file, key));
    // Files written before the variants lack some keys: the defaults are what those models were.
    const auto get = [&m](const char* key, const std::string& fallback = "") {
        const auto it = m.find(key);
        return it == m.end() ? fallback : it->second;
    };
    // A value that does not parse is the file's fault, named with its field.
    const char* field = "";
    const auto parse = [&](const char* key, auto fn) {
        field = key;
        return fn();
    };
    ModelSpec s;
    try {
        s.model = get("model");
        if (s.model != "dense" && s.model != "conv" && s.model != "vae")
            throw std::invalid_argument(fmt::format("'{}' is not a model aegrad builds (dense, conv or vae)", s.model));
        s.layers = parse("layers", [&] { return parse_positive_list(get("layers"), "layers"); });
        s.tied = get("tied") == "true";
        s.activation = get("activation");
        s.output_activation = get("output_activation");
        s.coding_activation = get("coding_activation");
        s.latent = parse("latent", [&] { return parse_positive_list(get("latent", "10"), "latent").at(0); });
        s.batch_norm = get("batch_norm", "false") == "true";
        s.mirror = get("mirror", "false") == "true";
        if (s.model == "conv" && !s.mirror)  // Géron's layout is untied (older files said "tied" for every model)
            s.tied = false;
        s.noise = get("noise", "none");
        s.masked_loss = get("masked_loss", "false") == "true";
        s.sparsity = get("sparsity", "none");
        s.contractive = parse("contractive", [&] {
            std::size_t used = 0;
            const std::string text = get("contractive", "0");
            const double v = std::stod(text, &used);
            if (used != text.size() || !(v >= 0) || !std::isfinite(v))
                throw std::invalid_argument(fmt::format("'{}' is not a weight >= 0", text));
            return v;
        });
        s.loss = get("loss", "mse");
        const auto shape = parse("input_shape", [&] { return parse_positive_list(get("input_shape", "28,28"), "input_shape"); });
        s.input = Shape(shape.begin(), shape.end());
        s.scaler = get("scaler");
    } catch (const std::logic_error& e) {  // invalid_argument, out_of_range
        throw data::DataError(fmt::format("{}: the metadata's '{}' is not usable: {}", file, *field ? field : "model",
                                          e.what()));
    }
    return s;
}

std::shared_ptr<models::Autoencoder> ModelSpec::build(std::uint64_t seed) const {
    if (model == "dense")
        return build_dense(flat_size(input), seed);
    const auto l = layers_or_default();
    if (model == "vae") {
        Generator gen(seed);
        return std::make_shared<models::VariationalAutoencoder>(
            models::VariationalAutoencoderOptions(flat_size(input), l, latent)
                .activation(nn::activation_from_name(activation))
                .output_activation(nn::activation_from_name(output_activation))
                .seed(seed + 1),
            gen);
    }
    if (l.size() < 2)
        throw std::invalid_argument("--layers: a conv model needs at least one stage and a coding size, like 16,32,64,30");
    if (input.size() < 2)
        throw std::invalid_argument(fmt::format("--model conv needs images ([N, H, W] or [N, C, H, W] data); these "
                                                "samples are rows of {}",
                                                sample_str(input)));
    const std::size_t channels = input.size() == 3 ? input[0] : 1;
    Generator gen(seed);
    return std::make_shared<models::ConvAutoencoder>(models::ConvAutoencoderOptions(channels, input[input.size() - 2],
                                                                                    input[input.size() - 1])
                                                         .filters({l.begin(), l.end() - 1})
                                                         .coding_size(l.back())
                                                         .activation(nn::activation_from_name(activation))
                                                         .output_activation(nn::activation_from_name(output_activation))
                                                         .batch_norm(batch_norm)
                                                         .mirror(mirror)
                                                         .tied(mirror && tied),  // Géron's layout is untied
                                                     gen);
}

std::shared_ptr<models::StackedAutoencoder> ModelSpec::build_dense(std::size_t input, std::uint64_t seed) const {
    if (model != "dense")
        throw std::invalid_argument(fmt::format("--model {}: this command needs the dense model", model));
    Generator gen(seed);
    return std::make_shared<models::StackedAutoencoder>(
        models::StackedAutoencoderOptions(input, layers_or_default())
            .tied(tied)
            .activation(nn::activation_from_name(activation))
            .output_activation(nn::activation_from_name(output_activation))
            .coding_activation(coding_activation.empty() ? std::nullopt
                                                         : std::optional(nn::activation_from_name(coding_activation))),
        gen);
}

std::shared_ptr<models::Autoencoder> load_model(const std::string& path, ModelSpec* spec_out) {
    const auto spec = ModelSpec::from_metadata(nn::read_safetensors_metadata(path), path);
    // The metadata decides how large a model is built, before the tensors are read: each weight matrix
    // between consecutive sizes must fit in what the file stores, or a 4-byte file could claim a model of
    // gigabytes (layers=500000).
    const std::size_t stored = nn::safetensors_value_count(path);
    std::vector<std::size_t> sizes{spec.model == "conv" ? (spec.input.size() == 3 ? spec.input[0] : 1) : flat_size(spec.input)};
    for (std::size_t l : spec.layers_or_default())
        sizes.push_back(l);
    if (spec.model == "vae")
        sizes.push_back(spec.latent);
    for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
        std::size_t weights = 0;
        if (__builtin_mul_overflow(sizes[i], sizes[i + 1], &weights) || weights > stored)
            throw nn::FormatError(fmt::format("{}: the metadata describes a {} whose {}x{} weights do not fit in the "
                                              "file's {} bytes of tensors", path, spec.describe(), sizes[i], sizes[i + 1], stored));
    }
    std::shared_ptr<models::Autoencoder> model;
    try {
        model = spec.build(0);
    } catch (const std::invalid_argument& e) {  // an activation or a combination no model has
        throw data::DataError(fmt::format("{}: the metadata describes no model aegrad can build: {}", path, e.what()));
    }
    nn::load_parameters(*model, path);
    if (spec_out)
        *spec_out = spec;
    return model;
}

models::ObjectiveOptions ModelSpec::objective(std::uint64_t seed) const {
    models::ObjectiveOptions o;
    if (noise != "none")
        o.noise(models::Noise::parse(noise));
    if (sparsity != "none")
        o.sparsity(models::Sparsity::parse(sparsity));
    if (loss != "mse" && loss != "bce")
        throw std::invalid_argument(fmt::format("--loss {}: expected mse or bce", loss));
    if (loss == "bce" && output_activation != "sigmoid")
        throw std::invalid_argument("--loss bce: needs outputs in [0, 1], --output-activation sigmoid");
    return o.masked_loss(masked_loss)
        .contractive(contractive)
        .loss(loss == "bce" ? models::ReconstructionLoss::bce : models::ReconstructionLoss::mse)
        .image_height(input.size() >= 2 ? input[input.size() - 2] : 1)  // a table's row is a 1 x F image
        .image_width(input.size() >= 2 ? input[input.size() - 1] : input[0])
        .seed(seed ^ 0x9E3779B97F4A7C15ULL);  // its own stream: the noise must not repeat the initialisation's draws
}

} // namespace aegrad::cli
