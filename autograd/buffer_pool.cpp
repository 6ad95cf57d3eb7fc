#include <aegrad/autograd/buffer_pool.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <sys/mman.h>

#include <aegrad/autograd/detail/sanitizer.hpp>

#if AEGRAD_ASAN
#include <sanitizer/asan_interface.h>
// A cached buffer is poisoned, so AddressSanitizer still reports a use after free.
#define AEGRAD_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define AEGRAD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define AEGRAD_POISON(p, n) ((void)(p), (void)(n))
#define AEGRAD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace aegrad {

namespace {

constexpr std::size_t kAlignment = 64;

// Requests are rounded up to a size class, so near sizes share buffers: to 64 bytes up to 4 KiB, then to
// whole pages. A fixed-shape loop asks for exactly the same sizes each step either way.
std::size_t size_class(std::size_t bytes) {
    const std::size_t step = bytes <= 4096 ? 64 : 4096;
    return bytes == 0 ? step : (bytes + step - 1) / step * step;
}

struct Pool {
    std::mutex mutex;
    std::unordered_map<std::size_t, std::vector<void*>> free_lists;  // by size class
    BufferPoolStats stats;
    std::size_t limit = std::size_t(1) << 30;

    // Frees cached buffers until at most `keep` bytes stay cached. Call with the mutex held.
    void shrink_to(std::size_t keep) {
        for (auto& [size, list] : free_lists)
            while (stats.cached_bytes > keep && !list.empty()) {
                AEGRAD_UNPOISON(list.back(), size);
                std::free(list.back());
                list.pop_back();
                stats.cached_bytes -= size;
            }
    }
};

// Never destroyed: arrays with static storage duration free into it while the program exits.
Pool& pool() {
    static Pool* instance = new Pool;
    return *instance;
}

// Buffers of this size and more are asked to live on 2 MiB pages (Linux transparent huge pages, which
// Debian's kernels give to memory that asks for them): a shuffled batch copies rows scattered over the
// whole training set, and with 4 KiB pages every row costs a TLB miss.
constexpr std::size_t kHugePage = std::size_t(2) << 20;
constexpr std::size_t kHugePageMinBytes = std::size_t(16) << 20;

void* system_allocate(std::size_t size) {
    if (size < kHugePageMinBytes)
        return std::aligned_alloc(kAlignment, size);
    const std::size_t whole_pages = (size + kHugePage - 1) / kHugePage * kHugePage;
    void* buffer = std::aligned_alloc(kHugePage, whole_pages);
#ifdef MADV_HUGEPAGE
    // Advice only, given before the pages are touched: where it is refused the buffer keeps 4 KiB pages.
    if (buffer)
        madvise(buffer, whole_pages, MADV_HUGEPAGE);
#endif
    return buffer;
}

} // namespace

namespace {
std::atomic<bool> fill_with_sentinel{false};

// In sentinel mode every buffer handed out is all 0xFF bytes: a NaN as float and as double, so an op that
// reads memory it never wrote shows NaN instead of whatever an earlier tensor left there.
void* handed_out(void* buffer, std::size_t size) {
    if (fill_with_sentinel.load(std::memory_order_relaxed))
        std::memset(buffer, 0xFF, size);
    return buffer;
}
} // namespace

void set_buffer_pool_sentinel(bool on) { fill_with_sentinel.store(on, std::memory_order_relaxed); }

namespace memory {

void* pool_allocate(std::size_t bytes) {
    const std::size_t size = size_class(bytes);
    Pool& p = pool();
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        auto it = p.free_lists.find(size);
        if (it != p.free_lists.end() && !it->second.empty()) {
            void* buffer = it->second.back();
            it->second.pop_back();
            p.stats.cached_bytes -= size;
            ++p.stats.reuses;
            AEGRAD_UNPOISON(buffer, size);
            return handed_out(buffer, size);
        }
        ++p.stats.system_allocations;
    }
    void* buffer = system_allocate(size);
    if (!buffer)
        throw std::bad_alloc();
    return handed_out(buffer, size);
}

void pool_deallocate(void* buffer, std::size_t bytes) noexcept {
    if (!buffer)
        return;
    const std::size_t size = size_class(bytes);
    Pool& p = pool();
    {
        std::lock_guard<std::mutex> lock(p.mutex);
        if (p.stats.cached_bytes + size <= p.limit) {
            try {
                p.free_lists[size].push_back(buffer);
            } catch (const std::bad_alloc&) {
                std::free(buffer);  // no room to remember it: give it back instead
                return;
            }
            p.stats.cached_bytes += size;
            AEGRAD_POISON(buffer, size);
            return;
        }
    }
    std::free(buffer);
}

} // namespace memory

BufferPoolStats buffer_pool_stats() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().stats;
}

void buffer_pool_release() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    pool().shrink_to(0);
}

void set_buffer_pool_limit(std::size_t bytes) {
    std::lock_guard<std::mutex> lock(pool().mutex);
    pool().limit = bytes;
    pool().shrink_to(bytes);
}

std::size_t buffer_pool_limit() {
    std::lock_guard<std::mutex> lock(pool().mutex);
    return pool().limit;
}

} // namespace aegrad
