#include "model_spec.hpp"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/nn/init.hpp>

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

std::vector<std::size_t> ModelSpec::layers_or_default() const {
    if (!layers.empty())
        return layers;
    return model == "conv" ? std::vector<std::size_t>{16, 32, 64, 30} : std::vector<std::size_t>{100, 30};
}

std::string ModelSpec::describe(std::size_t rows, std::size_t cols) const {
    const auto l = layers_or_default();
    if (model == "conv")
        return fmt::format("conv {}x{} {} -> {}", rows, cols, fmt::join(l.begin(), l.end() - 1, "-"), l.back());
    return fmt::format("dense {}-{} {}", rows * cols, fmt::join(l, "-"), tied ? "tied" : "untied");
}

std::map<std::string, std::string> ModelSpec::to_metadata() const {
    return {{"model", model},
            {"layers", fmt::format("{}", fmt::join(layers_or_default(), ","))},
            {"tied", tied ? "true" : "false"},
            {"activation", activation},
            {"output_activation", output_activation}};
}

ModelSpec ModelSpec::from_metadata(const std::map<std::string, std::string>& m, const std::string& file) {
    for (const char* key : {"model", "layers", "tied", "activation", "output_activation"})
        if (!m.count(key))
            throw std::runtime_error(fmt::format("{}: no '{}' in the file's metadata; was it written by `aegrad train`?",
                                                 file, key));
    ModelSpec s;
    s.model = m.at("model");
    s.layers = parse_positive_list(m.at("layers"));
    s.tied = m.at("tied") == "true";
    s.activation = m.at("activation");
    s.output_activation = m.at("output_activation");
    return s;
}

std::shared_ptr<nn::Module> ModelSpec::build(std::size_t rows, std::size_t cols, std::uint64_t seed) const {
    if (model != "conv")
        return build_dense(rows * cols, seed);
    const auto l = layers_or_default();
    if (l.size() < 2)
        throw std::invalid_argument("--layers: a conv model needs at least one stage and a coding size, like 16,32,64,30");
    if (!tied)
        throw std::invalid_argument("--untied: only the dense model has tied weights");
    Generator gen(seed);
    return std::make_shared<models::ConvAutoencoder>(models::ConvAutoencoderOptions(1, rows, cols)
                                                         .filters({l.begin(), l.end() - 1})
                                                         .coding_size(l.back())
                                                         .activation(nn::activation_from_name(activation))
                                                         .output_activation(nn::activation_from_name(output_activation)),
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
            .output_activation(nn::activation_from_name(output_activation)),
        gen);
}

} // namespace aegrad::cli
