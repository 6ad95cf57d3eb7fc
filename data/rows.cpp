#include <aegrad/data/rows.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace aegrad::data {

namespace {
// Rows are scattered through the dataset, so each copy starts with cache misses: asking for the rows a few
// copies ahead hides them.
constexpr std::size_t kRowsAhead = 2;

void prefetch(const void* row, std::size_t bytes) {
    const char* p = static_cast<const char*>(row);
    for (std::size_t byte = 0; byte < bytes; byte += 64)
        __builtin_prefetch(p + byte);
}

std::size_t row_width(const Shape& shape) {
    std::size_t width = 1;
    for (std::size_t d = 1; d < shape.size(); ++d)
        width *= shape[d];
    return width;
}

void check_rank(const Shape& shape) {
    if (shape.empty())
        throw std::invalid_argument("Rows: a 0-d array has no rows; give an array of shape [count, ...]");
}

void bytes_to_floats(const std::uint8_t* in, std::size_t n, float* out) {
    for (std::size_t i = 0; i < n; ++i)  // unit_float is inline: the loop vectorises
        out[i] = unit_float(in[i]);
}
} // namespace

Array<float> to_unit_floats(const Array<std::uint8_t>& bytes) {
    Array<float> out = Array<float>::from_shape(bytes.shape());
    bytes_to_floats(bytes.data(), bytes.size(), out.data());
    return out;
}

Rows::Rows(const float* values, Shape shape) : floats_(values), shape_(std::move(shape)), width_(row_width(shape_)) {
    check_rank(shape_);
}

Rows::Rows(const std::uint8_t* pixels, Shape shape)
    : bytes_(pixels), shape_(std::move(shape)), width_(row_width(shape_)) {
    check_rank(shape_);
}

void Rows::gather(const std::size_t* indices, std::size_t n, float* out) const {
    for (std::size_t i = 0; i < n; ++i) {
        if (indices[i] >= count())
            throw std::out_of_range(fmt::format("Rows::gather: row {} of {}", indices[i], count()));
        float* dst = out + i * width_;
        if (bytes_) {
            if (i + kRowsAhead < n)
                prefetch(bytes_ + indices[i + kRowsAhead] * width_, width_);
            bytes_to_floats(bytes_ + indices[i] * width_, width_, dst);
        } else {
            if (i + kRowsAhead < n)
                prefetch(floats_ + indices[i + kRowsAhead] * width_, width_ * sizeof(float));
            std::memcpy(dst, floats_ + indices[i] * width_, width_ * sizeof(float));
        }
    }
}

Rows Rows::range(std::size_t begin, std::size_t end) const {
    if (begin >= end || end > count())
        throw std::out_of_range(fmt::format("Rows::range: rows [{}, {}) of {}", begin, end, count()));
    Shape shape = shape_;
    shape[0] = end - begin;
    return bytes_ ? Rows(bytes_ + begin * width_, shape) : Rows(floats_ + begin * width_, shape);
}

Array<float> Rows::slice(std::size_t begin, std::size_t end) const {
    if (begin > end || end > count())
        throw std::out_of_range(fmt::format("Rows::slice: rows [{}, {}) of {}", begin, end, count()));
    Shape shape = shape_;
    shape[0] = end - begin;
    Array<float> out = Array<float>::from_shape(shape);
    // The rows are contiguous: one conversion or copy of the whole range.
    if (bytes_)
        bytes_to_floats(bytes_ + begin * width_, out.size(), out.data());
    else
        std::copy_n(floats_ + begin * width_, out.size(), out.data());
    return out;
}

} // namespace aegrad::data
