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

/// A line chart of `series` as SVG: axes, round-valued ticks (data::linear_ticks, data::log_ticks), grid
/// lines, the intervals shaded, and a legend right of the plot, which keeps its width however long the names.
std::string line_plot_svg(const std::vector<Series>& series, const PlotOptions& options);

/// Writes line_plot_svg to `path` (.svg) and its PNG copy beside it (data::write_svg_with_png). Atomic;
/// throws naming the file.
void write_line_plot_svg(const std::string& path, const std::vector<Series>& series, const PlotOptions& options);

} // namespace aegrad::data
