#include <aegrad/models/classifier.hpp>

#include <fmt/format.h>

#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/optimizer.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

using namespace nn;

History train_classifier(Classifier& classifier, data::Rows images, const std::vector<int>& labels,
                         const ClassifierTraining& o) {
    if (images.count() != labels.size())
        throw std::invalid_argument(fmt::format("train_classifier: {} images but {} labels", images.count(), labels.size()));
    const LossFn loss = [&labels](Module& model, const data::Batch& b) {
        std::vector<int> y;
        y.reserve(b.indices.size());
        for (auto i : b.indices)
            y.push_back(labels[i]);
        return cross_entropy(model(b.x), y);
    };
    History history;
    const int frozen = o.keep_frozen() ? o.epochs() : std::min(o.frozen_epochs(), o.epochs());
    if (frozen > 0) {
        classifier.encoder()->freeze();
        Adam head_optimizer(classifier.head()->parameters(), AdamOptions().lr(o.lr()));
        history.append(fit(classifier, head_optimizer, images, loss,
                           FitOptions().epochs(frozen).batch_size(o.batch_size()).seed(o.seed()).progress(o.progress()).phase("frozen encoder")));
        if (!o.keep_frozen())
            classifier.encoder()->unfreeze();
    }
    if (o.epochs() > frozen) {
        Adam optimizer(classifier.parameters(), AdamOptions().lr(frozen > 0 ? o.finetune_lr() : o.lr()));
        history.append(fit(classifier, optimizer, images, loss,
                           FitOptions().epochs(o.epochs() - frozen).batch_size(o.batch_size()).seed(o.seed() + 1)
                               .progress(o.progress()).phase(frozen > 0 ? "fine-tune" : "")));
    }
    return history;
}

} // namespace aegrad::models
