#pragma once
// Joint semi-supervised training: the autoencoder's two phases (pretrain on unlabelled images, then train a
// classifier on the labelled ones) done at once. Each step takes a batch of the unlabelled pool and a batch
// of the labelled images, and minimises
//     reconstruction MSE(unlabelled batch) + weight * cross-entropy(classifier(labelled batch))
// over the autoencoder's parameters and the classifier's head together; the encoder is shared, so the
// reconstruction keeps shaping the codes the classifier reads.
#include <aegrad/models/classifier.hpp>
#include <aegrad/models/autoencoder.hpp>

namespace aegrad::models {

struct SemiSupervisedOptions {
    AEGRAD_OPTION(int, epochs, 10)                 // passes over the unlabelled pool
    AEGRAD_OPTION(std::size_t, batch_size, 256)    // unlabelled images per step
    AEGRAD_OPTION(std::size_t, labelled_batch, 32) // labelled images per step, cycling through them
    AEGRAD_OPTION(double, weight, 0.1)             // of the cross-entropy against the reconstruction
    AEGRAD_OPTION(double, lr, 1e-3)                // Adam
    AEGRAD_OPTION(std::uint64_t, seed, 0)
    /// With validation data: stop when its cross-entropy has not improved for this many epochs, keeping the
    /// best weights (0: every epoch).
    AEGRAD_OPTION(int, patience, 0)
    AEGRAD_OPTION(bool, progress, false)
};

/// Trains `autoencoder` and `classifier` (whose encoder must be the autoencoder's, dense or conv) together on the
/// `unlabelled` pool and the `labelled` images; `validation` (optional, never the test set) gives each
/// epoch's val_loss, the classifier's cross-entropy. Throws std::invalid_argument for no labelled images
/// or a classifier over another encoder.
nn::History train_semi_supervised(Autoencoder& autoencoder, Classifier& classifier, data::Rows unlabelled,
                                  const LabelledRows& labelled, const SemiSupervisedOptions& options,
                                  const LabelledRows* validation = nullptr);

} // namespace aegrad::models
