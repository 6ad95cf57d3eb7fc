#pragma once
// The memory behind every xtensor array in aegrad. A training loop with fixed shapes frees and asks for the
// same buffer sizes every step; this pool keeps freed buffers by size and hands them back, so from the
// second step on no tensor buffer comes from the system (the idea of PyTorch's caching allocator for GPUs).
// A buffer of 16 MiB or more (a dataset, a large batch's activations) starts on a 2 MiB boundary and asks
// Linux for transparent huge pages, so reading its rows in shuffled order does not miss the TLB each row.
//
// aegrad::Array (autograd/array.hpp) is the xtensor array that allocates through it. It includes only the
// standard library.
#include <cstddef>
#include <limits>
#include <new>

namespace aegrad {

struct BufferPoolStats {
    std::size_t system_allocations = 0;  // buffers the pool had to get from the system
    std::size_t reuses = 0;              // requests served from the pool's cache
    std::size_t cached_bytes = 0;        // freed buffers held for reuse now
};

/// Counters since the program started (they only grow, except cached_bytes).
BufferPoolStats buffer_pool_stats();

/// Gives every cached buffer back to the system: after a phase with shapes that will not come back.
void buffer_pool_release();

/// The most bytes the pool keeps cached (default 1 GiB); a buffer freed past it goes back to the system.
/// 0 turns caching off. Lowering it releases what is cached.
void set_buffer_pool_limit(std::size_t bytes);
std::size_t buffer_pool_limit();
/// Test mode: every buffer handed out from then on is filled with 0xFF bytes (NaN in float and double), so a
/// read of memory an op never wrote shows as NaN. Off by default; off, it costs one relaxed atomic load per
/// allocation.
void set_buffer_pool_sentinel(bool on);

// The allocator has a namespace of its own: xtensor's arrays name it in their type, which makes its
// namespace one that argument-dependent lookup searches, and xtensor's own calls (xt::mean calls sum) must
// not find aegrad's ops there.
namespace memory {

void* pool_allocate(std::size_t bytes);
void pool_deallocate(void* buffer, std::size_t bytes) noexcept;

/// A standard allocator over the pool. Buffers are 64-byte aligned (a cache line; enough for AVX-512).
template <class T> class PoolAllocator {
public:
    using value_type = T;

    PoolAllocator() noexcept = default;
    template <class U> PoolAllocator(const PoolAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        if (n > std::numeric_limits<std::size_t>::max() / sizeof(T))
            throw std::bad_array_new_length();
        return static_cast<T*>(pool_allocate(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) noexcept { pool_deallocate(p, n * sizeof(T)); }
};

template <class T, class U> bool operator==(const PoolAllocator<T>&, const PoolAllocator<U>&) noexcept { return true; }
template <class T, class U> bool operator!=(const PoolAllocator<T>&, const PoolAllocator<U>&) noexcept { return false; }

} // namespace memory

} // namespace aegrad
