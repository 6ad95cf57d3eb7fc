#pragma once
// Figures as files: SVG for browsers and documents that scale, PNG where a raster is needed (slides, a
// wiki, an image viewer). PNGs are rendered from the same SVG by librsvg, GNOME's SVG renderer, so both
// files always show the same figure.
#include <string>

namespace aegrad::data {

/// `svg` rendered to PNG bytes at `scale` pixels per SVG unit. Throws std::runtime_error with librsvg's
/// message when the SVG cannot be parsed or rendered.
std::string svg_to_png(const std::string& svg, double scale = 2.0);

/// Writes the figure `svg` to `path` by its extension: .svg as it is, .png rendered by svg_to_png.
/// Atomic; throws std::invalid_argument for another extension, std::runtime_error naming the file otherwise.
void write_figure(const std::string& path, const std::string& svg);

/// Writes `svg` to `path` (an .svg file) and its PNG copy beside it (the same name ending .png).
void write_svg_with_png(const std::string& path, const std::string& svg);

/// The opening of a figure's SVG: its size in pixels, the font, a white background.
std::string svg_start(double width, double height);
/// The figure's title centred at x = `centre`, moved right when it is too wide to fit left of it.
std::string svg_title(const std::string& title, double centre);

/// `text` with <, > and & escaped, for SVG text and attributes.
std::string xml_escape(const std::string& text);

} // namespace aegrad::data
