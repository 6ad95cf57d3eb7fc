#pragma once
// The architecture a command trains or loads, as flags and as safetensors metadata, so that `eval` and
// `reconstruct` rebuild exactly the model a file holds.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/stacked_autoencoder.hpp"

namespace aegrad::cli {

struct ModelSpec {
    std::string model = "dense";
    std::vector<std::size_t> layers{100, 30};
    bool tied = true;
    std::string activation = "relu";
    std::string output_activation = "none";

    std::map<std::string, std::string> to_metadata() const;
    /// Throws std::runtime_error naming the file when the metadata lacks the architecture.
    static ModelSpec from_metadata(const std::map<std::string, std::string>& metadata, const std::string& file);
    std::shared_ptr<models::StackedAutoencoder> build(std::size_t input, std::uint64_t seed) const;
};

/// "100,30" -> {100, 30}; throws std::invalid_argument naming `flag` on anything else.
std::vector<std::size_t> parse_positive_list(const std::string& text, const std::string& flag = "--layers");

} // namespace aegrad::cli
