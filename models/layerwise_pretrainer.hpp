#pragma once
// Greedy layer-wise pretraining (Hinton & Salakhutdinov 2006; Géron ch. 17) as a scheduler: phase k
// trains the shallow autoencoder (encoder layer k + its mirror decoder layer) to reconstruct the codes of
// layers 0..k-1, computed once per phase; then the whole stack is fine-tuned end to end. Each phase has
// its own epochs and a fresh optimizer. With a checkpoint folder, every finished phase is saved and a
// new run resumes after the last finished phase, ending with the same weights as an uninterrupted run.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <aegrad/models/epoch_budget.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
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
    AEGRAD_OPTION(bool, resume, false)  // continue after the last phase checkpointed in checkpoint_dir;
                                        // otherwise old checkpoints there are replaced
    AEGRAD_OPTION(OptimizerFactory, optimizer, nullptr)  // default: Adam(1e-3)
    AEGRAD_OPTION(double, finetune_lr_scale, 1.0)  // fine-tuning's learning rate = the optimizer's times this
};

struct PhaseReport {
    std::string name;          // "pretrain 1/2", ..., "fine-tune"
    nn::History history;       // read back from the checkpoint folder when resumed
    double seconds = 0;        // including computing the codes
    bool resumed = false;      // loaded from a checkpoint instead of trained
};

class LayerwisePretrainer {
public:
    LayerwisePretrainer(StackedAutoencoder& model, PretrainOptions options);
    /// Runs (or resumes) every phase on `train` (floats, or bytes seen as byte / 255); `validation` (optional)
    /// gives per-epoch validation losses on the same codes.
    std::vector<PhaseReport> run(data::Rows train, std::optional<data::Rows> validation = std::nullopt);
    /// The checkpoint file of phase `index` (0-based; index depth() is fine-tuning).
    std::string checkpoint_path(std::size_t index) const;

private:
    StackedAutoencoder& model_;
    PretrainOptions options_;
};

/// The input pushed through encoder layers 0..k-1 (no graph), i.e. what phase k reconstructs.
Array<float> encode_through(const StackedAutoencoder& model, data::Rows input, std::size_t k);

} // namespace aegrad::models
