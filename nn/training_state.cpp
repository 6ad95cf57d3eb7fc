#include <aegrad/nn/training_state.hpp>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace aegrad::nn {

namespace {
constexpr const char* kFormatKey = "aegrad_training_state";
constexpr const char* kFormatVersion = "1";
} // namespace

void TrainingState::put_number(const std::string& name, double value) {
    values[name] = fmt::format("{}", value);  // fmt's shortest form reads back to the same double
}

bool TrainingState::has_array(const std::string& name) const {
    for (const auto& [n, a] : arrays)
        if (n == name)
            return true;
    return false;
}

const Array<float>& TrainingState::array(const std::string& name) const {
    for (const auto& [n, a] : arrays)
        if (n == name)
            return a;
    throw FormatError(fmt::format("{}: no tensor '{}' in the checkpoint", source, name));
}

const std::string& TrainingState::value(const std::string& name) const {
    const auto it = values.find(name);
    if (it == values.end())
        throw FormatError(fmt::format("{}: no '{}' in the checkpoint", source, name));
    return it->second;
}

double TrainingState::number(const std::string& name) const {
    const std::string& text = value(name);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE)
        throw FormatError(fmt::format("{}: '{}' is '{}', not a number", source, name, text));
    return v;
}

long TrainingState::integer(const std::string& name) const {
    const std::string& text = value(name);
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < 0)
        throw FormatError(fmt::format("{}: '{}' is '{}', not a count", source, name, text));
    return v;
}

void TrainingState::write(const std::string& path) const {
    auto meta = values;
    meta[kFormatKey] = kFormatVersion;
    write_safetensors(path, arrays, meta);
}

TrainingState TrainingState::read(const std::string& path) {
    TrainingState s;
    s.source = path;
    s.values = read_safetensors_metadata(path);
    const auto format = s.values.find(kFormatKey);
    if (format == s.values.end())
        throw FormatError(fmt::format("{}: not a training checkpoint (no '{}' in its metadata)", path, kFormatKey));
    if (format->second != kFormatVersion)
        throw FormatError(fmt::format("{}: a training checkpoint of version {}; this aegrad reads version {}", path,
                                      format->second, kFormatVersion));
    s.values.erase(format);
    s.arrays = read_safetensors<float>(path);
    return s;
}

} // namespace aegrad::nn
