// Datasets from any supported file, seeded splits, and per-feature scaling fitted on the training part.
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include <fmt/format.h>

#include <aegrad/data/dataset.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/data/scaler.hpp>
#include "helpers.hpp"
#include "npy_bytes.hpp"

using namespace aegrad;
using namespace aegrad::data;
namespace fs = std::filesystem;

namespace {
std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_ds_{}_{}", getpid(), name)).string();
}

std::string npy(const std::string& name, const std::string& descr, const std::string& shape, const std::string& data) {
    const auto path = temp_path(name);
    std::ofstream(path, std::ios::binary)
        << npy_bytes(fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, shape), data);
    return path;
}

std::string floats(std::initializer_list<float> values) {
    return std::string(reinterpret_cast<const char*>(values.begin()), values.size() * sizeof(float));
}
} // namespace

TEST_CASE("A CSV table and NPY arrays load as samples of their shape, bytes kept as bytes") {
    const auto csv = temp_path("t.csv");
    std::ofstream(csv) << "a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n";
    const Dataset t = load_dataset(csv, DatasetOptions().label_column("kind"));
    CHECK(t.size() == 3);
    CHECK(t.sample == Shape{2});
    CHECK_FALSE(t.is_image());
    CHECK(t.labels == std::vector<int>{1, 0, 1});
    CHECK(t.classes == std::vector<std::string>{"cat", "dog"});
    CHECK(t.rows().slice(2, 3)(0, 1) == 6.0f);

    // Images [N, H, W] of bytes, labels from a second file.
    const auto images = npy("img.npy", "|u1", "(2, 2, 3)", std::string("\x00\x33\x66\x99\xcc\xff\x01\x02\x03\x04\x05\xff", 12));
    const auto labels = npy("lab.npy", "<f4", "(2,)", floats({7, 2}));
    const Dataset im = load_dataset(images, DatasetOptions().labels(labels));
    CHECK(im.is_image());
    CHECK(im.sample == Shape{2, 3});
    CHECK(im.bytes.shape() == Shape{2, 6});
    CHECK(im.rows().slice(0, 1)(0, 5) == 1.0f);  // byte 255 seen as 1
    CHECK(im.labels == std::vector<int>{7, 2});
    CHECK(load_dataset(images, DatasetOptions().limit(1)).size() == 1);

    // An IDX file of int16 values [2, 3]: floats, one sample a row.
    const auto idx = temp_path("v.idx");
    std::ofstream(idx, std::ios::binary) << std::string("\0\0\x0b\x02\0\0\0\x02\0\0\0\x03", 12)
                                         << std::string("\0\x01\0\x02\0\x03\xff\xff\0\x05\x01\0", 12);
    const Dataset v = load_dataset(idx);
    CHECK_FALSE(v.has_bytes());
    CHECK(v.sample == Shape{3});
    CHECK(v.floats == Array<float>({{1, 2, 3}, {-1, 5, 256}}));
    fs::remove(idx);

    const auto three = npy("three.npy", "<f4", "(3,)", floats({1, 2, 3}));
    CHECK_THROWS_WITH_AS(load_dataset(images, DatasetOptions().labels(three)),
                         doctest::Contains("holds 3 labels but"), DataError);
    const auto nan = npy("nan.npy", "<f4", "(2, 2)", floats({1, 2, NAN, 4}));
    CHECK_THROWS_WITH_AS(load_dataset(nan), doctest::Contains("sample 1, value 0 is nan"), DataError);
    CHECK_THROWS_WITH_AS(load_dataset(csv, DatasetOptions().labels(labels)), doctest::Contains("a label column"), DataError);
    CHECK_THROWS_WITH_AS(load_dataset(temp_path("x.parquet")), doctest::Contains("no such file"), DataError);
    std::ofstream(temp_path("x.parquet")) << "PAR1";
    CHECK_THROWS_WITH_AS(load_dataset(temp_path("x.parquet")), doctest::Contains("unknown kind of file"), DataError);
    for (const auto& p : {csv, images, labels, three, nan, temp_path("x.parquet")})
        fs::remove(p);
}

TEST_CASE("The Fashion-MNIST folder loads as 28 x 28 byte images with class names") {
    if (!fs::exists(kFashionMnistDir)) {
        MESSAGE("dataset-fashion-mnist is not installed; skipped");
        return;
    }
    const Dataset d = load_dataset(kFashionMnistDir, DatasetOptions().limit(5), Split::test);
    CHECK(d.size() == 5);
    CHECK(d.sample == Shape{28, 28});
    CHECK(d.classes.size() == 10);
    CHECK(d.labels.size() == 5);
}

TEST_CASE("A seeded split is a partition, the same for the same seed, its labels following their samples") {
    Dataset d;
    d.sample = {1};
    d.floats = Array<float>::from_shape({50, 1});
    for (int i = 0; i < 50; ++i) {
        d.floats(i, 0) = static_cast<float>(i);
        d.labels.push_back(i % 7);
    }
    const auto [train, test] = split_dataset(d, 0.1, 3);
    CHECK(train.size() == 45);
    CHECK(test.size() == 5);
    std::set<int> seen;
    for (const auto* part : {&train, &test})
        for (std::size_t i = 0; i < part->size(); ++i) {
            const int v = static_cast<int>(part->floats(i, 0));
            CHECK(part->labels[i] == v % 7);
            seen.insert(v);
        }
    CHECK(seen.size() == 50);
    CHECK(split_dataset(d, 0.1, 3).second.floats == test.floats);
    CHECK_FALSE(split_dataset(d, 0.1, 4).second.floats == test.floats);
    CHECK(split_dataset(d, 0.001, 1).second.size() == 1);  // at least one each side
    CHECK_THROWS_AS(split_dataset(d, 1.0, 1), std::invalid_argument);
    CHECK_THROWS_AS(split_dataset(d.subset({0}), 0.5, 1), std::invalid_argument);
}

TEST_CASE("Scalers fit on the training rows and apply the same transform to others") {
    Array<float> train = {{1, 10, 5}, {3, 30, 5}, {5, 20, 5}};
    SUBCASE("minmax: each training column to [0, 1]; a constant column to 0") {
        const Scaler s = Scaler::fit(Scaling::minmax, train);
        Array<float> x = train;
        s.apply(x);
        CHECK(x == Array<float>({{0, 0, 0}, {0.5, 1, 0}, {1, 0.5, 0}}));
        Array<float> other = {{7, 0, 6}};  // outside the training range: scaled the same way, not clipped
        s.apply(other);
        CHECK(other(0, 0) == doctest::Approx(1.5));
        CHECK(other(0, 1) == doctest::Approx(-0.5));
        CHECK(other(0, 2) == doctest::Approx(1.0));
    }
    SUBCASE("standard: each training column to mean 0, population deviation 1") {
        const Scaler s = Scaler::fit(Scaling::standard, train);
        Array<float> x = train;
        s.apply(x);
        // Column 0 is 1, 3, 5: mean 3, deviation sqrt(8/3).
        CHECK(x(0, 0) == doctest::Approx(-2 / std::sqrt(8.0 / 3)));
        CHECK(x(2, 1) == doctest::Approx(0.0));
        CHECK(x(1, 2) == 0.0f);
    }
    SUBCASE("stored as text and read back to the same numbers") {
        const Scaler s = Scaler::fit(Scaling::standard, train);
        const Scaler back = Scaler::deserialise(s.serialise());
        CHECK(back.kind == Scaling::standard);
        CHECK(back.offset == s.offset);
        CHECK(back.factor == s.factor);
        CHECK_THROWS_WITH_AS(Scaler::deserialise("{\"kind\":\"log\"}"), doctest::Contains("scaler metadata"),
                             std::invalid_argument);
    }
    Array<float> narrow = {{1, 2}};
    CHECK_THROWS_WITH_AS(Scaler::fit(Scaling::minmax, train).apply(narrow), doctest::Contains("fitted on 3 features"),
                         std::invalid_argument);
    CHECK(parse_scaling("minmax") == Scaling::minmax);
    CHECK_THROWS_AS(parse_scaling("log"), std::invalid_argument);
}
