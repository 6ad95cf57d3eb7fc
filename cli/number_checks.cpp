#include "number_checks.hpp"

#include <cmath>
#include <functional>
#include <string>

#include <fmt/format.h>

namespace aegrad::cli {

namespace {
// The validator for numbers that pass `ok`, saying `what` they must be otherwise.
CLI::Validator number_check(const std::string& name, const std::function<bool(double)>& ok, const std::string& what) {
    return CLI::Validator(
        [ok, what](std::string& text) -> std::string {
            double value = 0;
            std::size_t used = 0;
            try {
                value = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != text.size() || !std::isfinite(value) || !ok(value))
                return fmt::format("{} is not {}", text, what);
            return {};
        },
        name);
}
} // namespace

CLI::Validator positive_number() { return number_check("POSITIVE", [](double v) { return v > 0; }, "a positive number"); }

CLI::Validator non_negative_number() {
    return number_check("NONNEGATIVE", [](double v) { return v >= 0; }, "a number >= 0");
}

CLI::Validator number_between(double lo, double hi) {
    return number_check(fmt::format("in [{:g}, {:g}]", lo, hi), [lo, hi](double v) { return v >= lo && v <= hi; },
                        fmt::format("a number from {:g} to {:g}", lo, hi));
}

} // namespace aegrad::cli
