#include <aegrad/autograd/linalg.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/detail/bias_epilogue.hpp>
#include <aegrad/autograd/detail/gemm.hpp>

namespace aegrad {

namespace {

// What a product reads for one operand: the matrix stored in a node and whether gemm transposes it. A
// transposed view that nothing has computed is read through its source.
template <class T> struct GemmOperand {
    Node<T>& stored;
    bool transposed;
};

template <class T> GemmOperand<T> gemm_operand(Node<T>& node) {
    if (node.view && !node.has_shape(node.value))
        return {*node.view->source, true};
    return {node, false};
}

// c = op(x) op(y) + beta c for whole 2-D arrays; c already has its shape.
template <class T> void gemm_arrays(const Array<T>& x, bool tx, const Array<T>& y, bool ty, T beta, Array<T>& c) {
    const std::size_t m = c.shape()[0], n = c.shape()[1], k = tx ? x.shape()[0] : x.shape()[1];
    detail::gemm<T>(tx, ty, m, n, k, T(1), x.data(), x.shape()[1], y.data(), y.shape()[1], beta, c.data(), n);
}

// out (+)= op(a) op(b) for the operands of a product.
template <class T> void product(const GemmOperand<T>& a, const GemmOperand<T>& b, T beta, Array<T>& out) {
    gemm_arrays(a.stored.get_value(), a.transposed, b.stored.get_value(), b.transposed, beta, out);
}

// target.grad (+)= op(x) op(y): the first contribution overwrites (beta 0), later ones accumulate (beta 1).
template <class T> void gemm_into_grad(Node<T>& target, const Array<T>& x, bool tx, const Array<T>& y, bool ty) {
    if (!target.requires_grad)
        return;
    const T beta = grad_buffer_for_write(target);
    gemm_arrays(x, tx, y, ty, beta, target.grad);
}

// The gradients of C = L R for a node whose inputs 0 and 1 are L [m, k] and R [k, n], given g = dC:
//   dL = g R^T,   dR = L^T g.
// An operand read through a transposed view passes its gradient to the view's source S directly:
//   L = S^T gives dS = dL^T = R g^T;   R = S^T gives dS = dR^T = g^T L.
template <class T> void product_backward(Node<T>& self, const Array<T>& g) {
    const GemmOperand<T> a = gemm_operand(*self.inputs[0]), b = gemm_operand(*self.inputs[1]);
    const auto& A = a.stored.get_value();
    const auto& B = b.stored.get_value();
    const auto d_left = [&] {
        if (a.transposed)
            gemm_into_grad(a.stored, B, b.transposed, g, true);
        else
            gemm_into_grad(a.stored, g, false, B, !b.transposed);
    };
    const auto d_right = [&] {
        if (b.transposed)
            gemm_into_grad(b.stored, g, true, A, a.transposed);
        else
            gemm_into_grad(b.stored, A, !a.transposed, g, false);
    };
    if (a.stored.requires_grad && b.stored.requires_grad && &a.stored != &b.stored) {
        detail::gemm_pair(g.shape()[0], g.shape()[1], A.shape()[a.transposed ? 0 : 1], d_left, d_right);
    } else {
        d_left();
        d_right();
    }
}

// bias.grad (+)= the column sums of g [rows, n]: the gradient of a bias added to every row.
template <class T> void accumulate_bias_grad(Node<T>& bias, const Array<T>& g) {
    if (!bias.requires_grad)
        return;
    const bool accumulate = grad_buffer_for_write(bias) != T(0);
    detail::column_sums(g.data(), g.shape()[0], g.shape()[1], accumulate, bias.grad.data());
}

} // namespace

template <class T> Tensor<T> matmul(const Tensor<T>& a, const Tensor<T>& b) {
    if (a.dim() != 2 || b.dim() != 2 || a.shape()[1] != b.shape()[0])
        throw_shapes("matmul", a.dim() != 2 || b.dim() != 2 ? "needs two 2-D tensors, got" : "inner sizes differ:",
                     a.shape(), b.shape());
    Array<T> out = Array<T>::from_shape({a.shape()[0], b.shape()[1]});
    product(gemm_operand(*a.node_ptr()), gemm_operand(*b.node_ptr()), T(0), out);
    return Tensor<T>::from_op(std::move(out), "matmul", {a, b},
                              [](Node<T>& self, BackwardContext<T>& ctx) { product_backward(self, ctx.grad()); });
}

template <class T>
Tensor<T> linear(const Tensor<T>& x, const Tensor<T>& weight, const Tensor<T>& bias, Epilogue epilogue) {
    const std::string name = "linear" + epilogue_suffix(epilogue);
    if (x.dim() != 2 || weight.dim() != 2 || x.shape()[1] != weight.shape()[0])
        throw_shapes(name, x.dim() != 2 || weight.dim() != 2 ? "needs x [B, k] and weight [k, n], got" : "inner sizes differ:",
                     x.shape(), weight.shape());
    if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[1]))
        throw_shapes(name, "needs a bias [n] for a weight [k, n], got", bias.shape(), weight.shape());
    const std::size_t rows = x.shape()[0], n = weight.shape()[1];
    Array<T> out = Array<T>::from_shape({rows, n});
    // Rows that start as the bias take the product added on (beta 1): no second array for x W + b.
    if (bias.defined())
        detail::fill_rows(bias.value().data(), rows, n, out.data());
    product(gemm_operand(*x.node_ptr()), gemm_operand(*weight.node_ptr()), bias.defined() ? T(1) : T(0), out);
    detail::apply_epilogue(epilogue, out.data(), rows, n);

    // With g' = dOut gated by the epilogue: dbias = column sums of g'; dx and dW as matmul's, from g'.
    std::vector<Tensor<T>> inputs{x, weight};
    if (bias.defined())
        inputs.push_back(bias);
    return Tensor<T>::from_op(std::move(out), name, std::move(inputs), [epilogue](Node<T>& self, BackwardContext<T>& ctx) {
        Array<T> g = ctx.take_grad();
        detail::gate_rows(epilogue, g.data(), self.value.data(), g.shape()[0], g.shape()[1], g.data());
        if (self.inputs.size() > 2)
            accumulate_bias_grad(*self.inputs[2], g);
        product_backward(self, g);
    });
}

template <class T> Tensor<T> transpose(const Tensor<T>& x) {
    if (x.dim() != 2)
        throw ShapeError(fmt::format("transpose: needs a 2-D tensor, got shape {}", shape_str(x.shape())));
    // y = x^T; dx = dy^T.
    Tensor<T> out = Tensor<T>::from_op(Array<T>(), "transpose", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], xt::transpose(ctx.grad()));
    });
    Node<T>& view = *out.node_ptr();
    view.shape = Shape{x.shape()[1], x.shape()[0]};
    view.view = TransposedView<T>{x.node_ptr()};
    return out;
}

template Tensor<float> matmul(const Tensor<float>&, const Tensor<float>&);
template Tensor<double> matmul(const Tensor<double>&, const Tensor<double>&);
template Tensor<float> linear(const Tensor<float>&, const Tensor<float>&, const Tensor<float>&, Epilogue);
template Tensor<double> linear(const Tensor<double>&, const Tensor<double>&, const Tensor<double>&, Epilogue);
template Tensor<float> transpose(const Tensor<float>&);
template Tensor<double> transpose(const Tensor<double>&);

} // namespace aegrad
