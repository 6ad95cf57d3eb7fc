#pragma once
// Row-major gemm on raw buffers. Every matrix product in aegrad is a BLAS gemm through this wrapper:
// matmul's, and the convolutions', whose operands are views into larger arrays (a chunk of columns).
#include <cstddef>
#include <functional>

namespace aegrad::detail {

/// C [m, n] = alpha op(A) op(B) + beta C, where op(A) is [m, k] and op(B) is [k, n]; row-major, with
/// leading dimensions lda, ldb, ldc. With beta = 0, C's old contents are ignored (may be uninitialised).
/// A large product is split across num_threads(), each block one single-threaded BLAS call: into blocks
/// of rows (or of columns, when C is wide), or, when k is more than twice C's longer side, into slices
/// of k whose partial products are added at the end. Only that last split changes the rounding, so on
/// several threads such a product can differ from one thread's in the last bits.
template <class T>
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
          std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc);

/// Whether gemm splits an [m, k] x [k, n] product across threads: false on one thread, inside a parallel
/// region, and for a product too small to pay for waking a second thread.
bool gemm_is_split(std::size_t m, std::size_t n, std::size_t k);

/// Runs the two gradient products of an [m, k] x [k, n] product: `left` (an [m, k] result) and `right`
/// ([k, n]), which must write different buffers. When neither is split by gemm but each is big enough to
/// pay for the handover, they run at once, one per thread, so no thread idles; otherwise one after the
/// other. Each is one BLAS call either way, so the results are the same.
void gemm_pair(std::size_t m, std::size_t n, std::size_t k, const std::function<void()>& left,
               const std::function<void()>& right);

} // namespace aegrad::detail
