#include <aegrad/nn/module.hpp>

#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>

namespace aegrad::nn {

namespace {
// Depth-first over the module tree, each node once: `own` picks parameters or buffers.
template <class T, class Own>
void collect(const BasicModule<T>& m, const std::string& prefix, std::unordered_set<const Node<T>*>& seen,
             std::vector<typename BasicModule<T>::NamedParameter>& out, Own own) {
    for (const auto& [name, p] : own(m))
        if (seen.insert(p.id()).second)
            out.emplace_back(prefix + name, p);
    for (const auto& [name, child] : m.named_children())
        collect(*child, prefix + name + ".", seen, out, own);
}

template <class T>
void collect_leaves(BasicModule<T>& m, const std::string& path, std::vector<std::pair<std::string, BasicModule<T>*>>& out) {
    if (m.named_children().empty()) {
        out.emplace_back(path, &m);
        return;
    }
    for (const auto& [name, child] : m.named_children())
        collect_leaves(*child, path.empty() ? name : path + "." + name, out);
}
} // namespace

template <class T> std::vector<typename BasicModule<T>::NamedParameter> BasicModule<T>::named_parameters() const {
    std::vector<NamedParameter> out;
    std::unordered_set<const Node<T>*> seen;
    collect(*this, "", seen, out, [](const BasicModule& m) -> const auto& { return m.own_parameters(); });
    return out;
}

template <class T> std::vector<typename BasicModule<T>::NamedParameter> BasicModule<T>::named_buffers() const {
    std::vector<NamedParameter> out;
    std::unordered_set<const Node<T>*> seen;
    collect(*this, "", seen, out, [](const BasicModule& m) -> const auto& { return m.own_buffers(); });
    return out;
}

template <class T> std::vector<typename BasicModule<T>::NamedParameter> BasicModule<T>::named_state() const {
    auto out = named_parameters();
    for (auto& b : named_buffers())
        out.push_back(std::move(b));
    return out;
}

namespace {
template <class T>
void collect_generators(const BasicModule<T>& m, const std::string& prefix, std::vector<std::pair<std::string, Generator*>>& out) {
    for (const auto& [name, g] : m.own_generators())
        out.emplace_back(prefix + name, g);
    for (const auto& [name, child] : m.named_children())
        collect_generators(*child, prefix + name + ".", out);
}
} // namespace

template <class T> std::vector<std::pair<std::string, Generator*>> BasicModule<T>::named_generators() const {
    std::vector<std::pair<std::string, Generator*>> out;
    collect_generators(*this, "", out);
    return out;
}

template <class T> void BasicModule<T>::register_generator(const std::string& name, Generator& gen) {
    check_name(name);
    generators_.emplace_back(name, &gen);
}

template <class T> std::vector<Tensor<T>> BasicModule<T>::parameters() const {
    std::vector<TensorT> out;
    for (auto& [name, p] : named_parameters())
        out.push_back(p);
    return out;
}

template <class T> std::vector<std::pair<std::string, BasicModule<T>*>> BasicModule<T>::named_leaves() {
    std::vector<std::pair<std::string, BasicModule*>> out;
    collect_leaves(*this, "", out);
    return out;
}

template <class T> void BasicModule<T>::train(bool on) {
    training_ = on;
    for (auto& [name, child] : children_)
        child->train(on);
}

template <class T> void BasicModule<T>::zero_grad() {
    for (auto& p : parameters())
        p.zero_grad();
}

template <class T> void BasicModule<T>::freeze() {
    for (auto& p : parameters()) {
        p.set_requires_grad(false);
        p.zero_grad();
    }
}

template <class T> void BasicModule<T>::unfreeze() {
    for (auto& p : parameters())
        p.set_requires_grad(true);
}

template <class T> void BasicModule<T>::check_name(const std::string& name) const {
    if (name.empty() || name.find('.') != std::string::npos)
        throw std::invalid_argument(fmt::format("{}: name '{}' must be non-empty and contain no dots", type_name(), name));
    for (const auto* list : {&params_, &buffers_})
        for (const auto& [n, p] : *list)
            if (n == name)
                throw std::invalid_argument(fmt::format("{}: a parameter or buffer is already named '{}'", type_name(), name));
    for (const auto& [n, g] : generators_)
        if (n == name)
            throw std::invalid_argument(fmt::format("{}: a generator is already named '{}'", type_name(), name));
    for (const auto& [n, c] : children_)
        if (n == name)
            throw std::invalid_argument(fmt::format("{}: a submodule is already named '{}'", type_name(), name));
}

template <class T> Tensor<T> BasicModule<T>::register_parameter(const std::string& name, TensorT p) {
    check_name(name);
    if (!p.defined())
        throw std::invalid_argument(fmt::format("{}: parameter '{}' is undefined", type_name(), name));
    if (p.label().empty())
        p.set_label(name);
    params_.emplace_back(name, p);
    return p;
}

template <class T> Tensor<T> BasicModule<T>::register_buffer(const std::string& name, TensorT b) {
    check_name(name);
    if (!b.defined())
        throw std::invalid_argument(fmt::format("{}: buffer '{}' is undefined", type_name(), name));
    b.set_requires_grad(false);
    if (b.label().empty())
        b.set_label(name);
    buffers_.emplace_back(name, b);
    return b;
}

template class BasicModule<float>;
template class BasicModule<double>;

} // namespace aegrad::nn
