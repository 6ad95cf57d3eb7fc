#include <aegrad/models/semi_supervised.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include <aegrad/autograd/elementwise.hpp>
#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

using namespace nn;

namespace {
// The autoencoder and the classifier as one module, so that fit switches both to training mode and early
// stopping keeps and restores all their weights (the shared encoder once).
class Joint : public Module {
public:
    Joint(std::shared_ptr<Module> autoencoder, std::shared_ptr<Module> classifier) {
        this->register_module("autoencoder", std::move(autoencoder));
        classifier_ = this->register_module("classifier", std::move(classifier));
    }
    Tensor<float> forward(const Tensor<float>& x) override { return (*classifier_)(x); }
    std::string type_name() const override { return "SemiSupervised"; }

private:
    std::shared_ptr<Module> classifier_;
};

// Cycles through the labelled images in a seeded order, reshuffled after each pass.
class LabelledBatches {
public:
    LabelledBatches(const LabelledRows& labelled, std::size_t batch, std::uint64_t seed)
        : images_(labelled.images.slice(0, labelled.images.count())), labels_(labelled.labels), batch_(batch), rng_(seed) {
        order_.resize(labels_.size());
        std::iota(order_.begin(), order_.end(), 0);
        std::shuffle(order_.begin(), order_.end(), rng_);
    }
    std::pair<Tensor<float>, std::vector<int>> next() {
        const std::size_t n = std::min(batch_, order_.size()), row = images_.shape()[1];
        Array<float> x = Array<float>::from_shape({n, row});
        std::vector<int> y(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (at_ == order_.size()) {
                std::shuffle(order_.begin(), order_.end(), rng_);
                at_ = 0;
            }
            const std::size_t k = order_[at_++];
            std::copy_n(images_.data() + k * row, row, x.data() + i * row);
            y[i] = labels_[k];
        }
        return {Tensor<float>(std::move(x)), std::move(y)};
    }

private:
    Array<float> images_;
    std::vector<int> labels_;
    std::size_t batch_, at_ = 0;
    std::vector<std::size_t> order_;
    std::mt19937_64 rng_;
};
} // namespace

History train_semi_supervised(Autoencoder& autoencoder, Classifier& classifier, data::Rows unlabelled,
                              const LabelledRows& labelled, const SemiSupervisedOptions& o, const LabelledRows* validation) {
    if (labelled.labels.empty() || labelled.images.count() != labelled.labels.size())
        throw std::invalid_argument(fmt::format("train_semi_supervised: {} labelled images with {} labels",
                                                labelled.images.count(), labelled.labels.size()));
    const auto own = autoencoder.parameters();
    for (const auto& p : classifier.encoder()->parameters())
        if (std::none_of(own.begin(), own.end(), [&](const Tensor<float>& q) { return q.id() == p.id(); }))
            throw std::invalid_argument("train_semi_supervised: the classifier must read the autoencoder's own encoder");
    // Non-owning handles: the caller keeps both alive for the call.
    const auto keep = [](auto* m) { return std::shared_ptr<Module>(m, [](Module*) {}); };
    Joint joint(keep(&autoencoder), keep(&classifier));
    LabelledBatches batches(labelled, o.labelled_batch(), o.seed() ^ 0x5DEECE66DULL);
    const float weight = static_cast<float>(o.weight());
    const LossFn loss = [&](Module&, const data::Batch& b) {
        const auto [x, y] = batches.next();
        return mse_loss(autoencoder(b.x), b.x) + weight * cross_entropy(classifier(x), y);
    };
    Adam optimizer(joint.parameters(), AdamOptions().lr(o.lr()));
    FitOptions fit_options;
    fit_options.epochs(o.epochs()).batch_size(o.batch_size()).seed(o.seed()).progress(o.progress()).phase("joint");
    std::vector<Callback*> callbacks;
    EarlyStopping early(o.patience());
    if (validation) {
        fit_options.validation([&](Module&) { return validation_cross_entropy(classifier, *validation); });
        if (o.patience() > 0)
            callbacks.push_back(&early);
    }
    return fit(joint, optimizer, unlabelled, loss, fit_options, callbacks);
}

} // namespace aegrad::models
