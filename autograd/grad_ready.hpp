#pragma once
// A hook on backward that says when a leaf's gradient is final for the pass: after the last op that
// reads it has run. A data-parallel trainer starts sending a group of gradients while backward still
// computes the others.
#include <functional>
#include <vector>

#include <aegrad/autograd/node.hpp>

namespace aegrad {

/// Called once per pass for every leaf that requires grad and is reachable from the root, right after its
/// last reader's backward (or where that reader was skipped because no gradient reached it: then the leaf
/// may have no gradient at all). A leaf read several times, a tied weight, is reported once.
template <class T> using GradReadyHook = std::function<void(Node<T>& leaf)>;

/// While alive, backward on this thread calls `hook` as leaves become ready. Scopes nest; every live hook
/// is called, outermost first. With none alive backward pays one check per pass.
template <class T> class GradReadyScope {
public:
    explicit GradReadyScope(GradReadyHook<T> hook);
    ~GradReadyScope();
    GradReadyScope(const GradReadyScope&) = delete;
    GradReadyScope& operator=(const GradReadyScope&) = delete;

private:
    GradReadyHook<T> hook_;
};

/// The hooks alive on this thread, outermost first (the engine calls them).
template <class T> const std::vector<const GradReadyHook<T>*>& active_grad_ready_hooks();

extern template class GradReadyScope<float>;
extern template class GradReadyScope<double>;

} // namespace aegrad
