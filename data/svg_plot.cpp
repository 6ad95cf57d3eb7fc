#include <aegrad/data/svg_plot.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/data/atomic_file.hpp>

namespace aegrad::data {

namespace {
const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s)
        out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return out;
}

bool has_band(const Series& s, std::size_t i) {
    return i < s.lower.size() && i < s.upper.size() && std::isfinite(s.lower[i]) && std::isfinite(s.upper[i]);
}
} // namespace

void write_line_plot_svg(const std::string& path, const std::vector<Series>& series, const PlotOptions& options) {
    // The legend sits right of the plot, wide enough for the longest series name (~7 px a character).
    std::size_t longest = 0;
    for (const auto& s : series)
        longest = std::max(longest, s.name.size());
    const double right = std::max(170.0, 60.0 + 7.2 * static_cast<double>(longest));
    const double W = 550 + right, H = 440, left = 80, top = 40, bottom = 60;
    auto ty = [&](double v) { return options.log_y ? std::log10(v) : v; };
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const auto& s : series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(ty(s.y[i]))) {
                x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
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

    std::string svg = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                                  "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" "
                                  "height=\"100%\" fill=\"white\"/>\n",
                                  W, H);
    svg += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n",
                       (left + W - right) / 2, escape(options.title));
    for (int i = 0; i <= 5; ++i) {  // ticks and grid
        const double yv = y0 + (y1 - y0) * i / 5, xv = x0 + (x1 - x0) * i / 5;
        const double shown = options.log_y ? std::pow(10.0, yv) : yv;
        svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
                           "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:.4g}</text>\n",
                           left, W - right, py(yv), left - 6, py(yv) + 4, shown);
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:.4g}</text>\n", px(xv), H - bottom + 18, xv);
    }
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", left,
                       top, W - left - right, H - top - bottom);
    for (double m : options.vertical_markers)
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#999\" "
                           "stroke-dasharray=\"4 3\"/>\n",
                           px(m), top, H - bottom);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (left + W - right) / 2, H - 18,
                       escape(options.x_label));
    svg += fmt::format("<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}{}</text>\n",
                       (top + H - bottom) / 2, escape(options.y_label), options.log_y ? " (log scale)" : "");
    for (std::size_t k = 0; k < series.size(); ++k) {
        const auto& s = series[k];
        const char* colour = kColours[k % 6];
        std::string band_top, band_bottom;  // the band's outline: along the upper ends, back along the lower
        for (std::size_t i = 0; i < s.x.size(); ++i)
            if (std::isfinite(s.x[i]) && has_band(s, i) && std::isfinite(ty(s.lower[i])) && std::isfinite(ty(s.upper[i]))) {
                band_top += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(ty(s.upper[i])));
                band_bottom = fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(ty(s.lower[i]))) + band_bottom;
            }
        if (!band_top.empty())
            svg += fmt::format("<polygon class=\"interval\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\" "
                               "points=\"{}{}\"/>\n",
                               colour, band_top, band_bottom);
        std::string points;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(ty(s.y[i])))
                points += fmt::format("{:.1f},{:.1f} ", px(s.x[i]), py(ty(s.y[i])));
        svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", colour, points);
        svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"2\"/>"
                           "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
                           W - right + 12, W - right + 36, top + 14 + 20 * k, colour, W - right + 42, top + 18 + 20 * k,
                           escape(s.name));
    }
    svg += "</svg>\n";
    write_file_atomically(path, [&](std::ostream& out) { out << svg; });
}

} // namespace aegrad::data
