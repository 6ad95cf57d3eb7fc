#pragma once
// Sequential: modules applied one after another, registered under the names "0", "1", ...
#include <initializer_list>

#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

template <class T> class BasicSequential : public BasicModule<T> {
public:
    using ModulePtr = typename BasicModule<T>::ModulePtr;

    BasicSequential() = default;
    BasicSequential(std::initializer_list<ModulePtr> modules) {
        for (auto& m : modules)
            add(m);
    }
    /// Appends a module; returns it so a caller can keep a typed handle (e.g. to tie a later layer).
    template <class M> std::shared_ptr<M> add(std::shared_ptr<M> m) {
        layers_.push_back(m);
        return this->register_module(std::to_string(layers_.size() - 1), std::move(m));
    }
    Tensor<T> forward(const Tensor<T>& x) override {
        Tensor<T> y = x;
        for (std::size_t i = 0; i < layers_.size(); ++i)
            y = this->forward_in_scope(std::to_string(i), *layers_[i], y);
        return y;
    }
    std::string type_name() const override { return "Sequential"; }
    std::size_t size() const { return layers_.size(); }
    const ModulePtr& operator[](std::size_t i) const { return layers_.at(i); }

private:
    std::vector<ModulePtr> layers_;
};

using Sequential = BasicSequential<float>;

} // namespace aegrad::nn
