#pragma once
// Saving and loading parameters in the safetensors format: an 8-byte little-endian header length, a JSON
// header {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}},
// then the raw little-endian data. PyTorch, JAX and others read and write it.
//
// Names come from named_state() (parameters, then buffers such as BatchNorm's running statistics), so a
// tied weight is stored once. Files are written under a
// temporary name, flushed to disk and renamed: a crash never leaves a half-written file behind.
#include <map>
#include <string>
#include <vector>

#include <aegrad/data/data_error.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// Thrown for a file that cannot be read (or written) as what was asked; the message names the file and the
/// field. A data::DataError, as every reader's error is, so one catch covers them all.
class FormatError : public data::DataError {
public:
    using data::DataError::DataError;
};

template <class T> using NamedArrays = std::vector<std::pair<std::string, Array<T>>>;

/// Writes arrays (dtype F32 for float, F64 for double) atomically.
template <class T>
void write_safetensors(const std::string& path, const NamedArrays<T>& arrays,
                       const std::map<std::string, std::string>& metadata = {});
/// Reads every tensor; each must have T's dtype. Throws FormatError saying what is wrong.
template <class T> NamedArrays<T> read_safetensors(const std::string& path);

/// The "__metadata__" string map of a file (empty when it has none). Throws FormatError like the reader.
std::map<std::string, std::string> read_safetensors_metadata(const std::string& path);

/// An upper bound on the number of values the file's tensors hold (its data section's size in bytes), read
/// before any tensor is allocated: to check a file's metadata against what it can hold. Throws FormatError.
std::size_t safetensors_value_count(const std::string& path);

/// Saves a model's parameters and buffers under their named_state() names.
template <class T>
void save_parameters(const BasicModule<T>& model, const std::string& path,
                     const std::map<std::string, std::string>& metadata = {});
/// Loads into a model's existing parameter and buffer nodes (ties are kept). Checks that the names match exactly
/// (listing missing and unexpected ones) and that shapes and dtypes agree; on any mismatch nothing is
/// changed.
template <class T> void load_parameters(BasicModule<T>& model, const std::string& path);

} // namespace aegrad::nn
