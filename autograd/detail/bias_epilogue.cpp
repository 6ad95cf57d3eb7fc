#include <aegrad/autograd/detail/bias_epilogue.hpp>

#include <algorithm>
#include <cstring>

#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad::detail {

std::size_t row_grain(std::size_t n) { return std::max<std::size_t>(1, 65536 / std::max<std::size_t>(1, n)); }

template <class T> void fill_rows(const T* bias, std::size_t rows, std::size_t n, T* out) {
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r)
            std::copy(bias, bias + n, out + r * n);
    }, row_grain(n));
}

template <class T> void apply_epilogue(Epilogue e, T* y, std::size_t rows, std::size_t n) {
    if (e == Epilogue::none)
        return;
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t i = r0 * n; i < r1 * n; ++i)
            y[i] = std::max(y[i], T(0));
    }, row_grain(n));
}

template <class T> void relu_gate(const T* grad, const T* out, std::size_t n, T* gated) {
    for (std::size_t i = 0; i < n; ++i)
        gated[i] = out[i] > T(0) ? grad[i] : T(0);
}

template <class T> void gate_rows(Epilogue e, const T* grad, const T* out, std::size_t rows, std::size_t n, T* gated) {
    if (e == Epilogue::none) {
        if (gated != grad)
            std::memcpy(gated, grad, rows * n * sizeof(T));
        return;
    }
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        relu_gate(grad + r0 * n, out + r0 * n, (r1 - r0) * n, gated + r0 * n);
    }, row_grain(n));
}

template <class T> void column_sums(const T* g, std::size_t rows, std::size_t n, bool accumulate, T* sums) {
    // Each task owns a block of columns and sums it down the rows.
    parallel_for(n, [&](std::size_t c0, std::size_t c1) {
        if (!accumulate)
            std::fill(sums + c0, sums + c1, T(0));
        for (std::size_t r = 0; r < rows; ++r) {
            const T* __restrict gr = g + r * n;
            for (std::size_t c = c0; c < c1; ++c)
                sums[c] += gr[c];
        }
    }, 64);
}

template <class T>
void add_channel_bias(T* out, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias,
                      Epilogue e) {
    const bool relu = e == Epilogue::relu;
    if (!bias && !relu)
        return;
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const T b = bias ? bias[t % channels] : T(0);
            T* p = out + t * positions;
            if (relu)
                for (std::size_t i = 0; i < positions; ++i)
                    p[i] = std::max(p[i] + b, T(0));
            else
                for (std::size_t i = 0; i < positions; ++i)
                    p[i] += b;
        }
    }, 64);
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template void fill_rows(const T*, std::size_t, std::size_t, T*);                                           \
    template void apply_epilogue(Epilogue, T*, std::size_t, std::size_t);                                      \
    template void relu_gate(const T*, const T*, std::size_t, T*);                                              \
    template void gate_rows(Epilogue, const T*, const T*, std::size_t, std::size_t, T*);                       \
    template void column_sums(const T*, std::size_t, std::size_t, bool, T*);                                   \
    template void add_channel_bias(T*, std::size_t, std::size_t, std::size_t, const T*, Epilogue);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad::detail
