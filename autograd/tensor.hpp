#pragma once
// The tape. A Tensor is a cheap handle to a Node (autograd/node.hpp); copying the handle shares the node.
// A node holds a value, a gradient (allocated on first write), and, when it is an op's output, its inputs
// and a backward function. The graph lives exactly as long as the handles that reach it: there is no
// global tape to clear.
//
// Tensors are templates on the element type: float for training, double for gradient checks. Both are
// explicitly instantiated in the library.
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <xtensor/xnoalias.hpp>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/backward.hpp>
#include <aegrad/autograd/errors.hpp>
#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/autograd/node.hpp>

namespace aegrad {

template <class T> class Tensor {
public:
    using value_type = T;
    using Array = aegrad::Array<T>;

    /// An undefined handle; most calls on it throw.
    Tensor() = default;
    /// A leaf holding `value`. Parameters are leaves with requires_grad = true.
    explicit Tensor(Array value, bool requires_grad = false);

    /// The output of an op: records `inputs` and `backward` when recording is on and an input needs a
    /// gradient (see recording()); otherwise a constant. Ops call this; users rarely do.
    static Tensor from_op(Array value, std::string op, std::vector<Tensor> inputs, BackwardFn<T> backward);
    /// Whether an op over `inputs` records its backward: recording is on and one of them needs a gradient.
    /// An op whose forward pass prepares work for backward checks this first.
    static bool recording(const std::vector<Tensor>& inputs);

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

extern template class Tensor<float>;
extern template class Tensor<double>;

} // namespace aegrad
