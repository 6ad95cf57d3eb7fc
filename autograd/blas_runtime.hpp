#pragma once
// Which OpenBLAS kernels run, and with how many threads.
//
// Debian's OpenBLAS can mis-detect a CPU and fall back to its oldest SSE kernels (4x slower sgemm). The
// choice is made when the library loads, from OPENBLAS_CORETYPE, so it cannot be changed from main():
// a program that wants the fast kernels re-executes itself once with the variable set.
#include <string>

namespace aegrad {

/// The kernel family OpenBLAS is running, e.g. "Haswell", "Zen", "SkylakeX", "Prescott".
std::string blas_core_name();

/// The best OpenBLAS core this CPU supports ("SkylakeX" with AVX-512, "Haswell" with AVX2 + FMA), or ""
/// when there is nothing better than what OpenBLAS can pick itself.
std::string best_supported_blas_core();

/// Call first thing in main(). If OPENBLAS_CORETYPE is unset and OpenBLAS picked a core older than the CPU
/// supports, sets the variable and re-executes the program (once); otherwise returns. Never overrides a
/// value the user set. Returns a one-line description of the core in use, for logs and benchmarks.
std::string ensure_fast_blas_core(int argc, char** argv);

/// Threads OpenBLAS may use (it must never run at the same time as our own worker threads).
void set_blas_threads(int threads);
int blas_threads();

} // namespace aegrad
