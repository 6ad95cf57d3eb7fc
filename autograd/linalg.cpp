#include "autograd/linalg.hpp"

#include <algorithm>

#include <xtensor/xmanipulation.hpp>

#include <fmt/format.h>

#include "autograd/bias.hpp"
#include "autograd/gemm.hpp"
#include "autograd/parallel.hpp"
#include "autograd/read_attribution.hpp"

namespace aegrad {

namespace {

// What gemm reads for one operand: the stored matrix and whether to transpose it.
template <class T> struct GemmOperand {
    Node<T>* stored;  // the node whose value gemm reads
    bool transposed;  // true when `stored` is the source of a lazy transpose
};

template <class T> GemmOperand<T> gemm_operand(const Tensor<T>& t) {
    const auto& node = t.node_ptr();
    if (node->transpose_of && node->materialize)  // still lazy: read the source with a flag
        return {node->transpose_of.get(), true};
    return {node.get(), false};
}

// c = op(x) op(y) + beta c for whole 2-D arrays; c already has its shape. Goes through autograd/gemm
// (not xtensor-blas) so that a large product is split across aegrad's threads.
template <class T> void gemm_arrays(const xt::xarray<T>& x, bool tx, const xt::xarray<T>& y, bool ty, T beta, xt::xarray<T>& c) {
    const std::size_t m = c.shape()[0], n = c.shape()[1], k = tx ? x.shape()[0] : x.shape()[1];
    gemm<T>(tx, ty, m, n, k, T(1), x.data(), x.shape()[1], y.data(), y.shape()[1], beta, c.data(), n);
}

// target.grad (+)= op(x) op(y): the first contribution overwrites (beta 0), later ones accumulate (beta 1).
template <class T> void gemm_into_grad(Node<T>& target, const xt::xarray<T>& x, bool tx, const xt::xarray<T>& y, bool ty) {
    if (!target.requires_grad)
        return;
    const T beta = grad_buffer_for_write(target);
    gemm_arrays(x, tx, y, ty, beta, target.grad);
}

// The gradients of C = op(A) op(B) for a node whose inputs 0 and 1 are A and B (read through a lazy
// transpose when tA / tB), given g = dC [m, n]. With L = op(A) [m, k] and R = op(B) [k, n]:
//   dL = g R^T          -> gemm(g, B, no, !tB)         fused transpose: dA = dL^T = R g^T -> gemm(B, g, tB, yes)
//   dR = L^T g          -> gemm(A, g, !tA, no)         fused transpose: dB = dR^T = g^T L -> gemm(g, A, yes, tA)
// The nodes are reached through self.inputs, so the ops' closures capture only the flags.
template <class T> void product_backward(Node<T>& self, bool tA, bool tB, const xt::xarray<T>& g) {
    Node<T>& a_node = tA ? *self.inputs[0]->transpose_of : *self.inputs[0];
    Node<T>& b_node = tB ? *self.inputs[1]->transpose_of : *self.inputs[1];
    const auto& A = a_node.get_value();
    const auto& B = b_node.get_value();
    // Under read attribution the transpose's own read must be seen: route through its node instead.
    const bool fuse = !attribution_active();
    // The nodes whose gradients the two products write.
    Node<T>& a_target = tA && fuse ? a_node : *self.inputs[0];
    Node<T>& b_target = tB && fuse ? b_node : *self.inputs[1];
    const auto d_a = [&] {
        if (tA && fuse)
            gemm_into_grad(a_target, B, tB, g, true);
        else
            gemm_into_grad(a_target, g, false, B, !tB);
    };
    const auto d_b = [&] {
        if (tB && fuse)
            gemm_into_grad(b_target, g, true, A, tA);
        else
            gemm_into_grad(b_target, A, !tA, g, false);
    };
    // Two products too small to split (the 100x30 layer's) would each leave the other threads idle: they
    // run at once instead, one per thread, when they write different gradients and are large enough to
    // pay for the handover. Each is still one BLAS call, so the results do not change. At batch 256 on 2
    // threads, the seed model's backward pass took 55-84 us less per step (of about 1.2 ms; steps
    // alternated two by two in one process, 6 epochs). At batch 32 (96k multiply-adds each) it did not pay.
    const std::size_t m = g.shape()[0], n = g.shape()[1], k = A.shape()[tA ? 0 : 1];
    constexpr std::size_t kPairMinWork = std::size_t(1) << 18;  // multiply-adds, per product
    const bool both = a_target.requires_grad && b_target.requires_grad && &a_target != &b_target;
    if (fuse && both && num_threads() > 1 && m * n * k >= kPairMinWork && !gemm_is_split(m, k, n) &&
        !gemm_is_split(k, n, m)) {
        parallel_for(2, [&](std::size_t p0, std::size_t p1) {
            for (std::size_t p = p0; p < p1; ++p)
                p == 0 ? d_a() : d_b();
        });
        return;
    }
    d_a();
    d_b();
}

} // namespace

template <class T> Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b) {
    if (a.dim() != 2 || b.dim() != 2 || a.shape()[1] != b.shape()[0])
        throw_shapes("matmul", a.dim() != 2 || b.dim() != 2 ? "needs two 2-D tensors, got" : "inner sizes differ:",
                     a.shape(), b.shape());
    const GemmOperand<T> left = gemm_operand(a);
    const GemmOperand<T> right = gemm_operand(b);
    xt::xarray<T> out = xt::xarray<T>::from_shape({a.shape()[0], b.shape()[1]});
    gemm_arrays(left.stored->get_value(), left.transposed, right.stored->get_value(), right.transposed, T(0), out);

    const bool tA = left.transposed, tB = right.transposed;
    return Tensor<T>::from_op(std::move(out), "matmul", {a, b},
                              [tA, tB](Node<T>& self) { product_backward(self, tA, tB, self.grad); });
}

template <class T> Tensor<T> linear(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, bool relu) {
    const char* name = relu ? "linear+relu" : "linear";
    if (x.dim() != 2 || weight.dim() != 2 || x.shape()[1] != weight.shape()[0])
        throw_shapes(name, x.dim() != 2 || weight.dim() != 2 ? "needs x [B, k] and weight [k, n], got" : "inner sizes differ:",
                     x.shape(), weight.shape());
    if (bias.dim() != 1 || bias.shape()[0] != weight.shape()[1])
        throw_shapes(name, "needs a bias [n] for a weight [k, n], got", bias.shape(), weight.shape());
    const GemmOperand<T> left = gemm_operand(x);
    const GemmOperand<T> right = gemm_operand(weight);
    const std::size_t rows = x.shape()[0], n = weight.shape()[1];
    xt::xarray<T> out = xt::xarray<T>::from_shape({rows, n});
    // Every row starts as the bias and gemm adds the product onto it (beta = 1): the output is written by
    // this fill instead of by OpenBLAS zeroing it, and no second array is made for x W + b.
    T* o = out.data();
    const T* b = bias.value().data();
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r)
            std::copy(b, b + n, o + r * n);
    }, row_grain(n));
    gemm_arrays(left.stored->get_value(), left.transposed, right.stored->get_value(), right.transposed, T(1), out);
    if (relu)
        parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t i = r0 * n; i < r1 * n; ++i)
                o[i] = std::max(o[i], T(0));
        }, row_grain(n));

    // Backward: g' = g where out > 0 (or g); dbias += column sums of g'; then matmul's backward with g'.
    const bool tA = left.transposed, tB = right.transposed;
    return Tensor<T>::from_op(std::move(out), name, {x, weight, bias}, [tA, tB, relu](Node<T>& self) {
        const std::size_t rows = self.shape[0], n = self.shape[1];
        xt::xarray<T> copy;  // for a retained graph, whose gradient may be read again
        xt::xarray<T>* g = &self.grad;
        if (relu) {
            if (!self.grad_donatable) {
                copy = xt::xarray<T>::from_shape(self.shape);
                g = &copy;
            }
            relu_gate_rows(self.grad.data(), self.value.data(), rows, n, g->data());
        }
        accumulate_bias_grad(*self.inputs[2], g->data(), rows, n);
        product_backward(self, tA, tB, *g);
    });
}

template <class T> Tensor<T> transpose(const Tensor<T>& x) {
    if (x.dim() != 2)
        throw ShapeError(fmt::format("transpose: needs a 2-D tensor, got shape {}", shape_str(x.shape())));
    std::shared_ptr<Node<T>> source = x.node_ptr();
    auto out = Tensor<T>::lazy_from_op(
        Shape{x.shape()[1], x.shape()[0]},
        [](Node<T>& self) { self.value = xt::transpose(self.transpose_of->get_value()); }, "transpose", {x},
        [](Node<T>& self) { accumulate_grad(*self.inputs[0], xt::transpose(self.grad)); });
    out.node_ptr()->transpose_of = std::move(source);
    return out;
}

template Tensor<float> matmul(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> matmul(const Tensor<double>&, const Tensor<double>&);
template Tensor<float> linear(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, bool);
template Tensor<double> linear(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, bool);
template Tensor<float> transpose(const Tensor<float>&);
template Tensor<double> transpose(const Tensor<double>&);

} // namespace aegrad
