// OpenBLAS's cblas.h is included here only: its declarations clash with xtensor-blas's.
#include <aegrad/autograd/detail/gemm.hpp>

#include <cblas.h>

#include <algorithm>
#include <vector>

#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/autograd/detail/scratch.hpp>

namespace aegrad::detail {

namespace {
CBLAS_TRANSPOSE flag(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t v) { return static_cast<blasint>(v); }

// With beta = 0, OpenBLAS clears C in a slow pass of its own, so C is cleared here and the product added
// onto it with beta = 1: the same result (OpenBLAS also adds onto zeros), and C's old contents (even NaN)
// are still ignored.
template <class T> T zero_instead_of_blas(T beta, std::size_t m, std::size_t n, T* c, std::size_t ldc) {
    if (beta != T(0))
        return beta;
    for (std::size_t i = 0; i < m; ++i)
        std::fill(c + i * ldc, c + i * ldc + n, T(0));
    return T(1);
}

void blas_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
               std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    beta = zero_instead_of_blas(beta, m, n, c, ldc);
    cblas_sgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}
void blas_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
               std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
    beta = zero_instead_of_blas(beta, m, n, c, ldc);
    cblas_dgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}

// Below this many multiply-adds waking a second thread costs more than it saves.
constexpr std::size_t kParallelMinWork = std::size_t(1) << 21;
// Blocks narrower than this waste the gemm kernel's register tiles.
constexpr std::size_t kMinBlock = 32;
// split_k's partial products live in the calling thread's scratch (detail/scratch.hpp lists the slots).
constexpr int kPartialProductsSlot = 5;
// The product as `parts` slices of k, one per thread: part 0 writes C, the others a scratch buffer each,
// added into C at the end. Column k0 of op(A) starts at a + k0 (or a + k0*lda when A is read transposed);
// row k0 of op(B) at b + k0*ldb (or b + k0 when transposed).
template <class T>
void split_k(std::size_t parts, bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a,
             std::size_t lda, const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    std::vector<T>& partial = thread_scratch<T>(kPartialProductsSlot, (parts - 1) * m * n);
    parallel_for(parts, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; ++p) {
            const std::size_t k0 = k * p / parts, k1 = k * (p + 1) / parts;
            const T* ak = a + (ta ? k0 * lda : k0);
            const T* bk = b + (tb ? k0 : k0 * ldb);
            if (p == 0)
                blas_gemm(ta, tb, m, n, k1 - k0, alpha, ak, lda, bk, ldb, beta, c, ldc);
            else
                blas_gemm(ta, tb, m, n, k1 - k0, alpha, ak, lda, bk, ldb, T(0), partial.data() + (p - 1) * m * n, n);
        }
    });
    for (std::size_t p = 1; p < parts; ++p) {
        const T* part = partial.data() + (p - 1) * m * n;
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                c[i * ldc + j] += part[i * n + j];
    }
}
} // namespace

bool gemm_is_split(std::size_t m, std::size_t n, std::size_t k) {
    if (num_threads() == 1 || m * n * k < kParallelMinWork)
        return false;
    return parallel_parts(std::max(m, n), kMinBlock) > 1 || (2 * std::max(m, n) < k && parallel_parts(k, kMinBlock) > 1);
}

void gemm_pair(std::size_t m, std::size_t n, std::size_t k, const std::function<void()>& left,
               const std::function<void()>& right) {
    // Below this many multiply-adds each, the handover costs what the second thread saves.
    constexpr std::size_t kPairMinWork = std::size_t(1) << 18;
    if (num_threads() > 1 && m * n * k >= kPairMinWork && !gemm_is_split(m, k, n) && !gemm_is_split(k, n, m)) {
        parallel_for(2, [&](std::size_t p0, std::size_t p1) {
            for (std::size_t p = p0; p < p1; ++p)
                p == 0 ? left() : right();
        });
        return;
    }
    left();
    right();
}

template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a, std::size_t lda,
          const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    if (m == 0 || n == 0)
        return;
    if (!gemm_is_split(m, n, k)) {
        blas_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    // A product with a long inner dimension and a small output (a batch of 32 through a 784-wide layer) is
    // split along k: each thread reads only its slice of A and of B, and B's rows are then the ones this
    // thread's share of the optimizer just updated, still in its cache.
    if (2 * std::max(m, n) < k) {
        if (const std::size_t parts = parallel_parts(k, kMinBlock); parts > 1) {
            split_k(parts, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
    }
    // Rows i of op(A) start at a + i*lda (or a + i when A is read transposed); columns j of op(B) at
    // b + j (or b + j*ldb when transposed).
    if (m >= n) {
        parallel_for(m, [&](std::size_t i0, std::size_t i1) {
            blas_gemm(ta, tb, i1 - i0, n, k, alpha, a + (ta ? i0 : i0 * lda), lda, b, ldb, beta, c + i0 * ldc, ldc);
        }, kMinBlock);
    } else {
        parallel_for(n, [&](std::size_t j0, std::size_t j1) {
            blas_gemm(ta, tb, m, j1 - j0, k, alpha, a, lda, b + (tb ? j0 * ldb : j0), ldb, beta, c + j0, ldc);
        }, kMinBlock);
    }
}

template void gemm<float>(bool, bool, std::size_t, std::size_t, std::size_t, float, const float*, std::size_t,
                          const float*, std::size_t, float, float*, std::size_t);
template void gemm<double>(bool, bool, std::size_t, std::size_t, std::size_t, double, const double*, std::size_t,
                           const double*, std::size_t, double, double*, std::size_t);

} // namespace aegrad::detail
