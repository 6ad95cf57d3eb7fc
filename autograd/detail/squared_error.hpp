#pragma once
// The squared-error loss's one pass over a batch, forward and backward together.
#include <cstddef>

namespace aegrad::detail {

/// The sum of (p[i] - t[i])^2 over n elements; also d[i] = slope (p[i] - t[i]) when d is not null. In
/// parallel blocks of fixed size, each summed in SIMD lanes, the blocks' sums added in order: the result
/// does not depend on the number of threads.
template <class T> T squared_error(const T* p, const T* t, std::size_t n, T slope, T* d);

} // namespace aegrad::detail
