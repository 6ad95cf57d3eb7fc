#pragma once
// A classifier over an encoder: logits = head(encoder(x)). The encoder is shared, not copied: its
// parameters are the autoencoder's own nodes, so pretraining shows up here and fine-tuning changes the
// autoencoder too. A training schedule first trains the head with the encoder frozen, then unfreezes it
// and fine-tunes everything with a lower learning rate.
#include <memory>
#include <vector>

#include <aegrad/data/rows.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/history.hpp>

namespace aegrad::models {

template <class T> class BasicClassifier : public nn::BasicModule<T> {
public:
    using ModulePtr = std::shared_ptr<nn::BasicModule<T>>;
    /// encoder: x [B, in] -> codes [B, code_size]; the head is Dense(code_size -> classes), logits out
    /// (cross_entropy applies the softmax).
    BasicClassifier(ModulePtr encoder, std::size_t code_size, std::size_t classes,
                    Generator& gen = nn::default_generator())
        : encoder_(this->register_module("encoder", std::move(encoder))),
          head_(this->register_module("head",
                                      std::make_shared<nn::BasicDense<T>>(nn::DenseOptions(code_size, classes), gen))) {}
    /// Over a stacked autoencoder's encoder: Classifier::over(autoencoder, 10).
    static std::shared_ptr<BasicClassifier> over(const BasicStackedAutoencoder<T>& autoencoder, std::size_t classes,
                                                 Generator& gen = nn::default_generator()) {
        return std::make_shared<BasicClassifier>(autoencoder.encoder(), autoencoder.options().layers().back(), classes,
                                                 gen);
    }

    Tensor<T> forward(const Tensor<T>& x) override {
        return this->forward_in_scope("head", *head_, this->forward_in_scope("encoder", *encoder_, x));
    }
    std::string type_name() const override { return "Classifier"; }
    const ModulePtr& encoder() const { return encoder_; }
    const std::shared_ptr<nn::BasicDense<T>>& head() const { return head_; }

private:
    ModulePtr encoder_;
    std::shared_ptr<nn::BasicDense<T>> head_;
};

using Classifier = BasicClassifier<float>;

struct ClassifierTraining {
    AEGRAD_OPTION(int, frozen_epochs, 0)  // head only, encoder frozen
    AEGRAD_OPTION(int, epochs, 10)        // in all, frozen epochs included
    AEGRAD_OPTION(bool, keep_frozen, false)  // never unfreeze (a linear probe of the codes)
    AEGRAD_OPTION(double, lr, 1e-3)
    AEGRAD_OPTION(double, finetune_lr, 1e-4)  // after unfreezing
    AEGRAD_OPTION(std::size_t, batch_size, 32)
    AEGRAD_OPTION(std::uint64_t, seed, 0)
    AEGRAD_OPTION(bool, progress, false)
    AEGRAD_OPTION(double, weight_decay, 0.0)  // decoupled (AdamW) when positive
    /// With validation data: each phase stops when the validation cross-entropy has not improved for this
    /// many epochs, and keeps its best weights (0: train every epoch, still recording the validation loss).
    AEGRAD_OPTION(int, patience, 0)
};

/// Images with their integer labels (floats, or bytes seen as byte / 255).
struct LabelledRows {
    data::Rows images;
    std::vector<int> labels;
};

/// Trains `classifier` on `images` with integer `labels` (cross-entropy, Adam or AdamW) following the
/// schedule; `validation` (optional, never the test set) gives each epoch's val_loss and early stopping.
/// Leaves the encoder unfrozen unless keep_frozen.
nn::History train_classifier(Classifier& classifier, data::Rows images, const std::vector<int>& labels,
                             const ClassifierTraining& options, const LabelledRows* validation = nullptr);

/// The mean cross-entropy of `model`'s logits on `data`, in evaluation mode without a graph.
double validation_cross_entropy(nn::Module& model, const LabelledRows& data);

} // namespace aegrad::models
