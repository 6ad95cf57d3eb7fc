// Scatter plots: every class in the legend and named on the map, round ticks inside the points' range, one
// marker per finite point, in a shape and colour of its class's own.
#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include <aegrad/data/scatter_plot.hpp>
#include "helpers.hpp"
#include "svg_checks.hpp"

using namespace aegrad::data;

namespace {
std::size_t count(const std::string& svg, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = svg.find(what, at)) != std::string::npos; ++at)
        ++n;
    return n;
}
} // namespace

TEST_CASE("A scatter plot names every class in its legend and at its points, with round ticks in range") {
    std::vector<double> x, y;
    std::vector<int> labels;
    for (int i = 0; i < 60; ++i) {  // labels 0..9 (names for 0..7 only), x from -13.7 to 1,756
        labels.push_back(i % 10);
        x.push_back(-13.7 + 29.99 * i);
        y.push_back(0.0031 * (i % 10) + 0.0004 * i);
    }
    x.push_back(NAN), y.push_back(1.0), labels.push_back(3);  // left out, and not stretching the axes
    const std::vector<std::string> names{"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker"};
    const std::string svg = scatter_plot_svg(x, y, labels, names, {"Codes & <labels>", "t-SNE 1", "t-SNE 2"});
    CHECK(svg.find("Codes &amp; &lt;labels&gt;") != std::string::npos);

    const auto legend = svg_checks::texts_of(svg, "legend");
    const std::vector<std::string> expected{"T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "8", "9"};
    CHECK(legend == expected);
    auto on_map = svg_checks::texts_of(svg, "class-name");
    std::sort(on_map.begin(), on_map.end());
    auto sorted = expected;
    std::sort(sorted.begin(), sorted.end());
    CHECK(on_map == sorted);

    const auto xt = svg_checks::texts_of(svg, "x-tick"), yt = svg_checks::texts_of(svg, "y-tick");
    CHECK(svg_checks::nice_linear(xt));
    CHECK(svg_checks::nice_linear(yt));
    CHECK(std::find(xt.begin(), xt.end(), "1,000") != xt.end());  // thousands separated
    const auto [x0, x1] = std::minmax_element(x.begin(), x.end() - 1);
    const auto [y0, y1] = std::minmax_element(y.begin(), y.end() - 1);
    const double padx = 0.04 * (*x1 - *x0), pady = 0.04 * (*y1 - *y0);
    for (const auto& t : xt)
        CHECK((svg_checks::number_of(t) >= *x0 - padx && svg_checks::number_of(t) <= *x1 + padx));
    for (const auto& t : yt)
        CHECK((svg_checks::number_of(t) >= *y0 - pady && svg_checks::number_of(t) <= *y1 + pady));

    // One marker per finite point, plus one per legend entry; ten classes in ten colour-and-shape pairs.
    const std::string points = svg.substr(svg.find("<g class=\"points\""), svg.find("</g>") - svg.find("<g class=\"points\""));
    CHECK(count(points, "fill=\"#") == 60);
    std::set<std::string> styles;
    const std::regex element("<(circle|rect|path) [^>]*fill=\"(#[0-9A-F]+)\"/><text class=\"legend\"");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it)
        styles.insert((*it)[1].str() + (*it)[2].str());
    CHECK(styles.size() == 10);
}

TEST_CASE("A scatter plot without labels is one class with no legend; mismatched lengths are refused") {
    const std::string svg = scatter_plot_svg({1, 2, 3}, {3, 1, 2}, {}, {}, {"t", "x", "y"});
    CHECK(svg_checks::texts_of(svg, "legend").empty());
    CHECK(count(svg, "<circle") == 3);
    CHECK_THROWS_AS(scatter_plot_svg({1, 2}, {1}, {}, {}, {}), std::invalid_argument);
    CHECK_THROWS_AS(scatter_plot_svg({1, 2}, {1, 2}, {0}, {}, {}), std::invalid_argument);
}
