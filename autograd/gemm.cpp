// OpenBLAS's cblas.h is included here only: its declarations clash with xtensor-blas's.
#include "autograd/gemm.hpp"

#include <cblas.h>

#include "autograd/parallel.hpp"

namespace aegrad {

namespace {
CBLAS_TRANSPOSE flag(bool transpose) { return transpose ? CblasTrans : CblasNoTrans; }
blasint dim(std::size_t v) { return static_cast<blasint>(v); }

void blas_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
               std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    cblas_sgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}
void blas_gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, double alpha, const double* a,
               std::size_t lda, const double* b, std::size_t ldb, double beta, double* c, std::size_t ldc) {
    cblas_dgemm(CblasRowMajor, flag(ta), flag(tb), dim(m), dim(n), dim(k), alpha, a, dim(lda), b, dim(ldb), beta, c,
                dim(ldc));
}

// Below this many multiply-adds (about 60 us on one core) waking a second thread costs more than it saves.
constexpr std::size_t kParallelMinWork = std::size_t(1) << 21;
// Blocks narrower than this waste the gemm kernel's register tiles.
constexpr std::size_t kMinBlock = 32;
} // namespace

template <class T>
void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, T alpha, const T* a, std::size_t lda,
          const T* b, std::size_t ldb, T beta, T* c, std::size_t ldc) {
    if (m == 0 || n == 0)
        return;
    if (num_threads() == 1 || m * n * k < kParallelMinWork) {
        blas_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
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

} // namespace aegrad
