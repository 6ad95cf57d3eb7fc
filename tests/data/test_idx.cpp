// The IDX reader on good files and on every kind of bad one, plain and gzip-compressed.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <zlib.h>

#include <aegrad/data/idx.hpp>
#include <aegrad/data/mnist.hpp>
#include "helpers.hpp"

using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
std::string temp_dir() {
    auto dir = fs::temp_directory_path() / fmt::format("aegrad_idx_{}", getpid());
    fs::create_directories(dir);
    return dir.string();
}

// An unsigned-byte IDX file's bytes: magic, big-endian dims, then data.
std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& data) {
    std::string out{0, 0, 8, static_cast<char>(dims.size())};
    for (auto d : dims)
        for (int shift = 24; shift >= 0; shift -= 8)
            out += static_cast<char>((d >> shift) & 0xff);
    out.append(data.begin(), data.end());
    return out;
}

void write_plain(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

void write_gz(const std::string& path, const std::string& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}

std::vector<std::uint8_t> ramp(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(i * 7);
    return v;
}
} // namespace

TEST_CASE("A good IDX file reads back its dimensions and bytes, plain or gzip") {
    const auto dir = temp_dir();
    const auto bytes = idx_bytes({3, 2, 4}, ramp(24));
    write_plain(dir + "/a.idx", bytes);
    write_gz(dir + "/a.idx.gz", bytes);
    for (const std::string name : {"/a.idx", "/a.idx.gz"}) {
        auto a = read_idx(dir + name);
        CHECK(a.dims == aegrad::Shape{3, 2, 4});
        CHECK(a.bytes == ramp(24));
    }
    fs::remove_all(dir);
}

TEST_CASE("IDX files of every other element type read back their values, big-endian as the format defines") {
    const auto dir = temp_dir();
    const auto typed = [&](std::uint8_t type, const std::string& data) {
        std::string b = idx_bytes({2}, {});
        b[2] = static_cast<char>(type);
        write_plain(dir + "/typed", b + data);
        return read_idx(dir + "/typed");
    };
    const auto a = typed(0x09, std::string("\xff\x7f", 2));  // signed bytes -1, 127
    CHECK(a.type == 0x09);
    CHECK(a.bytes.empty());
    CHECK(a.values == std::vector<float>{-1, 127});
    CHECK(typed(0x0B, std::string("\x01\x00\xff\xfe", 4)).values == std::vector<float>{256, -2});
    CHECK(typed(0x0C, std::string("\x00\x01\x00\x00\xff\xff\xff\xff", 8)).values == std::vector<float>{65536, -1});
    // float 1.5 is 0x3FC00000, float -2 is 0xC0000000; double 0.25 is 0x3FD0000000000000.
    CHECK(typed(0x0D, std::string("\x3f\xc0\x00\x00\xc0\x00\x00\x00", 8)).values == std::vector<float>{1.5f, -2.0f});
    CHECK(typed(0x0E, std::string("\x3f\xd0\0\0\0\0\0\0\xc0\0\0\0\0\0\0\0", 16)).values ==
          std::vector<float>{0.25f, -2.0f});
    fs::remove_all(dir);
}

TEST_CASE("Bad IDX files raise errors naming the file and what is wrong") {
    const auto dir = temp_dir();
    const auto good = idx_bytes({3, 2, 4}, ramp(24));
    auto expect = [&](const std::string& name, const std::string& fragment) {
        CAPTURE(name);
        CHECK_THROWS_WITH_AS(read_idx(dir + "/" + name), doctest::Contains((dir + "/" + name).c_str()), IdxError);
        CHECK_THROWS_WITH_AS(read_idx(dir + "/" + name), doctest::Contains(fragment.c_str()), IdxError);
    };
    SUBCASE("wrong magic") {
        std::string b = good;
        b[0] = 0x1f;
        write_plain(dir + "/magic", b);
        expect("magic", "wrong magic number");
    }
    SUBCASE("an element type the format does not define") {
        std::string b = good;
        b[2] = 0x0a;
        write_plain(dir + "/type", b);
        expect("type", "element type 0x0a is none of the IDX types");
    }
    SUBCASE("floats where bytes were declared: the size does not match") {
        std::string b = good;
        b[2] = 0x0d;
        write_plain(dir + "/float", b);
        expect("float", "need 96 data bytes but the file holds 24");
    }
    SUBCASE("short file") {
        write_plain(dir + "/short", good.substr(0, 3));
        expect("short", "too short");
        write_plain(dir + "/cut-header", good.substr(0, 10));
        expect("cut-header", "declares 3 dimensions");
    }
    SUBCASE("count mismatch: truncated data, trailing data") {
        write_plain(dir + "/truncated", good.substr(0, good.size() - 5));
        expect("truncated", "need 24 data bytes but the file holds 19 (truncated)");
        write_plain(dir + "/trailing", good + "xx");
        expect("trailing", "trailing bytes");
    }
    SUBCASE("gzip stream cut in the middle") {
        write_gz(dir + "/full.gz", idx_bytes({100, 28, 28}, ramp(78400)));
        std::ifstream in(dir + "/full.gz", std::ios::binary);
        std::string gz((std::istreambuf_iterator<char>(in)), {});
        write_plain(dir + "/cut.gz", gz.substr(0, gz.size() / 2));
        expect("cut.gz", "gzip stream is corrupt or cut short");
    }
    SUBCASE("gzip: a bomb, trailing garbage, a header larger than any stream of its size") {
        // 10 bytes declared, 50 MB of zeros inflated: refused one chunk past the 10 bytes, not after 50 MB.
        write_gz(dir + "/bomb.gz", idx_bytes({10}, std::vector<std::uint8_t>(50u << 20, 0)));
        expect("bomb.gz", "the header declares 18 bytes but the gzip stream inflates to more");
        write_gz(dir + "/ok.gz", good);
        std::ifstream in(dir + "/ok.gz", std::ios::binary);
        const std::string gz((std::istreambuf_iterator<char>(in)), {});
        write_plain(dir + "/garbage.gz", gz + "garbage");
        expect("garbage.gz", "7 bytes of trailing garbage after the gzip stream");
        write_gz(dir + "/huge.gz", idx_bytes({65535, 65535, 255}, ramp(100)));
        expect("huge.gz", "more than a gzip stream of");
    }
    SUBCASE("no element, but strides that overflow") {
        write_plain(dir + "/strides", idx_bytes({0, 0xffffffff, 0xffffffff, 0xffffffff}, {}));
        expect("strides", "overflow");
    }
    SUBCASE("missing file") { expect("nope", "cannot open"); }
    fs::remove_all(dir);
}

TEST_CASE("An MNIST-format folder loads its bytes with labels, and mismatched counts are refused") {
    const auto dir = temp_dir();
    write_gz(dir + "/train-images-idx3-ubyte.gz", idx_bytes({4, 2, 3}, ramp(24)));
    write_plain(dir + "/train-labels-idx1-ubyte", idx_bytes({4}, {3, 1, 4, 1}));
    write_plain(dir + "/t10k-images-idx3-ubyte", idx_bytes({2, 2, 3}, ramp(12)));
    write_plain(dir + "/t10k-labels-idx1-ubyte", idx_bytes({3}, {0, 1, 2}));
    auto train = load_mnist(dir, Split::train);
    CHECK(train.size() == 4);
    CHECK(train.pixels.shape() == aegrad::Shape{4, 6});
    CHECK(train.pixels(1, 0) == 42);  // the file's byte 6 * 7, kept as it is
    CHECK(train.labels == std::vector<int>{3, 1, 4, 1});
    CHECK(load_mnist(dir, Split::train, 2).size() == 2);
    CHECK_THROWS_WITH_AS(load_mnist(dir, Split::test), doctest::Contains("holds 2 images but"), IdxError);
    CHECK_THROWS_WITH_AS(load_mnist(dir + "/missing", Split::train), doctest::Contains("no train-images-idx3-ubyte"),
                         IdxError);
    fs::remove_all(dir);
}

TEST_CASE("The real Fashion-MNIST files load: 60,000 + 10,000 images of 28 x 28 (slice of the first 100)") {
    if (!fs::exists(kFashionMnistDir)) {
        MESSAGE("dataset-fashion-mnist is not installed; skipped");
        return;
    }
    auto test = load_mnist(kFashionMnistDir, Split::test, 100);
    CHECK(test.rows == 28);
    CHECK(test.cols == 28);
    CHECK(test.size() == 100);
    CHECK(test.labels[0] == 9);  // the first test image is an ankle boot
    CHECK(xt::amax(test.pixels)() == 255);  // some pixel is white
    CHECK(xt::amin(test.pixels)() == 0);
}
