#include <aegrad/nn/optimizer.hpp>

#include <cmath>
#include <unordered_set>

#include <fmt/format.h>

#include <xsimd/xsimd.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/autograd/detail/parallel.hpp>

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

template <class T> std::vector<typename BasicOptimizer<T>::State> BasicOptimizer<T>::state() const {
    std::vector<State> out;
    for (const auto& p : params_) {
        const auto it = state_.find(p.id());
        out.push_back(it == state_.end() ? State{} : it->second);
    }
    return out;
}

template <class T> void BasicOptimizer<T>::set_state(std::vector<State> state) {
    if (state.size() != params_.size())
        throw std::invalid_argument(fmt::format("optimizer: a state of {} parameters for {}", state.size(), params_.size()));
    state_.clear();
    for (std::size_t i = 0; i < params_.size(); ++i)
        if (state[i].step > 0)
            state_[params_[i].id()] = std::move(state[i]);
}

template <class T> void BasicOptimizer<T>::zero_grad() {
    for (auto& p : params_)
        p.zero_grad();
}

template <class T>
BasicSGD<T>::BasicSGD(std::vector<Tensor<T>> parameters, SGDOptions options)
    : BasicOptimizer<T>(std::move(parameters), options.lr()), options_(options) {}

template <class T>
void BasicSGD<T>::update(Array<T>& p, const Array<T>& grad, typename BasicOptimizer<T>::State& s) {
    const T lr = static_cast<T>(this->lr()), mu = static_cast<T>(options_.momentum());
    const T wd = static_cast<T>(options_.weight_decay());
    Array<T> g = wd != T(0) ? Array<T>(grad + wd * p) : grad;
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

namespace {
// Everything one Adam-family step needs besides the arrays. Adam, AdamW and Nadam differ only in these:
//   g' = g + l2 p;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2;
//   p = shrink p - (cg g' + cm m) / (sqrt(v / bias2) + eps)
// with v / bias2 computed as v * (1 / bias2): a square root and one division per element are what bound
// this loop.
template <class T> struct AdamStep {
    T shrink, l2, b1, b2, inv_bias2, eps, cg, cm;
};

// One pass over elements [begin, end) of a parameter, in SIMD: xtensor expressions made three passes and
// left the square root and division scalar.
template <class T>
void adam_block(T* p, const T* grad, T* m, T* v, std::size_t begin, std::size_t end, const AdamStep<T>& c) {
    using Batch = xsimd::batch<T>;
    const Batch shrink(c.shrink), l2(c.l2), b1(c.b1), a1(T(1) - c.b1), b2(c.b2), a2(T(1) - c.b2), inv_bias2(c.inv_bias2),
        eps(c.eps), cg(c.cg), cm(c.cm);
    std::size_t i = begin;
    for (; i + Batch::size <= end; i += Batch::size) {
        const Batch pi = Batch::load_unaligned(p + i);
        const Batch g = Batch::load_unaligned(grad + i) + l2 * pi;
        const Batch mi = b1 * Batch::load_unaligned(m + i) + a1 * g;
        const Batch vi = b2 * Batch::load_unaligned(v + i) + a2 * g * g;
        mi.store_unaligned(m + i);
        vi.store_unaligned(v + i);
        (shrink * pi - (cg * g + cm * mi) / (xsimd::sqrt(vi * inv_bias2) + eps)).store_unaligned(p + i);
    }
    for (; i < end; ++i) {  // the same arithmetic, one element at a time
        const T g = grad[i] + c.l2 * p[i];
        m[i] = c.b1 * m[i] + (T(1) - c.b1) * g;
        v[i] = c.b2 * v[i] + (T(1) - c.b2) * g * g;
        p[i] = c.shrink * p[i] - (c.cg * g + c.cm * m[i]) / (std::sqrt(v[i] * c.inv_bias2) + c.eps);
    }
}
} // namespace

template <class T>
void BasicAdam<T>::update(Array<T>& p, const Array<T>& grad, typename BasicOptimizer<T>::State& s) {
    const double lr = this->lr(), b1 = options_.beta1(), b2 = options_.beta2(), wd = options_.weight_decay();
    const double t = static_cast<double>(s.step);
    if (s.step == 1) {
        s.m = xt::zeros<T>(p.shape());
        s.v = xt::zeros<T>(p.shape());
    }
    AdamStep<T> c{};
    c.b1 = static_cast<T>(b1);
    c.b2 = static_cast<T>(b2);
    c.inv_bias2 = static_cast<T>(1.0 / (1.0 - std::pow(b2, t)));
    c.eps = static_cast<T>(options_.eps());
    // AdamW shrinks the weight (decoupled decay); Adam and Nadam fold L2 decay into the gradient.
    c.shrink = static_cast<T>(variant_ == AdamVariant::adamw ? 1.0 - lr * wd : 1.0);
    c.l2 = static_cast<T>(variant_ == AdamVariant::adamw ? 0.0 : wd);
    if (variant_ == AdamVariant::nadam) {
        // Momentum schedule mu_t = b1 (1 - 0.5 * 0.96^(t psi)); the update mixes the gradient (weighted by
        // the current mu) and the momentum (weighted by the next one).
        const double psi = options_.momentum_decay();
        const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, t * psi));
        const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (t + 1) * psi));
        s.mu_product *= mu;
        c.cg = static_cast<T>(lr * (1.0 - mu) / (1.0 - s.mu_product));
        c.cm = static_cast<T>(lr * mu_next / (1.0 - s.mu_product * mu_next));
    } else {
        c.cg = T(0);
        c.cm = static_cast<T>(lr / (1.0 - std::pow(b1, t)));
    }
    T* values = p.data();
    const T* g = grad.data();
    detail::parallel_for(p.size(), [&](std::size_t i0, std::size_t i1) { adam_block(values, g, s.m.data(), s.v.data(), i0, i1, c); },
                 std::size_t(1) << 15);
}

template <class T>
BasicRMSprop<T>::BasicRMSprop(std::vector<Tensor<T>> parameters, RMSpropOptions options)
    : BasicOptimizer<T>(std::move(parameters), options.lr()), options_(options) {}

template <class T>
void BasicRMSprop<T>::update(Array<T>& p, const Array<T>& g, typename BasicOptimizer<T>::State& s) {
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
