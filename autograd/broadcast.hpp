#pragma once
// NumPy broadcasting for the binary ops: the result shape going forward, and the sum back down to an
// input's shape going backward (the one helper every broadcasting op uses).
#include <xtensor/xarray.hpp>

#include "autograd/tensor.hpp"

namespace aegrad {

/// The broadcast shape of `a` and `b`; throws ShapeError naming `op` when they do not broadcast.
Shape broadcast_shapes(const std::string& op, const Shape& a, const Shape& b);

/// Sums `grad` over the axes that broadcasting expanded, so the result has exactly `shape`.
template <class T> xt::xarray<T> sum_to_shape(const xt::xarray<T>& grad, const Shape& shape);

/// accumulate_grad(node, sum_to_shape(grad, node.shape)), without the copy when no axis was broadcast.
template <class T> void accumulate_reduced(Node<T>& node, const xt::xarray<T>& grad) {
    if (!node.requires_grad)
        return;
    if (grad.shape() == node.shape)
        accumulate_grad(node, grad);
    else
        accumulate_grad(node, sum_to_shape(grad, node.shape));
}

} // namespace aegrad
