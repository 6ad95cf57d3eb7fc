#pragma once
// Writing pictures people can look at: 8-bit grayscale PNG, and grids of small images (originals over
// their reconstructions, as in the classic matplotlib figure).
#include <cstdint>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>

namespace aegrad::data {

/// Writes an 8-bit grayscale image, `pixels` row-major with `width * height` values. Atomic (temporary
/// file, then rename). Throws std::runtime_error naming the file on failure.
void write_gray_png(const std::string& path, const std::vector<std::uint8_t>& pixels, std::size_t width,
                    std::size_t height);

/// A grid figure: `rows` is a list of image rows, each [n, h * w] with values in [0, 1] (clamped); every
/// image is drawn `scale` times larger on a white background with a gap between images. With
/// `row_labels` (one per row), each row is named in a margin on its left ("original", "reconstruction").
/// Returns the grid's (width, height), without that margin.
std::pair<std::size_t, std::size_t> write_image_grid_png(const std::string& path,
                                                         const std::vector<Array<float>>& rows, std::size_t h,
                                                         std::size_t w, std::size_t scale = 2,
                                                         const std::vector<std::string>& row_labels = {});

} // namespace aegrad::data
