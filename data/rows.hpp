#pragma once
// The rows a batch is gathered from: an array of floats, or an array of bytes (pixels) that become floats
// in [0, 1] as each batch is gathered. Kept as bytes, Fashion-MNIST's training set takes 47 MB instead of
// 188 MB, and gathering a shuffled batch reads a quarter as much from memory.
#include <cstddef>
#include <cstdint>
#include <utility>

#include <aegrad/autograd/array.hpp>

#include <aegrad/autograd/errors.hpp>

namespace aegrad::data {

/// A byte as a float in [0, 1]: float(byte) / 255, correctly rounded, the value a Rows of bytes gathers.
/// A division, not a multiplication by 1/255, which is one ulp off for 126 of the 256 bytes; inlined in a
/// loop it vectorises and runs about as fast as copying floats.
inline float unit_float(std::uint8_t byte) { return static_cast<float>(byte) / 255.0f; }

/// Bytes as floats in [0, 1] (byte / 255), in the array's shape: for a few pixels to show or feed by hand.
Array<float> to_unit_floats(const Array<std::uint8_t>& bytes);

/// A view of the rows of a row-major array of floats or bytes, [count, ...]: an aegrad::Array or any other
/// xtensor container (a program's own xt::xarray). It holds a pointer, not a copy: the array must outlive
/// the Rows (and the DataLoader made from it). The constructor is implicit, so fit(), evaluate() and the
/// other functions that take Rows accept either array.
class Rows {
public:
    template <class Container, class = decltype(std::declval<const Container&>().data())>
    Rows(const Container& array)  // NOLINT(google-explicit-constructor)
        : Rows(array.data(), Shape(array.shape().begin(), array.shape().end())) {}

    std::size_t count() const { return shape_[0]; }  // the constructors refuse 0-d arrays
    /// Values per row (the product of the shape after the first dimension).
    std::size_t width() const { return width_; }
    /// The array's shape; a batch of b rows has this shape with b first.
    const Shape& shape() const { return shape_; }

    /// Writes rows indices[0..n) one after the other to `out` (n * width() floats), on the calling thread.
    void gather(const std::size_t* indices, std::size_t n, float* out) const;
    /// Rows [begin, end) as floats, in the array's shape with end - begin first.
    Array<float> slice(std::size_t begin, std::size_t end) const;
    /// Rows [begin, end) as a view of the same array (a training part and a validation part). end > begin.
    Rows range(std::size_t begin, std::size_t end) const;

private:
    Rows(const float* values, Shape shape);
    Rows(const std::uint8_t* pixels, Shape shape);  // byte / 255
    const float* floats_ = nullptr;
    const std::uint8_t* bytes_ = nullptr;
    Shape shape_;
    std::size_t width_ = 0;
};

} // namespace aegrad::data
