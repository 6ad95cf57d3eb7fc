#include <aegrad/autograd/anomaly.hpp>

#include <atomic>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <aegrad/autograd/name_scope.hpp>
#include <aegrad/autograd/node.hpp>

namespace aegrad {

namespace {
std::atomic<bool> anomaly_mode{false};

std::string where(const std::string* scope, const std::string& op) { return scope ? *scope + "/" + op : op; }

// "op 'relu' (decoder.0/relu)": how a node is named in messages.
template <class T> std::string describe(const Node<T>& n) {
    if (n.is_leaf())
        return n.label.empty() ? "a leaf" : fmt::format("leaf '{}'", n.label);
    return fmt::format("op '{}'", where(n.scope.get(), n.op));
}
} // namespace

void set_detect_anomaly(bool on) { anomaly_mode.store(on, std::memory_order_relaxed); }
bool detect_anomaly_enabled() { return anomaly_mode.load(std::memory_order_relaxed); }

DetectAnomalyGuard::DetectAnomalyGuard(bool on) : previous_(detect_anomaly_enabled()) { set_detect_anomaly(on); }
DetectAnomalyGuard::~DetectAnomalyGuard() { set_detect_anomaly(previous_); }

template <class T> bool first_non_finite(const Array<T>& a, std::vector<std::size_t>& index, T& value) {
    const auto bad = std::find_if(a.begin(), a.end(), [](T x) { return !std::isfinite(x); });
    if (bad == a.end())
        return false;
    std::size_t flat = static_cast<std::size_t>(bad - a.begin());
    index.assign(a.dimension(), 0);
    for (std::size_t d = a.dimension(); d-- > 0;)
        index[d] = flat % a.shape()[d], flat /= a.shape()[d];
    value = *bad;
    return true;
}

namespace detail {

template <class T> void check_forward(const Node<T>& out, const std::vector<const Node<T>*>& inputs) {
    std::vector<std::size_t> index;
    T value{};
    if (!first_non_finite(out.value, index, value))
        return;
    const std::string at = where(current_scope().get(), out.op);
    std::string cause = "from finite inputs";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::vector<std::size_t> in_index;
        T in_value{};
        if (inputs[i] && first_non_finite(const_cast<Node<T>*>(inputs[i])->get_value(), in_index, in_value)) {
            cause = fmt::format("but its input {} ({}) already holds {} at [{}]", i, describe(*inputs[i]), in_value,
                                fmt::join(in_index, ", "));
            break;
        }
    }
    throw AnomalyError(fmt::format("anomaly mode: forward of {} produced {} at [{}] of its [{}] output, {}", at, value,
                                   fmt::join(index, ", "), fmt::join(out.shape, ", "), cause),
                       at, index);
}

template <class T> void check_backward(Node<T>& node) {
    const auto check = [&](const Node<T>& target, std::size_t input) {
        if (!target.requires_grad || !target.has_grad)
            return;
        std::vector<std::size_t> index;
        T value{};
        if (!first_non_finite(target.grad, index, value))
            return;
        const std::string at = where(node.scope.get(), node.op);
        throw AnomalyError(fmt::format("anomaly mode: backward of {} produced the gradient {} at [{}] for its input {} "
                                       "({}); the gradient it received was finite",
                                       at, value, fmt::join(index, ", "), input, describe(target)),
                           at, index);
    };
    for (std::size_t i = 0; i < node.inputs.size(); ++i) {
        check(*node.inputs[i], i);
        if (node.inputs[i]->view)  // a product writes a transposed view's source directly
            check(*node.inputs[i]->view->source, i);
    }
}

template void check_forward(const Node<float>&, const std::vector<const Node<float>*>&);
template void check_forward(const Node<double>&, const std::vector<const Node<double>*>&);
template void check_backward(Node<float>&);
template void check_backward(Node<double>&);
} // namespace detail

template bool first_non_finite(const Array<float>&, std::vector<std::size_t>&, float&);
template bool first_non_finite(const Array<double>&, std::vector<std::size_t>&, double&);

} // namespace aegrad
