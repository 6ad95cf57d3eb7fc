#include <aegrad/nn/data_parallel.hpp>

#include <algorithm>
#include <unordered_map>

#include <aegrad/nn/distributed.hpp>

namespace aegrad::nn {

void broadcast_state(const Module& model) {
    for (auto& [name, p] : model.named_state())
        distributed::broadcast(Tensor<float>(p).mutable_value().data(), p.value().size());
}

void broadcast_buffers(const Module& model) {
    for (auto& [name, p] : model.named_buffers())
        distributed::broadcast(Tensor<float>(p).mutable_value().data(), p.value().size());
}

std::optional<data::Rows> rank_part(data::Rows rows) {
    const auto r = static_cast<std::size_t>(distributed::rank()), k = static_cast<std::size_t>(distributed::size());
    const std::size_t begin = rows.count() * r / k, end = rows.count() * (r + 1) / k;
    if (begin == end)
        return std::nullopt;
    return rows.range(begin, end);
}

struct GradientAverager::Bucket {
    std::vector<std::size_t> parameters;
    std::vector<float> values;
    std::size_t staged = 0;
    distributed::PendingSum sum;
    bool sent = false;
};

GradientAverager::GradientAverager(std::vector<Tensor<float>> parameters, std::size_t bucket_bytes)
    : parameters_(std::move(parameters)), bucket_of_(parameters_.size()), offset_of_(parameters_.size()),
      staged_(parameters_.size()) {
    const std::size_t per_bucket = std::max<std::size_t>(1, bucket_bytes / sizeof(float));
    for (std::size_t k = parameters_.size(); k-- > 0;) {
        const std::size_t n = parameters_[k].size();
        if (buckets_.empty() || (!buckets_.back().values.empty() && buckets_.back().values.size() + n > per_bucket))
            buckets_.emplace_back();
        Bucket& b = buckets_.back();
        bucket_of_[k] = buckets_.size() - 1;
        offset_of_[k] = b.values.size();
        b.parameters.push_back(k);
        b.values.resize(b.values.size() + n);
    }
}

std::size_t GradientAverager::bucket_count() const { return buckets_.size(); }

GradientAverager::~GradientAverager() {
    // Unwinding with sums in flight: MPI may still write into their buffers, so those are left alive.
    for (Bucket& b : buckets_)
        if (b.sent && !b.sum.test())
            new std::vector<float>(std::move(b.values));
}

void GradientAverager::begin(double weight) {
    weight_ = static_cast<float>(weight);
    std::fill(staged_.begin(), staged_.end(), false);
    for (Bucket& b : buckets_)
        b.staged = 0, b.sent = false;
    next_to_send_ = 0;
    stats_ = StepStats();
    began_ = std::chrono::steady_clock::now();
    std::unordered_map<const Node<float>*, std::size_t> index;
    for (std::size_t k = 0; k < parameters_.size(); ++k)
        index.emplace(parameters_[k].id(), k);
    hook_.emplace([this, index = std::move(index)](Node<float>& leaf) {
        const auto it = index.find(&leaf);
        if (it == index.end())
            return;
        stage(it->second);
        send_ready_buckets(false);
    });
}

// This rank's weighted gradient of parameter k, copied into its bucket: the gradient buffer itself is
// overwritten by the sum in finish().
void GradientAverager::stage(std::size_t k) {
    if (staged_[k])
        return;
    staged_[k] = true;
    Bucket& b = buckets_[bucket_of_[k]];
    float* out = b.values.data() + offset_of_[k];
    const Tensor<float>& p = parameters_[k];
    if (p.has_grad()) {
        const float* g = p.grad().data();
        for (std::size_t i = 0, n = p.size(); i < n; ++i)
            out[i] = weight_ * g[i];
    } else {
        std::fill(out, out + p.size(), 0.0f);
    }
    ++b.staged;
}

void GradientAverager::send_ready_buckets(bool all) {
    while (next_to_send_ < buckets_.size()) {
        Bucket& b = buckets_[next_to_send_];
        if (!all && b.staged < b.parameters.size())
            break;
        for (std::size_t k : b.parameters)
            stage(k);
        b.sum = distributed::start_allreduce_sum(b.values.data(), b.values.size());
        b.sent = true;
        stats_.bytes += b.values.size() * sizeof(float);
        ++stats_.buckets;
        ++next_to_send_;
    }
    // Open MPI moves a sum on only inside its calls: a test of those in flight keeps them going.
    for (std::size_t i = 0; i < next_to_send_; ++i)
        buckets_[i].sum.test();
}

void GradientAverager::finish() {
    hook_.reset();
    using Clock = std::chrono::steady_clock;
    const auto backward_end = Clock::now();
    stats_.backward_seconds = std::chrono::duration<double>(backward_end - began_).count();
    stats_.buckets_sent_in_backward = next_to_send_;
    send_ready_buckets(true);
    for (Bucket& b : buckets_) {
        b.sum.wait();
        for (std::size_t k : b.parameters) {
            Node<float>& node = *parameters_[k].id();
            if (!node.has_shape(node.grad))
                node.grad.resize(node.shape);
            std::copy_n(b.values.data() + offset_of_[k], parameters_[k].size(), node.grad.data());
            node.has_grad = true;
        }
    }
    stats_.wait_seconds = std::chrono::duration<double>(Clock::now() - backward_end).count();
}

} // namespace aegrad::nn
