#pragma once
// Backward: what the engine hands each op's derivative rule, and how a rule adds its inputs' gradients.
//
// The engine orders the nodes reachable from the output (iteratively, deduplicated by identity), runs each
// node's backward once, after all of its consumers, and then releases the graph unless asked to keep it.
// Gradients always accumulate: the first contribution is stored, later ones are added. That one rule
// makes `x * x` and tied weights correct.
#include <xtensor/xnoalias.hpp>

#include <aegrad/autograd/node.hpp>

namespace aegrad {

/// d(loss)/d(output) of the op whose backward is running.
template <class T> class BackwardContext {
public:
    /// The gradient, to read.
    const Array<T>& grad() const { return self_.grad; }
    /// The gradient, to keep or to overwrite: the buffer itself when the graph is being released (nothing
    /// reads it after this op), a copy when the graph is retained for another pass. Call it once, after
    /// the last grad().
    Array<T> take_grad() { return take(self_.grad); }
    /// The same rule for a buffer the op saved in its forward pass (a loss's precomputed gradient): the
    /// buffer itself when this backward runs for the last time, a copy otherwise.
    Array<T> take(Array<T>& saved) const { return releasing_ ? std::move(saved) : Array<T>(saved); }

    BackwardContext(Node<T>& self, bool releasing) : self_(self), releasing_(releasing) {}

private:
    Node<T>& self_;
    bool releasing_;
};

/// Adds a gradient contribution into `node`; nothing when it needs no gradient. The first contribution is
/// stored (an rvalue Array is moved in, so a buffer can be handed on without a copy), later ones summed.
template <class T, class E> void accumulate_grad(Node<T>& node, E&& contribution) {
    if (!node.requires_grad)
        return;
    if (node.has_grad)
        xt::noalias(node.grad) += std::forward<E>(contribution);
    else if constexpr (std::is_same_v<std::decay_t<E>, Array<T>> && !std::is_lvalue_reference_v<E>)
        node.grad = std::move(contribution);
    else if (node.has_shape(node.grad))
        xt::noalias(node.grad) = std::forward<E>(contribution);
    else
        node.grad = std::forward<E>(contribution);
    node.has_grad = true;
    if (!node.has_shape(node.grad))
        throw_shapes(node.op, "backward produced a gradient of the wrong shape:", node.grad.shape(), node.shape);
}

/// The gradient buffer of `node`, sized to its shape, for ops that write it in place (gemm with beta).
/// Returns the beta to use: 0 for the first contribution (the buffer's contents are undefined), 1 after.
template <class T> T grad_buffer_for_write(Node<T>& node) {
    if (node.has_grad)
        return T(1);
    if (!node.has_shape(node.grad))
        node.grad.resize(node.shape);
    node.has_grad = true;
    return T(0);
}

struct BackwardOptions {
    /// Keep the graph (inputs, backward functions, intermediate gradients) so backward can run again.
    bool retain_graph = false;
};

/// Runs backward from `root` seeded with `seed` (Tensor::backward calls this).
template <class T> void run_backward(Node<T>& root, const Array<T>& seed, BackwardOptions options);

} // namespace aegrad
