#pragma once
// The passes of batch normalisation over x viewed as [B, C, S] (S = H W, or 1 for rows), each split across
// threads by channel. Forward reads x twice for the statistics and once more to write y; backward reads the
// gradient, x and (for a fused ReLU) y once each for the sums and once more to write dx. x_hat is never
// stored: it is recomputed from x, the mean and 1 / sigma.
#include <cstddef>

#include <aegrad/autograd/epilogue.hpp>

namespace aegrad::detail {

struct ChannelLayout {
    std::size_t batch, channels, spatial;
    std::size_t count() const { return batch * spatial; }  // values per channel
};

/// Per channel: the mean and the biased variance of x.
template <class T> void channel_statistics(const ChannelLayout& l, const T* x, T* mean, T* var);

/// y = e(scale_c x + shift_c): scale = gamma / sigma, shift = beta - mean scale, e the epilogue.
template <class T>
void channel_affine(const ChannelLayout& l, const T* x, const T* scale, const T* shift, Epilogue e, T* y);

/// Per channel, with g' = g gated by y > 0 for a fused ReLU (y may be null otherwise):
///   sum_g = sum g',  sum_g_xhat = sum g' (x - mean) inv_std.
template <class T>
void channel_gradient_sums(const ChannelLayout& l, const T* g, const T* y, const T* x, const T* mean, const T* inv_std,
                           T* sum_g, T* sum_g_xhat);

/// dx = scale_c (g' - sum_g / n - x_hat sum_g_xhat / n) with batch statistics (training), or scale_c g'
/// with fixed ones (evaluation: pass null sums); scale = gamma inv_std.
template <class T>
void channel_input_gradient(const ChannelLayout& l, const T* g, const T* y, const T* x, const T* mean, const T* inv_std,
                            const T* scale, const T* sum_g, const T* sum_g_xhat, T* dx);

} // namespace aegrad::detail
