// Figures: the PNG written is a valid PNG of the expected size with the expected pixels; the SVG is well formed,
// and its series are told apart by colour and dash, in the legend as on the plot.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <png.h>

#include <aegrad/data/png.hpp>
#include <aegrad/data/svg_plot.hpp>
#include "helpers.hpp"

using namespace aegrad::data;
namespace fs = std::filesystem;

TEST_CASE("An image grid is written as a valid grayscale PNG of the expected size, dark ink on white") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_grid_{}.png", getpid())).string();
    xt::xarray<float> top = xt::zeros<float>({3, 4 * 5}), bottom = xt::ones<float>({3, 4 * 5});
    top(0, 0) = 1.0f;  // one black pixel in the first image's corner
    auto [w, h] = write_image_grid_png(path, {top, bottom}, 4, 5, 2);
    CHECK(w == 4 + 3 * (10 + 4));
    CHECK(h == 4 + 2 * (8 + 4));

    // Read it back with libpng's simplified API: this fails on anything that is not a valid PNG.
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    REQUIRE(png_image_begin_read_from_file(&image, path.c_str()));
    CHECK(image.width == w);
    CHECK(image.height == h);
    image.format = PNG_FORMAT_GRAY;
    std::vector<std::uint8_t> pixels(PNG_IMAGE_SIZE(image));
    REQUIRE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr));
    const std::size_t gap = 4;
    CHECK(pixels[gap * w + gap] == 0);          // the black pixel, scaled 2x
    CHECK(pixels[(gap + 1) * w + gap + 1] == 0);
    CHECK(pixels[gap * w + gap + 2] == 255);    // its white neighbour
    CHECK(pixels[0] == 255);                    // background
    CHECK(pixels[(h - gap - 1) * w + gap] == 0);  // bottom row: ones are black
    fs::remove(path);
    CHECK_THROWS(write_image_grid_png(path, {top, xt::zeros<float>({2, 20})}, 4, 5));
}

TEST_CASE("A line plot is an SVG with a polyline per series and the legend") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_plot_{}.svg", getpid())).string();
    write_line_plot_svg(path, {{"train <loss>", {1, 2, 3}, {0.5, 0.2, 0.1}}, {"val", {1, 2, 3}, {0.6, NAN, 0.2}}},
                        {"Loss", "epoch", "mse", true, {1.5}});
    std::ifstream in(path);
    std::string svg((std::istreambuf_iterator<char>(in)), {});
    CHECK(svg.rfind("<svg", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(svg.find("train &lt;loss&gt;") != std::string::npos);
    std::size_t polylines = 0;
    for (std::size_t at = 0; (at = svg.find("<polyline", at)) != std::string::npos; ++at)
        ++polylines;
    CHECK(polylines == 2);
    CHECK(svg.find("stroke-dasharray") != std::string::npos);  // the marker
    fs::remove(path);
}

TEST_CASE("A series' interval is drawn as one shaded band around its line, points without one are left out") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_band_{}.svg", getpid())).string();
    Series with{"with", {1, 2, 3}, {50, 60, 70}};
    with.lower = {45, NAN, 66};
    with.upper = {55, NAN, 74};
    write_line_plot_svg(path, {with, {"without", {1, 2, 3}, {40, 41, 42}}}, {"Accuracy", "labels", "%", false, {}, false});
    std::ifstream in(path);
    std::string svg((std::istreambuf_iterator<char>(in)), {});
    std::size_t bands = 0;
    for (std::size_t at = 0; (at = svg.find("class=\"interval\"", at)) != std::string::npos; ++at)
        ++bands;
    CHECK(bands == 1);  // the series without an interval has none
    const auto begin = svg.find("points=\"", svg.find("class=\"interval\"")) + 8;
    std::istringstream points(svg.substr(begin, svg.find('"', begin) - begin));
    std::vector<std::pair<double, double>> xy;
    for (std::string p; points >> p;)
        xy.emplace_back(std::stod(p.substr(0, p.find(','))), std::stod(p.substr(p.find(',') + 1)));
    REQUIRE(xy.size() == 4);  // two points with an interval, up along the upper ends and back along the lower
    CHECK(xy[0].first < xy[1].first);
    CHECK(xy[2].first == doctest::Approx(xy[1].first));
    CHECK(xy[0].second < xy[3].second);  // the upper end is drawn above the lower (SVG's y grows downwards)
    CHECK(xy[1].second < xy[2].second);
    fs::remove(path);
}

TEST_CASE("Every series has a legend entry drawn like its line, and nine series are nine distinct styles") {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_styles_{}.svg", getpid())).string();
    std::vector<Series> series;
    for (int k = 0; k < 9; ++k)
        series.push_back({fmt::format("method {}", k), {1, 2, 3}, {double(k), k + 0.5, k + 0.2}});
    write_line_plot_svg(path, series, {"Nine", "x", "y", false, {}, false});
    std::ifstream in(path);
    const std::string svg((std::istreambuf_iterator<char>(in)), {});
    fs::remove(path);
    // The stroke and dash of each element of a class, in order.
    const auto styles = [&](const std::string& cls) {
        std::vector<std::string> out;
        const std::regex element("class=\"" + cls + "\"[^>]*/>"), stroke(" stroke=\"([^\"]*)\""),
            dash("stroke-dasharray=\"([^\"]*)\"");
        for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it) {
            const std::string e = it->str();
            std::smatch colour, pattern;
            std::regex_search(e, colour, stroke);
            std::regex_search(e, pattern, dash);
            out.push_back(colour[1].str() + "|" + (pattern.empty() ? "" : pattern[1].str()));
        }
        return out;
    };
    const auto lines = styles("series"), legend = styles("legend");
    REQUIRE(lines.size() == 9);
    CHECK(legend == lines);
    CHECK(std::set<std::string>(lines.begin(), lines.end()).size() == 9);
    for (int k = 0; k < 9; ++k)
        CHECK(svg.find(fmt::format(">method {}</text>", k)) != std::string::npos);
}

TEST_CASE("A legend of long names goes below the plot, which keeps the width it has beside a short one") {
    const auto read = [](const std::string& path) {
        std::ifstream in(path);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    };
    const auto frame_width = [](const std::string& svg) {
        const std::smatch m = [&] {
            std::smatch r;
            std::regex_search(svg, r, std::regex("<rect x=\"[^\"]*\" y=\"[^\"]*\" width=\"([^\"]*)\" height=\"[^\"]*\" fill=\"none\""));
            return r;
        }();
        return std::stod(m[1].str());
    };
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_legend_{}.svg", getpid())).string();
    write_line_plot_svg(path, {{"short", {1, 2}, {1, 2}}}, {"t", "x", "y", false, {}, false});
    const std::string beside = read(path);
    const std::string name = "encoder.0.weight: decoder.1/transpose vs encoder.0/linear+relu";
    write_line_plot_svg(path, {{name, {1, 2}, {1, 2}}, {"second", {1, 2}, {2, 1}}}, {"t", "x", "y", false, {}, false});
    const std::string below = read(path);
    fs::remove(path);
    fs::remove(fs::path(path).replace_extension(".png"));
    CHECK(frame_width(below) == frame_width(beside));
    CHECK(std::stod(below.substr(below.find("width=\"") + 7)) < 650);  // not widened for the long name
    // Both entries below the frame's bottom edge (y = 380), in order.
    std::smatch m;
    std::vector<double> ys;
    const std::regex legend("class=\"legend\" x1=\"[^\"]*\" x2=\"[^\"]*\" y1=\"([^\"]*)\"");
    for (auto it = std::sregex_iterator(below.begin(), below.end(), legend); it != std::sregex_iterator(); ++it)
        ys.push_back(std::stod((*it)[1].str()));
    REQUIRE(ys.size() == 2);
    CHECK(ys[0] > 380);
    CHECK(ys[1] > ys[0]);
    CHECK(below.find(">" + name + "<") != std::string::npos);
}
