#include <aegrad/nn/safetensors.hpp>

#include <algorithm>
#include <cmath>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <aegrad/data/array_bytes.hpp>
#include <aegrad/data/atomic_file.hpp>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors data is little-endian; so must the host be");

namespace aegrad::nn {

namespace {
using json = nlohmann::ordered_json;  // keeps tensors in the order they were written

template <class T> const char* dtype_code() { return sizeof(T) == 4 ? "F32" : "F64"; }

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw FormatError(fmt::format("{}: {}", path, what));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, fmt::format("cannot open ({})", std::strerror(errno)));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes `bytes` atomically (see data/atomic_file.hpp), as a FormatError naming the file when it fails.
void write_atomically(const std::string& path, const std::string& bytes) {
    try {
        data::write_file_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
    } catch (const std::runtime_error& e) {
        throw FormatError(fmt::format("{}; the previous file, if any, is unchanged", e.what()));
    }
}
} // namespace

template <class T>
void write_safetensors(const std::string& path, const NamedArrays<T>& arrays,
                       const std::map<std::string, std::string>& metadata) {
    json header = json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::size_t offset = 0;
    for (const auto& [name, a] : arrays) {
        const std::size_t bytes = a.size() * sizeof(T);
        header[name] = {{"dtype", dtype_code<T>()},
                        {"shape", std::vector<std::size_t>(a.shape().begin(), a.shape().end())},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string head = header.dump();
    head.append((8 - head.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned, as the format recommends
    std::string file(8, '\0');
    const std::uint64_t n = head.size();
    std::memcpy(file.data(), &n, 8);
    file += head;
    for (const auto& [name, a] : arrays)
        file.append(reinterpret_cast<const char*>(a.data()), a.size() * sizeof(T));
    write_atomically(path, file);
}

namespace {
// The parsed JSON header and where the data starts, after checking the length field.
json parse_header(const std::string& path, const std::string& file, std::size_t& data_begin) {
    if (file.size() < 8)
        fail(path, fmt::format("truncated: {} bytes, too short for the 8-byte header length", file.size()));
    std::uint64_t header_len = 0;
    std::memcpy(&header_len, file.data(), 8);
    if (header_len > file.size() - 8)
        fail(path, fmt::format("header length {} runs past the end of the file ({} bytes)", header_len, file.size()));
    json header;
    try {
        header = json::parse(file.begin() + 8, file.begin() + 8 + static_cast<long>(header_len));
    } catch (const nlohmann::json::exception& e) {  // a syntax error, or a number too large for a double
        fail(path, fmt::format("header is not valid JSON: {}", e.what()));
    }
    if (!header.is_object())
        fail(path, "header is not a JSON object");
    data_begin = 8 + header_len;
    return header;
}

// A tensor's shape or data offsets: a list of JSON integers >= 0. Checked first, since converting a float
// (1e60) or a negative number to size_t is undefined behaviour.
std::vector<std::size_t> sizes_of(const std::string& path, const std::string& name, const json& entry, const char* field) {
    const json& list = entry.at(field);
    if (!list.is_array() || !std::all_of(list.begin(), list.end(), [](const json& v) { return v.is_number_unsigned(); }))
        fail(path, fmt::format("tensor '{}': {} is {}, not a list of integers >= 0", name, field, list.dump().substr(0, 60)));
    return list.get<std::vector<std::size_t>>();
}
} // namespace

std::map<std::string, std::string> read_safetensors_metadata(const std::string& path) {
    std::size_t data_begin = 0;
    const json header = parse_header(path, read_file(path), data_begin);
    std::map<std::string, std::string> out;
    if (header.contains("__metadata__") && header["__metadata__"].is_object())
        for (const auto& [k, v] : header["__metadata__"].items())
            out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    return out;
}

std::size_t safetensors_value_count(const std::string& path) {
    std::size_t data_begin = 0;
    const std::string file = read_file(path);
    parse_header(path, file, data_begin);
    // Every tensor's values are in the data section, so its size bounds their number (any dtype: 1 byte or more).
    return file.size() - data_begin;
}

template <class T> NamedArrays<T> read_safetensors(const std::string& path) {
    const std::string file = read_file(path);
    std::size_t data_begin = 0;
    const json header = parse_header(path, file, data_begin);
    const std::size_t data_size = file.size() - data_begin;
    NamedArrays<T> out;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__")
            continue;
        try {
            const std::string dtype = entry.at("dtype").template get<std::string>();
            if (dtype != dtype_code<T>())
                fail(path, fmt::format("tensor '{}' has dtype {}, expected {}", name, dtype, dtype_code<T>()));
            const auto shape = sizes_of(path, name, entry, "shape");
            const auto offsets = sizes_of(path, name, entry, "data_offsets");
            const std::optional<std::size_t> declared = data::checked_array_bytes(shape, sizeof(T));
            if (!declared)
                fail(path, fmt::format("tensor '{}': shape [{}] overflows", name, fmt::join(shape, ", ")));
            const std::size_t bytes = *declared;
            if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size)
                fail(path, fmt::format("tensor '{}' has data offsets outside the {} data bytes (truncated file?)", name,
                                       data_size));
            if (offsets[1] - offsets[0] != bytes)
                fail(path, fmt::format("tensor '{}': shape [{}] needs {} bytes but its offsets span {}", name,
                                       fmt::join(shape, ", "), bytes, offsets[1] - offsets[0]));
            Array<T> a = Array<T>::from_shape(Shape(shape.begin(), shape.end()));
            std::memcpy(a.data(), file.data() + data_begin + offsets[0], bytes);
            out.emplace_back(name, std::move(a));
        } catch (const nlohmann::json::exception& e) {
            fail(path, fmt::format("tensor '{}' has a malformed entry: {}", name, e.what()));
        }
    }
    return out;
}

template <class T>
void save_parameters(const BasicModule<T>& model, const std::string& path,
                     const std::map<std::string, std::string>& metadata) {
    NamedArrays<T> arrays;
    for (const auto& [name, p] : model.named_state()) {
        // A model with a non-finite weight is worthless and would poison whatever loads it: refuse it whole.
        const auto& v = p.value();
        const auto bad = std::find_if(v.begin(), v.end(), [](T x) { return !std::isfinite(x); });
        if (bad != v.end()) {
            std::size_t flat = static_cast<std::size_t>(bad - v.begin());
            std::vector<std::size_t> index(v.dimension());
            for (std::size_t d = v.dimension(); d-- > 0;)
                index[d] = flat % v.shape()[d], flat /= v.shape()[d];
            throw std::runtime_error(fmt::format("{}: not saved: {}[{}] is {} (training diverged: try a lower "
                                                 "learning rate); the previous file, if any, is unchanged",
                                                 path, name, fmt::join(index, ", "), *bad));
        }
        arrays.emplace_back(name, p.value());
    }
    write_safetensors(path, arrays, metadata);
}

template <class T> void load_parameters(BasicModule<T>& model, const std::string& path) {
    NamedArrays<T> arrays = read_safetensors<T>(path);
    std::map<std::string, Array<T>*> in_file;
    for (auto& [name, a] : arrays)
        in_file[name] = &a;
    std::vector<std::string> missing, problems;
    auto params = model.named_state();
    for (const auto& [name, p] : params) {
        auto it = in_file.find(name);
        if (it == in_file.end()) {
            missing.push_back(name);
            continue;
        }
        if (Shape(it->second->shape().begin(), it->second->shape().end()) != p.shape())
            problems.push_back(fmt::format("'{}' has shape {} in the file but {} in the model", name,
                                           shape_str(it->second->shape()), shape_str(p.shape())));
        in_file.erase(it);
    }
    if (!missing.empty())
        problems.push_back(fmt::format("missing from the file: {}", fmt::join(missing, ", ")));
    if (!in_file.empty()) {
        std::vector<std::string> extra;
        for (auto& [name, a] : in_file)
            extra.push_back(name);
        problems.push_back(fmt::format("not in the model: {}", fmt::join(extra, ", ")));
    }
    if (!problems.empty())
        fail(path, fmt::format("does not match the model: {}", fmt::join(problems, "; ")));
    std::map<std::string, Array<T>*> by_name;
    for (auto& [name, a] : arrays)
        by_name[name] = &a;
    for (auto& [name, p] : params)
        xt::noalias(p.mutable_value()) = *by_name[name];  // in place: tied layers see the new value too
}

template void write_safetensors(const std::string&, const NamedArrays<float>&, const std::map<std::string, std::string>&);
template void write_safetensors(const std::string&, const NamedArrays<double>&, const std::map<std::string, std::string>&);
template NamedArrays<float> read_safetensors(const std::string&);
template NamedArrays<double> read_safetensors(const std::string&);
template void save_parameters(const BasicModule<float>&, const std::string&, const std::map<std::string, std::string>&);
template void save_parameters(const BasicModule<double>&, const std::string&, const std::map<std::string, std::string>&);
template void load_parameters(BasicModule<float>&, const std::string&);
template void load_parameters(BasicModule<double>&, const std::string&);

} // namespace aegrad::nn
