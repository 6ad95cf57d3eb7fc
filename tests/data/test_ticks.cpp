// Axis ticks: round values inside the range, labelled as a person writes them, and log axes in real units;
// and a plot's tick labels as a reader of the SVG finds them.
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/data/ticks.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

#include <fmt/format.h>

#include "helpers.hpp"

using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> labels_of(const std::vector<Tick>& ticks) {
    std::vector<std::string> out;
    for (const auto& t : ticks)
        out.push_back(t.label);
    return out;
}

// Whether v is 1, 2 or 5 times a power of ten (or 0) times an integer step count: a "round" tick.
bool is_round_multiple(double v, double step) {
    const double k = v / step;
    return std::abs(k - std::round(k)) < 1e-9;
}
} // namespace

TEST_CASE("Linear ticks are multiples of a 1-2-5 step inside the range, labelled without noise") {
    // The semisup figure's old y range (59.41 to 88.97) and a loss range.
    CHECK(labels_of(linear_ticks(59.41, 88.97)) == std::vector<std::string>{"60", "65", "70", "75", "80", "85"});
    CHECK(labels_of(linear_ticks(0.0112, 0.0341)) ==
          std::vector<std::string>{"0.015", "0.020", "0.025", "0.030"});
    CHECK(labels_of(linear_ticks(0, 60000)) ==
          std::vector<std::string>{"0", "10,000", "20,000", "30,000", "40,000", "50,000", "60,000"});
    CHECK(labels_of(linear_ticks(-1.281, 1.74)) == std::vector<std::string>{"-1.0", "-0.5", "0", "0.5", "1.0", "1.5"});
    for (auto [lo, hi] : {std::pair{0.7977, 59.28}, std::pair{-5.05, 106.0}, std::pair{1e-6, 3.3e-6}, std::pair{12.0, 12.5}}) {
        const auto ticks = linear_ticks(lo, hi);
        REQUIRE(ticks.size() >= 3);
        CHECK(ticks.size() <= 9);
        const double step = ticks[1].value - ticks[0].value;
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        CHECK((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6));
        for (const auto& t : ticks) {
            CHECK(t.value >= lo - 1e-12);
            CHECK(t.value <= hi + 1e-12);
            CHECK(is_round_multiple(t.value, step));
        }
    }
    CHECK(linear_ticks(1, 1).empty());
    CHECK(linear_ticks(0, NAN).empty());
}

TEST_CASE("Log ticks are powers of ten in real units, with 2 and 5 between over short ranges") {
    CHECK(labels_of(log_ticks(100, 60000)) ==
          std::vector<std::string>{"100", "200", "500", "1,000", "2,000", "5,000", "10,000", "20,000", "50,000"});
    CHECK(labels_of(log_ticks(3e-4, 2)) == std::vector<std::string>{"0.001", "0.01", "0.1", "1"});
    CHECK(labels_of(log_ticks(2, 9)) == labels_of(linear_ticks(2, 9)));  // under a decade: linear
    CHECK(log_ticks(0, 10).empty());
}

TEST_CASE("Tick labels carry the decimals the step needs and thousands separators") {
    CHECK(tick_label(12000, 2000) == "12,000");
    CHECK(tick_label(1234567, 1) == "1,234,567");
    CHECK(tick_label(-1500, 500) == "-1,500");
    CHECK(tick_label(0.25, 0.05) == "0.25");
    CHECK(tick_label(0.3, 0.1) == "0.3");
    CHECK(tick_label(3e-7, 1e-7) == "3e-07");
    CHECK(tick_label(1e-17, 0.1) == "0");
}

TEST_CASE("A plot's tick labels are round numbers inside the data, in real units on a log axis") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_ticks_{}.svg", getpid())).string();
    PlotOptions options{"Accuracy", "labelled images", "test accuracy (%)", false, {}, true};
    write_line_plot_svg(path, {{"scratch", {100, 300, 1000, 3000, 60000}, {59.41, 70.2, 78.9, 83.0, 88.97}}}, options);
    std::ifstream in(path);
    const std::string svg((std::istreambuf_iterator<char>(in)), {});
    fs::remove(path);
    const auto texts = [&](const std::string& cls) {
        std::vector<std::string> out;
        const std::regex tick("class=\"" + cls + "\"[^>]*>([^<]*)<");
        for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tick); it != std::sregex_iterator(); ++it)
            out.push_back((*it)[1]);
        return out;
    };
    CHECK(texts("x-tick") ==
          std::vector<std::string>{"100", "200", "500", "1,000", "2,000", "5,000", "10,000", "20,000", "50,000"});
    const auto y = texts("y-tick");
    REQUIRE(y.size() >= 3);
    for (const auto& label : y) {
        const double v = std::stod(label);
        CHECK(v >= 58);  // inside the padded data range
        CHECK(v <= 90.5);
        CHECK(std::fmod(v, 5) == 0);
    }
}
