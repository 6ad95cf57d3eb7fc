// Rows of bytes become exactly byte / 255 as they are gathered: the same floats, batches and training as
// from the dataset converted to floats up front, at a quarter of the memory.
#include <random>

#include <xtensor/xview.hpp>

#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/data/loader.hpp>
#include <aegrad/data/mnist.hpp>
#include "helpers.hpp"
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;
using namespace aegrad::data;

namespace {
// Every byte value, then random bytes: [n, 4, 7].
xt::xarray<std::uint8_t> some_bytes(std::size_t n) {
    xt::xarray<std::uint8_t> b = xt::xarray<std::uint8_t>::from_shape({n, 4, 7});
    std::mt19937 rng(11);
    for (std::size_t i = 0; i < b.size(); ++i)
        b.data()[i] = static_cast<std::uint8_t>(i < 256 ? i : rng() & 255);
    return b;
}
} // namespace

TEST_CASE("A byte becomes the float nearest byte / 255") {
    // 255 = 3 * 5 * 17: for each divisor d, byte (255 / d) * j is j / d exactly, whose nearest float is
    // float(j) / float(d). Multiplying by a rounded 1/255 instead misses some of these (51 gives 0.2 + 1 ulp).
    for (std::size_t d : {1, 3, 5, 15, 17, 51, 85, 255})
        for (std::size_t j = 0; j <= d; ++j) {
            CAPTURE(d);
            CAPTURE(j);
            CHECK(unit_float(static_cast<std::uint8_t>(255 / d * j)) == static_cast<float>(j) / static_cast<float>(d));
        }
}

TEST_CASE("Gathering rows of bytes gives the same floats as the bytes converted first, every byte value") {
    const auto bytes = some_bytes(50);
    const xt::xarray<float> floats = to_unit_floats(bytes);
    for (std::size_t i = 0; i < 256; ++i)
        CHECK(floats.data()[i] == unit_float(static_cast<std::uint8_t>(i)));
    const Rows from_bytes(bytes), from_floats(floats);
    CHECK(from_bytes.count() == 50);
    CHECK(from_bytes.width() == 28);
    CHECK(from_bytes.shape() == Shape{50, 4, 7});
    const std::vector<std::size_t> picks{49, 0, 9, 9, 3, 17, 1, 2, 8, 5};
    std::vector<float> a(picks.size() * 28), b(picks.size() * 28);
    from_bytes.gather(picks.data(), picks.size(), a.data());
    from_floats.gather(picks.data(), picks.size(), b.data());
    CHECK(a == b);
    CHECK(a[2 * 28 + 5] == unit_float(bytes(9, 0, 5)));  // the third pick is row 9
    CHECK(from_bytes.slice(3, 10) == xt::xarray<float>(xt::view(floats, xt::range(3, 10))));
}

TEST_CASE("Rows refuse a row or a slice they do not have, naming it") {
    const auto bytes = some_bytes(5);
    const Rows rows(bytes);
    const std::size_t bad[] = {2, 5};
    std::vector<float> out(56);
    CHECK_THROWS_WITH_AS(rows.gather(bad, 2, out.data()), "Rows::gather: row 5 of 5", std::out_of_range);
    CHECK_THROWS_WITH_AS(rows.slice(4, 6), "Rows::slice: rows [4, 6) of 5", std::out_of_range);
    CHECK_THROWS_AS(Rows(xt::xarray<float>(3.0f)), std::invalid_argument);  // a 0-d array has no rows
}

TEST_CASE("A loader over bytes yields the batches of a loader over their floats, on one thread or two") {
    const auto bytes = some_bytes(103);
    const xt::xarray<float> floats = to_unit_floats(bytes);
    const int threads_before = num_threads();
    for (int threads : {1, 2}) {
        set_num_threads(threads);
        DataLoader over_bytes(bytes, 32, true, 7), over_floats(floats, 32, true, 7);
        for (int epoch = 0; epoch < 2; ++epoch) {
            over_bytes.start_epoch();
            over_floats.start_epoch();
            Batch a, b;
            std::size_t batches = 0;
            while (over_bytes.next(a)) {
                REQUIRE(over_floats.next(b));
                CHECK(a.indices == b.indices);
                CHECK(a.x.shape() == Shape{a.indices.size(), 4, 7});  // the rows keep their shape
                CHECK(a.x.value() == b.x.value());
                ++batches;
            }
            CHECK_FALSE(over_floats.next(b));
            CHECK(batches == 4);
        }
    }
    set_num_threads(threads_before);
}

TEST_CASE("Training on bytes ends with the weights of training on the same images as floats") {
    xt::xarray<std::uint8_t> bytes = xt::xarray<std::uint8_t>::from_shape({96, 20});
    std::mt19937 rng(5);
    for (auto& b : bytes)
        b = static_cast<std::uint8_t>(rng() & 255);
    const xt::xarray<float> floats = to_unit_floats(bytes);
    const auto train = [](Rows inputs) {
        nn::manual_seed(3);
        models::StackedAutoencoder model(models::StackedAutoencoderOptions(20, {8, 4}));
        nn::Adam adam(model.parameters());
        nn::fit(model, adam, inputs, nn::reconstruction_mse(), nn::FitOptions().epochs(2).batch_size(16).progress(false));
        std::vector<xt::xarray<float>> values;
        for (auto& p : model.parameters())
            values.push_back(p.value());
        return std::make_pair(values, nn::evaluate(model, inputs, nn::reconstruction_mse()));
    };
    const auto [from_bytes, loss_bytes] = train(bytes);
    const auto [from_floats, loss_floats] = train(floats);
    REQUIRE(from_bytes.size() == from_floats.size());
    for (std::size_t i = 0; i < from_bytes.size(); ++i)
        CHECK(from_bytes[i] == from_floats[i]);
    CHECK(loss_bytes == loss_floats);
    CHECK(loss_bytes > 0);
}
