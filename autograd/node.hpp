#pragma once
// A node of the tape: what the calculus needs to know about one value. Tensor (autograd/tensor.hpp) is the
// handle users hold; ops create nodes through Tensor::from_op, and the engine (autograd/backward.hpp)
// walks them.
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xtensor/xmanipulation.hpp>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/errors.hpp>

namespace aegrad {

template <class T> struct Node;
template <class T> class BackwardContext;

/// An op's derivative rule. Called once per backward pass, after every consumer of `self` has run, with
/// `ctx` holding d(loss)/d(self); it adds each input's contribution into `self.inputs[i]->grad`
/// (accumulate_grad, autograd/backward.hpp).
template <class T> using BackwardFn = std::function<void(Node<T>& self, BackwardContext<T>& ctx)>;

/// Marks a node whose value is another node's transposed. The value is computed only when something other
/// than a matrix product reads it: a product reads `source` with a transpose flag instead (a tied decoder's
/// read of its encoder's weight costs no copy).
template <class T> struct TransposedView {
    std::shared_ptr<Node<T>> source;
};

template <class T> struct Node {
    Shape shape;                               // known even while a view's value is not computed
    Array<T> value;                            // read through get_value()
    Array<T> grad;                             // kept across steps; meaningful only when has_grad
    bool has_grad = false;
    bool requires_grad = false;
    std::string op = "leaf";                   // the op that made the value, for errors, hooks and DOT export
    std::string label;                         // a name given by a module ("encoder.0.weight"), if any
    std::shared_ptr<const std::string> scope;  // the NameScope the op ran in ("decoder.1"), if any
    std::vector<std::shared_ptr<Node>> inputs;
    BackwardFn<T> backward;                    // null for leaves, constants and released ops
    std::optional<TransposedView<T>> view;     // set by transpose()

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    // Frees a long chain of inputs iteratively: a 10,000-op graph must not recurse 10,000 frames deep.
    ~Node();

    /// The value, computed first if this is a view that nothing has read yet.
    const Array<T>& get_value() {
        if (view && !has_shape(value))
            value = xt::transpose(view->source->get_value());
        return value;
    }
    bool is_leaf() const { return op == "leaf"; }
    /// An op output whose backward already ran and freed its inputs (a graph is released after backward).
    bool released() const { return requires_grad && !is_leaf() && !backward; }
    /// Whether `a` holds exactly this node's shape.
    bool has_shape(const Array<T>& a) const {
        return a.dimension() == shape.size() && std::equal(shape.begin(), shape.end(), a.shape().begin());
    }
};

extern template struct Node<float>;
extern template struct Node<double>;

} // namespace aegrad
