#pragma once
// What an autoencoder is trained to do, beyond "reconstruct the input": the family of Géron's chapter 17
// as options on any autoencoder (dense, conv, variational).
//   denoising:   the input is corrupted (Gaussian noise, dropout, or masking noise on patches) in training,
//                and the target stays the clean input;
//   masked:      masking noise, and the loss only on the pixels it hid (the MAE idea);
//   sparse:      an L1 penalty on the codes, or the KL divergence of their mean activation to a target;
//   contractive: the squared Frobenius norm of the dense coding layer's Jacobian;
//   variational: the KL divergence of the codes' Gaussian to N(0, I), divided by the input size as
//                Géron's (his reconstruction loss is a mean over pixels, not a sum).
#include <cstdint>
#include <memory>
#include <string>

#include <aegrad/autograd/random_ops.hpp>
#include <aegrad/data/loader.hpp>
#include <aegrad/models/autoencoder.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

/// The corruption of a denoising autoencoder. Parsed from "gaussian:SIGMA", "dropout:RATE",
/// "mask:RATIO[:PATCH]" (patch 1 when absent); str() writes the same form.
struct Noise {
    enum class Kind { none, gaussian, dropout, mask };
    Kind kind = Kind::none;
    double amount = 0;      // sigma, drop rate, or masked ratio
    std::size_t patch = 1;  // masking: the side of a square patch
    /// Throws std::invalid_argument naming the flag's expected forms.
    static Noise parse(const std::string& text);
    std::string str() const;
};

/// "l1:WEIGHT" or "kl:TARGET:WEIGHT".
struct Sparsity {
    enum class Kind { none, l1, kl };
    Kind kind = Kind::none;
    double target = 0, weight = 0;
    static Sparsity parse(const std::string& text);
    std::string str() const;
};

enum class ReconstructionLoss { mse, bce };  // bce needs outputs in [0, 1] (a sigmoid output)

struct ObjectiveOptions {
    AEGRAD_OPTION(Noise, noise, {})
    AEGRAD_OPTION(bool, masked_loss, false)  // the loss on masked pixels only; needs mask noise
    AEGRAD_OPTION(Sparsity, sparsity, {})
    AEGRAD_OPTION(double, contractive, 0.0)  // the penalty's weight; needs a dense coding layer
    AEGRAD_OPTION(ReconstructionLoss, loss, ReconstructionLoss::mse)
    AEGRAD_OPTION(std::size_t, image_height, 0)  // masking noise on flat rows needs the image size
    AEGRAD_OPTION(std::size_t, image_width, 0)
    AEGRAD_OPTION(std::uint64_t, seed, 0)  // of the noise
};

/// One batch's loss, split into what it is made of.
struct LossTerms {
    Tensor<float> total;         // reconstruction + penalty, for backward
    double reconstruction = 0;   // the reconstruction term alone
};

/// The mean losses over a data set, in evaluation mode.
struct Evaluation {
    double loss = 0;            // penalties included, as Keras reports val_loss
    double reconstruction = 0;  // the reconstruction term alone
};

class Objective {
public:
    /// Checks that the options fit the model (contractive needs a dense coding layer, masking an image size);
    /// throws std::invalid_argument saying what does not.
    Objective(ObjectiveOptions options, Autoencoder& model);

    /// The loss of one batch. In training the input is corrupted; a masked loss masks in evaluation too
    /// (it is defined on the masked pixels), with a fixed seed so that evaluations compare.
    LossTerms terms(const Tensor<float>& x, bool training);
    /// terms(...).total as a loss for nn::fit, training or not as the model is.
    nn::LossFn loss_fn();
    /// Mean loss and reconstruction term over `inputs`, in evaluation mode without a graph. Collective
    /// when data-parallel, as nn::evaluate is: each rank evaluates its part of the rows.
    Evaluation evaluate(data::Rows inputs, std::size_t batch_size = 1000);

    /// The input as training corrupts it, and the mask of masking noise (empty for other noise): what
    /// `aegrad reconstruct` shows beside the reconstruction.
    Masked<float> corrupt(const Tensor<float>& x, Generator& gen) const;
    const ObjectiveOptions& options() const { return options_; }
    /// The noise's generator, for checkpoints.
    Generator& generator() { return gen_; }
    /// Whether any option differs from plain reconstruction.
    bool plain() const;

private:
    ObjectiveOptions options_;
    Autoencoder& model_;
    Generator gen_;
};

} // namespace aegrad::models
