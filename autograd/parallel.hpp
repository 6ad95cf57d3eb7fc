#pragma once
// aegrad's threads. One knob, set_num_threads, decides how many cores a program uses. The work is split
// by aegrad itself: a large gemm into row or column blocks, a convolution's im2col into its rows, a batch
// into its samples. Each block calls OpenBLAS single-threaded, so OpenBLAS's own threads never start
// and never compete with ours (with both running, 2 threads end up slower than 1: DESIGN.md).
#include <cstddef>
#include <functional>

namespace aegrad {

/// Threads for everything aegrad computes (at least 1). Also pins OpenBLAS to 1 thread of its own.
/// Default: every core (std::thread::hardware_concurrency), or the AEGRAD_NUM_THREADS environment variable.
void set_num_threads(int threads);
int num_threads();

/// Runs fn(begin, end) on disjoint chunks covering [0, n), one per thread, and returns when all are
/// done; the calling thread runs the first chunk. Chunks hold at least `grain` items, so a small n runs
/// on the caller alone. A call from inside fn runs serially. The first exception thrown by any chunk is
/// rethrown here.
void parallel_for(std::size_t n, const std::function<void(std::size_t begin, std::size_t end)>& fn,
                  std::size_t grain = 1);

/// How many chunks parallel_for(n, fn, grain) runs at once: 1 on one thread, inside a parallel region,
/// or when n holds fewer than two grains. For work that must be laid out per chunk before it starts.
std::size_t parallel_parts(std::size_t n, std::size_t grain = 1);

} // namespace aegrad
