// Figures as files: the PNG copy of an SVG is a real raster of the same figure, image grids name their rows,
// and a figure that cannot be drawn is an error naming the file.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <png.h>

#include <aegrad/data/figure_file.hpp>
#include <aegrad/data/png.hpp>
#include <aegrad/data/svg_plot.hpp>
#include "helpers.hpp"

using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
struct Gray {
    std::size_t width = 0, height = 0;
    std::vector<std::uint8_t> pixels;
    int at(std::size_t x, std::size_t y) const { return pixels[y * width + x]; }
};

Gray read_gray(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    REQUIRE(png_image_begin_read_from_file(&image, path.c_str()));
    image.format = PNG_FORMAT_GRAY;
    Gray g{image.width, image.height, std::vector<std::uint8_t>(PNG_IMAGE_SIZE(image))};
    REQUIRE(png_image_finish_read(&image, nullptr, g.pixels.data(), 0, nullptr));
    return g;
}

std::string temp(const std::string& name) { return (fs::temp_directory_path() / fmt::format("aegrad_{}_{}", getpid(), name)).string(); }
} // namespace

TEST_CASE("An SVG's PNG copy has twice its size in pixels and shows what the SVG draws where it draws it") {
    const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"30\">"
                            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
                            "<rect x=\"0\" y=\"0\" width=\"10\" height=\"10\" fill=\"black\"/></svg>";
    const std::string path = temp("square.png");
    write_figure(path, svg);
    const Gray g = read_gray(path);
    CHECK(g.width == 80);
    CHECK(g.height == 60);
    CHECK(g.at(5, 5) == 0);      // inside the black square, scaled 2x
    CHECK(g.at(15, 15) == 0);
    CHECK(g.at(25, 25) == 255);  // outside it
    CHECK(g.at(79, 59) == 255);
    fs::remove(path);
}

TEST_CASE("A line plot is written as SVG with its PNG copy beside it") {
    const std::string path = temp("plot.svg"), png = temp("plot.png");
    write_line_plot_svg(path, {{"loss", {1, 2, 3}, {3, 2, 1}}}, {"Loss", "epoch", "loss", false, {}, false});
    REQUIRE(fs::exists(png));
    const Gray g = read_gray(png);
    std::ifstream in(path);
    const std::string svg((std::istreambuf_iterator<char>(in)), {});
    const double width = std::stod(svg.substr(svg.find("width=\"") + 7));
    CHECK(g.width == static_cast<std::size_t>(2 * width + 0.5));
    std::size_t dark = 0;
    for (auto v : g.pixels)
        dark += v < 128;
    CHECK(dark > 1000);  // the frame, the text and the line were drawn
    fs::remove(path), fs::remove(png);
}

TEST_CASE("A figure that cannot be drawn, or has no figure extension, is an error naming the file") {
    const std::string path = temp("broken.png");
    try {
        write_figure(path, "<svg unclosed");
        FAIL("no error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(path));
    CHECK_THROWS_AS(write_figure(temp("figure.jpg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>"),
                    std::invalid_argument);
}

TEST_CASE("An image grid with row labels names each row in a margin on its left, the images as without them") {
    xt::xarray<float> top = xt::zeros<float>({3, 4 * 5}), bottom = xt::ones<float>({3, 4 * 5});
    const std::string plain = temp("plain.png"), labelled = temp("labelled.png");
    write_image_grid_png(plain, {top, bottom}, 4, 5, 2);
    write_image_grid_png(labelled, {top, bottom}, 4, 5, 2, {"original", "reconstruction"});
    const Gray a = read_gray(plain), b = read_gray(labelled);
    REQUIRE(b.height == a.height);
    REQUIRE(b.width > a.width + 40);  // room for "reconstruction"
    const std::size_t margin = b.width - a.width;
    for (std::size_t y = 0; y < a.height; ++y)
        for (std::size_t x = 0; x < a.width; ++x)
            REQUIRE(b.at(margin + x, y) == a.at(x, y));
    // Ink in the margin beside each row (the row of zeros is white, the row of ones black).
    const std::size_t gap = 4, row = 8;
    for (std::size_t r = 0; r < 2; ++r) {
        std::size_t ink = 0;
        for (std::size_t y = gap + r * (row + gap); y < gap + r * (row + gap) + row; ++y)
            for (std::size_t x = 0; x < margin; ++x)
                ink += b.at(x, y) < 128;
        CHECK(ink > 5);
    }
    CHECK_THROWS_AS(write_image_grid_png(labelled, {top, bottom}, 4, 5, 2, {"one"}), std::invalid_argument);
    fs::remove(plain), fs::remove(labelled);
}
