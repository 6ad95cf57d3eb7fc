// Bar charts: a named bar per category in the given order, lengths proportional to the values, round ticks
// from zero.
#include <regex>

#include <aegrad/data/bar_chart.hpp>
#include "helpers.hpp"
#include "svg_checks.hpp"

using namespace aegrad::data;

TEST_CASE("A bar chart draws a named bar per value, in order, its length proportional to the value") {
    const std::string svg = bar_chart_svg({{"area <error>", 9.76}, {"worst_area", 4.88}, {"gone", NAN}, {"zero", 0}},
                                          {"Errors", "mean squared error"});
    const auto names = svg_checks::texts_of(svg, "bar-name");
    CHECK(names == std::vector<std::string>{"area &lt;error&gt;", "worst_area", "gone", "zero"});
    std::vector<double> widths;
    const std::regex bar("class=\"bar\" x=\"[^\"]*\" y=\"[^\"]*\" width=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it)
        widths.push_back(std::stod((*it)[1].str()));
    REQUIRE(widths.size() == 3);  // none for the non-finite value
    CHECK(widths[1] == doctest::Approx(widths[0] / 2).epsilon(0.01));
    CHECK(widths[2] == 0.0);
    const auto ticks = svg_checks::texts_of(svg, "x-tick");
    CHECK(svg_checks::nice_linear(ticks));
    CHECK(ticks.front() == "0");
    CHECK(svg_checks::number_of(ticks.back()) <= 9.76 * 1.08);
    CHECK(bar_chart_svg({}, {"empty", "v"}).find("</svg>") != std::string::npos);
}
