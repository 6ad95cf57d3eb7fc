#include <aegrad/data/idx.hpp>

#include <cstring>

#include <fmt/format.h>
#include <zlib.h>

namespace aegrad::data {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw IdxError(fmt::format("{}: {}", path, what));
}

// The whole (decompressed) contents. zlib reads plain files unchanged and reports a cut gzip stream.
std::vector<std::uint8_t> read_all(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f)
        fail(path, "cannot open (missing or unreadable)");
    gzbuffer(f, 1 << 18);
    std::vector<std::uint8_t> out;
    std::uint8_t chunk[1 << 16];
    int n = 0;
    while ((n = gzread(f, chunk, sizeof chunk)) > 0)
        out.insert(out.end(), chunk, chunk + n);
    int err = Z_OK;
    const std::string message = gzerror(f, &err);
    gzclose(f);
    if (n < 0 || (err != Z_OK && err != Z_STREAM_END))
        fail(path, fmt::format("gzip stream is corrupt or cut short ({}) after {} bytes", message, out.size()));
    return out;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
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
    std::size_t count = 1, bytes = 0;
    for (std::size_t i = 0; i < ndims; ++i) {
        out.dims.push_back(big_endian_u32(raw.data() + 4 + 4 * i));
        if (__builtin_mul_overflow(count, out.dims.back(), &count))
            fail(path, fmt::format("dimensions {} overflow", shape_str(out.dims)));
    }
    if (__builtin_mul_overflow(count, size, &bytes))
        fail(path, fmt::format("dimensions {} overflow", shape_str(out.dims)));
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
