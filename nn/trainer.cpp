#include <aegrad/nn/trainer.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include <aegrad/autograd/buffer_pool.hpp>
#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/progress.hpp>

namespace aegrad::nn {

namespace {
// Names the parameters whose values or gradients are no longer finite, to say where a NaN came from.
std::string describe_parameters(const Module& model) {
    std::vector<std::string> bad;
    for (const auto& [name, p] : model.named_parameters()) {
        const bool value_bad = !xt::all(xt::isfinite(p.value()));
        const bool grad_bad = p.has_grad() && !xt::all(xt::isfinite(p.grad()));
        if (value_bad || grad_bad)
            bad.push_back(fmt::format("{} ({})", name, value_bad ? "value" : "gradient"));
    }
    if (!bad.empty())
        return fmt::format("non-finite: {}", fmt::join(bad, ", "));
    // Everything still finite: the forward pass overflowed. Name the largest weight, the usual suspect.
    std::string largest;
    float top = -1;
    for (const auto& [name, p] : model.named_parameters()) {
        const float m = xt::amax(xt::abs(p.value()))();
        if (m > top)
            top = m, largest = name;
    }
    return fmt::format("every parameter is finite, so the forward pass overflowed; the largest magnitude is {:.3g} "
                       "in {}",
                       top, largest);
}
} // namespace

LossFn reconstruction_mse() {
    return [](Module& model, const data::Batch& b) {
        return mse_loss(model(b.x), b.x);
    };
}

History fit(Module& model, Optimizer& optimizer, data::Rows inputs, const LossFn& loss,
            const FitOptions& options, const std::vector<Callback*>& callbacks) {
    using Clock = std::chrono::steady_clock;
    data::DataLoader loader(inputs, options.batch_size(), options.shuffle(), options.seed());
    ProgressLine progress(options.progress());
    const CheckpointOptions& checkpoint = options.checkpoint();
    FitPosition at;
    if (checkpoint.resume() && !checkpoint.path().empty() && std::filesystem::exists(checkpoint.path())) {
        at = load_fit_checkpoint(checkpoint.path(), model, optimizer, callbacks, checkpoint.generators());
        if (at.step == 0)
            loader.resume(at.loader);  // replays the last finished epoch's shuffle: the next one follows on
    }
    const std::string phase = options.phase().empty() ? "" : options.phase() + ": ";
    // A checkpoint is never written with non-finite weights (the last update can break them after the
    // loss was checked); the one before stays, and the run stops saying why.
    const auto save = [&](const std::string& when) {
        if (checkpoint.path().empty())
            return;
        for (const auto& [name, p] : model.named_state())
            if (!xt::all(xt::isfinite(p.value())))
                throw NonFiniteLoss(fmt::format("{}the weights are no longer finite at {} ({}): the run diverged (try a "
                                                "lower learning rate); {} was not overwritten",
                                                phase, when, describe_parameters(model), checkpoint.path()));
        save_fit_checkpoint(checkpoint.path(), at, model, optimizer, callbacks, checkpoint.generators());
    };
    History& history = at.history;
    data::Batch batch;
    for (int epoch = static_cast<int>(history.epochs.size()) + 1; !at.stopped && epoch <= options.epochs(); ++epoch) {
        if (options.lr_schedule())
            optimizer.set_lr(options.lr_schedule()(epoch - 1));
        model.train();
        if (at.step > 0) {
            loader.resume(at.loader);  // a checkpoint taken mid-epoch: on from its next batch
        } else {
            loader.start_epoch();
            at.loss_sum = 0;
            at.seen = 0;
        }
        progress.start_epoch(options.phase(), epoch, options.epochs(), loader.batches_per_epoch());
        const auto start = Clock::now();
        const std::size_t buffers_before = buffer_pool_stats().system_allocations;
        std::size_t seen_here = 0;  // samples trained in this process, for the speed
        while (loader.next(batch)) {
            const std::size_t step = ++at.step, global_step = ++at.global_step;
            optimizer.zero_grad();
            for (auto* c : callbacks)
                c->on_step_begin(model, global_step);
            Tensor<float> l = loss(model, batch);
            const double value = l.item();
            if (!std::isfinite(value))
                throw NonFiniteLoss(fmt::format("{}loss is {} at epoch {}, step {}{}; {}. Try a lower learning rate.",
                                                phase, value, epoch,
                                                step,
                                                history.epochs.empty() ? std::string()
                                                    : fmt::format(" (previous epoch's loss {:.5g})", history.epochs.back().loss),
                                                describe_parameters(model)));
            l.backward();
            for (auto* c : callbacks)
                c->on_after_backward(model, global_step);
            optimizer.step();
            at.loss_sum += value * batch.indices.size();
            at.seen += batch.indices.size();
            seen_here += batch.indices.size();
            progress.step(step, at.loss_sum / at.seen, at.seen);
            for (auto* c : callbacks)
                c->on_step_end(model, global_step, value);
            if (checkpoint.every_steps() > 0 && global_step % checkpoint.every_steps() == 0) {
                at.loader = loader.position();
                save(fmt::format("epoch {}, step {}", epoch, step));
            }
        }
        EpochRecord r;
        r.phase = options.phase();
        r.epoch = epoch;
        r.loss = at.seen ? at.loss_sum / at.seen : NAN;
        r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        r.new_buffers = static_cast<long>(buffer_pool_stats().system_allocations - buffers_before);
        r.samples_per_s = r.seconds > 0 ? seen_here / r.seconds : 0;
        r.lr = optimizer.lr();
        if (options.validation()) {
            r.val_loss = options.validation()(model);
            if (!std::isfinite(r.val_loss))
                throw NonFiniteLoss(fmt::format("{}the validation loss is {} after epoch {}: the run diverged (try a lower "
                                                "learning rate); {}",
                                                phase, r.val_loss, epoch, describe_parameters(model)));
        }
        r.rss_mb = resident_memory_mb();
        history.epochs.push_back(r);
        progress.end_epoch(r);
        for (auto* c : callbacks)
            c->on_epoch_end(model, history, at.stopped);
        at.step = 0;
        at.loader = loader.position();
        save(fmt::format("the end of epoch {}", epoch));
    }
    for (auto* c : callbacks)
        c->on_train_end(model, history);
    return history;
}

void for_each_batch_eval(Module& model, data::Rows inputs, std::size_t batch_size,
                         const std::function<void(const data::Batch&)>& fn) {
    NoGradGuard no_grad;
    const bool was_training = model.is_training();
    model.eval();
    data::DataLoader loader(inputs, batch_size, false);
    loader.start_epoch();
    data::Batch batch;
    try {
        while (loader.next(batch))
            fn(batch);
    } catch (...) {
        model.train(was_training);
        throw;
    }
    model.train(was_training);
}

double evaluate(Module& model, data::Rows inputs, const LossFn& loss, std::size_t batch_size) {
    double total = 0;
    std::size_t n = 0;
    for_each_batch_eval(model, inputs, batch_size, [&](const data::Batch& batch) {
        total += loss(model, batch).item() * batch.indices.size();
        n += batch.indices.size();
    });
    return n ? total / n : NAN;
}

} // namespace aegrad::nn
