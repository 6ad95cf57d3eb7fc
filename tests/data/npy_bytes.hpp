#pragma once
// A .npy file's bytes built from the format's definition, for tests of the reader.
#include <string>

// A version-1 file: magic, version, little-endian header length, the header padded to 64 bytes, the data.
inline std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
    std::string header = dict;
    const std::size_t preamble = major == 1 ? 10 : 12;
    header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    if (major != 1)
        out += std::string(2, '\0');
    return out + header + data;
}
