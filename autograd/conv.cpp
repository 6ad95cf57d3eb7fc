#include "autograd/conv.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "autograd/gemm.hpp"
#include "autograd/im2col.hpp"
#include "autograd/parallel.hpp"

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

// Adds bias[c] to every element of channel c of a [N, C, P] array.
template <class T> void add_bias(T* out, std::size_t batch, std::size_t channels, std::size_t positions, const T* bias) {
    parallel_for(batch * channels, [&](std::size_t t0, std::size_t t1) {
        for (std::size_t t = t0; t < t1; ++t) {
            const T b = bias[t % channels];
            for (T *p = out + t * positions, *end = p + positions; p != end; ++p)
                *p += b;
        }
    }, 64);
}

// The bias gradient: the output gradient summed over samples and positions.
template <class T> void bias_backward(Node<T>& bias, const Node<T>& out, std::size_t batch, std::size_t channels,
                                      std::size_t positions) {
    if (!bias.requires_grad)
        return;
    const bool accumulate = grad_buffer_for_write(bias) != T(0);
    sum_per_channel(out.grad.data(), batch, channels, positions, accumulate, bias.grad.data());
}

// Column matrices larger than this fall out of the caches, and filling then reading them runs at memory
// speed (4x slower here than from cache): the batch is processed in chunks of samples that fit.
constexpr std::size_t kColumnBytes = std::size_t(1) << 20;

// Calls fn(first, count) over the batch in chunks whose column matrix ([rows, count positions],
// `column_elements` per sample) stays within kColumnBytes; at least one sample per chunk.
template <class Fn> void for_each_chunk(std::size_t batch, std::size_t column_elements, Fn&& fn) {
    const std::size_t per_chunk = std::max<std::size_t>(1, kColumnBytes / (column_elements * sizeof(float)));
    for (std::size_t n0 = 0; n0 < batch; n0 += per_chunk)
        fn(n0, std::min(per_chunk, batch - n0));
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
    Array<T> out = Array<T>::from_shape({N, Cout, g.out_h, g.out_w});
    std::vector<T> col, out_cm;
    for_each_chunk(N, R * P, [&](std::size_t n0, std::size_t n) {
        col.resize(R * n * P);
        out_cm.resize(Cout * n * P);
        im2col(xv + n0 * g.image_size(), n, g, col.data());
        gemm<T>(false, false, Cout, n * P, R, T(1), wv, R, col.data(), n * P, T(0), out_cm.data(), n * P);
        to_batch_major(out_cm.data(), n, Cout, P, bv, out.data() + n0 * Cout * P);
    });

    // Backward, per chunk, with g_cm = dOut in [Cout, n P] and the columns computed again (cheaper than
    // keeping a whole batch's, which would not fit in cache):
    //   dW [Cout, R] += g_cm col^T;  dcol [R, n P] = W^T g_cm, dx = col2im(dcol);  db = sum of dOut per channel.
    return Tensor<T>::from_op(std::move(out), "conv2d", conv_inputs(x, weight, bias), [g, N, Cout](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows();
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        const T* wv = wn.get_value().data();
        T w_beta = wn.requires_grad ? grad_buffer_for_write(wn) : T(0);
        T* dx = nullptr;
        if (xn.requires_grad) {
            if (grad_buffer_for_write(xn) == T(0))
                xn.grad.fill(T(0));
            dx = xn.grad.data();
        }
        std::vector<T> col, g_cm, dcol;
        for_each_chunk(N, R * P, [&](std::size_t n0, std::size_t n) {
            g_cm.resize(Cout * n * P);
            to_channel_major(self.grad.data() + n0 * Cout * P, n, Cout, P, g_cm.data());
            if (wn.requires_grad) {
                col.resize(R * n * P);
                im2col(xn.get_value().data() + n0 * g.image_size(), n, g, col.data());
                gemm<T>(false, true, Cout, R, n * P, T(1), g_cm.data(), n * P, col.data(), n * P, w_beta,
                        wn.grad.data(), R);
                w_beta = T(1);
            }
            if (dx) {
                dcol.resize(R * n * P);
                gemm<T>(true, false, R, n * P, Cout, T(1), wv, R, g_cm.data(), n * P, T(0), dcol.data(), n * P);
                col2im(dcol.data(), n, g, dx + n0 * g.image_size());
            }
        });
        if (self.inputs.size() == 3)
            bias_backward(*self.inputs[2], self, N, Cout, P);
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
    std::vector<T> x_cm, col;
    for_each_chunk(N, R * P, [&](std::size_t n0, std::size_t n) {
        x_cm.resize(Cin * n * P);
        col.resize(R * n * P);
        to_channel_major(xv + n0 * Cin * P, n, Cin, P, x_cm.data());
        gemm<T>(true, false, R, n * P, Cin, T(1), wv, R, x_cm.data(), n * P, T(0), col.data(), n * P);
        col2im(col.data(), n, g, out.data() + n0 * out_size);
    });
    if (bias.defined())
        add_bias(out.data(), N, Cout, g.height * g.width, bias.value().data());

    // Backward, per chunk: dcol = im2col(dOut) [R, n P];  dx_cm = W dcol -> dx;  dW [Cin, R] += x_cm dcol^T;
    // db as conv2d.
    return Tensor<T>::from_op(std::move(out), "conv_transpose2d", conv_inputs(x, weight, bias),
                              [g, N, Cin](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows(), out_size = g.image_size();
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        const T* wv = wn.get_value().data();
        T w_beta = wn.requires_grad ? grad_buffer_for_write(wn) : T(0);
        Array<T> dx;
        if (xn.requires_grad)
            dx = Array<T>::from_shape(xn.shape);
        std::vector<T> dcol, x_cm, dx_cm;
        for_each_chunk(N, R * P, [&](std::size_t n0, std::size_t n) {
            dcol.resize(R * n * P);
            im2col(self.grad.data() + n0 * out_size, n, g, dcol.data());
            if (wn.requires_grad) {
                x_cm.resize(Cin * n * P);
                to_channel_major(xn.get_value().data() + n0 * Cin * P, n, Cin, P, x_cm.data());
                gemm<T>(false, true, Cin, R, n * P, T(1), x_cm.data(), n * P, dcol.data(), n * P, w_beta,
                        wn.grad.data(), R);
                w_beta = T(1);
            }
            if (xn.requires_grad) {
                dx_cm.resize(Cin * n * P);
                gemm<T>(false, false, Cin, n * P, R, T(1), wv, R, dcol.data(), n * P, T(0), dx_cm.data(), n * P);
                to_batch_major(dx_cm.data(), n, Cin, P, static_cast<const T*>(nullptr), dx.data() + n0 * Cin * P);
            }
        });
        if (xn.requires_grad)
            accumulate_grad(xn, std::move(dx));
        if (self.inputs.size() == 3)
            bias_backward(*self.inputs[2], self, N, g.channels, g.height * g.width);
    });
}

template Tensor<float> conv2d(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, Conv2dOptions);
template Tensor<double> conv2d(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, Conv2dOptions);
template Tensor<float> conv_transpose2d(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&,
                                        ConvTranspose2dOptions);
template Tensor<double> conv_transpose2d(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&,
                                         ConvTranspose2dOptions);

} // namespace aegrad
