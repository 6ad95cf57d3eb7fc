#include <aegrad/data/figure_file.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <cairo.h>
#include <fmt/format.h>
#include <librsvg/rsvg.h>

#include <aegrad/data/atomic_file.hpp>
#include "cairo_png.hpp"

namespace aegrad::data {

namespace {
template <class T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
void unref_handle(RsvgHandle* h) { g_object_unref(h); }
using Handle = std::unique_ptr<RsvgHandle, Deleter<RsvgHandle, unref_handle>>;
using Surface = std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using Context = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;

std::string extension_of(const std::string& path) { return std::filesystem::path(path).extension().string(); }
} // namespace

std::string svg_to_png(const std::string& svg, double scale) {
    GError* error = nullptr;
    Handle handle(rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
    if (!handle) {
        const std::string message = error ? error->message : "unknown error";
        g_clear_error(&error);
        throw std::runtime_error("rendering SVG as PNG: " + message);
    }
    double width = 0, height = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &width, &height) || width <= 0 || height <= 0)
        throw std::runtime_error("rendering SVG as PNG: the SVG has no width and height in pixels");
    Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(width * scale + 0.5),
                                               static_cast<int>(height * scale + 0.5)));
    Context cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    const RsvgRectangle viewport{0, 0, width * scale, height * scale};
    if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
        const std::string message = error ? error->message : "unknown error";
        g_clear_error(&error);
        throw std::runtime_error("rendering SVG as PNG: " + message);
    }
    return encode_png(surface.get());
}

void write_figure(const std::string& path, const std::string& svg) {
    const std::string ext = extension_of(path);
    if (ext != ".svg" && ext != ".png")
        throw std::invalid_argument(fmt::format("{}: a figure is written as .svg or .png", path));
    std::string bytes = svg;
    if (ext == ".png") {
        try {
            bytes = svg_to_png(svg);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(fmt::format("{}: {}", path, e.what()));
        }
    }
    write_file_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

void write_svg_with_png(const std::string& path, const std::string& svg) {
    write_figure(path, svg);
    write_figure(std::filesystem::path(path).replace_extension(".png").string(), svg);
}

std::string svg_start(double width, double height) {
    return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" "
                       "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
                       width, height);
}

std::string svg_title(const std::string& title, double centre) {
    // ~7.8 px a character at 15 px: half of it must fit left of the centre.
    const double x = std::max(centre, 8 + 3.9 * static_cast<double>(title.size()));
    return fmt::format("<text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n", x, xml_escape(title));
}

std::string xml_escape(const std::string& text) {
    std::string out;
    for (char c : text)
        out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return out;
}

} // namespace aegrad::data
