#include <aegrad/data/idx.hpp>

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
} // namespace

IdxArray read_idx(const std::string& path) {
    std::vector<std::uint8_t> raw = read_all(path);
    if (raw.size() < 4)
        fail(path, fmt::format("too short for an IDX header ({} bytes)", raw.size()));
    if (raw[0] != 0 || raw[1] != 0)
        fail(path, fmt::format("wrong magic number {:02x} {:02x} {:02x} {:02x}: not an IDX file", raw[0], raw[1], raw[2], raw[3]));
    if (raw[2] != 0x08)
        fail(path, fmt::format("element type 0x{:02x} is not unsigned byte (0x08)", raw[2]));
    const std::size_t ndims = raw[3];
    if (ndims == 0 || raw.size() < 4 + 4 * ndims)
        fail(path, fmt::format("header declares {} dimensions but the file has {} bytes", ndims, raw.size()));
    IdxArray out;
    std::size_t count = 1;
    for (std::size_t i = 0; i < ndims; ++i) {
        out.dims.push_back(big_endian_u32(raw.data() + 4 + 4 * i));
        count *= out.dims.back();
    }
    const std::size_t header = 4 + 4 * ndims, have = raw.size() - header;
    if (have != count)
        fail(path, fmt::format("dimensions {} need {} data bytes but the file holds {} ({})", shape_str(out.dims),
                               count, have, have < count ? "truncated" : "trailing bytes"));
    out.bytes.assign(raw.begin() + static_cast<long>(header), raw.end());
    return out;
}

} // namespace aegrad::data
