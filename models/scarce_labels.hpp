#pragma once
// The scarce-labels experiment: does an encoder pretrained (as an autoencoder) on all the unlabelled
// images make a better classifier when only N labels are known? For each N and seed, a labelled subset
// balanced over the classes is drawn, a fifth of it (by default) held out for validation, and each method
// trains on the rest with early stopping on that validation split (never on the test set):
//   scratch              the classifier from a random initialisation;
//   scratch-regularised  the same with dropout (0.2 on the input, 0.5 on the codes) and AdamW weight decay;
//   pretrained-probe     a linear head over the pretrained encoder, kept frozen;
//   pretrained-finetune  the head first, then everything;
//   joint                reconstruction of the whole pool and classification of the labelled images
//                        trained together from a random initialisation (models/semi_supervised.hpp).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <aegrad/data/mnist.hpp>
#include <aegrad/models/classifier.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/models/variational_autoencoder.hpp>

namespace aegrad::models {

struct ScarceLabelsOptions {
    AEGRAD_OPTION(std::vector<std::size_t>, labels, std::vector<std::size_t>({100, 1000, 10000, 60000}))
    AEGRAD_OPTION(std::vector<std::uint64_t>, seeds, std::vector<std::uint64_t>({1, 2, 3}))
    AEGRAD_OPTION(std::size_t, min_steps, 3000)  // each classifier trains at least this many steps...
    AEGRAD_OPTION(int, min_epochs, 10)           // ...and at least this many epochs
    AEGRAD_OPTION(int, max_epochs, 200)
    AEGRAD_OPTION(double, lr, 1e-3)
    AEGRAD_OPTION(double, finetune_lr, 1e-3)  // measured: 1e-4 ends lower (docs/tutorials/05)
    AEGRAD_OPTION(double, frozen_fraction, 0.25)  // fine-tuned method: share of epochs with the encoder frozen
    AEGRAD_OPTION(std::vector<std::string>, methods,
                  std::vector<std::string>({"scratch", "scratch-regularised", "pretrained-probe", "pretrained-finetune", "joint"}))
    AEGRAD_OPTION(double, validation_fraction, 0.2)  // of each labelled subset, for early stopping
    AEGRAD_OPTION(int, patience, 20)                 // epochs without a better validation loss
    AEGRAD_OPTION(double, weight_decay, 0.05)        // scratch-regularised's AdamW decay
    AEGRAD_OPTION(int, joint_epochs, 10)             // joint: passes over the unlabelled pool
    AEGRAD_OPTION(double, joint_weight, 0.1)         // joint: the cross-entropy's weight
    AEGRAD_OPTION(std::size_t, unlabelled, 0)        // joint: the pool's first N images (0: all)
    /// How the rows name the pretrained encoder's methods: "<name>-probe", "<name>-finetune".
    AEGRAD_OPTION(std::string, pretrained_name, "pretrained")
};

/// The method names run_scarce_labels knows.
const std::vector<std::string>& scarce_label_methods();

struct ScarceLabelsRow {
    std::size_t labels;
    std::string method;
    std::uint64_t seed;
    double test_accuracy;
    int epochs;      // trained, early stopping included
    double seconds;
};

/// Seed `seed`'s labelled subset of `n` training images, balanced over the 10 classes (the first n % 10
/// classes get one more), and its validation part (`validation_fraction` of each class, at least one image
/// when the class has two). Throws std::invalid_argument when the training set or a class is too small.
struct LabelledSplit {
    Array<std::uint8_t> train_images, validation_images;
    std::vector<int> train_labels, validation_labels;
};
LabelledSplit labelled_split(const data::LabelledImages& train, std::size_t n, std::uint64_t seed,
                             double validation_fraction);

/// An autoencoder with what a classifier reads of it: its own encoder (x -> codes) and the codes' size.
struct EncoderOf {
    std::shared_ptr<Autoencoder> autoencoder;
    std::shared_ptr<nn::Module> encoder;
    std::size_t code_size = 0;
};
EncoderOf encoder_of(std::shared_ptr<StackedAutoencoder> autoencoder);
EncoderOf encoder_of(std::shared_ptr<ConvAutoencoder> autoencoder);
/// A VAE's encoder as the means of its codes.
EncoderOf encoder_of(std::shared_ptr<VariationalAutoencoder> autoencoder);
/// A randomly initialised model of the pretrained one's shape, for the scratch and joint methods.
using FreshModel = std::function<EncoderOf(Generator&)>;

/// Runs every (labels, method, seed) and returns one row each. `pretrained` is left as it was (its
/// weights are restored after each fine-tuning run); `fresh` builds the other methods' models. `on_row`
/// (optional) is called as rows complete.
std::vector<ScarceLabelsRow> run_scarce_labels(const EncoderOf& pretrained, const FreshModel& fresh,
                                               const data::LabelledImages& train, const data::LabelledImages& test,
                                               const ScarceLabelsOptions& options,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row = nullptr);
/// The stacked autoencoder's case: fresh models of the same options.
std::vector<ScarceLabelsRow> run_scarce_labels(StackedAutoencoder& pretrained, const data::LabelledImages& train,
                                               const data::LabelledImages& test, const ScarceLabelsOptions& options,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row = nullptr);

/// Mean, sample standard deviation and the half-width of the 95% interval of the mean (Student's t) of the
/// test accuracy of each (labels, method).
struct ScarceLabelsSummary {
    std::size_t labels;
    std::string method;
    double mean, stddev, interval;
    std::size_t runs;
};
/// Student's t quantile at 0.975 for `dof` degrees of freedom (1.96 beyond 30).
double t_975(std::size_t dof);
std::vector<ScarceLabelsSummary> summarise(const std::vector<ScarceLabelsRow>& rows);
/// The table printed by `aegrad semisup`.
std::string summary_table(const std::vector<ScarceLabelsSummary>& summary);

} // namespace aegrad::models
