// Talks to OpenBLAS through its C entry points, declared here rather than through <cblas.h>, whose
// declarations conflict with xtensor-blas's.
#include <aegrad/autograd/blas_runtime.hpp>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include <fmt/format.h>

extern "C" {
char* openblas_get_corename(void);
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
}

namespace aegrad {

namespace {

// A rough order of OpenBLAS's x86 kernel families by the instructions they use.
int core_rank(const std::string& core) {
    static const char* avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids"};
    static const char* avx2[] = {"Haswell", "Zen", "Excavator"};
    static const char* avx[] = {"Sandybridge", "Bulldozer", "Piledriver", "Steamroller"};
    for (auto c : avx512)
        if (core == c)
            return 3;
    for (auto c : avx2)
        if (core == c)
            return 2;
    for (auto c : avx)
        if (core == c)
            return 1;
    return 0;  // Prescott, Core2, Nehalem, Atom, Opteron... : SSE kernels
}

constexpr const char* kReexecMarker = "AEGRAD_BLAS_REEXEC";

} // namespace

std::string blas_core_name() { return openblas_get_corename(); }

std::string best_supported_blas_core() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "Haswell";
    return "";
}

std::string ensure_fast_blas_core(int argc, char** argv) {
    (void)argc;
    const std::string core = blas_core_name();
    if (const char* user = std::getenv("OPENBLAS_CORETYPE"); user && !std::getenv(kReexecMarker))
        return fmt::format("OpenBLAS core {} (OPENBLAS_CORETYPE={} set by the user)", core, user);
    if (std::getenv(kReexecMarker))
        return fmt::format("OpenBLAS core {} (chosen by aegrad: detected core was {})", core,
                           std::getenv(kReexecMarker));
    const std::string best = best_supported_blas_core();
    if (best.empty() || core_rank(core) >= core_rank(best))
        return fmt::format("OpenBLAS core {}", core);
    // OpenBLAS reads the variable only when it loads: run this program again with it set.
    setenv("OPENBLAS_CORETYPE", best.c_str(), 1);
    setenv(kReexecMarker, core.c_str(), 1);
    execv("/proc/self/exe", argv);
    // exec failed (no /proc?): carry on with the slow kernels rather than stop.
    unsetenv("OPENBLAS_CORETYPE");
    return fmt::format("OpenBLAS core {} (could not re-run with {}: {})", core, best, std::strerror(errno));
}

void set_blas_threads(int threads) { openblas_set_num_threads(threads); }
int blas_threads() { return openblas_get_num_threads(); }

} // namespace aegrad
