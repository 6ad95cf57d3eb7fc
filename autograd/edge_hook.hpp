#pragma once
// One general hook on backward: it sees every read of a leaf by an op, with that read's own contribution to
// the leaf's gradient, before it is summed with the other reads'. Per-read gradient attribution
// (autograd/read_attribution.hpp) is one use; gradient-ready notifications and anomaly checks are others.
#include <functional>
#include <vector>

#include <aegrad/autograd/node.hpp>

namespace aegrad {

/// Called with the leaf, the op that read it, and what that read adds to the leaf's gradient. A leaf read
/// through a view (a tied decoder's transpose of its encoder's weight) is read by the view: the edge is
/// leaf -> transpose, whichever op then consumed the view.
template <class T>
using EdgeHook = std::function<void(const Node<T>& leaf, const Node<T>& reader, const Array<T>& contribution)>;

/// While alive, backward on this thread calls `hook` for every read of a leaf that requires grad. Scopes
/// nest, and every live hook is called, outermost first. With no hook alive backward pays one check per
/// pass; with one, each op's contributions to leaves are written into fresh buffers, shown to the hooks,
/// then added as usual, so the gradients do not change.
template <class T> class EdgeHookScope {
public:
    explicit EdgeHookScope(EdgeHook<T> hook);
    ~EdgeHookScope();
    EdgeHookScope(const EdgeHookScope&) = delete;
    EdgeHookScope& operator=(const EdgeHookScope&) = delete;

private:
    EdgeHook<T> hook_;
};

/// The hooks alive on this thread, outermost first (the engine calls them).
template <class T> const std::vector<const EdgeHook<T>*>& active_edge_hooks();

extern template class EdgeHookScope<float>;
extern template class EdgeHookScope<double>;

} // namespace aegrad
