#pragma once
// Per-feature scaling of tabular data, fitted on the training part only and stored with the model, so
// that evaluating, encoding and scoring new data apply exactly the transform training saw.
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>

namespace aegrad::data {

enum class Scaling {
    none,      // the values as they are
    minmax,    // each feature to [0, 1] over the training part
    standard,  // each feature to mean 0 and standard deviation 1 over the training part
};

/// "none", "minmax" or "standard"; throws std::invalid_argument naming the text otherwise.
Scaling parse_scaling(const std::string& name);
std::string to_string(Scaling scaling);

/// x' = (x - offset) * factor, per feature. A constant feature gets factor 1 (it becomes 0).
struct Scaler {
    Scaling kind = Scaling::none;
    std::vector<float> offset, factor;

    /// Fits `kind` on the rows of `values` [N, F] (in double precision).
    static Scaler fit(Scaling kind, const Array<float>& values);
    /// Scales `values` [N, F] in place; throws std::invalid_argument when F differs from the fitted one.
    void apply(Array<float>& values) const;
    /// The scaler as text for a model file's metadata, and back (throws std::invalid_argument for bad text).
    std::string serialise() const;
    static Scaler deserialise(const std::string& text);
};

} // namespace aegrad::data
