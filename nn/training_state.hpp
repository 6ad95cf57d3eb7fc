#pragma once
// A training run's state at one moment as named float arrays and named strings, kept in one safetensors
// file written atomically: what a checkpoint holds (the model, the optimizer's moments, the loader's
// position, the generators, the callbacks' memory and the history so far).
#include <map>
#include <string>

#include <aegrad/nn/safetensors.hpp>

namespace aegrad::nn {

struct TrainingState {
    NamedArrays<float> arrays;
    std::map<std::string, std::string> values;
    std::string source;  // the file it was read from, for messages

    void put(const std::string& name, Array<float> array) { arrays.emplace_back(name, std::move(array)); }
    void put(const std::string& name, std::string value) { values[name] = std::move(value); }
    /// Numbers are written so that reading them back gives the same bits.
    void put_number(const std::string& name, double value);

    bool has_array(const std::string& name) const;
    bool has_value(const std::string& name) const { return values.count(name) > 0; }
    /// The named entry; a missing or malformed one throws FormatError naming `source` and the field.
    const Array<float>& array(const std::string& name) const;
    const std::string& value(const std::string& name) const;
    double number(const std::string& name) const;
    long integer(const std::string& name) const;

    /// Written atomically and synced, so a kill leaves the previous checkpoint intact.
    void write(const std::string& path) const;
    /// Throws FormatError naming the file for anything that is not a state write() wrote.
    static TrainingState read(const std::string& path);
};

} // namespace aegrad::nn
