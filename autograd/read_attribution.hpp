#pragma once
// Per-read gradient attribution, for studying tied weights. A parameter read by several ops (a tied
// weight: the encoder's matmul and the decoder's transpose) normally receives only the sum of their
// gradients. While an AttributionScope is alive, backward also keeps each read's contribution separately,
// named after the reading op and its layer ("encoder.0/matmul", "decoder.1/transpose").
//
// It is one use of backward's edge hook (autograd/edge_hook.hpp): off, it costs nothing; on, each read's
// contribution is copied once as backward meets it.
#include <string>
#include <unordered_map>
#include <vector>

#include <aegrad/autograd/edge_hook.hpp>
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

template <class T> class ReadAttribution {
public:
    struct Read {
        std::string reader;      // "<scope>/<op>" of the op that read the parameter
        Array<T> gradient;  // that read's contribution, shaped like the parameter
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

    /// Keeps one read's contribution (AttributionScope's edge hook calls it).
    void record(const Node<T>* leaf, std::string reader, Array<T> gradient);

private:
    std::unordered_map<const Node<T>*, std::vector<Read>> reads_;
};

/// While alive, backward on this thread records per-read contributions into `attribution`.
template <class T> class AttributionScope {
public:
    explicit AttributionScope(ReadAttribution<T>& attribution);

private:
    EdgeHookScope<T> hook_;
};

/// How a read is named: "<scope>/<op>" of the reading op ("decoder.1/transpose"), or its op alone.
template <class T> std::string reader_name(const Node<T>& reader);

extern template class ReadAttribution<float>;
extern template class ReadAttribution<double>;
extern template class AttributionScope<float>;
extern template class AttributionScope<double>;

} // namespace aegrad
