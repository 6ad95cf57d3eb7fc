#pragma once
// NumPy's .npy files (format versions 1 to 3): a magic string, a Python-literal header giving the element
// type, the order and the shape, then the elements. What numpy.save writes for an ndarray of floats, bytes
// or integers in C order.
#include <cstdint>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/errors.hpp>
#include <aegrad/data/data_error.hpp>

namespace aegrad::data {

/// A .npy array. Unsigned bytes stay bytes (an image file: training sees byte / 255, as for IDX files);
/// every other element type (float32/64, signed and unsigned integers of 1 to 8 bytes, either byte order)
/// becomes float32. Exactly one of `bytes` and `floats` holds the values, both in `shape`.
struct NpyArray {
    std::string dtype;  // the header's descr, e.g. "<f4", "|u1"
    Shape shape;
    Array<std::uint8_t> bytes;
    Array<float> floats;
    bool is_bytes() const { return dtype == "|u1" || dtype == "u1" || dtype == "<u1" || dtype == ">u1"; }
};

/// Reads `path`. Throws DataError naming the file and the field for a bad magic or version, a header that
/// is not numpy's dictionary, an unsupported dtype (complex, strings, objects, structured), Fortran order,
/// a shape whose size overflows, and data that is cut short or followed by trailing bytes.
NpyArray read_npy(const std::string& path);
/// The same for a .npy file's contents held in memory (an .npz member); `name` names it in errors.
NpyArray read_npy(const std::string& name, const std::string& bytes);

/// Integer labels from a .npy file of any integer (or integral float) type, one per row of a [N] or
/// [N, 1] array. Throws DataError naming the file and the index of a value that is not an integer in
/// int's range.
std::vector<int> read_npy_labels(const std::string& path);
std::vector<int> read_npy_labels(const std::string& name, const std::string& bytes);

/// Writes a float32 array as `path` ("<f4", C order, format 1.0), atomically: to a temporary file first,
/// checked, then renamed over `path`. Throws std::runtime_error naming the file when it cannot.
void write_npy(const std::string& path, const Array<float>& values);

} // namespace aegrad::data
