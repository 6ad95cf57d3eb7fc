#pragma once
// What a reader relies on in an SVG figure, checked the way a reader sees it: from the file's text.
#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace svg_checks {

/// The texts of the elements with class `cls`, in order.
inline std::vector<std::string> texts_of(const std::string& svg, const std::string& cls) {
    std::vector<std::string> out;
    const std::regex element("<text class=\"" + cls + "\"[^>]*>([^<]*)</text>");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1].str());
    return out;
}

/// A tick label as a number: "12,000" -> 12000.
inline double number_of(std::string label) {
    label.erase(std::remove(label.begin(), label.end(), ','), label.end());
    return std::stod(label);
}

/// Whether labels are evenly spaced by a round step (1, 2 or 5 times a power of ten), each a multiple of it.
inline bool nice_linear(const std::vector<std::string>& labels) {
    if (labels.size() < 2)
        return false;
    const double step = number_of(labels[1]) - number_of(labels[0]);
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
    if (!(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6))
        return false;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double v = number_of(labels[i]);
        if (std::abs(v - number_of(labels[0]) - step * i) > 1e-6 * step || std::abs(v / step - std::round(v / step)) > 1e-6)
            return false;
    }
    return true;
}

} // namespace svg_checks
