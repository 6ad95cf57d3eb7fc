#include <aegrad/data/scaler.hpp>

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <aegrad/autograd/errors.hpp>

namespace aegrad::data {

Scaling parse_scaling(const std::string& name) {
    if (name == "none")
        return Scaling::none;
    if (name == "minmax")
        return Scaling::minmax;
    if (name == "standard")
        return Scaling::standard;
    throw std::invalid_argument(fmt::format("scaling '{}': expected none, minmax or standard", name));
}

std::string to_string(Scaling scaling) {
    return scaling == Scaling::minmax ? "minmax" : scaling == Scaling::standard ? "standard" : "none";
}

Scaler Scaler::fit(Scaling kind, const Array<float>& values) {
    Scaler s;
    s.kind = kind;
    if (kind == Scaling::none)
        return s;
    if (values.dimension() != 2 || values.shape()[0] == 0)
        throw std::invalid_argument(fmt::format("Scaler::fit: expected [N, F] values with N > 0, got {}", shape_str(values.shape())));
    const std::size_t n = values.shape()[0], f = values.shape()[1];
    for (std::size_t j = 0; j < f; ++j) {
        double low = INFINITY, high = -INFINITY, sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = values(i, j);
            low = std::min(low, v), high = std::max(high, v), sum += v;
        }
        const double mean = sum / static_cast<double>(n);
        double spread = 0;
        if (kind == Scaling::minmax) {
            spread = high - low;
        } else {
            double ss = 0;
            for (std::size_t i = 0; i < n; ++i)
                ss += (values(i, j) - mean) * (values(i, j) - mean);
            spread = std::sqrt(ss / static_cast<double>(n));  // the population deviation, as scikit-learn's
        }
        s.offset.push_back(static_cast<float>(kind == Scaling::minmax ? low : mean));
        s.factor.push_back(spread > 0 ? static_cast<float>(1.0 / spread) : 1.0f);
    }
    return s;
}

void Scaler::apply(Array<float>& values) const {
    if (kind == Scaling::none)
        return;
    if (values.dimension() != 2 || values.shape()[1] != offset.size())
        throw std::invalid_argument(fmt::format("Scaler::apply: values {} but the scaler was fitted on {} features",
                                                shape_str(values.shape()), offset.size()));
    const std::size_t n = values.shape()[0], f = offset.size();
    float* v = values.data();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < f; ++j)
            v[i * f + j] = (v[i * f + j] - offset[j]) * factor[j];
}

std::string Scaler::serialise() const {
    return nlohmann::json{{"kind", to_string(kind)}, {"offset", offset}, {"factor", factor}}.dump();
}

Scaler Scaler::deserialise(const std::string& text) {
    try {
        const auto j = nlohmann::json::parse(text);
        Scaler s;
        s.kind = parse_scaling(j.at("kind").get<std::string>());
        s.offset = j.at("offset").get<std::vector<float>>();
        s.factor = j.at("factor").get<std::vector<float>>();
        if (s.offset.size() != s.factor.size())
            throw std::invalid_argument("offset and factor differ in length");
        return s;
    } catch (const std::exception& e) {
        throw std::invalid_argument(fmt::format("scaler metadata '{}': {}", text.substr(0, 60), e.what()));
    }
}

} // namespace aegrad::data
