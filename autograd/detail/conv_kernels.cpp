#include <aegrad/autograd/detail/conv_kernels.hpp>

#include <algorithm>
#include <vector>

#include <aegrad/autograd/detail/bias_epilogue.hpp>
#include <aegrad/autograd/detail/gemm.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/autograd/detail/scratch.hpp>

namespace aegrad::detail {

namespace {

// Column matrices larger than this fall out of the caches, and filling then reading them runs at memory
// speed: the batch is processed in chunks of samples that fit.
constexpr std::size_t kColumnBytes = std::size_t(1) << 20;

// Splits the batch into one contiguous share per thread and walks each share in chunks whose column
// matrix (`column_elements` per sample) stays within kColumnBytes: fn(share, first, count). Shares run in
// parallel and each chunk's work on its own thread, so the threads never wait on each other in a layer.
template <class T, class Fn> void for_each_chunk(std::size_t batch, std::size_t column_elements, Fn&& fn) {
    const std::size_t per_chunk = std::max<std::size_t>(1, kColumnBytes / (column_elements * sizeof(T)));
    const std::size_t shares = std::min<std::size_t>(static_cast<std::size_t>(num_threads()), batch);
    parallel_for(shares, [&](std::size_t s0, std::size_t s1) {
        for (std::size_t s = s0; s < s1; ++s) {
            const std::size_t begin = batch * s / shares, end = batch * (s + 1) / shares;
            for (std::size_t n0 = begin; n0 < end; n0 += per_chunk)
                fn(s, n0, std::min(per_chunk, end - n0));
        }
    });
}

// A parameter's gradient summed over the shares of for_each_chunk: share 0 writes the target with the
// caller's beta, the others a buffer of their own each, added in at the end.
template <class T> class SharedGrad {
public:
    SharedGrad(T* target, T beta, std::size_t size, std::size_t batch)
        : target_(target), first_beta_(beta),
          partial_(target ? std::max<std::size_t>(1, std::min<std::size_t>(num_threads(), batch)) : 0) {
        for (std::size_t s = 1; s < partial_.size(); ++s)
            partial_[s].assign(size, T(0));
    }
    bool wanted() const { return target_ != nullptr; }
    // Where share s accumulates, and the beta for its next product.
    T* target(std::size_t s) { return s == 0 ? target_ : partial_[s].data(); }
    T beta(std::size_t s) {
        if (s != 0)
            return T(1);
        const T b = first_beta_;
        first_beta_ = T(1);
        return b;
    }
    // target(s) (+)= per-channel sums of `rows` rows of `length` entries each (a bias gradient).
    void add_row_sums(std::size_t s, const T* rows_begin, std::size_t rows, std::size_t length) {
        T* t = target(s);
        const bool overwrite = beta(s) == T(0);
        for (std::size_t r = 0; r < rows; ++r) {
            const T total = lane_sum(rows_begin + r * length, length);
            t[r] = overwrite ? total : t[r] + total;
        }
    }
    void finish() {
        for (std::size_t s = 1; s < partial_.size(); ++s)
            for (std::size_t i = 0; i < partial_[s].size(); ++i)
                target_[i] += partial_[s][i];
    }

private:
    T* target_;
    T first_beta_;
    std::vector<std::vector<T>> partial_;
};

} // namespace

template <class T>
void conv2d_forward(const ConvGeometry& g, std::size_t N, std::size_t Cout, const T* x, const T* w, const T* bias,
                    Epilogue epilogue, T* out) {
    // Per chunk of samples: col = im2col(x) [R, n P]; out_cm = W [Cout, R] col; out = NCHW(out_cm) + b.
    const std::size_t P = g.positions(), R = g.rows();
    for_each_chunk<T>(N, R * P, [&](std::size_t, std::size_t n0, std::size_t n) {
        auto& col = thread_scratch<T>(0, R * n * P);
        auto& out_cm = thread_scratch<T>(1, Cout * n * P);
        im2col(x + n0 * g.image_size(), n, g, col.data());
        gemm<T>(false, false, Cout, n * P, R, T(1), w, R, col.data(), n * P, T(0), out_cm.data(), n * P);
        to_batch_major(out_cm.data(), n, Cout, P, bias, out + n0 * Cout * P, epilogue);
    });
}

template <class T>
void conv2d_backward(const ConvGeometry& g, std::size_t N, std::size_t Cout, const T* grad, const T* relu_out,
                     const T* x, const T* w, ConvGradients<T> d) {
    // Per chunk, with g_cm = dOut in [Cout, n P] and the columns computed again (cheaper than keeping a
    // whole batch's, which would not fit in cache):
    //   dW [Cout, R] += g_cm col^T;  dcol [R, n P] = W^T g_cm, dx += col2im(dcol);  db = sums of dOut per channel.
    const std::size_t P = g.positions(), R = g.rows();
    SharedGrad<T> dw(d.dw, d.dw_beta, Cout * R, N);
    SharedGrad<T> db(d.db, d.db_beta, Cout, N);
    for_each_chunk<T>(N, R * P, [&](std::size_t share, std::size_t n0, std::size_t n) {
        auto& g_cm = thread_scratch<T>(0, Cout * n * P);
        to_channel_major(grad + n0 * Cout * P, n, Cout, P, g_cm.data(), relu_out ? relu_out + n0 * Cout * P : nullptr);
        if (db.wanted())
            db.add_row_sums(share, g_cm.data(), Cout, n * P);
        if (dw.wanted()) {
            auto& col = thread_scratch<T>(1, R * n * P);
            im2col(x + n0 * g.image_size(), n, g, col.data());
            gemm<T>(false, true, Cout, R, n * P, T(1), g_cm.data(), n * P, col.data(), n * P, dw.beta(share),
                    dw.target(share), R);
        }
        if (d.dx) {
            auto& dcol = thread_scratch<T>(2, R * n * P);
            gemm<T>(true, false, R, n * P, Cout, T(1), w, R, g_cm.data(), n * P, T(0), dcol.data(), n * P);
            col2im(dcol.data(), n, g, d.dx + n0 * g.image_size());
        }
    });
    dw.finish();
    db.finish();
}

template <class T>
void conv_transpose2d_forward(const ConvGeometry& g, std::size_t N, std::size_t Cin, const T* x, const T* w,
                              const T* bias, Epilogue epilogue, T* out) {
    // Per chunk: x_cm [Cin, n P]; col = W^T x_cm with W seen as [Cin, R]; out = col2im(col) + b.
    const std::size_t P = g.positions(), R = g.rows(), out_size = g.image_size();
    std::fill(out, out + N * out_size, T(0));
    for_each_chunk<T>(N, R * P, [&](std::size_t, std::size_t n0, std::size_t n) {
        auto& x_cm = thread_scratch<T>(0, Cin * n * P);
        auto& col = thread_scratch<T>(1, R * n * P);
        to_channel_major(x + n0 * Cin * P, n, Cin, P, x_cm.data());
        gemm<T>(true, false, R, n * P, Cin, T(1), w, R, x_cm.data(), n * P, T(0), col.data(), n * P);
        col2im(col.data(), n, g, out + n0 * out_size);
    });
    add_channel_bias(out, N, g.channels, g.height * g.width, bias, epilogue);
}

template <class T>
void conv_transpose2d_backward(const ConvGeometry& g, std::size_t N, std::size_t Cin, const T* grad,
                               const T* relu_out, const T* x, const T* w, ConvGradients<T> d) {
    // Per chunk: dcol = im2col(dOut) [R, n P];  dx_cm = W dcol -> dx;  dW [Cin, R] += x_cm dcol^T;  db as conv2d.
    const std::size_t P = g.positions(), R = g.rows(), out_size = g.image_size();
    SharedGrad<T> dw(d.dw, d.dw_beta, Cin * R, N);
    SharedGrad<T> db(d.db, d.db_beta, g.channels, N);
    for_each_chunk<T>(N, R * P, [&](std::size_t share, std::size_t n0, std::size_t n) {
        const T* chunk_grad = grad + n0 * out_size;
        if (relu_out) {
            auto& gated = thread_scratch<T>(3, n * out_size);
            relu_gate(chunk_grad, relu_out + n0 * out_size, n * out_size, gated.data());
            chunk_grad = gated.data();
        }
        if (db.wanted()) {
            auto& sums = thread_scratch<T>(4, g.channels);
            sum_per_channel(chunk_grad, n, g.channels, g.height * g.width, false, sums.data());
            db.add_row_sums(share, sums.data(), g.channels, 1);
        }
        auto& dcol = thread_scratch<T>(0, R * n * P);
        im2col(chunk_grad, n, g, dcol.data());
        if (dw.wanted()) {
            auto& x_cm = thread_scratch<T>(1, Cin * n * P);
            to_channel_major(x + n0 * Cin * P, n, Cin, P, x_cm.data());
            gemm<T>(false, true, Cin, R, n * P, T(1), x_cm.data(), n * P, dcol.data(), n * P, dw.beta(share),
                    dw.target(share), R);
        }
        if (d.dx) {
            auto& dx_cm = thread_scratch<T>(2, Cin * n * P);
            gemm<T>(false, false, Cin, n * P, R, T(1), w, R, dcol.data(), n * P, T(0), dx_cm.data(), n * P);
            to_batch_major(dx_cm.data(), n, Cin, P, static_cast<const T*>(nullptr), d.dx + n0 * Cin * P);
        }
    });
    dw.finish();
    db.finish();
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template void conv2d_forward(const ConvGeometry&, std::size_t, std::size_t, const T*, const T*, const T*,  \
                                 Epilogue, T*);                                                                \
    template void conv2d_backward(const ConvGeometry&, std::size_t, std::size_t, const T*, const T*, const T*, \
                                  const T*, ConvGradients<T>);                                                 \
    template void conv_transpose2d_forward(const ConvGeometry&, std::size_t, std::size_t, const T*, const T*,  \
                                           const T*, Epilogue, T*);                                            \
    template void conv_transpose2d_backward(const ConvGeometry&, std::size_t, std::size_t, const T*, const T*, \
                                            const T*, const T*, ConvGradients<T>);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)
#undef AEGRAD_INSTANTIATE

} // namespace aegrad::detail
