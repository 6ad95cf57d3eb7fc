#pragma once
// Per-read gradient attribution, for studying tied weights. A parameter read by several ops (a tied
// weight: the encoder's matmul and the decoder's transpose) normally receives only the sum of their
// gradients. While an AttributionScope is alive, backward also keeps each read's contribution separately,
// named after the reading op and its layer ("encoder.0/matmul", "decoder.1/transpose").
//
// Off (no scope), backward pays one thread-local pointer check per pass. On, each op's backward writes
// its leaf inputs' contributions into fresh buffers that are copied, then summed as usual; a matmul that
// reads a transpose routes its gradient through the transpose node so that read is seen on its own.
#include <string>
#include <unordered_map>
#include <vector>

#include "autograd/tensor.hpp"

namespace aegrad {

template <class T> class ReadAttribution {
public:
    struct Read {
        std::string reader;      // "<scope>/<op>" of the op that read the parameter
        xt::xarray<T> gradient;  // that read's contribution, shaped like the parameter
        double norm() const;     // Frobenius norm of the contribution
    };

    /// The reads of `parameter` recorded since the last clear(), in the order backward met them; several
    /// backward passes under one scope append (reads by the same reader are not merged).
    const std::vector<Read>& reads(const Tensor<T>& parameter) const;
    /// Leaves read by more than one op in the recorded passes.
    std::vector<const Node<T>*> shared_leaves() const;
    const std::vector<Read>& reads(const Node<T>* leaf) const;
    /// Cosine similarity of two contributions (0 when either is zero).
    static double cosine(const Read& a, const Read& b);
    void clear() { reads_.clear(); }

    /// Called by the engine.
    void record(const Node<T>* leaf, std::string reader, xt::xarray<T> gradient);

private:
    std::unordered_map<const Node<T>*, std::vector<Read>> reads_;
};

/// While alive, backward on this thread records per-read contributions into `attribution`.
template <class T> class AttributionScope {
public:
    explicit AttributionScope(ReadAttribution<T>& attribution);
    ~AttributionScope();
    AttributionScope(const AttributionScope&) = delete;
    AttributionScope& operator=(const AttributionScope&) = delete;

private:
    ReadAttribution<T>* previous_;
};

/// The attribution backward records into on this thread, or null when attribution is off.
template <class T> ReadAttribution<T>* active_attribution();
/// Whether any attribution (float or double) is active: ops that fuse reads must not fuse then.
bool attribution_active();

extern template class ReadAttribution<float>;
extern template class ReadAttribution<double>;
extern template class AttributionScope<float>;
extern template class AttributionScope<double>;

} // namespace aegrad
