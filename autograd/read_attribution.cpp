#include "autograd/read_attribution.hpp"

#include <cmath>

namespace aegrad {

namespace {
template <class T> ReadAttribution<T>*& active_slot() {
    thread_local ReadAttribution<T>* active = nullptr;
    return active;
}

template <class T> double dot(const xt::xarray<T>& a, const xt::xarray<T>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += static_cast<double>(a.data()[i]) * static_cast<double>(b.data()[i]);
    return s;
}
} // namespace

template <class T> double ReadAttribution<T>::Read::norm() const { return std::sqrt(dot(gradient, gradient)); }

template <class T> const std::vector<typename ReadAttribution<T>::Read>& ReadAttribution<T>::reads(const Node<T>* leaf) const {
    static const std::vector<Read> none;
    auto it = reads_.find(leaf);
    return it == reads_.end() ? none : it->second;
}

template <class T>
const std::vector<typename ReadAttribution<T>::Read>& ReadAttribution<T>::reads(const Tensor<T>& parameter) const {
    return reads(parameter.id());
}

template <class T> std::vector<const Node<T>*> ReadAttribution<T>::shared_leaves() const {
    std::vector<const Node<T>*> out;
    for (const auto& [leaf, reads] : reads_)
        if (reads.size() > 1)
            out.push_back(leaf);
    return out;
}

template <class T> double ReadAttribution<T>::cosine(const Read& a, const Read& b) {
    const double na = a.norm(), nb = b.norm();
    return na > 0 && nb > 0 ? dot(a.gradient, b.gradient) / (na * nb) : 0.0;
}

template <class T> void ReadAttribution<T>::record(const Node<T>* leaf, std::string reader, xt::xarray<T> gradient) {
    reads_[leaf].push_back({std::move(reader), std::move(gradient)});
}

template <class T> AttributionScope<T>::AttributionScope(ReadAttribution<T>& attribution) : previous_(active_slot<T>()) {
    active_slot<T>() = &attribution;
}

template <class T> AttributionScope<T>::~AttributionScope() { active_slot<T>() = previous_; }

template <class T> ReadAttribution<T>* active_attribution() { return active_slot<T>(); }

bool attribution_active() { return active_slot<float>() != nullptr || active_slot<double>() != nullptr; }

template class ReadAttribution<float>;
template class ReadAttribution<double>;
template class AttributionScope<float>;
template class AttributionScope<double>;
template ReadAttribution<float>* active_attribution<float>();
template ReadAttribution<double>* active_attribution<double>();

} // namespace aegrad
