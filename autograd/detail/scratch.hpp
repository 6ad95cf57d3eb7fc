#pragma once
// Per-thread scratch buffers for ops' inner loops (a convolution's column matrices, gemm's partial
// products), kept between calls so a training loop does not allocate them each step.
#include <cstddef>
#include <vector>

namespace aegrad::detail {

/// Who owns which slot: 0 to 4 the convolutions (detail/conv_kernels.cpp), 5 gemm's split along k
/// (detail/gemm.cpp). A slot is never used by two calls that can be live at once on one thread.
constexpr int kScratchSlots = 6;

/// The calling thread's buffer for `slot`, holding at least `size` elements. It only grows: the layers of
/// a model ask for different sizes in turn, and a vector that shrank would zero the regrown part on every
/// call. Contents are left as the last user wrote them.
template <class T> std::vector<T>& thread_scratch(int slot, std::size_t size) {
    thread_local std::vector<T> buffers[kScratchSlots];
    if (buffers[slot].size() < size)
        buffers[slot].resize(size);
    return buffers[slot];
}

} // namespace aegrad::detail
