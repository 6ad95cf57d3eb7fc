#pragma once
// Horizontal bar charts as SVG: one value per named category, such as each feature's reconstruction error,
// where a line through the categories would suggest an order they do not have.
#include <string>
#include <vector>

namespace aegrad::data {

struct Bar {
    std::string name;
    double value;  // >= 0; a non-finite value draws no bar
};

struct BarChartOptions {
    std::string title, value_label;
};

/// One bar per entry, top to bottom in the given order, its name on its left and its value at its end,
/// on a value axis from 0 with round ticks.
std::string bar_chart_svg(const std::vector<Bar>& bars, const BarChartOptions& options);

} // namespace aegrad::data
