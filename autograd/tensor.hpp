#pragma once
// The tape. A Tensor is a cheap handle to a Node; copying the handle shares the node. A node holds a value,
// a gradient (allocated on first write), and, when it is an op's output, its inputs and a backward function.
// The graph lives exactly as long as the handles that reach it: there is no global tape to clear.
//
// Tensors are templates on the element type: float for training, double for gradient checks. Both are
// explicitly instantiated in the library.
#include "autograd/buffer_pool.hpp"  // first: it sets xtensor's allocator

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xnoalias.hpp>

#include "autograd/errors.hpp"
#include "autograd/grad_mode.hpp"

namespace aegrad {

template <class T> struct Node;
template <class T> class Tensor;

/// Called once per backward pass with the node whose `grad` holds d(loss)/d(output); it adds the inputs'
/// contributions into `self.inputs[i]->grad` (see `accumulate_grad`).
template <class T> using BackwardFn = std::function<void(Node<T>& self)>;

template <class T> struct Node {
    using Array = xt::xarray<T>;

    Shape shape;                    // known even while `value` is still lazy
    Array value;                    // empty while `materialize` is set
    Array grad;                     // buffer kept across steps; meaningful only when has_grad
    bool has_grad = false;
    bool requires_grad = false;
    bool released = false;          // backward ran and freed this op's inputs
    bool grad_donatable = false;    // set by a backward pass that releases the graph: `grad` is read by this
                                    // op's backward only, which may hand the buffer on (pass_grad_through)
    std::string op = "leaf";        // the op that produced the value, for errors, printing and DOT export
    std::string label;              // optional name given by a module (e.g. "encoder.0.weight")
    std::shared_ptr<const std::string> scope;  // the NameScope the op ran in ("decoder.1"), if any
    std::vector<std::shared_ptr<Node>> inputs;
    BackwardFn<T> backward;
    // A lazily computed value (a transpose read by matmul never needs one); run on first access.
    std::function<void(Node&)> materialize;
    // Set on a lazy 2-D transpose: matmul reads `transpose_of->value` with a transpose flag instead.
    std::shared_ptr<Node> transpose_of;

    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    // Releases a long chain of inputs iteratively: a 10,000-op graph must not recurse 10,000 frames deep.
    ~Node();

    const Array& get_value() {
        if (materialize) {
            auto fn = std::move(materialize);
            materialize = nullptr;
            fn(*this);
        }
        return value;
    }
    bool is_leaf() const { return op == "leaf"; }
};

/// Adds a gradient contribution into `node`: the first one is stored (reusing the buffer), later ones are
/// summed. That one rule makes `x * x` and tied weights correct. Inputs that need no gradient are skipped.
template <class T, class E> void accumulate_grad(Node<T>& node, E&& contribution) {
    if (!node.requires_grad)
        return;
    if (!node.has_grad) {
        if (node.grad.shape() == node.shape)
            xt::noalias(node.grad) = std::forward<E>(contribution);
        else
            node.grad = std::forward<E>(contribution);
        node.has_grad = true;
    } else {
        xt::noalias(node.grad) += std::forward<E>(contribution);
    }
    if (node.grad.shape() != node.shape)
        throw_shapes(node.op, "backward produced a gradient of the wrong shape:", node.grad.shape(), node.shape);
}

/// For an op whose gradient for `input` is its own output gradient unchanged (adding a bias, adding two
/// tensors of one shape): hands `self`'s gradient buffer to `input` instead of copying it, when the backward
/// pass releases the graph (nothing reads `self.grad` afterwards) and `input` has no gradient yet. Otherwise
/// it is accumulate_grad. Call it last in a backward function: `self.grad` may be gone afterwards.
template <class T> void pass_grad_through(Node<T>& self, Node<T>& input) {
    if (input.requires_grad && !input.has_grad && self.grad_donatable && input.shape == self.shape) {
        std::swap(input.grad, self.grad);  // self gets input's old buffer, which the engine then frees
        input.has_grad = true;
        self.grad_donatable = false;
        return;
    }
    accumulate_grad(input, self.grad);
}

/// The gradient buffer of `node`, sized to its shape, for ops that write it in place (gemm with beta).
/// Returns the beta to use: 0 for the first contribution (buffer contents are ignored), 1 afterwards.
template <class T> T grad_buffer_for_write(Node<T>& node) {
    if (node.has_grad)
        return T(1);
    if (node.grad.shape() != node.shape)
        node.grad.resize(node.shape);
    node.has_grad = true;
    return T(0);
}

struct BackwardOptions {
    /// Keep the graph (inputs, backward functions, intermediate gradients) so backward can run again.
    bool retain_graph = false;
};

template <class T> class Tensor {
public:
    using value_type = T;
    using Array = xt::xarray<T>;

    /// An undefined handle; most calls on it throw.
    Tensor() = default;
    /// A leaf holding `value`. Parameters are leaves with requires_grad = true.
    explicit Tensor(Array value, bool requires_grad = false);

    /// The output of an op: records `inputs` and `backward` when recording is on and an input needs a
    /// gradient; otherwise a constant. Ops call this; users rarely do.
    static Tensor from_op(Array value, std::string op, std::vector<Tensor> inputs, BackwardFn<T> backward);
    /// A lazy op output: `materialize` fills the value on first access.
    static Tensor lazy_from_op(Shape shape, std::function<void(Node<T>&)> materialize, std::string op,
                               std::vector<Tensor> inputs, BackwardFn<T> backward);

    bool defined() const { return node_ != nullptr; }
    const Array& value() const { return node().get_value(); }
    /// In-place access for optimizers and initialisers. Changing the shape is an error.
    Array& mutable_value() { return const_cast<Array&>(node().get_value()); }
    const Shape& shape() const { return node().shape; }
    std::size_t dim() const { return shape().size(); }
    std::size_t size() const;
    /// The single element of a one-element tensor (a loss).
    T item() const;

    bool requires_grad() const { return node().requires_grad; }
    /// Only leaves may change this (an op output's flag follows from its inputs).
    Tensor& set_requires_grad(bool on);
    bool has_grad() const { return node().has_grad; }
    /// d(loss)/d(this) after backward; throws if no gradient has reached this tensor.
    const Array& grad() const;
    /// Forgets the gradient; the buffer is kept so the next backward does not allocate.
    void zero_grad() { node().has_grad = false; }

    /// Backward from a one-element tensor (seed 1).
    void backward(BackwardOptions options = {}) const;
    /// Backward from any tensor with an explicit seed gradient of the same shape.
    void backward(const Array& seed, BackwardOptions options = {}) const;

    /// A new leaf with a copy of the value and no history.
    Tensor detach() const;

    const std::string& op() const { return node().op; }
    const std::string& label() const { return node().label; }
    Tensor& set_label(std::string label);

    /// Identity of the node: two handles are the same tensor when their nodes are the same.
    Node<T>* id() const { return node_.get(); }
    const std::shared_ptr<Node<T>>& node_ptr() const { return node_; }
    explicit Tensor(std::shared_ptr<Node<T>> node) : node_(std::move(node)) {}

private:
    Node<T>& node() const;
    std::shared_ptr<Node<T>> node_;
};

/// A scalar argument of an op on Tensor<T>. Spelled so that T is deduced from the tensor alone: `2.0 * x`
/// then works for a float tensor too.
template <class T> using Scalar = typename Tensor<T>::value_type;

/// "Tensor(shape=[2, 3], dtype=float32, op=matmul, requires_grad=true)" followed by the values.
template <class T> std::ostream& operator<<(std::ostream& out, const Tensor<T>& t);

/// Runs backward from `root` seeded with `seed`. Tensor::backward calls this.
template <class T> void run_backward(Node<T>& root, const xt::xarray<T>& seed, BackwardOptions options);

extern template class Tensor<float>;
extern template class Tensor<double>;

} // namespace aegrad
