#include <aegrad/data/scatter_plot.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/palette.hpp>
#include <aegrad/data/ticks.hpp>

namespace aegrad::data {

namespace {
// Where to write a class's name: at its point with the most others of the class within `radius`, the heart
// of its largest cluster (a median can fall between clusters, onto another class).
std::pair<double, double> densest(const std::vector<double>& x, const std::vector<double>& y, double radius) {
    std::size_t best = 0, best_count = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        std::size_t count = 0;
        for (std::size_t j = 0; j < x.size(); ++j)
            count += (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]) <= radius * radius;
        if (count > best_count)
            best = i, best_count = count;
    }
    return {x[best], y[best]};
}
} // namespace

std::string scatter_plot_svg(const std::vector<double>& x, const std::vector<double>& y, const std::vector<int>& labels,
                             const std::vector<std::string>& class_names, const ScatterOptions& options) {
    if (x.size() != y.size() || (!labels.empty() && labels.size() != x.size()))
        throw std::invalid_argument(fmt::format("scatter_plot_svg: {} x values, {} y values and {} labels", x.size(),
                                                y.size(), labels.size()));
    std::map<int, std::size_t> class_of;  // label -> its place in the legend, in label order
    for (int l : labels)
        class_of.emplace(l, 0);
    std::size_t next = 0;
    for (auto& [label, k] : class_of)
        k = next++;
    const auto name_of = [&](int label) {
        return label >= 0 && static_cast<std::size_t>(label) < class_names.size() ? class_names[label]
                                                                                  : std::to_string(label);
    };
    std::size_t longest = 0;
    for (const auto& [label, k] : class_of)
        longest = std::max(longest, name_of(label).size());

    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i]))
            x0 = std::min(x0, x[i]), x1 = std::max(x1, x[i]), y0 = std::min(y0, y[i]), y1 = std::max(y1, y[i]);
    if (!std::isfinite(x0))
        x0 = 0, x1 = 1, y0 = 0, y1 = 1;
    const double padx = x1 > x0 ? 0.04 * (x1 - x0) : 1, pady = y1 > y0 ? 0.04 * (y1 - y0) : 1;
    x0 -= padx, x1 += padx, y0 -= pady, y1 += pady;

    const double left = 70, top = 40, side = 520, right = std::max(150.0, 50.0 + 7.2 * static_cast<double>(longest));
    const double W = left + side + right, H = top + side + 50;
    const auto px = [&](double v) { return left + (v - x0) / (x1 - x0) * side; };
    const auto py = [&](double v) { return top + (1 - (v - y0) / (y1 - y0)) * side; };

    std::string svg = svg_start(W, H);
    svg += svg_title(options.title, left + side / 2);
    for (const Tick& t : linear_ticks(y0, y1))
        svg += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#eee\"/>"
                           "<text class=\"y-tick\" x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                           left, left + side, py(t.value), left - 6, py(t.value) + 4, t.label);
    for (const Tick& t : linear_ticks(x0, x1))
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#eee\"/>"
                           "<text class=\"x-tick\" x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                           px(t.value), top, top + side, top + side + 18, t.label);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", left,
                       top, side, side);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + side / 2, H - 12,
                       xml_escape(options.x_label));
    svg += fmt::format("<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
                       top + side / 2, xml_escape(options.y_label));

    // The points in data order, so that no class is drawn entirely on top of another.
    svg += "<g class=\"points\" fill-opacity=\"0.7\">\n";
    std::map<int, std::pair<std::vector<double>, std::vector<double>>> members;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
            continue;
        const int label = labels.empty() ? 0 : labels[i];
        svg += marker(labels.empty() ? 0 : class_of[label], px(x[i]), py(y[i]), 2.3) + "\n";
        members[label].first.push_back(x[i]);
        members[label].second.push_back(y[i]);
    }
    svg += "</g>\n";
    if (!labels.empty()) {
        for (const auto& [label, k] : class_of) {
            const double ly = top + 14 + 20 * static_cast<double>(k);
            svg += fmt::format("{}<text class=\"legend\" x=\"{}\" y=\"{:.1f}\">{}</text>\n",
                               marker(k, left + side + 20, ly, 5), left + side + 32, ly + 4, xml_escape(name_of(label)));
        }
        // Each class's name at the heart of its largest cluster (within 40 px on the plot), white-haloed.
        const double radius = 40.0 / side;
        for (const auto& [label, xy] : members) {
            std::vector<double> u, v;  // the class's points in units of the plot's side
            for (std::size_t i = 0; i < xy.first.size(); ++i)
                u.push_back((xy.first[i] - x0) / (x1 - x0)), v.push_back((xy.second[i] - y0) / (y1 - y0));
            const auto [cu, cv] = densest(u, v, radius);
            svg += fmt::format("<text class=\"class-name\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
                               "font-weight=\"bold\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>\n",
                               left + cu * side, top + (1 - cv) * side + 4, xml_escape(name_of(label)));
        }
    }
    return svg + "</svg>\n";
}

} // namespace aegrad::data
