// Reverse-mode backward: order the nodes reachable from the root (iteratively, deduplicated by identity),
// run each node's backward once, after all of its consumers, then release the graph.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "autograd/read_attribution.hpp"
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

// Runs `node`'s backward so that each of its leaf inputs receives this read's contribution in a fresh
// buffer: the contribution is recorded, then added to whatever the leaf had accumulated before.
template <class T> void backward_with_attribution(Node<T>& node, ReadAttribution<T>& attribution) {
    std::vector<Node<T>*> leaves;
    for (auto& in : node.inputs)
        if (in->is_leaf() && in->requires_grad && std::find(leaves.begin(), leaves.end(), in.get()) == leaves.end())
            leaves.push_back(in.get());
    std::vector<std::pair<xt::xarray<T>, bool>> earlier;
    for (Node<T>* leaf : leaves) {
        earlier.emplace_back(std::move(leaf->grad), leaf->has_grad);
        leaf->grad = xt::xarray<T>();
        leaf->has_grad = false;
    }
    node.backward(node);
    const std::string reader = (node.scope ? *node.scope + "/" : std::string()) + node.op;
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        Node<T>& leaf = *leaves[i];
        auto& [before, had] = earlier[i];
        if (!leaf.has_grad) {
            leaf.grad = std::move(before);
            leaf.has_grad = had;
            continue;
        }
        attribution.record(&leaf, reader, leaf.grad);
        if (had)
            xt::noalias(leaf.grad) += before;
    }
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
        if (!node->is_leaf()) {
            node->has_grad = false;
            node->grad_donatable = !options.retain_graph;
        }
    accumulate_grad(root, seed);
    ReadAttribution<T>* attribution = active_attribution<T>();  // null unless an AttributionScope is alive
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node<T>& node = **it;
        if (node.released)
            throw std::logic_error(fmt::format("backward: reached op '{}' whose graph an earlier backward released; "
                                               "use retain_graph to backward twice through it",
                                               node.op));
        if (!node.backward || !node.has_grad)
            continue;
        if (attribution)
            backward_with_attribution(node, *attribution);
        else
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
