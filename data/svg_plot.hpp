#pragma once
// Line charts as SVG, readable in any browser: loss curves and other per-epoch or per-step series.
#include <string>
#include <vector>

namespace aegrad::data {

struct Series {
    std::string name;
    std::vector<double> x, y;  // same length; non-finite points are skipped
    /// Optional, x's length: an interval around each y (e.g. a 95% interval of a mean), drawn as a shaded band.
    std::vector<double> lower = {}, upper = {};
};

struct PlotOptions {
    std::string title, x_label, y_label;
    bool log_y = false;
    std::vector<double> vertical_markers;  // e.g. phase boundaries
    bool log_x = false;                    // x values > 0 on a log axis, ticked in their own units
};

/// Writes a line chart of `series` with axes, round-valued ticks (data::linear_ticks, data::log_ticks) and
/// a legend. Atomic; throws naming the file.
void write_line_plot_svg(const std::string& path, const std::vector<Series>& series, const PlotOptions& options);

} // namespace aegrad::data
