#include <aegrad/data/npz.hpp>

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <zlib.h>

namespace aegrad::data {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw DataError(path + ": " + what); }

// Little-endian fields at `at` of `s`, which the caller has checked holds them.
std::uint32_t u16(const std::string& s, std::size_t at) {
    return std::uint32_t(static_cast<unsigned char>(s[at])) | std::uint32_t(static_cast<unsigned char>(s[at + 1])) << 8;
}
std::uint32_t u32(const std::string& s, std::size_t at) { return u16(s, at) | u16(s, at + 2) << 16; }

constexpr std::uint32_t end_signature = 0x06054b50, central_signature = 0x02014b50, local_signature = 0x04034b50;
constexpr std::size_t end_size = 22, central_size = 46, local_size = 30;

std::string inflate_member(const std::string& where, const std::string& packed, std::size_t size) {
    std::string out(size, '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)  // raw deflate: ZIP members have no zlib header
        fail(where, "cannot start inflating");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    z.avail_in = static_cast<uInt>(packed.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(size);  // at most the stated size is ever written
    const int status = inflate(&z, Z_FINISH);
    const std::size_t produced = z.total_out;
    inflateEnd(&z);
    if (status != Z_STREAM_END || produced != size)
        fail(where, fmt::format("deflated data does not inflate to the {} bytes its entry states", size));
    return out;
}

} // namespace

std::vector<std::pair<std::string, std::string>> read_npz(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot open (missing or unreadable)");
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The end record is the last 22 bytes, unless a comment (at most 65,535 bytes) follows it.
    if (file.size() < end_size)
        fail(path, fmt::format("{} bytes: too short for a ZIP archive", file.size()));
    const std::size_t lowest = file.size() > end_size + 0xffff ? file.size() - end_size - 0xffff : 0;
    std::size_t end = std::string::npos;
    for (std::size_t at = file.size() - end_size + 1; at-- > lowest;)
        if (u32(file, at) == end_signature) {
            end = at;
            break;
        }
    if (end == std::string::npos)
        fail(path, "no ZIP end record: not an .npz archive");
    const std::size_t count = u16(file, end + 10), directory_size = u32(file, end + 12), directory = u32(file, end + 16);
    if (directory + directory_size > end)
        fail(path, fmt::format("central directory at {} ({} bytes) runs past its end record at {}", directory,
                               directory_size, end));
    std::vector<std::pair<std::string, std::string>> members;
    std::size_t at = directory;
    for (std::size_t i = 0; i < count; ++i) {
        if (at + central_size > end || u32(file, at) != central_signature)
            fail(path, fmt::format("central directory entry {} is missing or corrupt", i));
        const std::size_t method = u16(file, at + 10), crc = u32(file, at + 16), packed_size = u32(file, at + 20),
                          size = u32(file, at + 24), name_length = u16(file, at + 28),
                          skip = name_length + u16(file, at + 30) + u16(file, at + 32), local = u32(file, at + 42);
        if (at + central_size + skip > end)
            fail(path, fmt::format("central directory entry {} runs past the directory", i));
        const std::string name = file.substr(at + central_size, name_length);
        const std::string where = fmt::format("{}: member '{}'", path, name);
        at += central_size + skip;
        if (name.size() < 5 || name.compare(name.size() - 4, 4, ".npy") != 0)
            fail(where, "not a .npy array");
        if (packed_size == 0xffffffff || size == 0xffffffff)
            fail(where, "a ZIP64 member (over 4 GB), which this reader does not take");
        if (local + local_size > file.size() || u32(file, local) != local_signature)
            fail(where, fmt::format("no local header at offset {}", local));
        const std::size_t data = local + local_size + u16(file, local + 26) + u16(file, local + 28);
        if (data + packed_size > file.size())
            fail(where, fmt::format("{} bytes of data at offset {} run past the end of the file ({} bytes)", packed_size,
                                    data, file.size()));
        const std::string packed = file.substr(data, packed_size);
        std::string bytes;
        if (method == 0) {
            if (packed_size != size)
                fail(where, fmt::format("stored with {} bytes but stating {}", packed_size, size));
            bytes = packed;
        } else if (method == 8) {
            if (size / 1032 > packed_size)  // deflate's best ratio is 1032:1: checked before allocating `size`
                fail(where, fmt::format("states {} bytes, more than deflate can make of its {}", size, packed_size));
            bytes = inflate_member(where, packed, size);
        } else {
            fail(where, fmt::format("compression method {}: only stored (0) and deflate (8) are read", method));
        }
        if (crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())) != crc)
            fail(where, "CRC mismatch: the data is corrupt");
        members.emplace_back(name.substr(0, name.size() - 4), std::move(bytes));
    }
    return members;
}

} // namespace aegrad::data
