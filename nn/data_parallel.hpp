#pragma once
// Data-parallel training's two duties besides the loader's shards: every rank starts from rank 0's model,
// and every rank steps with the same gradient, the average of all ranks', summed in buckets that are
// sent while backward is still computing the rest (as PyTorch's DistributedDataParallel does).
#include <chrono>
#include <optional>
#include <vector>

#include <aegrad/autograd/grad_ready.hpp>
#include <aegrad/data/rows.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// Rank 0's parameters and buffers, on every rank (collective; nothing in a world of one).
void broadcast_state(const Module& model);
/// Rank 0's buffers (BatchNorm's running statistics), on every rank: each rank's own would describe only
/// its shard of the batches.
void broadcast_buffers(const Module& model);

/// This rank's contiguous part of `rows`, for evaluating data-parallel: the ranks split them as evenly as
/// they go, in rank order; nullopt for an empty part (fewer rows than ranks). All of them in a world of one.
std::optional<data::Rows> rank_part(data::Rows rows);

/// Averages the gradients of `parameters` over the ranks. Each step:
///
///     averager.begin(weight);  // this rank's share of the global batch
///     loss.backward();         // buckets are sent as soon as backward has finished their parameters
///     averager.finish();       // sends the rest, waits, and writes the sums into the gradients
///
/// Buckets hold the parameters in reverse order, about the order backward finishes them, and are sent in
/// bucket order on every rank (MPI matches collectives by order). A parameter with no gradient (not in
/// the graph, or a rank whose shard is empty) adds zeros.
class GradientAverager {
public:
    /// `parameters` listed once each (a tied weight once): Module::parameters() is.
    explicit GradientAverager(std::vector<Tensor<float>> parameters, std::size_t bucket_bytes = 4u << 20);
    ~GradientAverager();
    GradientAverager(const GradientAverager&) = delete;
    GradientAverager& operator=(const GradientAverager&) = delete;

    /// Before backward: this rank's gradients will count `weight` times (its rows / the global batch's
    /// rows, so that the sum is the global batch's mean-loss gradient).
    void begin(double weight);
    /// After backward: every gradient is the weighted sum over ranks.
    void finish();

    /// What the last step sent, for benchmarks.
    struct StepStats {
        std::size_t bytes = 0, buckets = 0;
        std::size_t buckets_sent_in_backward = 0;  // started before finish(): overlapping backward
        double backward_seconds = 0;               // from begin() to finish()
        double wait_seconds = 0;                   // in finish(): the communication backward did not hide
    };
    const StepStats& last_step() const { return stats_; }
    std::size_t bucket_count() const;

private:
    struct Bucket;
    void ready(Node<float>& leaf);
    void stage(std::size_t parameter);
    void send_ready_buckets(bool all);

    std::vector<Tensor<float>> parameters_;
    std::vector<Bucket> buckets_;
    std::vector<std::size_t> bucket_of_, offset_of_;  // by parameter
    std::vector<bool> staged_;
    std::size_t next_to_send_ = 0;
    float weight_ = 1;
    std::optional<GradReadyScope<float>> hook_;
    StepStats stats_;
    std::chrono::steady_clock::time_point began_;
};

} // namespace aegrad::nn
