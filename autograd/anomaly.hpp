#pragma once
// Anomaly mode, as torch.autograd.set_detect_anomaly: while on, every op's output is checked in forward and
// every gradient an op's backward produces is checked in backward, and the first non-finite value throws an
// AnomalyError naming the op, the module scope it ran in ("decoder.1/matmul") and the first bad index. It
// finds where a NaN is born rather than where it is noticed (usually the loss, many ops later). Off by
// default; off, it costs one relaxed atomic load per op.
#include <stdexcept>
#include <string>
#include <vector>

#include <aegrad/autograd/array.hpp>

namespace aegrad {

template <class T> struct Node;

/// Turns checking on or off for every thread.
void set_detect_anomaly(bool on);
bool detect_anomaly_enabled();

/// RAII: anomaly mode on (or off) within a scope, restored afterwards.
class DetectAnomalyGuard {
public:
    explicit DetectAnomalyGuard(bool on = true);
    ~DetectAnomalyGuard();
    DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
    DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

private:
    bool previous_;
};

/// The first non-finite value found in anomaly mode. The message says everything; the fields are for code.
class AnomalyError : public std::runtime_error {
public:
    AnomalyError(const std::string& message, std::string where, std::vector<std::size_t> index)
        : std::runtime_error(message), where_(std::move(where)), index_(std::move(index)) {}
    /// "decoder.1/matmul" (the op alone outside any module scope)
    const std::string& where() const { return where_; }
    const std::vector<std::size_t>& index() const { return index_; }

private:
    std::string where_;
    std::vector<std::size_t> index_;
};

/// The index of the first non-finite element of `a`, or nothing: for messages that name it.
template <class T> bool first_non_finite(const Array<T>& a, std::vector<std::size_t>& index, T& value);

namespace detail {
/// Called by Tensor::from_op in anomaly mode: throws when `out`, the output of `op` over `inputs`, holds a
/// non-finite value, saying whether an input already did.
template <class T> void check_forward(const Node<T>& out, const std::vector<const Node<T>*>& inputs);
/// Called by the engine in anomaly mode after `node`'s backward: throws when a gradient it wrote holds a
/// non-finite value (those before it were finite, or the check would have fired earlier).
template <class T> void check_backward(Node<T>& node);
} // namespace detail

} // namespace aegrad
