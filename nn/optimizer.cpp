#include "nn/optimizer.hpp"

#include <cmath>
#include <unordered_set>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include "autograd/grad_mode.hpp"

namespace aegrad::nn {

namespace {
template <class T> std::vector<Tensor<T>> unique_by_identity(std::vector<Tensor<T>> params) {
    std::vector<Tensor<T>> out;
    std::unordered_set<const Node<T>*> seen;
    for (auto& p : params)
        if (seen.insert(p.id()).second)
            out.push_back(std::move(p));
    return out;
}
} // namespace

template <class T>
BasicOptimizer<T>::BasicOptimizer(std::vector<Tensor<T>> parameters, double lr)
    : params_(unique_by_identity(std::move(parameters))), lr_(lr) {
    if (!(lr >= 0.0))
        throw std::invalid_argument("optimizer: learning rate must be >= 0");
}

template <class T> void BasicOptimizer<T>::step() {
    NoGradGuard no_grad;
    for (auto& p : params_) {
        if (!p.requires_grad() || !p.has_grad())
            continue;
        State& s = state_[p.id()];
        ++s.step;
        update(p.mutable_value(), p.grad(), s);
    }
}

template <class T> void BasicOptimizer<T>::zero_grad() {
    for (auto& p : params_)
        p.zero_grad();
}

template <class T>
BasicSGD<T>::BasicSGD(std::vector<Tensor<T>> parameters, SGDOptions options)
    : BasicOptimizer<T>(std::move(parameters), options.lr()), options_(options) {}

template <class T>
void BasicSGD<T>::update(xt::xarray<T>& p, const xt::xarray<T>& grad, typename BasicOptimizer<T>::State& s) {
    const T lr = static_cast<T>(this->lr()), mu = static_cast<T>(options_.momentum());
    const T wd = static_cast<T>(options_.weight_decay());
    xt::xarray<T> g = wd != T(0) ? xt::xarray<T>(grad + wd * p) : grad;
    if (mu == T(0)) {
        xt::noalias(p) -= lr * g;
        return;
    }
    if (s.step == 1)
        s.m = g;  // PyTorch starts the buffer at the first gradient
    else
        xt::noalias(s.m) = mu * s.m + g;
    if (options_.nesterov())
        xt::noalias(p) -= lr * (g + mu * s.m);
    else
        xt::noalias(p) -= lr * s.m;
}

template <class T>
BasicAdam<T>::BasicAdam(std::vector<Tensor<T>> parameters, AdamOptions options, AdamVariant variant)
    : BasicOptimizer<T>(std::move(parameters), options.lr()), options_(options), variant_(variant) {}

template <class T>
void BasicAdam<T>::update(xt::xarray<T>& p, const xt::xarray<T>& grad, typename BasicOptimizer<T>::State& s) {
    const double lr = this->lr(), b1 = options_.beta1(), b2 = options_.beta2(), eps = options_.eps();
    const double wd = options_.weight_decay();
    const double t = static_cast<double>(s.step);
    if (s.step == 1) {
        s.m = xt::zeros<T>(p.shape());
        s.v = xt::zeros<T>(p.shape());
    }
    if (variant_ == AdamVariant::adamw && wd != 0.0)
        p *= static_cast<T>(1.0 - lr * wd);  // decoupled: shrink the weight, not the gradient
    // L2 weight decay folds into the gradient; without it the gradient is read in place (no copy per step).
    const bool l2 = variant_ != AdamVariant::adamw && wd != 0.0;
    xt::xarray<T> decayed;
    if (l2)
        decayed = grad + static_cast<T>(wd) * p;
    const xt::xarray<T>& g = l2 ? decayed : grad;
    xt::noalias(s.m) = static_cast<T>(b1) * s.m + static_cast<T>(1 - b1) * g;
    xt::noalias(s.v) = static_cast<T>(b2) * s.v + static_cast<T>(1 - b2) * g * g;
    const double bias2 = 1.0 - std::pow(b2, t);
    auto denom = xt::sqrt(s.v / static_cast<T>(bias2)) + static_cast<T>(eps);
    if (variant_ == AdamVariant::nadam) {
        // Momentum schedule mu_t = b1 (1 - 0.5 * 0.96^(t psi)); the update mixes the gradient (weighted by
        // the current mu) and the momentum (weighted by the next one).
        const double psi = options_.momentum_decay();
        const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, t * psi));
        const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (t + 1) * psi));
        s.mu_product *= mu;
        const T cg = static_cast<T>(lr * (1.0 - mu) / (1.0 - s.mu_product));
        const T cm = static_cast<T>(lr * mu_next / (1.0 - s.mu_product * mu_next));
        xt::noalias(p) -= (cg * g + cm * s.m) / denom;
        return;
    }
    const T step = static_cast<T>(lr / (1.0 - std::pow(b1, t)));
    xt::noalias(p) -= step * s.m / denom;
}

template <class T>
BasicRMSprop<T>::BasicRMSprop(std::vector<Tensor<T>> parameters, RMSpropOptions options)
    : BasicOptimizer<T>(std::move(parameters), options.lr()), options_(options) {}

template <class T>
void BasicRMSprop<T>::update(xt::xarray<T>& p, const xt::xarray<T>& g, typename BasicOptimizer<T>::State& s) {
    const T lr = static_cast<T>(this->lr()), alpha = static_cast<T>(options_.alpha());
    const T eps = static_cast<T>(options_.eps()), mu = static_cast<T>(options_.momentum());
    if (s.step == 1) {
        s.v = xt::zeros<T>(p.shape());
        s.m = xt::zeros<T>(p.shape());
    }
    xt::noalias(s.v) = alpha * s.v + (T(1) - alpha) * g * g;
    if (mu > T(0)) {
        xt::noalias(s.m) = mu * s.m + g / (xt::sqrt(s.v) + eps);
        xt::noalias(p) -= lr * s.m;
    } else {
        xt::noalias(p) -= lr * g / (xt::sqrt(s.v) + eps);
    }
}

template class BasicOptimizer<float>;
template class BasicOptimizer<double>;
template class BasicSGD<float>;
template class BasicSGD<double>;
template class BasicAdam<float>;
template class BasicAdam<double>;
template class BasicRMSprop<float>;
template class BasicRMSprop<double>;

} // namespace aegrad::nn
