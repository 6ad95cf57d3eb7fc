// Reverse-mode backward: order the nodes reachable from the root (iteratively, deduplicated by identity),
// run each node's backward once, after all of its consumers, then release the graph.
#include <unordered_set>

#include <fmt/format.h>

#include "autograd/tensor.hpp"

namespace aegrad {

namespace {

// Post-order of the nodes that need a gradient: every node appears after all of its inputs.
template <class T> std::vector<Node<T>*> topological_order(Node<T>& root) {
    std::vector<Node<T>*> order;
    std::unordered_set<Node<T>*> seen{&root};
    std::vector<std::pair<Node<T>*, std::size_t>> stack{{&root, 0}};  // node, next input to visit
    while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < node->inputs.size()) {
            Node<T>* in = node->inputs[next++].get();
            if (in->requires_grad && seen.insert(in).second)
                stack.emplace_back(in, 0);
        } else {
            order.push_back(node);
            stack.pop_back();
        }
    }
    return order;
}

} // namespace

template <class T> void run_backward(Node<T>& root, const xt::xarray<T>& seed, BackwardOptions options) {
    if (!root.requires_grad)
        throw std::logic_error(fmt::format(
            "backward: the tensor (op '{}') does not require grad: no input needed a gradient, or it was "
            "computed under NoGradGuard",
            root.op));
    if (root.released)
        throw std::logic_error(fmt::format("backward: the graph behind op '{}' was already released by an earlier "
                                           "backward; pass BackwardOptions{{.retain_graph = true}} to run twice",
                                           root.op));
    std::vector<Node<T>*> order = topological_order(root);
    // Intermediate gradients belong to one pass (a retained graph may run again); leaves accumulate.
    for (Node<T>* node : order)
        if (!node->is_leaf())
            node->has_grad = false;
    accumulate_grad(root, seed);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node<T>& node = **it;
        if (node.released)
            throw std::logic_error(fmt::format("backward: reached op '{}' whose graph an earlier backward released; "
                                               "use retain_graph to backward twice through it",
                                               node.op));
        if (node.backward && node.has_grad)
            node.backward(node);
    }
    if (options.retain_graph)
        return;
    for (Node<T>* node : order) {
        if (node->is_leaf())
            continue;
        node->inputs.clear();
        node->backward = nullptr;
        node->released = true;
        node->has_grad = false;
        node->grad = xt::xarray<T>();
    }
}

template void run_backward(Node<float>&, const xt::xarray<float>&, BackwardOptions);
template void run_backward(Node<double>&, const xt::xarray<double>&, BackwardOptions);

} // namespace aegrad
