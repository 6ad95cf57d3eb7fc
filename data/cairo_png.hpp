#pragma once
// Private to data/: a cairo surface's PNG bytes, for figures rendered with cairo (not installed).
#include <stdexcept>
#include <string>

#include <cairo.h>

namespace aegrad::data {

inline std::string encode_png(cairo_surface_t* surface) {
    std::string png;
    const auto append = [](void* out, const unsigned char* bytes, unsigned int length) {
        static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(bytes), length);
        return CAIRO_STATUS_SUCCESS;
    };
    if (cairo_surface_write_to_png_stream(surface, append, &png) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error("cairo could not encode the image as PNG");
    return png;
}

} // namespace aegrad::data
