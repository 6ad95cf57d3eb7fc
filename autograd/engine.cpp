// Reverse-mode backward: order the nodes reachable from the root (iteratively, deduplicated by identity),
// run each node's backward once, after all of its consumers, then release the graph.
#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include <aegrad/autograd/anomaly.hpp>
#include <aegrad/autograd/backward.hpp>
#include <aegrad/autograd/edge_hook.hpp>
#include <aegrad/autograd/grad_ready.hpp>

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

// A leaf whose gradient a node's backward may write, and the op that read it.
template <class T> struct Read {
    Node<T>* leaf;
    const Node<T>* reader;
};

// The leaves `node`'s backward writes: its leaf inputs, read by `node`, and the sources of its view
// inputs, read by the view (a product writes a transposed view's source directly). A leaf met both ways
// in one op is credited to the op itself: its two contributions land in one buffer.
template <class T> std::vector<Read<T>> leaf_reads(Node<T>& node) {
    std::vector<Read<T>> reads;
    const auto add = [&](Node<T>* leaf, const Node<T>* reader) {
        if (!leaf->is_leaf() || !leaf->requires_grad)
            return;
        auto same = std::find_if(reads.begin(), reads.end(), [&](const Read<T>& r) { return r.leaf == leaf; });
        if (same == reads.end())
            reads.push_back({leaf, reader});
        else if (same->reader != reader)
            same->reader = &node;
    };
    for (auto& in : node.inputs) {
        add(in.get(), &node);
        if (in->view)
            add(in->view->source.get(), in.get());
    }
    return reads;
}

// Runs `node`'s backward so that each leaf it writes receives this op's contribution in a fresh buffer;
// the hooks see the contribution, then it is added to what the leaf had accumulated before.
template <class T>
void backward_with_hooks(Node<T>& node, BackwardContext<T>& ctx, const std::vector<const EdgeHook<T>*>& hooks) {
    const std::vector<Read<T>> reads = leaf_reads(node);
    std::vector<std::pair<Array<T>, bool>> earlier;
    for (const Read<T>& r : reads) {
        earlier.emplace_back(std::move(r.leaf->grad), r.leaf->has_grad);
        r.leaf->grad = Array<T>();
        r.leaf->has_grad = false;
    }
    node.backward(node, ctx);
    for (std::size_t i = 0; i < reads.size(); ++i) {
        Node<T>& leaf = *reads[i].leaf;
        auto& [before, had] = earlier[i];
        if (!leaf.has_grad) {
            leaf.grad = std::move(before);
            leaf.has_grad = had;
            continue;
        }
        for (const EdgeHook<T>* hook : hooks)
            (*hook)(leaf, *reads[i].reader, leaf.grad);
        if (had)
            xt::noalias(leaf.grad) += before;
    }
}

template <class T> std::vector<const EdgeHook<T>*>& hook_stack() {
    thread_local std::vector<const EdgeHook<T>*> hooks;
    return hooks;
}

template <class T> std::vector<const GradReadyHook<T>*>& ready_hook_stack() {
    thread_local std::vector<const GradReadyHook<T>*> hooks;
    return hooks;
}

// For each position of the reversed order, the leaves whose last reader sits there: after that node's
// backward nothing else adds to them.
template <class T> std::vector<std::vector<Node<T>*>> leaves_final_after(const std::vector<Node<T>*>& order) {
    std::vector<std::vector<Node<T>*>> final_after(order.size());
    std::unordered_set<Node<T>*> reported;
    for (std::size_t i = 0; i < order.size(); ++i)  // forwards = the reversed order read backwards
        for (const Read<T>& r : leaf_reads(*order[i]))
            if (reported.insert(r.leaf).second)
                final_after[order.size() - 1 - i].push_back(r.leaf);
    return final_after;
}

} // namespace

template <class T> EdgeHookScope<T>::EdgeHookScope(EdgeHook<T> hook) : hook_(std::move(hook)) {
    hook_stack<T>().push_back(&hook_);
}

template <class T> EdgeHookScope<T>::~EdgeHookScope() {
    auto& hooks = hook_stack<T>();
    hooks.erase(std::find(hooks.begin(), hooks.end(), &hook_));
}

template <class T> const std::vector<const EdgeHook<T>*>& active_edge_hooks() { return hook_stack<T>(); }

template <class T> GradReadyScope<T>::GradReadyScope(GradReadyHook<T> hook) : hook_(std::move(hook)) {
    ready_hook_stack<T>().push_back(&hook_);
}

template <class T> GradReadyScope<T>::~GradReadyScope() {
    auto& hooks = ready_hook_stack<T>();
    hooks.erase(std::find(hooks.begin(), hooks.end(), &hook_));
}

template <class T> const std::vector<const GradReadyHook<T>*>& active_grad_ready_hooks() {
    return ready_hook_stack<T>();
}

template <class T> void run_backward(Node<T>& root, const Array<T>& seed, BackwardOptions options) {
    if (root.released())
        throw std::logic_error(fmt::format("backward: the graph behind op '{}' was already released by an earlier "
                                           "backward; pass BackwardOptions{{.retain_graph = true}} to run twice",
                                           root.op));
    if (!root.requires_grad)
        throw std::logic_error(fmt::format(
            "backward: the tensor (op '{}') does not require grad: no input needed a gradient, or it was "
            "computed under NoGradGuard",
            root.op));
    std::vector<Node<T>*> order = topological_order(root);
    // Intermediate gradients belong to one pass (a retained graph may run again); leaves accumulate.
    for (Node<T>* node : order)
        if (!node->is_leaf())
            node->has_grad = false;
    accumulate_grad(root, seed);
    const bool releasing = !options.retain_graph;
    const auto& hooks = active_edge_hooks<T>();
    const bool anomaly = detect_anomaly_enabled();
    const auto& ready_hooks = active_grad_ready_hooks<T>();
    const auto final_after = ready_hooks.empty() ? std::vector<std::vector<Node<T>*>>() : leaves_final_after(order);
    const auto report_ready = [&](std::size_t position) {
        for (Node<T>* leaf : final_after[position])
            for (const GradReadyHook<T>* hook : ready_hooks)
                (*hook)(*leaf);
    };
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Node<T>& node = **it;
        const std::size_t position = static_cast<std::size_t>(it - order.rbegin());
        if (node.released())
            throw std::logic_error(fmt::format("backward: reached op '{}' whose graph an earlier backward released; "
                                               "use retain_graph to backward twice through it",
                                               node.op));
        if (node.backward && node.has_grad) {
            BackwardContext<T> ctx(node, releasing);
            if (hooks.empty())
                node.backward(node, ctx);
            else
                backward_with_hooks(node, ctx, hooks);
            if (anomaly)
                detail::check_backward(node);
        }
        if (!ready_hooks.empty())
            report_ready(position);
    }
    if (!releasing)
        return;
    for (Node<T>* node : order) {
        if (node->is_leaf())
            continue;
        node->inputs.clear();
        node->backward = nullptr;
        node->has_grad = false;
        node->grad = Array<T>();
    }
}

template void run_backward(Node<float>&, const Array<float>&, BackwardOptions);
template void run_backward(Node<double>&, const Array<double>&, BackwardOptions);
template class EdgeHookScope<float>;
template class EdgeHookScope<double>;
template class GradReadyScope<float>;
template class GradReadyScope<double>;
template const std::vector<const GradReadyHook<float>*>& active_grad_ready_hooks();
template const std::vector<const GradReadyHook<double>*>& active_grad_ready_hooks();
template const std::vector<const EdgeHook<float>*>& active_edge_hooks();
template const std::vector<const EdgeHook<double>*>& active_edge_hooks();

} // namespace aegrad
