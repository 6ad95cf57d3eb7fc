#include "autograd/conv.hpp"

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
    const std::size_t P = g.positions(), R = g.rows(), cols = N * P;

    // Forward: col = im2col(x) [R, N P]; out_cm = W [Cout, R] col -> [Cout, N P]; out = NCHW(out_cm) + b.
    auto col = std::make_shared<Array<T>>(Array<T>::from_shape({R, cols}));
    im2col(x.value().data(), N, g, col->data());
    Array<T> out_cm = Array<T>::from_shape({Cout, cols});
    gemm<T>(false, false, Cout, cols, R, T(1), weight.value().data(), R, col->data(), cols, T(0), out_cm.data(), cols);
    Array<T> out = Array<T>::from_shape({N, Cout, g.out_h, g.out_w});
    to_batch_major(out_cm.data(), N, Cout, P, bias.defined() ? bias.value().data() : nullptr, out.data());

    // Backward, with g_cm = dOut in [Cout, N P]:
    //   dW [Cout, R] = g_cm col^T;  dcol [R, N P] = W^T g_cm, dx = col2im(dcol);  db = sum of dOut per channel.
    return Tensor<T>::from_op(std::move(out), "conv2d", conv_inputs(x, weight, bias),
                              [g, N, Cout, col](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows(), cols = N * P;
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        Array<T> g_cm = Array<T>::from_shape({Cout, cols});
        to_channel_major(self.grad.data(), N, Cout, P, g_cm.data());
        if (wn.requires_grad) {
            const T beta = grad_buffer_for_write(wn);
            gemm<T>(false, true, Cout, R, cols, T(1), g_cm.data(), cols, col->data(), cols, beta, wn.grad.data(), R);
        }
        if (xn.requires_grad) {
            Array<T> dcol = Array<T>::from_shape({R, cols});
            gemm<T>(true, false, R, cols, Cout, T(1), wn.get_value().data(), R, g_cm.data(), cols, T(0), dcol.data(),
                    cols);
            if (grad_buffer_for_write(xn) == T(0))
                xn.grad.fill(T(0));
            col2im(dcol.data(), N, g, xn.grad.data());
        }
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
    const auto out_size = [](std::size_t in, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t op) {
        const long full = static_cast<long>((in - 1) * s + d * (k - 1) + op + 1);
        return full - 2 * static_cast<long>(p);
    };
    const long Ho = out_size(H, ws[2], o.stride().h, o.padding().h, o.dilation().h, op.h);
    const long Wo = out_size(W, ws[3], o.stride().w, o.padding().w, o.dilation().w, op.w);
    if (H == 0 || W == 0 || Ho <= 0 || Wo <= 0)
        throw_shapes("conv_transpose2d", "the padding crops the whole output:", xs, ws);
    // The convolution this op is the transpose of: from the [Cout, Ho, Wo] output back to the [H, W] input.
    const ConvGeometry g{Cout, static_cast<std::size_t>(Ho), static_cast<std::size_t>(Wo), ws[2], ws[3],
                         o.stride().h, o.stride().w, o.padding().h, o.padding().w, o.dilation().h, o.dilation().w, H, W};
    const std::size_t P = H * W, R = g.rows(), cols = N * P;

    // Forward: x_cm [Cin, N P]; col = W^T x_cm with W seen as [Cin, R]; out = col2im(col) + b.
    auto x_cm = std::make_shared<Array<T>>(Array<T>::from_shape({Cin, cols}));
    to_channel_major(x.value().data(), N, Cin, P, x_cm->data());
    Array<T> col = Array<T>::from_shape({R, cols});
    gemm<T>(true, false, R, cols, Cin, T(1), weight.value().data(), R, x_cm->data(), cols, T(0), col.data(), cols);
    Array<T> out = xt::zeros<T>({N, Cout, g.height, g.width});
    col2im(col.data(), N, g, out.data());
    if (bias.defined())
        add_bias(out.data(), N, Cout, g.height * g.width, bias.value().data());

    // Backward: dcol = im2col(dOut) [R, N P];  dx_cm = W dcol -> dx;  dW [Cin, R] = x_cm dcol^T;  db as conv2d.
    return Tensor<T>::from_op(std::move(out), "conv_transpose2d", conv_inputs(x, weight, bias),
                              [g, N, Cin, x_cm](Node<T>& self) {
        const std::size_t P = g.positions(), R = g.rows(), cols = N * P;
        Node<T>& xn = *self.inputs[0];
        Node<T>& wn = *self.inputs[1];
        Array<T> dcol = Array<T>::from_shape({R, cols});
        im2col(self.grad.data(), N, g, dcol.data());
        if (wn.requires_grad) {
            const T beta = grad_buffer_for_write(wn);
            gemm<T>(false, true, Cin, R, cols, T(1), x_cm->data(), cols, dcol.data(), cols, beta, wn.grad.data(), R);
        }
        if (xn.requires_grad) {
            Array<T> dx_cm = Array<T>::from_shape({Cin, cols});
            gemm<T>(false, false, Cin, cols, R, T(1), wn.get_value().data(), R, dcol.data(), cols, T(0), dx_cm.data(),
                    cols);
            Array<T> dx = Array<T>::from_shape(xn.shape);
            to_batch_major(dx_cm.data(), N, Cin, P, static_cast<const T*>(nullptr), dx.data());
            accumulate_grad(xn, std::move(dx));
        }
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
