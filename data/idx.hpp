#pragma once
// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, number of dimensions), the
// dimensions as big-endian 32-bit integers, then the data. Files may be gzip-compressed.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <aegrad/autograd/errors.hpp>
#include <aegrad/data/data_error.hpp>

namespace aegrad::data {

/// A file that is not a valid IDX file; the message names the file and what is wrong with it.
class IdxError : public DataError {
public:
    using DataError::DataError;
};

/// An IDX array: dims[0] items of dims[1] x dims[2] x ... elements. Unsigned bytes (type 0x08) stay bytes;
/// the other types the format defines (0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E
/// float64, all big-endian) become floats. Exactly one of `bytes` and `values` holds the elements.
struct IdxArray {
    std::uint8_t type = 0x08;
    Shape dims;
    std::vector<std::uint8_t> bytes;
    std::vector<float> values;
};

/// Reads an IDX file, plain or .gz. Checks the magic number and element type, that the data size matches
/// the dimensions exactly, and that a gzip stream is complete.
IdxArray read_idx(const std::string& path);

} // namespace aegrad::data
