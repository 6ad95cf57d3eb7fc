// `aegrad export MODEL --format torch --out FILE.safetensors`: a trained model in PyTorch's names and layouts,
// and on standard output the Python that builds the module, loads the file with strict=True and prepares
// inputs as aegrad does. The output is Python throughout (the status lines are comments), so it can be run
// as it is.

#include <fmt/format.h>

#include "commands.hpp"
#include "model_spec.hpp"
#include "output_files.hpp"
#include <aegrad/models/torch_export.hpp>
#include <aegrad/nn/safetensors.hpp>

namespace aegrad::cli {

namespace {

// Reads the file back with nothing but torch and json (Debian's PyTorch comes without the safetensors package).
constexpr const char* reader_code = R"(def read_safetensors(path):
    """The tensors and the metadata of a safetensors file (safetensors.torch.load_file reads the same tensors)."""
    with open(path, "rb") as f:
        header = json.loads(f.read(int.from_bytes(f.read(8), "little")))
        data = bytearray(f.read())
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        flat = torch.frombuffer(data, dtype=torch.float32, offset=begin, count=(end - begin) // 4) if end > begin \
            else torch.zeros(0)
        tensors[name] = flat.reshape(t["shape"])
    return tensors, metadata
)";

std::string prepare_code(const ModelSpec& spec) {
    if (!spec.scaler.empty())
        return R"(# Rows are scaled per feature as in training, x' = (x - offset) * factor, with the training part's figures.
scaler = json.loads(metadata["scaler"])
offset, factor = torch.tensor(scaler["offset"]), torch.tensor(scaler["factor"])


def prepare(rows):
    return (torch.as_tensor(rows, dtype=torch.float32) - offset) * factor
)";
    return R"(def prepare(samples):
    """Samples as aegrad reads them: flat rows, bytes divided by 255 (floating-point values are kept as they are)."""
    x = torch.as_tensor(samples)
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    return x.reshape(len(x), -1)
)";
}

// A Python string literal of `text`.
std::string python_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '\\' || c == '"')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string snippet(const ModelSpec& spec, const models::TorchModule& module, const std::string& file) {
    const std::string codes = spec.model == "vae" ? "model.encode(x)" : "model.encoder(x)";
    return fmt::format(R"(import json
from collections import OrderedDict

import torch
from torch import nn

{}

{}

state, metadata = read_safetensors({})
model.load_state_dict(state, strict=True)
model.eval()


{}

# What `aegrad score` and `aegrad encode` compute:
#     x = prepare(samples)
#     with torch.no_grad():
#         scores = ((model(x) - x) ** 2).mean(dim=1)
#         codes = {}
)",
                       module.code, reader_code, python_string(file), prepare_code(spec), codes);
}

} // namespace

void add_export_command(CLI::App& app) {
    struct Args {
        std::string model_file, format = "torch", out;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("export", "Write a trained model for another framework (PyTorch: names, layouts and "
                                             "the Python module that loads it, printed)");
    cmd->add_option("model", a->model_file, "A model file written by aegrad train")->required()->check(CLI::ExistingFile);
    cmd->add_option("--format", a->format, "torch: PyTorch's state_dict as safetensors")
        ->check(CLI::IsMember({"torch"}))
        ->capture_default_str();
    cmd->add_option("--out", a->out, "The file to write (.safetensors)")->required();
    cmd->callback([a] {
        if (extension_of(a->out) != ".safetensors")
            throw UsageError(fmt::format("--out {}: expected a .safetensors file", a->out));
        ModelSpec spec;
        auto model = load_model(a->model_file, &spec);
        models::TorchModule module = models::to_torch(*model);
        auto metadata = spec.to_metadata();
        metadata["format"] = "pt";  // what safetensors.torch writes: the tensors are a PyTorch state_dict
        make_parent_folder(a->out);
        nn::write_safetensors(a->out, module.state, metadata);
        fmt::print("# aegrad export: wrote {} ({}, {} tensors), the state_dict of this PyTorch module:\n\n{}", a->out,
                   spec.describe(), module.state.size(), snippet(spec, module, a->out));
    });
}

} // namespace aegrad::cli
