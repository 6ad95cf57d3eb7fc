#pragma once
// Checkpoints of a fit(): everything it needs to continue as if it had never stopped. The model's
// parameters and buffers, the optimizer's per-parameter state, the loader's place in its epoch, every
// random generator the steps draw from, the callbacks' memory and the history, in one file written
// atomically at each epoch's end and optionally every N steps. A fit resumed from it, with the same
// settings on the same data, ends with the same bytes as an uninterrupted one.
#include <string>
#include <utility>
#include <vector>

#include <aegrad/autograd/options.hpp>
#include <aegrad/autograd/random_ops.hpp>
#include <aegrad/data/loader.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/history.hpp>
#include <aegrad/nn/module.hpp>
#include <aegrad/nn/optimizer.hpp>

namespace aegrad::nn {

using NamedGenerators = std::vector<std::pair<std::string, Generator*>>;

struct CheckpointOptions {
    AEGRAD_OPTION(std::string, path, "")         // "" = no checkpoints
    AEGRAD_OPTION(std::size_t, every_steps, 0)   // also every N training steps; 0 = at epoch ends only
    AEGRAD_OPTION(bool, resume, false)           // continue from `path` when it exists
    /// Generators the loss draws from besides the model's own named_generators() (an objective's noise).
    AEGRAD_OPTION(NamedGenerators, generators, {})
};

/// Where a fit is, besides the model, optimizer, generators and callbacks.
struct FitPosition {
    History history;               // the finished epochs
    std::size_t step = 0;          // steps done in the epoch after them; 0 at an epoch's end
    std::size_t global_step = 0;   // steps over the whole fit
    double loss_sum = 0;           // the unfinished epoch's summed batch losses and samples
    std::size_t seen = 0;
    data::DataLoader::Position loader;
    bool stopped = false;          // a callback ended training
    /// Data-parallel: the generators of ranks 1, 2, ... (each rank draws its own noise), each rank's states
    /// as one text; the generators saved by name are rank 0's. Empty in a single process.
    std::vector<std::string> other_ranks_generators;
};

/// Writes a checkpoint of the fit at `position` to `path`.
void save_fit_checkpoint(const std::string& path, const FitPosition& position, const Module& model,
                         const Optimizer& optimizer, const std::vector<Callback*>& callbacks,
                         const NamedGenerators& generators);

/// Restores the model, optimizer, callbacks and generators from `path` and returns the position. The
/// model, optimizer and callbacks must be those of the run that wrote it: a parameter of another name or
/// shape, or a missing entry, is a FormatError naming the file, and then nothing is changed.
FitPosition load_fit_checkpoint(const std::string& path, Module& model, Optimizer& optimizer,
                                const std::vector<Callback*>& callbacks, const NamedGenerators& generators);

} // namespace aegrad::nn
