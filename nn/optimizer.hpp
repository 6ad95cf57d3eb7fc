#pragma once
// Optimizers: SGD (momentum, Nesterov), Adam, AdamW, Nadam, RMSprop, with PyTorch's update rules.
//
// The parameter list is deduplicated by node identity and state is keyed by identity, so a tied weight
// (one node read by two layers) is updated exactly once per step with its summed gradient.
#include <memory>
#include <unordered_map>
#include <vector>

#include <aegrad/autograd/tensor.hpp>
#include <aegrad/autograd/options.hpp>

namespace aegrad::nn {

template <class T> class BasicOptimizer {
public:
    explicit BasicOptimizer(std::vector<Tensor<T>> parameters, double lr);
    virtual ~BasicOptimizer() = default;

    /// Updates every parameter that requires grad and has one; others are left as they are.
    void step();
    /// Forgets the gradients of all parameters.
    void zero_grad();
    double lr() const { return lr_; }
    void set_lr(double lr) { lr_ = lr; }
    const std::vector<Tensor<T>>& parameters() const { return params_; }

    /// Everything an update rule keeps per parameter.
    struct State {
        long step = 0;            // updates so far; 0: none, and m and v are not yet sized
        Array<T> m, v;            // first and second moments / momentum buffer
        double mu_product = 1.0;  // Nadam's running product of momentum coefficients
    };
    /// Each parameter's state, in parameters() order: what a checkpoint saves to resume the same updates.
    std::vector<State> state() const;
    /// Restores what state() returned, for the same parameters; throws std::invalid_argument for another count.
    void set_state(std::vector<State> state);

protected:
    /// Applies one update to `value` given its gradient; state.step is already incremented.
    virtual void update(Array<T>& value, const Array<T>& grad, State& state) = 0;

private:
    std::vector<Tensor<T>> params_;
    std::unordered_map<const Node<T>*, State> state_;
    double lr_;
};

struct SGDOptions {
    AEGRAD_OPTION(double, lr, 0.01)
    AEGRAD_OPTION(double, momentum, 0.0)
    AEGRAD_OPTION(bool, nesterov, false)
    AEGRAD_OPTION(double, weight_decay, 0.0)
};

/// v = momentum v + g;  p -= lr * (nesterov ? g + momentum v : v)   (g includes weight_decay * p)
template <class T> class BasicSGD : public BasicOptimizer<T> {
public:
    BasicSGD(std::vector<Tensor<T>> parameters, SGDOptions options = {});

private:
    void update(Array<T>& value, const Array<T>& grad, typename BasicOptimizer<T>::State& s) override;
    SGDOptions options_;
};

struct AdamOptions {
    AEGRAD_OPTION(double, lr, 1e-3)
    AEGRAD_OPTION(double, beta1, 0.9)
    AEGRAD_OPTION(double, beta2, 0.999)
    AEGRAD_OPTION(double, eps, 1e-8)
    AEGRAD_OPTION(double, weight_decay, 0.0)  // L2 added to the gradient (Adam) or decoupled (AdamW)
    AEGRAD_OPTION(double, momentum_decay, 4e-3)  // Nadam only
};

enum class AdamVariant { adam, adamw, nadam };

/// Adam (Kingma & Ba), AdamW (decoupled weight decay, Loshchilov & Hutter) and Nadam (Dozat), as in
/// torch.optim.Adam / AdamW / NAdam.
template <class T> class BasicAdam : public BasicOptimizer<T> {
public:
    BasicAdam(std::vector<Tensor<T>> parameters, AdamOptions options = {}, AdamVariant variant = AdamVariant::adam);

private:
    void update(Array<T>& value, const Array<T>& grad, typename BasicOptimizer<T>::State& s) override;
    AdamOptions options_;
    AdamVariant variant_;
};

struct RMSpropOptions {
    AEGRAD_OPTION(double, lr, 1e-2)
    AEGRAD_OPTION(double, alpha, 0.99)  // decay of the squared-gradient average (Keras calls it rho)
    AEGRAD_OPTION(double, eps, 1e-8)
    AEGRAD_OPTION(double, momentum, 0.0)
};

/// v = alpha v + (1 - alpha) g^2;  p -= lr g / (sqrt(v) + eps)   (with a momentum buffer when momentum > 0)
template <class T> class BasicRMSprop : public BasicOptimizer<T> {
public:
    BasicRMSprop(std::vector<Tensor<T>> parameters, RMSpropOptions options = {});

private:
    void update(Array<T>& value, const Array<T>& grad, typename BasicOptimizer<T>::State& s) override;
    RMSpropOptions options_;
};

using Optimizer = BasicOptimizer<float>;
using SGD = BasicSGD<float>;
using Adam = BasicAdam<float>;
using RMSprop = BasicRMSprop<float>;

} // namespace aegrad::nn
