#include <aegrad/data/idx.hpp>

#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <zlib.h>

#include <aegrad/data/array_bytes.hpp>

namespace aegrad::data {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw IdxError(fmt::format("{}: {}", path, what));
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::size_t element_size(std::uint8_t type);

// The whole file's bytes, as stored.
std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot open (missing or unreadable)");
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// The file size an IDX header declares (header and data), once `raw` holds the whole header; 0 while it does
// not, or when the header is malformed or overflows (read_idx then says what is wrong).
std::size_t declared_size(const std::vector<std::uint8_t>& raw) {
    if (raw.size() < 4 || raw[0] != 0 || raw[1] != 0 || element_size(raw[2]) == 0 || raw[3] == 0)
        return 0;
    const std::size_t ndims = raw[3], header = 4 + 4 * ndims;
    if (raw.size() < header)
        return 0;
    std::vector<std::size_t> dims;
    for (std::size_t i = 0; i < ndims; ++i)
        dims.push_back(big_endian_u32(raw.data() + 4 + 4 * i));
    const std::optional<std::size_t> data = checked_array_bytes(dims, element_size(raw[2]));
    std::size_t total = 0;
    return !data || __builtin_add_overflow(*data, header, &total) ? 0 : total;
}

// A gzip file's contents, inflated no further than the size its IDX header declares: a small file that
// inflates to gigabytes (a bomb) is refused after one chunk past that size, not after all of it.
std::vector<std::uint8_t> inflate_idx(const std::string& path, const std::vector<std::uint8_t>& gz) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        fail(path, "zlib could not start inflating");
    // zlib's state is freed on every way out, the errors thrown below included.
    struct End {
        z_stream& z;
        ~End() { inflateEnd(&z); }
    } end{z};
    z.next_in = const_cast<Bytef*>(gz.data());
    z.avail_in = static_cast<uInt>(gz.size());
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> chunk(1 << 16);
    std::size_t expected = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = chunk.data();
        z.avail_out = static_cast<uInt>(chunk.size());
        rc = inflate(&z, Z_NO_FLUSH);
        out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - z.avail_out));
        if (rc != Z_OK && rc != Z_STREAM_END) {
            const std::string message = z.msg ? z.msg : rc == Z_BUF_ERROR ? "unexpected end of file" : "inflate failed";
            fail(path, fmt::format("gzip stream is corrupt or cut short ({}) after {} bytes", message, out.size()));
        }
        if (expected == 0 && (expected = declared_size(out)) / 1032 > gz.size())  // deflate's best ratio is 1032:1
            fail(path, fmt::format("the header declares {} bytes, more than a gzip stream of {} bytes can hold",
                                   expected, gz.size()));
        if (expected != 0 && out.size() > expected)
            fail(path, fmt::format("the header declares {} bytes but the gzip stream inflates to more (trailing bytes)",
                                   expected));
    }
    const std::size_t left = z.avail_in;
    if (left > 0)
        fail(path, fmt::format("{} bytes of trailing garbage after the gzip stream", left));
    return out;
}

// The whole contents, inflated when the file is gzip (magic 1f 8b).
std::vector<std::uint8_t> read_all(const std::string& path) {
    std::vector<std::uint8_t> raw = read_file(path);
    if (raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        return inflate_idx(path, raw);
    return raw;
}

std::size_t element_size(std::uint8_t type) {
    switch (type) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
    }
}

float big_endian_value(const std::uint8_t* p, std::uint8_t type) {
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < element_size(type); ++k)
        bits = (bits << 8) | p[k];
    switch (type) {
    case 0x09: return static_cast<std::int8_t>(bits);
    case 0x0B: return static_cast<std::int16_t>(bits);
    case 0x0C: return static_cast<float>(static_cast<std::int32_t>(bits));
    case 0x0D: { const auto b = static_cast<std::uint32_t>(bits); float v; std::memcpy(&v, &b, 4); return v; }
    default: { double v; std::memcpy(&v, &bits, 8); return static_cast<float>(v); }
    }
}
} // namespace

IdxArray read_idx(const std::string& path) {
    std::vector<std::uint8_t> raw = read_all(path);
    if (raw.size() < 4)
        fail(path, fmt::format("too short for an IDX header ({} bytes)", raw.size()));
    if (raw[0] != 0 || raw[1] != 0)
        fail(path, fmt::format("wrong magic number {:02x} {:02x} {:02x} {:02x}: not an IDX file", raw[0], raw[1], raw[2], raw[3]));
    const std::size_t size = element_size(raw[2]);
    if (size == 0)
        fail(path, fmt::format("element type 0x{:02x} is none of the IDX types (0x08 unsigned byte, 0x09 signed "
                               "byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)",
                               raw[2]));
    const std::size_t ndims = raw[3];
    if (ndims == 0 || raw.size() < 4 + 4 * ndims)
        fail(path, fmt::format("header declares {} dimensions but the file has {} bytes", ndims, raw.size()));
    IdxArray out;
    out.type = raw[2];
    for (std::size_t i = 0; i < ndims; ++i)
        out.dims.push_back(big_endian_u32(raw.data() + 4 + 4 * i));
    const std::optional<std::size_t> declared = checked_array_bytes(out.dims, size);
    if (!declared)
        fail(path, fmt::format("dimensions {} overflow", shape_str(out.dims)));
    const std::size_t bytes = *declared, count = bytes / size;
    const std::size_t header = 4 + 4 * ndims, have = raw.size() - header;
    if (have != bytes)
        fail(path, fmt::format("dimensions {} need {} data bytes but the file holds {} ({})", shape_str(out.dims),
                               bytes, have, have < bytes ? "truncated" : "trailing bytes"));
    if (out.type == 0x08) {
        out.bytes.assign(raw.begin() + static_cast<long>(header), raw.end());
        return out;
    }
    out.values.resize(count);
    for (std::size_t i = 0; i < count; ++i)
        out.values[i] = big_endian_value(raw.data() + header + i * size, out.type);
    return out;
}

} // namespace aegrad::data
