// Keeps freed memory in the process. A training step allocates the same large buffers every time (a
// convolution's columns are tens of MB); by default glibc returns blocks that large to the kernel on free
// and the next step faults every page back in, zeroed: about a tenth of a conv autoencoder's step time
// (measured with perf). Raising glibc's mmap and trim thresholds makes the second step reuse the first
// step's memory. The user's own tunables (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_, GLIBC_TUNABLES)
// win: then nothing is changed.
#include <cstdlib>

#include <malloc.h>

namespace aegrad {
namespace {

struct KeepFreedMemory {
    KeepFreedMemory() {
        if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("GLIBC_TUNABLES"))
            return;
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's maximum: larger blocks are still mmapped
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
    }
};
const KeepFreedMemory keep_freed_memory;

} // namespace
} // namespace aegrad
