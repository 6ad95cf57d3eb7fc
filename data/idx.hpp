#pragma once
// The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, type, number of dimensions), the
// dimensions as big-endian 32-bit integers, then the data. Files may be gzip-compressed.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <aegrad/autograd/errors.hpp>

namespace aegrad::data {

/// A file that is not a valid IDX file; the message names the file and what is wrong with it.
class IdxError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An unsigned-byte IDX array: dims[0] items of dims[1] x dims[2] x ... bytes.
struct IdxArray {
    Shape dims;
    std::vector<std::uint8_t> bytes;
};

/// Reads an unsigned-byte IDX file, plain or .gz. Checks the magic number, that the data size matches
/// the dimensions exactly, and that a gzip stream is complete.
IdxArray read_idx(const std::string& path);

} // namespace aegrad::data
