#include <aegrad/data/palette.hpp>

#include <iterator>

#include <fmt/format.h>

namespace aegrad::data {

namespace {
const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000"};
const char* kDashes[] = {"", "7 3", "2 2", "9 3 2 3", "4 4"};
constexpr std::size_t kColourCount = std::size(kColours), kDashCount = std::size(kDashes), kShapeCount = 4;
} // namespace

const char* series_colour(std::size_t k) { return kColours[k % kColourCount]; }

std::string dash_attribute(std::size_t k) {
    const char* dash = kDashes[(k / kColourCount + k) % kDashCount];
    return *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "";
}

std::string marker(std::size_t k, double x, double y, double r) {
    const char* colour = series_colour(k);
    switch (k % kShapeCount) {
    case 0:
        return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\" fill=\"{}\"/>", x, y, r, colour);
    case 1:
        return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>", x - r,
                           y - r, 2 * r, 2 * r, colour);
    case 2:
        return fmt::format("<path d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\" fill=\"{}\"/>", x, y - 1.2 * r,
                           x + 1.1 * r, y + 0.8 * r, x - 1.1 * r, y + 0.8 * r, colour);
    default:
        return fmt::format("<path d=\"M{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}L{:.1f} {:.1f}Z\" fill=\"{}\"/>", x,
                           y - 1.3 * r, x + 1.3 * r, y, x, y + 1.3 * r, x - 1.3 * r, y, colour);
    }
}

} // namespace aegrad::data
