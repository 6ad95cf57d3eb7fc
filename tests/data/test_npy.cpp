// NumPy files: arrays of each supported dtype built byte by byte from the format's definition read back as
// their values; every malformed file is an error naming the file and the field.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/data/npy.hpp>
#include "helpers.hpp"
#include "npy_bytes.hpp"

using namespace aegrad;
using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_npy_{}_{}", getpid(), name)).string();
}

std::string write(const std::string& name, const std::string& bytes) {
    const auto path = temp_path(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

template <class T> std::string raw(std::initializer_list<T> values) {
    std::string out;
    for (T v : values)
        out.append(reinterpret_cast<const char*>(&v), sizeof v);
    return out;
}

std::string error_of(const std::string& path) {
    try {
        read_npy(path);
    } catch (const DataError& e) {
        return e.what();
    }
    return "no error";
}
} // namespace

TEST_CASE("float32, float64, integer and byte arrays read back as their values, bytes kept as bytes") {
    const auto f4 = write("f4.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                                             raw<float>({1.5f, -2, 0, 3.25f, 1e-7f, 7})));
    const NpyArray a = read_npy(f4);
    CHECK(a.shape == Shape{2, 3});
    REQUIRE_FALSE(a.is_bytes());
    CHECK(a.floats(0, 0) == 1.5f);
    CHECK(a.floats(1, 1) == 1e-7f);
    CHECK(a.floats(1, 2) == 7.0f);

    const auto f8 = write("f8.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                                             raw<double>({0.1, -1e300 / 1e290, 2})));
    const NpyArray b = read_npy(f8);
    CHECK(b.shape == Shape{3});
    CHECK(b.floats(0) == 0.1f);
    CHECK(b.floats(1) == doctest::Approx(-1e10));

    // Big-endian 32-bit integers: 1 and -2 written most significant byte first.
    const auto be = write("be.npy", npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (2, 1), }",
                                             std::string("\0\0\0\x01\xff\xff\xff\xfe", 8)));
    const NpyArray c = read_npy(be);
    CHECK(c.floats(0, 0) == 1.0f);
    CHECK(c.floats(1, 0) == -2.0f);

    const auto u1 = write("u1.npy", npy_bytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }",
                                             std::string("\x00\x01\x7f\x80\xfe\xff\x10\x20", 8)));
    const NpyArray d = read_npy(u1);
    REQUIRE(d.is_bytes());
    CHECK(d.shape == Shape{2, 2, 2});
    CHECK(int(d.bytes(1, 0, 1)) == 255);
    CHECK(int(d.bytes(0, 1, 1)) == 128);

    // Format 2.0 has a 4-byte header length.
    const auto v2 = write("v2.npy", npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                                             raw<std::int64_t>({-5, 1LL << 40}), 2));
    CHECK(read_npy(v2).floats(1) == doctest::Approx(1099511627776.0));
    for (const auto& p : {f4, f8, be, u1, v2})
        fs::remove(p);
}

TEST_CASE("Labels come from integer files, or float files of whole numbers, shaped [N] or [N, 1]") {
    const auto i8 = write("labels.npy", npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }",
                                                 raw<std::int64_t>({3, 0, 9, 1})));
    CHECK(read_npy_labels(i8) == std::vector<int>{3, 0, 9, 1});
    const auto col = write("col.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }",
                                               raw<double>({1, 0})));
    CHECK(read_npy_labels(col) == std::vector<int>{1, 0});
    const auto frac = write("frac.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                                                 raw<float>({1, 0.5f})));
    CHECK_THROWS_WITH_AS(read_npy_labels(frac), doctest::Contains("label 1 is 0.5, not an integer"), DataError);
    const auto wide = write("wide.npy", npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }",
                                                 raw<std::int32_t>({1, 2})));
    CHECK_THROWS_WITH_AS(read_npy_labels(wide), doctest::Contains("expected [N] or [N, 1]"), DataError);
    for (const auto& p : {i8, col, frac, wide})
        fs::remove(p);
}

TEST_CASE("A written array reads back exactly, and its data starts on a 64-byte boundary") {
    Array<float> x = Array<float>::from_shape({3, 5});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<float>(i) * 0.37f - 2.0f;
    const auto path = temp_path("written.npy");
    write_npy(path, x);
    const NpyArray back = read_npy(path);
    CHECK(back.dtype == "<f4");
    CHECK(back.shape == Shape{3, 5});
    CHECK(std::equal(x.begin(), x.end(), back.floats.begin()));
    CHECK((fs::file_size(path) - x.size() * 4) % 64 == 0);
    Array<float> one = Array<float>::from_shape({4});
    one.fill(1.0f);
    write_npy(path, one);
    CHECK(read_npy(path).shape == Shape{4});
    fs::remove(path);
    CHECK_THROWS_AS(write_npy((fs::temp_directory_path() / "no/such/folder/x.npy").string(), x), std::runtime_error);
}

TEST_CASE("Each malformed file is an error naming the file and what is wrong") {
    const std::string ok_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
    const std::string data = raw<float>({1, 2, 3, 4});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {npy_bytes(ok_dict, data).substr(0, npy_bytes(ok_dict, data).size() - 3), "truncated"},
        {npy_bytes(ok_dict, data).substr(0, 70), "header length 118 runs past the end"},
        {npy_bytes(ok_dict, data + "xx"), "trailing bytes"},
        {std::string("\x93NUMPX\x01\x00", 8) + npy_bytes(ok_dict, data).substr(8), "not a .npy file"},
        {"\x93NU", "too short"},
        {npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", raw<float>({1, 2, 3, 4})),
         "'descr' is '<c8'"},
        {npy_bytes("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", std::string(12, 'a')), "'<U3'"},
        {npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", raw<float>({1})),
         "structured arrays are not supported"},
        {npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data), "C-order"},
        {npy_bytes("{'descr': '<f4', 'shape': (2, 2), }", data), "'fortran_order' is missing"},
        {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", raw<float>({1})), "a scalar"},
        {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", data),
         "needs more bytes than memory can address"},
        // No element, but its first stride overflows (found by fuzzing: undefined behaviour in xtensor).
        {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296, 4), }", ""),
         "needs more bytes than memory can address"},
        {npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000,), }", data), "truncated"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        CAPTURE(i);
        const auto path = write(fmt::format("bad{}.npy", i), cases[i].first);
        const std::string message = error_of(path);
        CHECK(message.find(path) == 0);
        CHECK_MESSAGE(message.find(cases[i].second) != std::string::npos, message);
        fs::remove(path);
    }
    CHECK(error_of(temp_path("missing.npy")).find("cannot open") != std::string::npos);
}
