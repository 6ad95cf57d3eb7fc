#include <aegrad/data/bar_chart.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/palette.hpp>
#include <aegrad/data/ticks.hpp>

namespace aegrad::data {

std::string bar_chart_svg(const std::vector<Bar>& bars, const BarChartOptions& options) {
    std::size_t longest = 0;
    double most = 0;
    for (const auto& b : bars) {
        longest = std::max(longest, b.name.size());
        if (std::isfinite(b.value))
            most = std::max(most, b.value);
    }
    const double hi = most > 0 ? most * 1.08 : 1;  // room for the value written at the longest bar's end
    const double row = 18, left = 20 + 6.8 * static_cast<double>(longest), top = 44, width = 460;
    const double W = left + width + 30, H = top + row * static_cast<double>(bars.size()) + 56;
    const auto px = [&](double v) { return left + v / hi * width; };

    std::string svg = svg_start(W, H);
    svg += svg_title(options.title, left + width / 2);
    const double bottom = top + row * static_cast<double>(bars.size());
    for (const Tick& t : linear_ticks(0, hi))
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                           "<text class=\"x-tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                           px(t.value), top, bottom, bottom + 16, t.label);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const double y = top + row * static_cast<double>(i);
        svg += fmt::format("<text class=\"bar-name\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6,
                           y + row / 2 + 4, xml_escape(bars[i].name));
        if (!std::isfinite(bars[i].value))
            continue;
        svg += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>"
                           "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{:.3g}</text>\n",
                           left, y + 3, px(bars[i].value) - left, row - 6, series_colour(0), px(bars[i].value) + 3,
                           y + row / 2 + 3.5, bars[i].value);
    }
    svg += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"black\"/>\n", left, top, bottom);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + width / 2, H - 12,
                       xml_escape(options.value_label));
    return svg + "</svg>\n";
}

} // namespace aegrad::data
