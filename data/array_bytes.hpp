#pragma once
// The size of the array a file's header declares, computed so that no crafted shape wraps around.
#include <cstddef>
#include <iterator>
#include <optional>

namespace aegrad::data {

/// The bytes of a C-order array of `shape` (any sequence of sizes) with elements of `element_size` bytes,
/// or nullopt when that or any of its strides overflows a size_t. The strides are products of trailing
/// sizes, so the sizes are multiplied from the last: a leading 0 must not hide (0, 2^40, 2^40), whose
/// first stride overflows (undefined behaviour in the array library) although it holds no element.
template <class Sizes> std::optional<std::size_t> checked_array_bytes(const Sizes& shape, std::size_t element_size) {
    std::size_t bytes = element_size;
    for (auto d = std::rbegin(shape); d != std::rend(shape); ++d)
        if (__builtin_mul_overflow(bytes, static_cast<std::size_t>(*d), &bytes))
            return std::nullopt;
    return bytes;
}

} // namespace aegrad::data
