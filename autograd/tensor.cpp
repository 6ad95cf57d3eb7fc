#include <aegrad/autograd/tensor.hpp>

#include <aegrad/autograd/anomaly.hpp>

#include <ostream>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/autograd/name_scope.hpp>
#include <xtensor/xio.hpp>

namespace aegrad {

namespace {
// Moves the nodes `n` keeps alive (its inputs and a view's source) into `into`, and drops its backward,
// whose captures may hold more.
template <class T> void take_children(Node<T>& n, std::vector<std::shared_ptr<Node<T>>>& into) {
    for (auto& in : n.inputs)
        into.push_back(std::move(in));
    n.inputs.clear();
    if (n.view)
        into.push_back(std::move(n.view->source));
    n.backward = nullptr;
}
} // namespace

template <class T> Node<T>::~Node() {
    // Take over our children; release each one whose last owner we are after first taking over *its*
    // children. Every node is then destroyed childless, so destruction never recurses.
    std::vector<std::shared_ptr<Node>> pending;
    take_children(*this, pending);
    while (!pending.empty()) {
        std::shared_ptr<Node> n = std::move(pending.back());
        pending.pop_back();
        if (n && n.use_count() == 1)
            take_children(*n, pending);
    }
}

template <class T> Tensor<T>::Tensor(Array value, bool requires_grad) : node_(std::make_shared<Node<T>>()) {
    node_->shape = Shape(value.shape().begin(), value.shape().end());
    node_->value = std::move(value);
    node_->requires_grad = requires_grad;
}

template <class T>
Tensor<T> Tensor<T>::from_op(Array value, std::string op, std::vector<Tensor> inputs, BackwardFn<T> backward) {
    Tensor out(std::move(value));
    out.node_->op = std::move(op);
    if (detect_anomaly_enabled()) {
        std::vector<const Node<T>*> in;
        for (const auto& t : inputs)
            in.push_back(t.node_.get());
        detail::check_forward(*out.node_, in);
    }
    if (recording(inputs)) {
        out.node_->requires_grad = true;
        out.node_->inputs.reserve(inputs.size());
        for (auto& in : inputs)
            out.node_->inputs.push_back(in.node_);
        out.node_->backward = std::move(backward);
        out.node_->scope = current_scope();
    }
    return out;
}

template <class T> bool Tensor<T>::recording(const std::vector<Tensor>& inputs) {
    if (!grad_enabled())
        return false;
    for (const auto& in : inputs)
        if (in.defined() && in.requires_grad())
            return true;
    return false;
}

template <class T> Node<T>& Tensor<T>::node() const {
    if (!node_)
        throw std::logic_error("aegrad: use of an undefined Tensor (default-constructed handle)");
    return *node_;
}

template <class T> std::size_t Tensor<T>::size() const {
    std::size_t n = 1;
    for (auto d : shape())
        n *= d;
    return n;
}

template <class T> T Tensor<T>::item() const {
    if (size() != 1)
        throw ShapeError(fmt::format("item: tensor of shape {} has {} elements, not one", shape_str(shape()), size()));
    return *value().data();
}

template <class T> Tensor<T>& Tensor<T>::set_requires_grad(bool on) {
    if (!node().is_leaf())
        throw std::logic_error(fmt::format("set_requires_grad: the output of op '{}' is not a leaf; detach() it first",
                                           node().op));
    node().requires_grad = on;
    return *this;
}

template <class T> const typename Tensor<T>::Array& Tensor<T>::grad() const {
    if (!node().has_grad)
        throw std::logic_error(fmt::format("grad: no gradient reached this tensor (op '{}', shape {}){}", node().op,
                                           shape_str(shape()),
                                           node().requires_grad ? "" : "; it does not require grad"));
    return node().grad;
}

template <class T> void Tensor<T>::backward(BackwardOptions options) const {
    if (size() != 1)
        throw ShapeError(fmt::format("backward: tensor of shape {} is not a scalar; pass a seed gradient of that "
                                     "shape, or reduce it first (sum, mean)",
                                     shape_str(shape())));
    Array seed = xt::ones<T>(shape());
    run_backward(node(), seed, options);
}

template <class T> void Tensor<T>::backward(const Array& seed, BackwardOptions options) const {
    if (Shape(seed.shape().begin(), seed.shape().end()) != shape())
        throw_shapes("backward", "seed gradient and tensor have different shapes", seed.shape(), shape());
    run_backward(node(), seed, options);
}

template <class T> Tensor<T> Tensor<T>::detach() const { return Tensor(Array(value()), false); }

template <class T> Tensor<T>& Tensor<T>::set_label(std::string label) {
    node().label = std::move(label);
    return *this;
}

template <class T> constexpr const char* dtype_name() { return sizeof(T) == 4 ? "float32" : "float64"; }

template <class T> std::ostream& operator<<(std::ostream& out, const Tensor<T>& t) {
    if (!t.defined())
        return out << "Tensor(undefined)";
    out << fmt::format("Tensor(shape={}, dtype={}, op={}{}{})\n", shape_str(t.shape()), dtype_name<T>(), t.op(),
                       t.requires_grad() ? ", requires_grad=true" : "",
                       t.label().empty() ? "" : ", label=" + t.label());
    return out << t.value();
}

template struct Node<float>;
template struct Node<double>;
template class Tensor<float>;
template class Tensor<double>;
template std::ostream& operator<<(std::ostream&, const Tensor<float>&);
template std::ostream& operator<<(std::ostream&, const Tensor<double>&);

} // namespace aegrad
