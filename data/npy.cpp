#include <aegrad/data/npy.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include <aegrad/data/array_bytes.hpp>
#include <aegrad/data/atomic_file.hpp>

namespace aegrad::data {

namespace {
[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw DataError(fmt::format("{}: {}", path, what));
}

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
// Returns the text after `key`'s colon, or fails naming the missing field.
std::string field(const std::string& path, const std::string& header, const std::string& key) {
    const std::string quoted = "'" + key + "'";
    auto at = header.find(quoted);
    if (at == std::string::npos)
        fail(path, fmt::format("header field '{}' is missing (header: {})", key, header));
    at = header.find(':', at + quoted.size());
    if (at == std::string::npos)
        fail(path, fmt::format("header field '{}' has no value", key));
    return header.substr(at + 1);
}

std::string trim_left(const std::string& s) { return s.substr(std::min(s.size(), s.find_first_not_of(" \t"))); }

std::string parse_descr(const std::string& path, const std::string& header) {
    const std::string v = trim_left(field(path, header, "descr"));
    if (v.empty() || v[0] != '\'')
        fail(path, fmt::format("header field 'descr' is not a simple type string ({}): structured arrays are "
                               "not supported",
                               v.substr(0, 40)));
    const auto end = v.find('\'', 1);
    if (end == std::string::npos)
        fail(path, "header field 'descr' is an unterminated string");
    return v.substr(1, end - 1);
}

bool parse_fortran_order(const std::string& path, const std::string& header) {
    const std::string v = trim_left(field(path, header, "fortran_order"));
    if (v.rfind("False", 0) == 0)
        return false;
    if (v.rfind("True", 0) == 0)
        return true;
    fail(path, fmt::format("header field 'fortran_order' is neither True nor False ({})", v.substr(0, 20)));
}

Shape parse_shape(const std::string& path, const std::string& header) {
    const std::string v = trim_left(field(path, header, "shape"));
    if (v.empty() || v[0] != '(' || v.find(')') == std::string::npos)
        fail(path, fmt::format("header field 'shape' is not a tuple ({})", v.substr(0, 40)));
    Shape shape;
    const std::string inside = v.substr(1, v.find(')') - 1);
    std::size_t at = 0;
    while (at < inside.size()) {
        at = inside.find_first_not_of(" ,", at);
        if (at == std::string::npos)
            break;
        std::size_t used = 0;
        unsigned long long dim = 0;
        try {
            dim = std::stoull(inside.substr(at), &used);
        } catch (const std::exception&) {
            fail(path, fmt::format("header field 'shape' holds '{}', not a size", inside.substr(at, 20)));
        }
        if (inside[at] == '-')
            fail(path, "header field 'shape' holds a negative size");
        shape.push_back(static_cast<std::size_t>(dim));
        at += used;
    }
    return shape;
}

// One element type numpy names as <byte order><kind><size>: '<f4', '>i8', '|u1'.
struct ElementType {
    char order, kind;
    std::size_t size;
};

ElementType parse_element_type(const std::string& path, const std::string& descr) {
    const auto fail_type = [&] {
        fail(path, fmt::format("header field 'descr' is '{}': only float32/float64 and integer arrays are "
                               "supported (numpy dtypes f4, f8, u1..u8, i1..i8)",
                               descr));
    };
    if (descr.size() < 2)
        fail_type();
    const bool ordered = descr[0] == '<' || descr[0] == '>' || descr[0] == '|' || descr[0] == '=';
    const ElementType t{ordered ? descr[0] : '=', ordered ? descr[1] : descr[0],
                        static_cast<std::size_t>(std::atoi(descr.c_str() + (ordered ? 2 : 1)))};
    const bool floating = t.kind == 'f' && (t.size == 4 || t.size == 8);
    const bool integer = (t.kind == 'i' || t.kind == 'u') && (t.size == 1 || t.size == 2 || t.size == 4 || t.size == 8);
    if (!floating && !integer)
        fail_type();
    return t;
}

// Element i of the raw data as a double (exact for every value but 64-bit integers beyond 2^53).
double element(const unsigned char* raw, std::size_t i, const ElementType& t) {
    std::uint64_t bits = 0;  // the element in the low bytes, little-endian as this machine (the build requires)
    std::memcpy(&bits, raw + i * t.size, t.size);
    if (t.order == '>')
        bits = __builtin_bswap64(bits) >> (64 - 8 * t.size);
    const auto* b = reinterpret_cast<const unsigned char*>(&bits);
    switch (t.kind == 'f' ? t.size * 10 : t.kind == 'i' ? t.size : t.size + 100) {
    case 40: { float v; std::memcpy(&v, b, 4); return v; }
    case 80: { double v; std::memcpy(&v, b, 8); return v; }
    case 1: { std::int8_t v; std::memcpy(&v, b, 1); return v; }
    case 2: { std::int16_t v; std::memcpy(&v, b, 2); return v; }
    case 4: { std::int32_t v; std::memcpy(&v, b, 4); return v; }
    case 8: { std::int64_t v; std::memcpy(&v, b, 8); return static_cast<double>(v); }
    case 101: return b[0];
    case 102: { std::uint16_t v; std::memcpy(&v, b, 2); return v; }
    case 104: { std::uint32_t v; std::memcpy(&v, b, 4); return v; }
    default: { std::uint64_t v; std::memcpy(&v, b, 8); return static_cast<double>(v); }
    }
}

struct RawNpy {
    std::string descr;
    ElementType type;
    Shape shape;
    std::size_t count = 0;
    std::vector<unsigned char> data;
};

// `path` names the stream in errors; `file_size` is its length in bytes.
RawNpy read_raw(std::istream& in, std::size_t file_size, const std::string& path) {
    unsigned char preamble[10];
    if (!in.read(reinterpret_cast<char*>(preamble), 10))
        fail(path, "too short for a .npy preamble (10 bytes)");
    if (std::memcmp(preamble, "\x93NUMPY", 6) != 0)
        fail(path, "wrong magic string: not a .npy file");
    const int major = preamble[6];
    if (major < 1 || major > 3)
        fail(path, fmt::format("format version {}.{} is not 1.0, 2.0 or 3.0", major, int(preamble[7])));
    std::size_t header_len = preamble[8] | (std::size_t(preamble[9]) << 8), offset = 10;
    if (major >= 2) {  // a 4-byte length
        unsigned char more[2];
        if (!in.read(reinterpret_cast<char*>(more), 2))
            fail(path, "too short for a version 2 header length");
        header_len |= (std::size_t(more[0]) << 16) | (std::size_t(more[1]) << 24);
        offset = 12;
    }
    if (offset + header_len > file_size)
        fail(path, fmt::format("header length {} runs past the end of the file ({} bytes)", header_len, file_size));
    std::string header(header_len, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(header_len)))
        fail(path, "header cut short");
    RawNpy raw;
    raw.descr = parse_descr(path, header);
    raw.type = parse_element_type(path, raw.descr);
    if (parse_fortran_order(path, header))
        fail(path, "header field 'fortran_order' is True: save a C-order array (numpy.ascontiguousarray)");
    raw.shape = parse_shape(path, header);
    if (raw.shape.empty())
        fail(path, "header field 'shape' is (): a scalar, not an array of samples");
    const std::optional<std::size_t> declared = checked_array_bytes(raw.shape, raw.type.size);
    if (!declared)
        fail(path, fmt::format("header field 'shape' {} needs more bytes than memory can address", shape_str(raw.shape)));
    const std::size_t bytes = *declared, count = bytes / raw.type.size;
    const std::size_t have = file_size - offset - header_len;
    if (have != bytes)  // checked before allocating: a forged shape costs nothing
        fail(path, fmt::format("shape {} of {} needs {} data bytes but the file holds {} ({})", shape_str(raw.shape),
                               raw.descr, bytes, have, have < bytes ? "truncated" : "trailing bytes"));
    raw.count = count;
    raw.data.resize(bytes);
    if (!in.read(reinterpret_cast<char*>(raw.data.data()), static_cast<std::streamsize>(bytes)))
        fail(path, fmt::format("data cut short after {} of {} bytes", in.gcount(), bytes));
    return raw;
}

RawNpy read_raw(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path, "cannot open (missing or unreadable)");
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        fail(path, "cannot tell its size: " + ec.message());
    return read_raw(in, size, path);
}

NpyArray to_array(const RawNpy& raw) {
    NpyArray out;
    out.dtype = raw.descr;
    out.shape = raw.shape;
    if (out.is_bytes()) {
        out.bytes = Array<std::uint8_t>::from_shape(raw.shape);
        std::copy(raw.data.begin(), raw.data.end(), out.bytes.data());
        return out;
    }
    out.floats = Array<float>::from_shape(raw.shape);
    float* values = out.floats.data();
    for (std::size_t i = 0; i < raw.count; ++i)
        values[i] = static_cast<float>(element(raw.data.data(), i, raw.type));
    return out;
}

std::vector<int> to_labels(const RawNpy& raw, const std::string& path) {
    if (raw.shape.size() > 2 || (raw.shape.size() == 2 && raw.shape[1] != 1))
        fail(path, fmt::format("labels have shape {}: expected [N] or [N, 1]", shape_str(raw.shape)));
    std::vector<int> labels(raw.count);
    for (std::size_t i = 0; i < raw.count; ++i) {
        const double v = element(raw.data.data(), i, raw.type);
        if (!(v == std::floor(v) && v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()))
            fail(path, fmt::format("label {} is {}, not an integer", i, v));
        labels[i] = static_cast<int>(v);
    }
    return labels;
}

} // namespace

NpyArray read_npy(const std::string& path) { return to_array(read_raw(path)); }

NpyArray read_npy(const std::string& name, const std::string& bytes) {
    std::istringstream in(bytes);
    return to_array(read_raw(in, bytes.size(), name));
}

std::vector<int> read_npy_labels(const std::string& path) { return to_labels(read_raw(path), path); }

std::vector<int> read_npy_labels(const std::string& name, const std::string& bytes) {
    std::istringstream in(bytes);
    return to_labels(read_raw(in, bytes.size(), name), name);
}

void write_npy(const std::string& path, const Array<float>& values) {
    std::string shape;
    for (std::size_t d : values.shape())
        shape += fmt::format("{}, ", d);
    if (values.dimension() > 1)
        shape.resize(shape.size() - 2);  // (3, 4); a 1-d shape keeps its comma: (3,)
    else if (!shape.empty())
        shape.resize(shape.size() - 1);
    std::string header = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", shape);
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');  // numpy aligns the data to 64 bytes
    header += '\n';
    write_file_atomically(path, [&](std::ostream& out) {
        out.write("\x93NUMPY\x01\x00", 8);
        const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
        out.write(len, 2);
        out << header;
        out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
    });
}

} // namespace aegrad::data
