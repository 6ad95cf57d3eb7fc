// The loader yields every sample exactly once per epoch, reshuffles with its seed, handles the last batch,
// and copies the right rows whether one thread gathers a batch or two.
#include <algorithm>
#include <set>

#include <xtensor/xview.hpp>

#include <aegrad/data/loader.hpp>
#include "helpers.hpp"

using namespace aegrad::data;

namespace {
xt::xarray<float> rows_numbered(std::size_t n) {
    xt::xarray<float> x = xt::xarray<float>::from_shape({n, 3});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            x(i, j) = static_cast<float>(i * 10 + j);
    return x;
}

std::vector<std::size_t> one_epoch(DataLoader& loader, const xt::xarray<float>& x, std::vector<std::size_t>* sizes = nullptr) {
    std::vector<std::size_t> seen;
    Batch b;
    loader.start_epoch();
    while (loader.next(b)) {
        if (sizes)
            sizes->push_back(b.indices.size());
        for (std::size_t i = 0; i < b.indices.size(); ++i) {
            CHECK(b.x.value()(i, 2) == x(b.indices[i], 2));  // the row copied is the row named
            seen.push_back(b.indices[i]);
        }
    }
    return seen;
}
} // namespace

TEST_CASE("Every sample appears once per epoch, in a new order each epoch, the same for the same seed") {
    auto x = rows_numbered(103);
    DataLoader a(x, 10, true, 5), b(x, 10, true, 5);
    std::vector<std::size_t> sizes;
    auto e1 = one_epoch(a, x, &sizes), e2 = one_epoch(a, x);
    CHECK(sizes.size() == 11);
    CHECK(sizes.back() == 3);
    CHECK(a.batches_per_epoch() == 11);
    for (auto* e : {&e1, &e2}) {
        auto sorted = *e;
        std::sort(sorted.begin(), sorted.end());
        CHECK(sorted.size() == 103);
        CHECK(std::set<std::size_t>(sorted.begin(), sorted.end()).size() == 103);
    }
    CHECK(e1 != e2);
    CHECK(one_epoch(b, x) == e1);
}

TEST_CASE("drop_last drops the short batch; without shuffling the order is the data's") {
    auto x = rows_numbered(25);
    DataLoader dropping(x, 10, false, 0, true);
    std::vector<std::size_t> sizes;
    auto seen = one_epoch(dropping, x, &sizes);
    CHECK(sizes == std::vector<std::size_t>{10, 10});
    CHECK(dropping.batches_per_epoch() == 2);
    CHECK(seen.front() == 0);
    CHECK(seen.back() == 19);
    CHECK_THROWS(DataLoader(x, 0));
}

TEST_CASE("A batch held past the next call keeps its rows; the loader's tensor is the model's input as is") {
    // The loader gathers each batch into a fresh buffer, so a graph (or a user) holding the previous batch
    // never sees it overwritten.
    auto x = rows_numbered(30);
    DataLoader loader(x, 10, false);
    loader.start_epoch();
    Batch b;
    REQUIRE(loader.next(b));
    const aegrad::Tensor<float> held = b.x;
    const xt::xarray<float> first_rows = held.value();
    REQUIRE(loader.next(b));
    CHECK(held.value() == first_rows);
    CHECK(held.value()(0, 0) == 0.0f);  // row 0, unshuffled
    CHECK(b.x.value()(0, 0) == 100.0f); // row 10
    CHECK_FALSE(b.x.requires_grad());
}

TEST_CASE("A batch gathered on two threads holds the row each index names") {
    // 32 rows is four chunks of the loader's smallest share (8 rows), so on 2 threads each copies half.
    auto x = rows_numbered(100);
    for (int threads : {1, 2}) {
        aegrad::testing::ThreadsFor t(threads);
        DataLoader loader(x, 32, true, 3);
        Batch b;
        loader.start_epoch();
        while (loader.next(b))
            CHECK(b.x.value() == xt::view(x, xt::keep(b.indices), xt::all()));
    }
}
