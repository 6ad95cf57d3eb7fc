#include <aegrad/data/svg_plot.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/palette.hpp>
#include <aegrad/data/ticks.hpp>

namespace aegrad::data {

namespace {
bool has_band(const Series& s, std::size_t i) {
    return i < s.lower.size() && i < s.upper.size() && std::isfinite(s.lower[i]) && std::isfinite(s.upper[i]);
}
} // namespace

std::string line_plot_svg(const std::vector<Series>& series, const PlotOptions& options) {
    // The legend sits right of the plot, wide enough for the longest name (~7 px a character); names too long
    // for that go below it, a row each, so that the plot keeps its width either way.
    std::size_t longest = 0;
    for (const auto& s : series)
        longest = std::max(longest, s.name.size());
    const bool legend_below = longest > 32;
    const double right = legend_below ? 30.0 : std::max(170.0, 60.0 + 7.2 * static_cast<double>(longest));
    const double plot_height = 440, legend_height = legend_below ? 20.0 * static_cast<double>(series.size()) + 10 : 0;
    const double W = 550 + right, H = plot_height + legend_height, left = 80, top = 40, bottom = 60 + legend_height;
    // Positions are computed on the transformed axes: log10 of the values on a log axis.
    auto ty = [&](double v) { return options.log_y ? std::log10(v) : v; };
    auto tx = [&](double v) { return options.log_x ? std::log10(v) : v; };
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto& s : series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(tx(s.x[i])) && std::isfinite(ty(s.y[i]))) {
                x0 = std::min(x0, tx(s.x[i])), x1 = std::max(x1, tx(s.x[i]));
                y0 = std::min(y0, ty(s.y[i])), y1 = std::max(y1, ty(s.y[i]));
                if (has_band(s, i) && std::isfinite(ty(s.lower[i])) && std::isfinite(ty(s.upper[i])))
                    y0 = std::min(y0, ty(s.lower[i])), y1 = std::max(y1, ty(s.upper[i]));
            }
    if (!std::isfinite(x0)) {
        x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    }
    if (x1 == x0)
        x1 = x0 + 1;
    if (y1 == y0)
        y1 = y0 + 1;
    const double pad = 0.05 * (y1 - y0);
    y0 -= pad, y1 += pad;
    auto px = [&](double x) { return left + (x - x0) / (x1 - x0) * (W - left - right); };
    auto py = [&](double y) { return top + (1 - (y - y0) / (y1 - y0)) * (H - top - bottom); };

    std::string svg = svg_start(W, H);
    svg += svg_title(options.title, (left + W - right) / 2);  // centred over the plot
    const auto ticks = [](bool log, double lo, double hi) {
        return log ? log_ticks(std::pow(10.0, lo), std::pow(10.0, hi)) : linear_ticks(lo, hi);
    };
    for (const Tick& t : ticks(options.log_y, y0, y1)) {  // grid lines at the y ticks
        const double y = py(options.log_y ? std::log10(t.value) : t.value);
        svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
                           "<text class=\"y-tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                           left, W - right, y, left - 6, y + 4, t.label);
    }
    for (const Tick& t : ticks(options.log_x, x0, x1)) {
        const double x = px(options.log_x ? std::log10(t.value) : t.value);
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"black\"/>"
                           "<text class=\"x-tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                           x, H - bottom, H - bottom + 5, H - bottom + 18, t.label);
    }
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", left,
                       top, W - left - right, H - top - bottom);
    for (double m : options.vertical_markers)
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#999\" "
                           "stroke-dasharray=\"4 3\"/>\n",
                           px(tx(m)), top, H - bottom);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (left + W - right) / 2, plot_height - 18,
                       xml_escape(options.x_label));
    svg += fmt::format("<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>\n",
                       (top + H - bottom) / 2, xml_escape(options.y_label), options.log_y ? " (log scale)" : "");
    for (std::size_t k = 0; k < series.size(); ++k) {
        const auto& s = series[k];
        const char* colour = series_colour(k);
        const std::string dash = dash_attribute(k);
        std::string band_top, band_bottom;  // the band's outline: along the upper ends, back along the lower
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (std::isfinite(tx(s.x[i])) && has_band(s, i) && std::isfinite(ty(s.lower[i])) && std::isfinite(ty(s.upper[i]))) {
                band_top += fmt::format("{:.1f},{:.1f} ", px(tx(s.x[i])), py(ty(s.upper[i])));
                band_bottom = fmt::format("{:.1f},{:.1f} ", px(tx(s.x[i])), py(ty(s.lower[i]))) + band_bottom;
            }
        if (!band_top.empty())
            svg += fmt::format("<polygon class=\"interval\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\" "
                               "points=\"{}{}\"/>\n",
                               colour, band_top, band_bottom);
        std::string points;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(tx(s.x[i])) && std::isfinite(ty(s.y[i])))
                points += fmt::format("{:.1f},{:.1f} ", px(tx(s.x[i])), py(ty(s.y[i])));
        svg += fmt::format("<polyline class=\"series\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} points=\"{}\"/>\n",
                           colour, dash, points);
        const double lx = legend_below ? left : W - right + 12;
        const double ly = legend_below ? plot_height + 6 + 20.0 * static_cast<double>(k) : top + 14 + 20.0 * static_cast<double>(k);
        svg += fmt::format("<line class=\"legend\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" "
                           "stroke-width=\"2\"{4}/><text x=\"{5}\" y=\"{6}\">{7}</text>\n",
                           lx, lx + 24, ly, colour, dash, lx + 30, ly + 4, xml_escape(s.name));
    }
    return svg + "</svg>\n";
}

void write_line_plot_svg(const std::string& path, const std::vector<Series>& series, const PlotOptions& options) {
    write_svg_with_png(path, line_plot_svg(series, options));
}

} // namespace aegrad::data
