#include <aegrad/autograd/conv.hpp>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/detail/conv_kernels.hpp>

namespace aegrad {

namespace {

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

// The raw buffers of a conv op's gradients, each null when its input needs none; the weight's and the
// bias's with the beta that gemm and the sums write them with.
// The weight's and bias's gradient buffers. An empty batch runs no kernel, so a fresh buffer is zeroed here:
// the sum over no samples (left alone, it would return whatever the pool held).
template <class T> detail::ConvGradients<T> gradient_buffers(Node<T>& self, std::size_t batch) {
    detail::ConvGradients<T> d;
    Node<T>& wn = *self.inputs[1];
    if (wn.requires_grad) {
        d.dw_beta = grad_buffer_for_write(wn);
        if (batch == 0 && d.dw_beta == T(0))
            wn.grad.fill(T(0));
        d.dw = wn.grad.data();
    }
    if (self.inputs.size() > 2 && self.inputs[2]->requires_grad) {
        Node<T>& bn = *self.inputs[2];
        d.db_beta = grad_buffer_for_write(bn);
        if (batch == 0 && d.db_beta == T(0))
            bn.grad.fill(T(0));
        d.db = bn.grad.data();
    }
    return d;
}

template <class T> const T* relu_output(const Node<T>& self, Epilogue e) {
    return e == Epilogue::relu ? self.value.data() : nullptr;
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
    detail::ConvGeometry g{xs[1], xs[2], xs[3], ws[2], ws[3], o.stride().h, o.stride().w, o.padding().h, o.padding().w,
                   o.dilation().h, o.dilation().w, 0, 0};
    g.out_h = detail::conv_output_size(g.height, g.kernel_h, g.stride_h, g.pad_h, g.dilation_h);
    g.out_w = detail::conv_output_size(g.width, g.kernel_w, g.stride_w, g.pad_w, g.dilation_w);
    if (g.out_h == 0 || g.out_w == 0)
        throw_shapes("conv2d", "the (dilated) kernel is larger than the padded input:", xs, ws);
    const Epilogue epilogue = o.epilogue();
    Array<T> out = Array<T>::from_shape({N, Cout, g.out_h, g.out_w});
    detail::conv2d_forward(g, N, Cout, x.value().data(), weight.value().data(),
                           bias.defined() ? bias.value().data() : nullptr, epilogue, out.data());

    // y = e(W * x + b), with g' = dOut gated by the epilogue:
    //   dW = g' (*) x (correlation over the batch),  dx = the adjoint of the convolution applied to g',
    //   db = sums of g' per channel.
    return Tensor<T>::from_op(std::move(out), "conv2d" + epilogue_suffix(epilogue), conv_inputs(x, weight, bias),
                              [g, N, Cout, epilogue](Node<T>& self, BackwardContext<T>& ctx) {
        Node<T>& xn = *self.inputs[0];
        auto d = gradient_buffers(self, N);
        if (xn.requires_grad) {
            if (grad_buffer_for_write(xn) == T(0))
                xn.grad.fill(T(0));
            d.dx = xn.grad.data();
        }
        detail::conv2d_backward(g, N, Cout, ctx.grad().data(), relu_output(self, epilogue), xn.get_value().data(),
                                self.inputs[1]->get_value().data(), d);
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
    const detail::ConvGeometry g{Cout, static_cast<std::size_t>(Ho), static_cast<std::size_t>(Wo), ws[2], ws[3],
                         o.stride().h, o.stride().w, o.padding().h, o.padding().w, o.dilation().h, o.dilation().w, H, W};
    const Epilogue epilogue = o.epilogue();
    Array<T> out = Array<T>::from_shape({N, Cout, g.height, g.width});
    detail::conv_transpose2d_forward(g, N, Cin, x.value().data(), weight.value().data(),
                                     bias.defined() ? bias.value().data() : nullptr, epilogue, out.data());

    // y = e(W^T * x + b), the adjoint of conv2d with the same kernel; with g' = dOut gated by the epilogue:
    //   dx = conv2d(g', W) (the adjoint of the adjoint),  dW = x (*) g',  db = sums of g' per channel.
    return Tensor<T>::from_op(std::move(out), "conv_transpose2d" + epilogue_suffix(epilogue),
                              conv_inputs(x, weight, bias), [g, N, Cin, epilogue](Node<T>& self, BackwardContext<T>& ctx) {
        Node<T>& xn = *self.inputs[0];
        auto d = gradient_buffers(self, N);
        Array<T> dx;
        if (xn.requires_grad) {
            dx = Array<T>::from_shape(xn.shape);
            d.dx = dx.data();
        }
        detail::conv_transpose2d_backward(g, N, Cin, ctx.grad().data(), relu_output(self, epilogue),
                                          xn.get_value().data(), self.inputs[1]->get_value().data(), d);
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
