#include <aegrad/data/png.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>
#include <png.h>

#include <aegrad/data/atomic_file.hpp>
#include "cairo_png.hpp"

namespace aegrad::data {

void write_gray_png(const std::string& path, const std::vector<std::uint8_t>& pixels, std::size_t width,
                    std::size_t height) {
    if (pixels.size() != width * height || width == 0 || height == 0)
        throw std::invalid_argument(fmt::format("{}: {} pixels do not make a {}x{} image", path, pixels.size(), width, height));
    const std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f)
        throw std::runtime_error(fmt::format("{}: cannot create the file", path));
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info || setjmp(png_jmpbuf(png))) {  // libpng reports errors by longjmp
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: writing the PNG failed", path));
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, static_cast<png_uint_32>(width), static_cast<png_uint_32>(height), 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (std::size_t y = 0; y < height; ++y)
        png_write_row(png, pixels.data() + y * width);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    if (std::fclose(f) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: could not finish writing the PNG", path));
    }
}

namespace {
// A grayscale image written by cairo with each row of the grid named in a white margin on its left.
void write_labelled_png(const std::string& path, const std::vector<std::uint8_t>& pixels, std::size_t width,
                        std::size_t height, const std::vector<std::string>& labels, const std::vector<double>& row_centres,
                        std::size_t gap) {
    cairo_surface_t* probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t* measure = cairo_create(probe);
    cairo_select_font_face(measure, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(measure, 13);
    double margin = 0;
    for (const auto& label : labels) {
        cairo_text_extents_t e;
        cairo_text_extents(measure, label.c_str(), &e);
        margin = std::max(margin, e.x_advance);
    }
    cairo_destroy(measure);
    cairo_surface_destroy(probe);
    const std::size_t left = static_cast<std::size_t>(margin) + 3 * gap + 4;

    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(left + width),
                                                          static_cast<int>(height));
    cairo_surface_flush(surface);
    unsigned char* data = cairo_image_surface_get_data(surface);
    const std::size_t stride = static_cast<std::size_t>(cairo_image_surface_get_stride(surface));
    for (std::size_t y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + y * stride);
        for (std::size_t x = 0; x < left + width; ++x) {
            const std::uint32_t v = x < left ? 255 : pixels[y * width + (x - left)];
            row[x] = (v << 16) | (v << 8) | v;
        }
    }
    cairo_surface_mark_dirty(surface);
    cairo_t* cr = cairo_create(surface);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 13);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (std::size_t r = 0; r < labels.size(); ++r) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, labels[r].c_str(), &e);
        cairo_move_to(cr, static_cast<double>(left - gap) - e.x_advance, row_centres[r] + e.height / 2);
        cairo_show_text(cr, labels[r].c_str());
    }
    cairo_destroy(cr);
    std::string png;
    try {
        png = encode_png(surface);
    } catch (const std::runtime_error& e) {
        cairo_surface_destroy(surface);
        throw std::runtime_error(fmt::format("{}: {}", path, e.what()));
    }
    cairo_surface_destroy(surface);
    write_file_atomically(path, [&](std::ostream& out) { out.write(png.data(), static_cast<std::streamsize>(png.size())); });
}
} // namespace

std::pair<std::size_t, std::size_t> write_image_grid_png(const std::string& path,
                                                         const std::vector<Array<float>>& rows, std::size_t h,
                                                         std::size_t w, std::size_t scale,
                                                         const std::vector<std::string>& row_labels) {
    if (!row_labels.empty() && row_labels.size() != rows.size())
        throw std::invalid_argument(fmt::format("{}: {} row labels for {} rows of images", path, row_labels.size(), rows.size()));
    const std::size_t gap = 2 * scale, cols = rows.empty() ? 0 : rows[0].shape()[0];
    const std::size_t width = gap + cols * (w * scale + gap), height = gap + rows.size() * (h * scale + gap);
    std::vector<std::uint8_t> pixels(width * height, 255);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].dimension() != 2 || rows[r].shape()[0] != cols || rows[r].shape()[1] != h * w)
            throw std::invalid_argument(fmt::format("{}: image row {} is not [{}, {}]", path, r, cols, h * w));
        for (std::size_t c = 0; c < cols; ++c)
            for (std::size_t y = 0; y < h * scale; ++y)
                for (std::size_t x = 0; x < w * scale; ++x) {
                    const float v = std::clamp(rows[r](c, (y / scale) * w + x / scale), 0.0f, 1.0f);
                    // dark ink on white paper, as matplotlib's "binary" colour map shows Fashion-MNIST
                    const std::size_t py = gap + r * (h * scale + gap) + y, px = gap + c * (w * scale + gap) + x;
                    pixels[py * width + px] = static_cast<std::uint8_t>(255.0f - 255.0f * v + 0.5f);
                }
    }
    if (row_labels.empty()) {
        write_gray_png(path, pixels, width, height);
        return {width, height};
    }
    std::vector<double> centres;
    for (std::size_t r = 0; r < rows.size(); ++r)
        centres.push_back(static_cast<double>(gap + r * (h * scale + gap)) + h * scale / 2.0);
    write_labelled_png(path, pixels, width, height, row_labels, centres, gap);
    return {width, height};
}

} // namespace aegrad::data
