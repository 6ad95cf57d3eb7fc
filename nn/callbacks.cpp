#include <aegrad/nn/callbacks.hpp>

#include <aegrad/nn/distributed.hpp>

#include <cmath>

#include <aegrad/nn/safetensors.hpp>
#include <aegrad/nn/training_state.hpp>

#include <fmt/format.h>

namespace aegrad::nn {

double monitored_loss(const EpochRecord& r) { return std::isnan(r.val_loss) ? r.loss : r.val_loss; }

void EarlyStopping::on_epoch_end(Module& model, const History& history, bool& stop) {
    const double loss = monitored_loss(history.epochs.back());
    if (loss < best_ - min_delta_) {
        best_ = loss;
        best_epoch_ = static_cast<int>(history.epochs.size());
        waited_ = 0;
        if (restore_best_) {
            best_values_.clear();
            for (auto& [name, p] : model.named_state())  // buffers too: a BatchNorm's statistics belong to its weights
                best_values_.push_back(p.value());
        }
    } else if (++waited_ >= patience_) {
        stop = true;
    }
}

void EarlyStopping::on_train_end(Module& model, const History&) {
    if (!restore_best_ || best_values_.empty())
        return;
    auto state = model.named_state();
    for (std::size_t i = 0; i < state.size(); ++i)
        xt::noalias(state[i].second.mutable_value()) = best_values_[i];
}

void EarlyStopping::save_state(TrainingState& state, const std::string& prefix) const {
    state.put_number(prefix + "best", best_);
    state.put(prefix + "best_epoch", std::to_string(best_epoch_));
    state.put(prefix + "waited", std::to_string(waited_));
    state.put(prefix + "best_values", std::to_string(best_values_.size()));
    for (std::size_t i = 0; i < best_values_.size(); ++i)
        state.put(fmt::format("{}best_values.{}", prefix, i), best_values_[i]);
}

void EarlyStopping::load_state(const TrainingState& state, const std::string& prefix) {
    best_ = state.number(prefix + "best");
    best_epoch_ = static_cast<int>(state.integer(prefix + "best_epoch"));
    waited_ = static_cast<int>(state.integer(prefix + "waited"));
    best_values_.clear();
    for (long i = 0, n = state.integer(prefix + "best_values"); i < n; ++i)
        best_values_.push_back(state.array(fmt::format("{}best_values.{}", prefix, i)));
}

void ModelCheckpoint::save_state(TrainingState& state, const std::string& prefix) const {
    state.put_number(prefix + "best", best_);
}

void ModelCheckpoint::load_state(const TrainingState& state, const std::string& prefix) {
    best_ = state.number(prefix + "best");
}

void ModelCheckpoint::on_epoch_end(Module& model, const History& history, bool&) {
    const double loss = monitored_loss(history.epochs.back());
    if (best_only_ && !(loss < best_))
        return;
    best_ = std::min(best_, loss);
    if (distributed::is_root())
        save_parameters(model, path_, {{"epoch", std::to_string(history.epochs.size())}});
}

void CsvLogger::on_epoch_end(Module&, const History& history, bool&) {
    if (distributed::is_root())
        history.write_csv(path_);
}

} // namespace aegrad::nn
