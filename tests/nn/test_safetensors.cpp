// Saving and loading: round trips, atomic writes, and corrupt files that must raise clear errors.
#include <cstdio>
#include <functional>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include <aegrad/data/data.hpp>
#include <aegrad/nn/nn.hpp>
#include <aegrad/nn/training_state.hpp>  // TrainingState::read, one of the readers checked below

using namespace aegrad;
using namespace aegrad::nn;
namespace fs = std::filesystem;

namespace {
std::string temp_path(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_test_{}_{}", getpid(), name)).string();
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// The tied 12-6-3 autoencoder used by the file tests.
struct Tied {
    Sequential model;
    std::shared_ptr<Dense> e1, e2;
    Tied() {
        e1 = model.add(std::make_shared<Dense>(DenseOptions(12, 6).activation(Activation::relu)));
        e2 = model.add(std::make_shared<Dense>(DenseOptions(6, 3).activation(Activation::relu)));
        model.add(std::make_shared<DenseTranspose>(e2, Activation::relu));
        model.add(std::make_shared<DenseTranspose>(e1));
    }
};

std::string header_of(const std::string& bytes) {
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    return bytes.substr(8, n);
}
} // namespace

TEST_CASE("Save then load gives identical outputs, stores a tied weight once, and keeps the tie") {
    const auto path = temp_path("roundtrip.safetensors");
    manual_seed(1);
    Tied a;
    save_parameters(a.model, path, {{"model", "tied"}});
    const std::string header = header_of(slurp(path));
    CHECK(header.find("\"0.weight\"") != std::string::npos);
    CHECK(header.find("\"3.weight\"") == std::string::npos);  // the tied read is not stored again
    CHECK(header.find("\"__metadata__\"") != std::string::npos);

    manual_seed(2);
    Tied b;
    Tensor<float> x(xt::xarray<float>(xt::linspace<float>(0, 1, 24).reshape({2, 12})));
    CHECK_FALSE(xt::allclose(a.model(x).value(), b.model(x).value()));
    load_parameters(b.model, path);
    CHECK(xt::all(xt::equal(a.model(x).value(), b.model(x).value())));
    CHECK(b.model.named_parameters()[0].second.id() == b.e1->weight().id());  // loaded in place: still tied
    auto files = read_safetensors<float>(path);
    CHECK(files.size() == 6);
    fs::remove(path);
}

TEST_CASE("Writing replaces the file atomically and leaves no temporary behind") {
    const auto path = temp_path("atomic.safetensors");
    spit(path, "old contents");
    write_safetensors<float>(path, {{"x", xt::xarray<float>{1, 2, 3}}});
    CHECK(read_safetensors<float>(path)[0].second(2) == 3.0f);
    for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
        CHECK(entry.path().string().find(path + ".tmp") == std::string::npos);
    CHECK_THROWS_WITH_AS(write_safetensors<float>("/nonexistent-dir/x.safetensors", {}),
                         doctest::Contains("/nonexistent-dir/x.safetensors: cannot create"), FormatError);
    fs::remove(path);
}

TEST_CASE("Corrupt or mismatched files raise errors naming the file and the problem, and change nothing") {
    const auto good = temp_path("good.safetensors"), bad = temp_path("bad.safetensors");
    manual_seed(1);
    Tied a;
    save_parameters(a.model, good);
    const std::string bytes = slurp(good);
    const xt::xarray<float> w_before = a.e1->weight().value();
    auto expect_error = [&](const std::string& contents, const std::string& fragment) {
        spit(bad, contents);
        CAPTURE(fragment);
        CHECK_THROWS_WITH_AS(load_parameters(a.model, bad), doctest::Contains(fragment.c_str()), FormatError);
        CHECK(xt::all(xt::equal(a.e1->weight().value(), w_before)));
    };
    // A file of one tensor, 0.weight of `shape` at `offsets`, with no data bytes.
    auto header_only = [](const std::string& shape, const std::string& offsets) {
        const std::string head = fmt::format(R"({{"0.weight":{{"dtype":"F32","shape":{},"data_offsets":{}}}}})", shape, offsets);
        std::string b(8, '\0');
        const std::uint64_t n = head.size();
        std::memcpy(b.data(), &n, 8);
        return b + head;
    };
    SUBCASE("empty or shorter than the length field") { expect_error("abc", "too short"); }
    SUBCASE("truncated data") { expect_error(bytes.substr(0, bytes.size() - 10), "outside the"); }
    SUBCASE("header length past the end") {
        std::string b = bytes;
        const std::uint64_t huge = 1ull << 40;
        std::memcpy(b.data(), &huge, 8);
        expect_error(b, "runs past the end");
    }
    SUBCASE("bad JSON") {
        std::string b = bytes;
        b[8] = '[';
        b[9] = '}';
        expect_error(b, "not valid JSON");
    }
    SUBCASE("wrong dtype") {
        std::string b = bytes;
        const auto at = b.find("F32");
        b.replace(at, 3, "F16");
        expect_error(b, "has dtype F16, expected F32");
    }
    SUBCASE("missing tensor") {
        write_safetensors<float>(bad, {{"0.weight", a.e1->weight().value()}});
        CHECK_THROWS_WITH(load_parameters(a.model, bad), doctest::Contains("missing from the file: 0.bias"));
    }
    SUBCASE("extra tensor and wrong shape") {
        auto arrays = read_safetensors<float>(good);
        arrays.emplace_back("decoder.extra", xt::xarray<float>{1.0f});
        REQUIRE(arrays[0].first == "0.weight");  // the file keeps registration order
        arrays[0].second = xt::zeros<float>({3, 3});
        write_safetensors<float>(bad, arrays);
        CHECK_THROWS_WITH(load_parameters(a.model, bad), doctest::Contains("not in the model: decoder.extra"));
        CHECK_THROWS_WITH(load_parameters(a.model, bad), doctest::Contains("shape [3, 3] in the file but [12, 6]"));
    }
    SUBCASE("a shape whose size overflows to the span of its offsets") {
        // 2^62 x 4 floats wraps around to 0 bytes, which 0 offsets span: it must not reach the allocator.
        expect_error(header_only("[4611686018427387904,4]", "[0,0]"), "shape [4611686018427387904, 4] overflows");
    }
    SUBCASE("no element, but strides that overflow") {
        expect_error(header_only("[0,4294967296,4294967296]", "[0,0]"), "shape [0, 4294967296, 4294967296] overflows");
    }
    SUBCASE("sizes that are not integers >= 0 (a float converted to size_t is undefined: found by fuzzing)") {
        for (const auto& [shape, offsets] : {std::pair{"[1.11e60,4]", "[0,0]"}, {"[2,-3]", "[0,0]"}, {"[1]", "[0,4.5]"}})
            expect_error(header_only(shape, offsets), "not a list of integers >= 0");
    }
    SUBCASE("missing file") {
        CHECK_THROWS_WITH_AS(load_parameters(a.model, good + ".nope"), doctest::Contains("cannot open"), FormatError);
    }
    fs::remove(good);
    fs::remove(bad);
}

TEST_CASE("save_parameters refuses a model with a non-finite weight, naming it and its index, and keeps the old file") {
    const std::string path = temp_path("nonfinite.safetensors");
    Tied t;
    save_parameters(t.model, path);
    const std::string before = slurp(path);
    Tensor<float> weight = t.e1->weight();  // a handle to the layer's own node
    weight.mutable_value()(2, 1) = std::numeric_limits<float>::infinity();
    try {
        save_parameters(t.model, path);
        FAIL("a non-finite weight was saved");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("0.weight[2, 1] is inf") != std::string::npos);
        CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
    CHECK(slurp(path) == before);
    fs::remove(path);
}

TEST_CASE("Every reader's error is a data::DataError naming the file") {
    const std::string path = (std::filesystem::temp_directory_path() / fmt::format("aegrad_reader_{}", getpid())).string();
    const auto write = [&](const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; };
    const auto refused = [&](const std::function<void()>& read) {
        try {
            read();
        } catch (const aegrad::data::DataError& e) {
            return std::string(e.what()).find(path) != std::string::npos;
        }
        return false;
    };
    write(std::string("\x00\x00\x08\x03\x00\x00\x00\x05", 8));  // an IDX header promising 5 bytes, then nothing
    CHECK(refused([&] { aegrad::data::read_idx(path); }));
    write("\x93NUMPY\x01\x00");
    CHECK(refused([&] { aegrad::data::read_npy(path); }));
    write("a,b\n1,2\n3\n");
    CHECK(refused([&] { aegrad::data::read_csv(path); }));
    write("PK not a zip");
    CHECK(refused([&] { aegrad::data::read_npz(path); }));
    write(std::string("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": 1}", 16));
    CHECK(refused([&] { read_safetensors<float>(path); }));
    CHECK(refused([&] { read_safetensors_metadata(path); }));
    CHECK(refused([&] { TrainingState::read(path); }));
    // A number too large for a double is JSON's out_of_range, not its parse_error (found by fuzzing).
    write(std::string("\x0b\x00\x00\x00\x00\x00\x00\x00{\"a\":1E400}", 19));
    CHECK(refused([&] { read_safetensors_metadata(path); }));
    CHECK(refused([&] { read_safetensors<float>(path); }));
    write("phase,epoch,loss\n,x,1\n");
    CHECK(refused([&] { History::read_csv(path); }));
    std::filesystem::remove(path);
}
