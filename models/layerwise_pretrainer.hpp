#pragma once
// Greedy layer-wise pretraining (Hinton & Salakhutdinov 2006; Géron ch. 17) as a scheduler over any
// LayeredAutoencoder (dense or conv): phase k trains the shallow autoencoder of stage k (encoder stage k +
// its mirror decoder stage) to reconstruct the codes of stages 0..k-1, computed once per phase; then the
// whole stack is fine-tuned end to end. Each phase has its own epochs and a fresh optimizer. With a
// checkpoint folder, the phase in progress is checkpointed at each epoch's end (and every N steps, see
// nn/fit_checkpoint.hpp) and every finished phase is saved; a resumed run continues where the last
// checkpoint left off, ending with the same weights as an uninterrupted run. Fine-tuning's checkpoint is
// kept after it ends, so a finished run resumed with more fine-tuning epochs carries on from it.
//
// With an objective, every phase corrupts its own input with the objective's noise: a stacked denoising
// autoencoder (Vincent et al. 2010). See phase_objective for how each phase adapts it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <aegrad/models/epoch_budget.hpp>
#include <aegrad/models/layered_autoencoder.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

using OptimizerFactory = std::function<std::unique_ptr<nn::Optimizer>(std::vector<Tensor<float>> parameters)>;

struct PretrainOptions {
    AEGRAD_OPTION(std::vector<int>, pretrain_epochs, {})  // one entry per layer, or one for all (default 5)
    AEGRAD_OPTION(int, finetune_epochs, 10)
    AEGRAD_OPTION(std::size_t, batch_size, 256)
    AEGRAD_OPTION(std::uint64_t, seed, 0)
    AEGRAD_OPTION(bool, progress, true)
    AEGRAD_OPTION(std::string, checkpoint_dir, "")  // "" = no checkpoints
    AEGRAD_OPTION(bool, resume, false)  // continue from the checkpoints in checkpoint_dir; otherwise old
                                        // checkpoints there are replaced
    AEGRAD_OPTION(std::size_t, checkpoint_every, 0)  // also checkpoint every N steps; 0: at epoch ends only
    AEGRAD_OPTION(OptimizerFactory, optimizer, nullptr)  // default: Adam(1e-3)
    AEGRAD_OPTION(double, finetune_lr_scale, 1.0)  // fine-tuning's learning rate = the optimizer's times this
    AEGRAD_OPTION(ObjectiveOptions, objective, {})  // default: plain reconstruction, mean squared error
};

struct PhaseReport {
    std::string name;          // "pretrain 1/2", ..., "fine-tune"
    nn::History history;       // read back from the checkpoint folder when resumed
    double seconds = 0;        // including computing the codes
    bool resumed = false;      // loaded from a checkpoint instead of trained
};

class LayerwisePretrainer {
public:
    LayerwisePretrainer(LayeredAutoencoder& model, PretrainOptions options);
    /// Runs (or resumes) every phase on `train` (floats, or bytes seen as byte / 255); `validation` (optional)
    /// gives per-epoch validation losses on the same codes.
    std::vector<PhaseReport> run(data::Rows train, std::optional<data::Rows> validation = std::nullopt);
    /// The file of finished phase `index` (0-based; index depth() is fine-tuning): the model's weights.
    std::string checkpoint_path(std::size_t index) const;
    /// The checkpoint of phase `index` in progress (fit_checkpoint.hpp).
    std::string state_path(std::size_t index) const;

private:
    LayeredAutoencoder& model_;
    PretrainOptions options_;
};

/// The input pushed through encoder stages 0..k-1 in evaluation mode (no graph), i.e. what phase k
/// reconstructs: [N, |model.boundary(k)|].
Array<float> encode_through(const LayeredAutoencoder& model, data::Rows input, std::size_t k);

/// Phase `phase`'s objective (phase depth() is fine-tuning, which gets `objective` as it is):
///   - the noise corrupts the phase's own input; Gaussian noise keeps its size relative to what it corrupts
///     (sigma times `spread_ratio`, the spread of the phase's input over the data's: ReLU codes have no fixed
///     scale); masking noise hides patches of a feature map scaled to its size (at least 1 pixel), and
///     single entries of flat codes;
///   - the sparsity and contractive penalties act on the model's codes, so only in the last phase;
///   - inner phases reconstruct real-valued codes, so with mean squared error whatever `objective` says
///     (BCE needs targets in [0, 1]).
ObjectiveOptions phase_objective(const ObjectiveOptions& objective, const LayeredAutoencoder& model, std::size_t phase,
                                 double spread_ratio = 1.0);

} // namespace aegrad::models
