// NPZ archives built byte by byte from the ZIP format's definition: a good one reads back its members, and
// a member whose stated size no deflate stream of its length can reach is refused before that size is
// allocated (fuzzing found 4 GB allocated for an archive of 200 bytes).
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <zlib.h>

#include <aegrad/data/npz.hpp>
#include "helpers.hpp"

using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
void put16(std::string& s, std::uint32_t v) { s += {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)}; }
void put32(std::string& s, std::uint32_t v) { put16(s, v & 0xffff), put16(s, v >> 16); }

// A ZIP archive of one member `name` holding `packed` (compression `method`), stating `size` bytes and `crc`.
std::string zip_of_one(const std::string& name, std::uint16_t method, const std::string& packed, std::uint32_t size,
                       std::uint32_t crc) {
    const auto fields = [&](std::string& s) {  // shared by the local header and the directory entry
        put16(s, 20), put16(s, 0), put16(s, method), put16(s, 0), put16(s, 0);
        put32(s, crc), put32(s, static_cast<std::uint32_t>(packed.size())), put32(s, size);
        put16(s, static_cast<std::uint32_t>(name.size())), put16(s, 0);
    };
    std::string zip;
    put32(zip, 0x04034b50), fields(zip), zip += name + packed;
    const auto directory = static_cast<std::uint32_t>(zip.size());
    put32(zip, 0x02014b50), put16(zip, 20), fields(zip);
    put16(zip, 0), put16(zip, 0), put16(zip, 0), put32(zip, 0), put32(zip, 0), zip += name;
    const auto directory_size = static_cast<std::uint32_t>(zip.size()) - directory;
    put32(zip, 0x06054b50), put16(zip, 0), put16(zip, 0), put16(zip, 1), put16(zip, 1);
    put32(zip, directory_size), put32(zip, directory), put16(zip, 0);
    return zip;
}

std::string write(const std::string& bytes) {
    const auto path = (fs::temp_directory_path() / fmt::format("aegrad_npz_{}.npz", getpid())).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::uint32_t crc_of(const std::string& s) {
    return static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}
} // namespace

TEST_CASE("An archive built from the ZIP format's definition reads back its member") {
    const std::string member = "not checked here: read_npy reads it";
    const auto path = write(zip_of_one("x.npy", 0, member, static_cast<std::uint32_t>(member.size()), crc_of(member)));
    const auto members = read_npz(path);
    REQUIRE(members.size() == 1);
    CHECK(members[0].first == "x");
    CHECK(members[0].second == member);
    fs::remove(path);
}

TEST_CASE("A deflated member stating more than deflate can make of its bytes is refused before allocating") {
    // 5 bytes of deflate make at most 5 x 1032 bytes; 0xfffffffe stated would be 4 GB allocated.
    const auto path = write(zip_of_one("x.npy", 8, std::string(5, '\0'), 0xfffffffe, 0));
    CHECK_THROWS_WITH_AS(read_npz(path), doctest::Contains("member 'x.npy': states 4294967294 bytes, more than deflate can make of its 5"),
                         DataError);
    CHECK_THROWS_WITH_AS(read_npz(path), doctest::Contains(path.c_str()), DataError);
    fs::remove(path);
}
