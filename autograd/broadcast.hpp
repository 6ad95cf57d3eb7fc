#pragma once
// NumPy broadcasting for the binary ops: the result shape going forward, and the sum back down to an
// input's shape going backward (the one helper every broadcasting op uses).
#include <xtensor/xarray.hpp>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// The broadcast shape of `a` and `b`; throws ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const std::string& op, const Shape& a, const Shape& b);

/// Sums `grad` over the axes that broadcasting expanded, so the result has exactly `shape`.
template <class T> Array<T> sum_to_shape(const Array<T>& grad, const Shape& shape);

/// accumulate_grad(node, sum_to_shape(grad, node.shape)), without the sum when no axis was broadcast (an
/// rvalue gradient is then moved in, as accumulate_grad does).
template <class T, class A> void accumulate_reduced(Node<T>& node, A&& grad) {
    if (!node.requires_grad)
        return;
    if (node.has_shape(grad))
        accumulate_grad(node, std::forward<A>(grad));
    else
        accumulate_grad(node, sum_to_shape(grad, node.shape));
}

} // namespace aegrad
