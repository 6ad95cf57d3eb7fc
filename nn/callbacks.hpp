#pragma once
// Training callbacks: called by fit() after each step and each epoch. Early stopping, checkpoints and a
// CSV log; users write their own by overriding what they need.
#include <limits>
#include <memory>
#include <string>

#include <aegrad/nn/history.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

struct TrainingState;  // training_state.hpp

class Callback {
public:
    virtual ~Callback() = default;
    /// Before the step's forward pass (global_step counts from 1 over the whole fit).
    virtual void on_step_begin(Module& /*model*/, std::size_t /*global_step*/) {}
    /// After backward, before the optimizer changes the parameters: gradients are fresh.
    virtual void on_after_backward(Module& /*model*/, std::size_t /*global_step*/) {}
    /// After the optimizer step.
    virtual void on_step_end(Module& /*model*/, std::size_t /*global_step*/, double /*loss*/) {}
    /// Set `stop` to end training after this epoch.
    virtual void on_epoch_end(Module& /*model*/, const History& /*history*/, bool& /*stop*/) {}
    virtual void on_train_end(Module& /*model*/, const History& /*history*/) {}
    /// What the callback remembers between epochs, put into / read from a checkpoint under names that
    /// start with `prefix`, so that a resumed fit behaves as an uninterrupted one.
    virtual void save_state(TrainingState& /*state*/, const std::string& /*prefix*/) const {}
    virtual void load_state(const TrainingState& /*state*/, const std::string& /*prefix*/) {}
};

/// Stops when the monitored loss (validation when present, else training) has not improved by
/// min_delta for `patience` epochs; optionally restores the best weights at the end.
class EarlyStopping : public Callback {
public:
    explicit EarlyStopping(int patience = 3, double min_delta = 0.0, bool restore_best = true)
        : patience_(patience), min_delta_(min_delta), restore_best_(restore_best) {}
    void on_epoch_end(Module& model, const History& history, bool& stop) override;
    void on_train_end(Module& model, const History& history) override;
    void save_state(TrainingState& state, const std::string& prefix) const override;
    void load_state(const TrainingState& state, const std::string& prefix) override;
    int best_epoch() const { return best_epoch_; }

private:
    int patience_;
    double min_delta_;
    bool restore_best_;
    double best_ = std::numeric_limits<double>::infinity();
    int best_epoch_ = 0, waited_ = 0;
    std::vector<Array<float>> best_values_;
};

/// Saves the parameters (safetensors, atomically) after every epoch, or only when the monitored loss
/// improves. In a data-parallel run, rank 0 writes.
class ModelCheckpoint : public Callback {
public:
    explicit ModelCheckpoint(std::string path, bool best_only = false) : path_(std::move(path)), best_only_(best_only) {}
    void on_epoch_end(Module& model, const History& history, bool& stop) override;
    void save_state(TrainingState& state, const std::string& prefix) const override;
    void load_state(const TrainingState& state, const std::string& prefix) override;

private:
    std::string path_;
    bool best_only_;
    double best_ = std::numeric_limits<double>::infinity();
};

/// Rewrites the history as CSV after every epoch, so a long run can be watched or plotted while it goes.
/// In a data-parallel run, rank 0 writes.
class CsvLogger : public Callback {
public:
    explicit CsvLogger(std::string path) : path_(std::move(path)) {}
    void on_epoch_end(Module&, const History& history, bool&) override;

private:
    std::string path_;
};

/// The loss a callback watches: validation loss when recorded, else training loss.
double monitored_loss(const EpochRecord& record);

} // namespace aegrad::nn
