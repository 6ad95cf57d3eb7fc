#pragma once
// The worker pool behind set_num_threads (autograd/threads.hpp): kernels split their work with
// parallel_for. Workers spin briefly after a job, then sleep.
#include <cstddef>
#include <functional>

#include <aegrad/autograd/threads.hpp>

namespace aegrad::detail {

/// Runs fn(begin, end) on disjoint chunks covering [0, n), one per thread, and returns when all are
/// done; the calling thread runs the first chunk. Chunks hold at least `grain` items, so a small n runs
/// on the caller alone. A call from inside fn runs serially. The first exception thrown by any chunk is
/// rethrown here. Safe to call from several application threads at once: one of them gets the pool, the
/// others run their work on their own thread (serially) instead of waiting.
void parallel_for(std::size_t n, const std::function<void(std::size_t begin, std::size_t end)>& fn,
                  std::size_t grain = 1);

/// How many chunks parallel_for(n, fn, grain) runs at once: 1 on one thread, inside a parallel region,
/// or when n holds fewer than two grains. For work that must be laid out per chunk before it starts.
std::size_t parallel_parts(std::size_t n, std::size_t grain = 1);

} // namespace aegrad::detail
