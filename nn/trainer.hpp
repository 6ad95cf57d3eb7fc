#pragma once
// The training loop: mini-batches from a DataLoader, forward, loss, backward, optimizer step; per-epoch
// records with validation, callbacks, a progress line, and a clear stop on a non-finite loss.
#include <functional>
#include <string>
#include <vector>

#include <aegrad/data/loader.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/fit_checkpoint.hpp>
#include <aegrad/nn/history.hpp>
#include <aegrad/nn/lr_schedule.hpp>
#include <aegrad/nn/module.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/autograd/options.hpp>

namespace aegrad::nn {

/// The loss of `model` on one batch. An autoencoder: mse_loss(model(b.x), b.x).
/// A classifier looks its labels up with b.indices.
using LossFn = std::function<Tensor<float>(Module& model, const data::Batch& batch)>;

/// The reconstruction loss of an autoencoder: mean squared error between model(x) and x.
LossFn reconstruction_mse();

struct FitOptions {
    AEGRAD_OPTION(int, epochs, 10)
    AEGRAD_OPTION(std::size_t, batch_size, 32)
    AEGRAD_OPTION(std::uint64_t, seed, 0)  // shuffling
    AEGRAD_OPTION(bool, shuffle, true)
    AEGRAD_OPTION(bool, progress, true)   // the progress line on stderr
    AEGRAD_OPTION(std::string, phase, "")  // a label for records and the progress line
    AEGRAD_OPTION(LrSchedule, lr_schedule, nullptr)
    /// Computes the validation loss after each epoch (in eval mode, without recording a graph).
    AEGRAD_OPTION(std::function<double(Module&)>, validation, nullptr)
    /// Checkpoints at every epoch's end (and every N steps), and resuming from one: see fit_checkpoint.hpp.
    /// A resumed fit returns the whole history, the epochs before the checkpoint included, and `epochs`
    /// may be more than the checkpointed run's to extend it.
    AEGRAD_OPTION(CheckpointOptions, checkpoint, {})
    /// Data-parallel (under mpirun): the size of the gradient buckets summed over ranks while backward runs
    /// (PyTorch's bucket_cap_mb). Smaller buckets start sooner, so more of the sum hides behind backward;
    /// each costs a message, so too small ones pay the network's latency many times.
    AEGRAD_OPTION(std::size_t, gradient_bucket_bytes, 4u << 20)
};

/// Thrown when a loss becomes NaN or infinite; says where and which parameters went bad.
class NonFiniteLoss : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Trains `model` on the rows of `inputs` (floats, or bytes such as LabelledImages::pixels, which the model
/// sees as byte / 255). Returns one record per epoch.
History fit(Module& model, Optimizer& optimizer, data::Rows inputs, const LossFn& loss,
            const FitOptions& options, const std::vector<Callback*>& callbacks = {});

/// Calls fn(batch) for the rows of `inputs` in order, with `model` in eval mode and no graph recorded;
/// the model's mode is restored afterwards.
void for_each_batch_eval(Module& model, data::Rows inputs, std::size_t batch_size,
                         const std::function<void(const data::Batch&)>& fn);

/// Mean loss over all rows of `inputs` (weighted by batch size), in eval mode and without a graph.
/// Data-parallel (under mpirun), each rank evaluates its part of the rows and the sums are added over
/// ranks, so it is collective: every rank must call it, with the same rows.
double evaluate(Module& model, data::Rows inputs, const LossFn& loss, std::size_t batch_size = 1000);

} // namespace aegrad::nn
