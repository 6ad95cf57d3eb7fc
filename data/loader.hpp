#pragma once
// Mini-batches over the rows of an array: seeded shuffling each epoch and a policy for the last, short
// batch. Every sample appears exactly once per epoch (unless drop_last drops the remainder).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include <aegrad/autograd/tensor.hpp>
#include <aegrad/data/rows.hpp>

namespace aegrad::data {

struct Batch {
    /// [b, features...], rows copied from the source into a fresh buffer each batch: a tensor ready to feed
    /// a model, with no further copy (a graph that still holds the previous batch keeps it intact).
    Tensor<float> x;
    std::vector<std::size_t> indices;  // which source rows, for looking up labels
    /// The rows of the whole batch: indices.size(), or with a sharded loader the rows over all ranks.
    std::size_t global_size = 0;
};

class DataLoader {
public:
    /// `source` (floats, or bytes that become byte / 255) must outlive the loader. batch_size > 0.
    DataLoader(Rows source, std::size_t batch_size, bool shuffle = true, std::uint64_t seed = 0,
               bool drop_last = false);

    /// Starts an epoch: reshuffles (when shuffling) with a generator advanced once per epoch.
    void start_epoch();
    /// Fills `batch` with the next batch of the epoch; false at the end of the epoch. The buffer comes from
    /// the buffer pool, so a steady loop reuses the one the previous batch gave back.
    bool next(Batch& batch);
    std::size_t batches_per_epoch() const;
    /// Data-parallel: every rank's loader has the same source, settings and seed, so all of them draw the
    /// same global batches; each then gives out only its shard of each, rows [b r / k, b (r + 1) / k) of a
    /// batch of b for rank r of k. A shard may be empty (a last batch smaller than k).
    void shard(std::size_t rank, std::size_t ranks);

    /// Where the loader is in its epoch: its generator as it was before the epoch's shuffle (text), and how
    /// many samples it has given out. What a checkpoint saves to continue mid-epoch.
    struct Position {
        std::string generator;
        std::size_t cursor = 0;
    };
    Position position() const;
    /// Restarts the epoch `position` was taken in (the same order) and skips the samples it had given out;
    /// the loader must have the same source and settings. Throws std::invalid_argument for a bad position.
    void resume(const Position& position);
    std::size_t samples() const { return order_.size(); }

private:
    Rows source_;
    std::size_t batch_size_;
    bool shuffle_, drop_last_;
    std::mt19937_64 rng_, rng_at_epoch_start_;
    std::vector<std::size_t> order_;
    std::size_t cursor_ = 0;
    std::size_t rank_ = 0, ranks_ = 1;
};

} // namespace aegrad::data
