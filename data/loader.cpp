#include <aegrad/data/loader.hpp>

#include <aegrad/autograd/detail/parallel.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace aegrad::data {

DataLoader::DataLoader(Rows source, std::size_t batch_size, bool shuffle, std::uint64_t seed, bool drop_last)
    : source_(source), batch_size_(batch_size), shuffle_(shuffle), drop_last_(drop_last), rng_(seed),
      order_(source.count()) {
    if (batch_size == 0)
        throw std::invalid_argument("DataLoader: batch size must be positive");
    std::iota(order_.begin(), order_.end(), 0);
    cursor_ = order_.size();  // nothing to yield until start_epoch
}

void DataLoader::start_epoch() {
    rng_at_epoch_start_ = rng_;
    std::iota(order_.begin(), order_.end(), 0);
    if (shuffle_)
        std::shuffle(order_.begin(), order_.end(), rng_);
    cursor_ = 0;
}

DataLoader::Position DataLoader::position() const {
    std::ostringstream out;
    out << rng_at_epoch_start_;
    return {out.str(), cursor_};
}

void DataLoader::resume(const Position& position) {
    std::istringstream in(position.generator);
    std::mt19937_64 rng;
    in >> rng;
    if (in.fail() || position.cursor > order_.size())
        throw std::invalid_argument(fmt::format("DataLoader: cannot resume at sample {} of {}{}", position.cursor,
                                                order_.size(), in.fail() ? " (not a generator state)" : ""));
    rng_ = rng;
    start_epoch();
    cursor_ = position.cursor;
}

void DataLoader::shard(std::size_t rank, std::size_t ranks) {
    if (ranks == 0 || rank >= ranks)
        throw std::invalid_argument(fmt::format("DataLoader: rank {} of {} ranks", rank, ranks));
    rank_ = rank;
    ranks_ = ranks;
}

std::size_t DataLoader::batches_per_epoch() const {
    return drop_last_ ? order_.size() / batch_size_ : (order_.size() + batch_size_ - 1) / batch_size_;
}

bool DataLoader::next(Batch& batch) {
    const std::size_t left = order_.size() - cursor_;
    if (left == 0 || (drop_last_ && left < batch_size_))
        return false;
    const std::size_t global = std::min(batch_size_, left);
    const std::size_t first = cursor_ + global * rank_ / ranks_, b = cursor_ + global * (rank_ + 1) / ranks_ - first;
    const std::size_t row = source_.width();
    Shape shape = source_.shape();
    shape[0] = b;
    Array<float> x = Array<float>::from_shape(shape);
    float* rows = x.data();
    batch.indices.assign(order_.begin() + static_cast<long>(first), order_.begin() + static_cast<long>(first + b));
    batch.global_size = global;
    // Each row starts with cache misses, so gathering in parallel pays; chunks of 8 rows or more let a batch
    // of 32 use two threads.
    constexpr std::size_t kMinRowsPerThread = 8;
    detail::parallel_for(b, [&](std::size_t i0, std::size_t i1) {
        source_.gather(batch.indices.data() + i0, i1 - i0, rows + i0 * row);
    }, kMinRowsPerThread);
    batch.x = Tensor<float>(std::move(x));
    cursor_ += global;
    return true;
}

} // namespace aegrad::data
