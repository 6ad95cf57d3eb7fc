#pragma once
// aegrad's threads. One knob, set_num_threads, decides how many cores a program uses. aegrad splits the
// work itself (a large product into blocks, a convolution's batch into its samples) and calls OpenBLAS
// single-threaded from each part, so OpenBLAS's own threads never start and never compete with ours:
// with both running, two threads end up slower than one.

namespace aegrad {

/// Threads for everything aegrad computes (at least 1). Also pins OpenBLAS to 1 thread of its own.
/// Default: every core (std::thread::hardware_concurrency), or the AEGRAD_NUM_THREADS environment variable.
/// May be called from any application thread between jobs (it waits for a running one); from inside
/// parallel work it throws std::logic_error.
void set_num_threads(int threads);
int num_threads();

} // namespace aegrad
