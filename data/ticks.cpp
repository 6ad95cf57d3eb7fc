#include <aegrad/data/ticks.hpp>

#include <cmath>

#include <fmt/format.h>

namespace aegrad::data {

namespace {
// The round step (1, 2 or 5 times a power of ten) nearest to `raw`.
double round_step(double raw) {
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double mantissa = raw / power;
    return (mantissa < 1.5 ? 1 : mantissa < 3.5 ? 2 : mantissa < 7.5 ? 5 : 10) * power;
}

std::string with_separators(const std::string& digits) {  // "12000" -> "12,000", "-1500.5" -> "-1,500.5"
    const std::size_t sign = digits[0] == '-' ? 1 : 0;
    std::size_t end = digits.find('.');
    if (end == std::string::npos)
        end = digits.size();
    std::string out = digits;
    for (std::size_t at = end; at > sign + 3; at -= 3)
        out.insert(at - 3, ",");
    return out;
}
} // namespace

std::string tick_label(double value, double step) {
    if (value == 0 || std::abs(value) < 1e-9 * step)
        return "0";
    if (std::abs(value) < 1e-4 || std::abs(value) >= 1e15)
        return fmt::format("{:.3g}", value);
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    return with_separators(fmt::format("{:.{}f}", value, decimals));
}

std::vector<Tick> linear_ticks(double lo, double hi, std::size_t target) {
    std::vector<Tick> ticks;
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo) || target < 2)
        return ticks;
    const double step = round_step((hi - lo) / static_cast<double>(target - 1));
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; ++k) {
        const double v = k * step;
        ticks.push_back({v, tick_label(v, step)});
    }
    return ticks;
}

std::vector<Tick> log_ticks(double lo, double hi) {
    std::vector<Tick> ticks;
    if (!(lo > 0) || !std::isfinite(hi) || !(hi > lo))
        return ticks;
    const double decades = std::log10(hi / lo);
    if (decades < 1)
        return linear_ticks(lo, hi);
    const std::vector<double> mantissas = decades < 3 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e)
        for (double m : mantissas) {
            const double v = m * std::pow(10.0, e);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                ticks.push_back({v, tick_label(v, std::pow(10.0, e))});
        }
    return ticks;
}

} // namespace aegrad::data
