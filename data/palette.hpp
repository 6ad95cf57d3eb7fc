#pragma once
// How series and classes are told apart in every figure: Okabe and Ito's palette, distinguishable with
// any colour vision (its yellow left out: too pale on white), with a dash pattern per line series and a
// marker shape per class, so that figures stay readable in greyscale and past seven series.
#include <cstddef>
#include <string>

namespace aegrad::data {

/// Series k's colour, as "#RRGGBB"; it repeats every 7.
const char* series_colour(std::size_t k);
/// Series k's stroke-dasharray attribute (empty for a solid line): no two of the first 35 series share
/// both colour and dash.
std::string dash_attribute(std::size_t k);
/// An SVG element drawing class k's marker centred at (x, y) with radius r in class k's colour: circle,
/// square, triangle or diamond, so that no two of the first 28 classes share both colour and shape.
std::string marker(std::size_t k, double x, double y, double r);

} // namespace aegrad::data
