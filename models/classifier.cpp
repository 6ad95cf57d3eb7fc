#include <aegrad/models/classifier.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/callbacks.hpp>
#include <aegrad/nn/metrics.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

using namespace nn;

double validation_cross_entropy(Module& model, const LabelledRows& data) {
    return classification_report(model, data.images, data.labels, 10).cross_entropy;
}

namespace {
std::unique_ptr<Optimizer> optimizer_for(std::vector<Tensor<float>> parameters, double lr, double weight_decay) {
    if (weight_decay > 0)
        return std::make_unique<Adam>(std::move(parameters), AdamOptions().lr(lr).weight_decay(weight_decay),
                                      AdamVariant::adamw);
    return std::make_unique<Adam>(std::move(parameters), AdamOptions().lr(lr));
}
} // namespace

History train_classifier(Classifier& classifier, data::Rows images, const std::vector<int>& labels,
                         const ClassifierTraining& o, const LabelledRows* validation) {
    if (images.count() != labels.size())
        throw std::invalid_argument(fmt::format("train_classifier: {} images but {} labels", images.count(), labels.size()));
    const LossFn loss = [&labels](Module& model, const data::Batch& b) {
        std::vector<int> y;
        y.reserve(b.indices.size());
        for (auto i : b.indices)
            y.push_back(labels[i]);
        return cross_entropy(model(b.x), y);
    };
    // Each phase: its validation loss per epoch, and with a patience, early stopping on it.
    const auto phase = [&](Optimizer& optimizer, FitOptions fit_options) {
        std::vector<Callback*> callbacks;
        EarlyStopping early(o.patience());
        if (validation) {
            fit_options.validation([validation](Module& m) { return validation_cross_entropy(m, *validation); });
            if (o.patience() > 0)
                callbacks.push_back(&early);
        }
        return fit(classifier, optimizer, images, loss, fit_options, callbacks);
    };
    History history;
    const int frozen = o.keep_frozen() ? o.epochs() : std::min(o.frozen_epochs(), o.epochs());
    if (frozen > 0) {
        classifier.encoder()->freeze();
        auto head_optimizer = optimizer_for(classifier.head()->parameters(), o.lr(), o.weight_decay());
        history.append(phase(*head_optimizer, FitOptions().epochs(frozen).batch_size(o.batch_size()).seed(o.seed())
                                                  .progress(o.progress()).phase("frozen encoder")));
        if (!o.keep_frozen())
            classifier.encoder()->unfreeze();
    }
    if (o.epochs() > frozen) {
        auto optimizer = optimizer_for(classifier.parameters(), frozen > 0 ? o.finetune_lr() : o.lr(), o.weight_decay());
        history.append(phase(*optimizer, FitOptions().epochs(o.epochs() - frozen).batch_size(o.batch_size())
                                             .seed(o.seed() + 1).progress(o.progress()).phase(frozen > 0 ? "fine-tune" : "")));
    }
    return history;
}

} // namespace aegrad::models
