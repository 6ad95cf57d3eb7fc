#pragma once
// Module: named parameters, buffers and submodules, train/eval mode, zero_grad and freezing.
//
// A buffer is state that is saved and loaded with the model but is not learnt by gradient descent (a
// BatchNorm's running mean and variance): optimizers never see it, summaries do not count it.
//
// A parameter shared between modules (a tied weight) is one node registered in both; every listing
// (parameters(), named_parameters(), summaries, optimizers, files) deduplicates by node identity and keeps
// the first name met in registration order, so a tied weight is counted, stepped and saved once.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <aegrad/autograd/name_scope.hpp>
#include <aegrad/autograd/tensor.hpp>
#include <aegrad/nn/activation_kind.hpp>

namespace aegrad {
class Generator;  // autograd/random_ops.hpp
}

namespace aegrad::nn {

template <class T> class BasicModule;

/// While one is alive on a thread, it is called with every module a parent runs through forward_in_scope
/// and that module's output: how summary() learns each layer's output shape from one real forward pass.
template <class T> class ForwardObserver {
public:
    using Fn = std::function<void(const BasicModule<T>&, const Tensor<T>&)>;
    explicit ForwardObserver(Fn fn) : fn_(std::move(fn)), previous_(slot()) { slot() = &fn_; }
    ~ForwardObserver() { slot() = previous_; }
    ForwardObserver(const ForwardObserver&) = delete;
    ForwardObserver& operator=(const ForwardObserver&) = delete;
    static const Fn* current() { return slot(); }

private:
    static const Fn*& slot() {
        thread_local const Fn* active = nullptr;
        return active;
    }
    Fn fn_;
    const Fn* previous_;
};

template <class T> class BasicModule {
public:
    using TensorT = Tensor<T>;
    using NamedParameter = std::pair<std::string, TensorT>;
    using ModulePtr = std::shared_ptr<BasicModule>;

    BasicModule() = default;
    BasicModule(const BasicModule&) = delete;
    BasicModule& operator=(const BasicModule&) = delete;
    virtual ~BasicModule() = default;

    /// x [B, ...] -> y [B, ...]
    virtual TensorT forward(const TensorT& x) = 0;
    TensorT operator()(const TensorT& x) { return forward(x); }

    /// "Dense", "DenseTranspose", ... for summaries and messages.
    virtual std::string type_name() const = 0;
    /// The activation this module applies last to its output: what gradient-flow monitors count dead
    /// units of. none for modules that end in no activation, and for containers.
    virtual Activation output_activation() const { return Activation::none; }

    /// Every parameter of this module and its descendants, once each, as "child.grandchild.name".
    std::vector<NamedParameter> named_parameters() const;
    std::vector<TensorT> parameters() const;
    /// Parameters registered by this module itself (not its children), shared ones included.
    const std::vector<NamedParameter>& own_parameters() const { return params_; }
    /// Every buffer of this module and its descendants, named like parameters.
    std::vector<NamedParameter> named_buffers() const;
    const std::vector<NamedParameter>& own_buffers() const { return buffers_; }
    /// Parameters then buffers: everything a model file holds.
    std::vector<NamedParameter> named_state() const;
    const std::vector<std::pair<std::string, ModulePtr>>& named_children() const { return children_; }
    /// The random generators of this module and its descendants (Dropout's, a VAE's sampler), named like
    /// parameters: what a checkpoint saves besides the state so that a resumed run draws the same numbers.
    std::vector<std::pair<std::string, Generator*>> named_generators() const;
    const std::vector<std::pair<std::string, Generator*>>& own_generators() const { return generators_; }
    /// Leaf modules (no children) in depth-first registration order, with their dotted paths.
    std::vector<std::pair<std::string, BasicModule*>> named_leaves();

    /// Training mode switches Dropout and GaussianNoise on; applies to all descendants.
    void train(bool on = true);
    void eval() { train(false); }
    bool is_training() const { return training_; }

    /// Forgets every parameter's gradient.
    void zero_grad();
    /// A frozen parameter requires no gradient, so backward skips it and optimizers leave it unchanged.
    /// Freezing a tied weight freezes it everywhere it is read.
    void freeze();
    void unfreeze();

protected:
    /// Registers `p` under `name` (non-empty, no dots, unique in this module) and returns it.
    TensorT register_parameter(const std::string& name, TensorT p);
    /// Registers state that is saved with the model but takes no gradient (the tensor never requires one).
    TensorT register_buffer(const std::string& name, TensorT b);
    /// child.forward(x) with the ops it records named under `name` ("decoder.1/linear"), for gradient
    /// attribution and graph exports.
    static TensorT forward_in_scope(const std::string& name, BasicModule& child, const TensorT& x) {
        NameScope scope(name);
        TensorT y = child.forward(x);
        if (auto* observe = ForwardObserver<T>::current())
            (*observe)(child, y);
        return y;
    }
    /// Registers a generator the module draws from in forward (it must live as long as the module).
    void register_generator(const std::string& name, Generator& gen);
    template <class M> std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
        check_name(name);
        children_.emplace_back(name, m);
        return m;
    }

private:
    void check_name(const std::string& name) const;
    std::vector<NamedParameter> params_, buffers_;
    std::vector<std::pair<std::string, Generator*>> generators_;
    std::vector<std::pair<std::string, ModulePtr>> children_;
    bool training_ = true;
};

using Module = BasicModule<float>;

extern template class BasicModule<float>;
extern template class BasicModule<double>;

} // namespace aegrad::nn
