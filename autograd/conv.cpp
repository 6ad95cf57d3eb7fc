#include "autograd/conv.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "autograd/bias.hpp"
#include "autograd/gemm.hpp"
#include "autograd/im2col.hpp"
#include "autograd/parallel.hpp"
#include "autograd/scratch.hpp"

namespace aegrad {

namespace {

template <class T> using Array = xt::xarray<T>;

template <class T>
void check_conv_inputs(const char* op, const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias,
                       std::size_t weight_in_axis, std::size_t weight_out_axis) {
    if (x.dim() != 4)
        throw ShapeError(fmt::format("{}: expects input [N, C, H, W], got {}", op, shape_str(x.shape())));
    if (weight.dim() != 4)
        throw ShapeError(fmt::format("{}: expects a 4-D weight, got {}", op, shape_str(weight.shape())));
    if (x.shape()[1] != weight.shape()[weight_in_axis])
        throw_shapes(op, fmt::format("input channels differ from the weight's (axis {}):", weight_in_axis), x.shape(),
                     weight.shape());
    if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[weight_out_axis]))
        throw_shapes(op, "bias must be [out channels]; bias and weight are", bias.shape(), weight.shape());
}

void check_positive(const char* op, const char* what, Size2 v) {
    if (v.h == 0 || v.w == 0)
        throw std::invalid_argument(fmt::format("{}: {} must be positive, got ({}, {})", op, what, v.h, v.w));
}

template <class T> std::vector<Tensor<T>> conv_inputs(const Tensor<T>& x, const Tensor<T>& w, const Tensor<T>& b) {
    return b.defined() ? std::vector<Tensor<T>>{x, w, b} : std::vector<Tensor<T>>{x, w};
}

// Adds bias[c] (when given) to every element of channel c of a [N, C, P] array, then max(0, .) when `relu`.
template <class T>
void add_bias(T* out, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias, bool relu) {
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

// Column matrices larger than this fall out of the caches, and filling then reading them runs at memory
// speed (4x slower here than from cache): the batch is processed in chunks of samples that fit.
constexpr std::size_t kColumnBytes = std::size_t(1) << 20;

// Splits the batch into one contiguous share per thread and walks each share in chunks whose column
// matrix ([rows, count positions], `column_elements` per sample) stays within kColumnBytes:
// fn(share, first, count). Shares run in parallel and each chunk's work runs on its own thread, so the
// threads never wait on each other inside a layer (DESIGN.md: threads over samples, BLAS single-threaded).
template <class Fn> void for_each_chunk(std::size_t batch, std::size_t column_elements, Fn&& fn) {
    const std::size_t per_chunk = std::max<std::size_t>(1, kColumnBytes / (column_elements * sizeof(float)));
    const std::size_t shares = std::min<std::size_t>(static_cast<std::size_t>(num_threads()), batch);
    parallel_for(shares, [&](std::size_t s0, std::size_t s1) {
        for (std::size_t s = s0; s < s1; ++s) {
            const std::size_t begin = batch * s / shares, end = batch * (s + 1) / shares;
            for (std::size_t n0 = begin; n0 < end; n0 += per_chunk)
                fn(s, n0, std::min(per_chunk, end - n0));
        }
    });
}

// A parameter's gradient summed over the shares of for_each_chunk: share 0 writes the node's gradient
// buffer, the others their own, added in at the end.
template <class T> class SharedGrad {
public:
    SharedGrad(Node<T>& w, std::size_t batch)
        : node_(w), partial_(std::max<std::size_t>(1, std::min<std::size_t>(num_threads(), batch))) {
        if (w.requires_grad)
            first_beta_ = grad_buffer_for_write(w);
        for (std::size_t s = 1; s < partial_.size(); ++s)
            partial_[s].assign(w.grad.size(), T(0));
    }
    bool wanted() const { return node_.requires_grad; }
    // Where share s accumulates, and the beta for its next gemm.
    T* target(std::size_t s) { return s == 0 ? node_.grad.data() : partial_[s].data(); }
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
        if (!node_.requires_grad)
            return;
        T* g = node_.grad.data();
        for (std::size_t s = 1; s < partial_.size(); ++s)
            for (std::size_t i = 0; i < partial_[s].size(); ++i)
                g[i] += partial_[s][i];
    }

private:
    Node<T>& node_;
    std::vector<std::vector<T>> partial_;
    T first_beta_ = T(0);
};

// The bias's share-summed gradient, when the op has a bias that needs one.
template <class T> std::optional<SharedGrad<T>> bias_grad(Node<T>& self, std::size_t batch) {
    if (self.inputs.size() < 3 || !self.inputs[2]->requires_grad)
        return std::nullopt;
    return std::optional<SharedGrad<T>>(std::in_place, *self.inputs[2], batch);
}

} // namespace

template <class T>
Tensor<T> conv2d(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, Conv2dOptions o) {
    check_conv_inputs("conv2d", x, weight, bias, 1, 0);
    for (auto [what, v] : {std::pair{"stride", o.stride()}, {"dilation", o.dilation()}})
        check_positive("conv2d", what, v);
    const auto& xs = x.shape();
    const auto& ws = weight.shape();
    const std::size_t N = xs[0], Cout = ws[0];
    ConvGeometry g{xs[1], xs[2], xs[3], ws[2], ws[3], o.stride().h, o.stride().w, o.padding().h, o.padding().w,
                   o.dilation().h, o.dilation().w, 0, 0};
    g.out_h = conv_output_size(g.height, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h);
    g.out_w = conv_output_size(g.width, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w);
    if (g.out_h == 0 || g.out_w == 0)
        throw_shapes("conv2d", "the (dilated) kernel is larger than the padded input:", xs, ws);
    const std::size_t P = g.positions(), R = g.rows();

    // Forward, per chunk of samples: col = im2col(x) [R, n P]; out_cm = W [Cout, R] col; out = NCHW(out_cm) + b.
    const T* xv = x.value().data();
    const T* wv = weight.value().data();
    const T* bv = bias.defined() ? bias.value().data() : nullptr;
    const bool relu = o.relu();
    Array<T> out = Array<T>::from_shape({N, Cout, g.out_h, g.out_w});
    for_each_chunk(N, R * P, [&](std::size_t, std::size_t n0, std::size_t n) {
        auto& col = thread_scratch<T>(0, R * n * P);
        auto& out_cm = thread_scratch<T>(1, Cout * n * P);
        im2col(xv + n0 * g.image_size(), n, g, col.data());
        gemm<T>(false, false, Cout, n * P, R, T(1), wv, R, col.data(), n * P, T(0), out_cm.data(), n * P);
        to_batch_major(out_cm.data(), n, Cout, P, bv, out.data() + n0 * Cout * P, relu);
    });

    // Backward, per chunk, with g_cm = dOut in [Cout, n P] and the columns computed again (cheaper than
    // keeping a whole batch's, which would not fit in cache):
    //   dW [Cout, R] += g_cm col^T;  dcol [R, n P] = W^T g_cm, dx = col2im(dcol);  db = sum of dOut per channel.
    return Tensor<T>::from_op(std::move(out), o.relu() ? "conv2d+relu" : "conv2d", conv_inputs(x, weight, bias),
                              [g, N, Cout, relu](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows();
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        const T* wv = wn.get_value().data();
        SharedGrad<T> dw(wn, N);
        auto db = bias_grad(self, N);
        T* dx = nullptr;
        if (xn.requires_grad) {
            if (grad_buffer_for_write(xn) == T(0))
                xn.grad.fill(T(0));
            dx = xn.grad.data();
        }
        for_each_chunk(N, R * P, [&](std::size_t share, std::size_t n0, std::size_t n) {
            // The output gradient of this chunk, channel-major, with the fused ReLU's gate applied.
            auto& g_cm = thread_scratch<T>(0, Cout * n * P);
            to_channel_major(self.grad.data() + n0 * Cout * P, n, Cout, P, g_cm.data(),
                             relu ? self.value.data() + n0 * Cout * P : nullptr);
            if (db)
                db->add_row_sums(share, g_cm.data(), Cout, n * P);
            if (dw.wanted()) {
                auto& col = thread_scratch<T>(1, R * n * P);
                im2col(xn.get_value().data() + n0 * g.image_size(), n, g, col.data());
                gemm<T>(false, true, Cout, R, n * P, T(1), g_cm.data(), n * P, col.data(), n * P, dw.beta(share),
                        dw.target(share), R);
            }
            if (dx) {
                auto& dcol = thread_scratch<T>(2, R * n * P);
                gemm<T>(true, false, R, n * P, Cout, T(1), wv, R, g_cm.data(), n * P, T(0), dcol.data(), n * P);
                col2im(dcol.data(), n, g, dx + n0 * g.image_size());
            }
        });
        dw.finish();
        if (db)
            db->finish();
    });
}

template <class T>
Tensor<T> conv_transpose2d(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias,
                           ConvTranspose2dOptions o) {
    check_conv_inputs("conv_transpose2d", x, weight, bias, 0, 1);
    for (auto [what, v] : {std::pair{"stride", o.stride()}, {"dilation", o.dilation()}})
        check_positive("conv_transpose2d", what, v);
    const auto op = o.output_padding();
    if (op.h >= std::max(o.stride().h, o.dilation().h) || op.w >= std::max(o.stride().w, o.dilation().w))
        throw std::invalid_argument(fmt::format(
            "conv_transpose2d: output_padding ({}, {}) must be smaller than stride or dilation", op.h, op.w));
    const auto& xs = x.shape();
    const auto& ws = weight.shape();
    const std::size_t N = xs[0], Cin = xs[1], H = xs[2], W = xs[3], Cout = ws[1];
    const auto full_size = [](std::size_t in, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t op) {
        const long full = static_cast<long>((in - 1) * s + d * (k - 1) + op + 1);
        return full - 2 * static_cast<long>(p);
    };
    const long Ho = full_size(H, ws[2], o.stride().h, o.padding().h, o.dilation().h, op.h);
    const long Wo = full_size(W, ws[3], o.stride().w, o.padding().w, o.dilation().w, op.w);
    if (H == 0 || W == 0 || Ho <= 0 || Wo <= 0)
        throw_shapes("conv_transpose2d", "the padding crops the whole output:", xs, ws);
    // The convolution this op is the transpose of: from the [Cout, Ho, Wo] output back to the [H, W] input.
    const ConvGeometry g{Cout, static_cast<std::size_t>(Ho), static_cast<std::size_t>(Wo), ws[2], ws[3],
                         o.stride().h, o.stride().w, o.padding().h, o.padding().w, o.dilation().h, o.dilation().w, H, W};
    const std::size_t P = H * W, R = g.rows(), out_size = Cout * g.height * g.width;

    // Forward, per chunk of samples: x_cm [Cin, n P]; col = W^T x_cm with W seen as [Cin, R];
    // out = col2im(col) + b.
    const T* xv = x.value().data();
    const T* wv = weight.value().data();
    Array<T> out = xt::zeros<T>({N, Cout, g.height, g.width});
    for_each_chunk(N, R * P, [&](std::size_t, std::size_t n0, std::size_t n) {
        auto& x_cm = thread_scratch<T>(0, Cin * n * P);
        auto& col = thread_scratch<T>(1, R * n * P);
        to_channel_major(xv + n0 * Cin * P, n, Cin, P, x_cm.data());
        gemm<T>(true, false, R, n * P, Cin, T(1), wv, R, x_cm.data(), n * P, T(0), col.data(), n * P);
        col2im(col.data(), n, g, out.data() + n0 * out_size);
    });
    const bool relu = o.relu();
    add_bias(out.data(), N, Cout, g.height * g.width, bias.defined() ? bias.value().data() : nullptr, relu);

    // Backward, per chunk: dcol = im2col(dOut) [R, n P];  dx_cm = W dcol -> dx;  dW [Cin, R] += x_cm dcol^T;
    // db as conv2d.
    return Tensor<T>::from_op(std::move(out), relu ? "conv_transpose2d+relu" : "conv_transpose2d",
                              conv_inputs(x, weight, bias), [g, N, Cin, relu](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows(), out_size = g.image_size();
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        const T* wv = wn.get_value().data();
        SharedGrad<T> dw(wn, N);
        auto db = bias_grad(self, N);
        Array<T> dx;
        if (xn.requires_grad)
            dx = Array<T>::from_shape(xn.shape);
        for_each_chunk(N, R * P, [&](std::size_t share, std::size_t n0, std::size_t n) {
            // The output gradient of this chunk, with the fused ReLU's gate applied.
            const T* grad = self.grad.data() + n0 * out_size;
            if (relu) {
                auto& gated = thread_scratch<T>(3, n * out_size);
                relu_gate(grad, self.value.data() + n0 * out_size, n * out_size, gated.data());
                grad = gated.data();
            }
            if (db) {
                auto& sums = thread_scratch<T>(4, g.channels);
                sum_per_channel(grad, n, g.channels, g.height * g.width, false, sums.data());
                db->add_row_sums(share, sums.data(), g.channels, 1);
            }
            auto& dcol = thread_scratch<T>(0, R * n * P);
            im2col(grad, n, g, dcol.data());
            if (dw.wanted()) {
                auto& x_cm = thread_scratch<T>(1, Cin * n * P);
                to_channel_major(xn.get_value().data() + n0 * Cin * P, n, Cin, P, x_cm.data());
                gemm<T>(false, true, Cin, R, n * P, T(1), x_cm.data(), n * P, dcol.data(), n * P, dw.beta(share),
                        dw.target(share), R);
            }
            if (xn.requires_grad) {
                auto& dx_cm = thread_scratch<T>(2, Cin * n * P);
                gemm<T>(false, false, Cin, n * P, R, T(1), wv, R, dcol.data(), n * P, T(0), dx_cm.data(), n * P);
                to_batch_major(dx_cm.data(), n, Cin, P, static_cast<const T*>(nullptr), dx.data() + n0 * Cin * P);
            }
        });
        dw.finish();
        if (db)
            db->finish();
        if (xn.requires_grad)
            accumulate_grad(xn, std::move(dx));
    });
}

template Tensor<float> conv2d(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, Conv2dOptions);
template Tensor<double> conv2d(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, Conv2dOptions);
template Tensor<float> conv_transpose2d(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&,
                                        ConvTranspose2dOptions);
template Tensor<double> conv_transpose2d(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&,
                                         ConvTranspose2dOptions);

} // namespace aegrad
