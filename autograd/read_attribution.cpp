#include <aegrad/autograd/read_attribution.hpp>

#include <cmath>

namespace aegrad {

namespace {
template <class T> double dot(const Array<T>& a, const Array<T>& b) {
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

template <class T> void ReadAttribution<T>::record(const Node<T>* leaf, std::string reader, Array<T> gradient) {
    reads_[leaf].push_back({std::move(reader), std::move(gradient)});
}

template <class T> std::string reader_name(const Node<T>& reader) {
    return reader.scope ? *reader.scope + "/" + reader.op : reader.op;
}

template <class T>
AttributionScope<T>::AttributionScope(ReadAttribution<T>& attribution)
    : hook_([&attribution](const Node<T>& leaf, const Node<T>& reader, const Array<T>& contribution) {
          attribution.record(&leaf, reader_name(reader), contribution);
      }) {}

template class ReadAttribution<float>;
template class ReadAttribution<double>;
template class AttributionScope<float>;
template class AttributionScope<double>;
template std::string reader_name(const Node<float>&);
template std::string reader_name(const Node<double>&);

} // namespace aegrad
