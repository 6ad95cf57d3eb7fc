#include <aegrad/nn/trainer.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include <aegrad/autograd/buffer_pool.hpp>
#include <aegrad/autograd/losses.hpp>
#include <aegrad/nn/data_parallel.hpp>
#include <aegrad/nn/distributed.hpp>
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
// Every generator the steps draw from: the model's own and the loss's.
std::vector<Generator*> generators_of(const Module& model, const NamedGenerators& others) {
    std::vector<Generator*> all;
    for (const auto& [name, g] : model.named_generators())
        all.push_back(g);
    for (const auto& [name, g] : others)
        all.push_back(g);
    return all;
}

std::string states_of(const std::vector<Generator*>& generators) {
    std::string text;
    for (const Generator* g : generators)
        text += g->state() + "\n";
    return text;
}

void set_states(const std::vector<Generator*>& generators, const std::string& text) {
    std::istringstream in(text);
    std::string line;
    for (Generator* g : generators)
        if (std::getline(in, line))
            g->set_state(line);
}

// Data-parallel: rank r > 0 draws its noise from its own streams, split off the seeded ones, so the ranks'
// shards are not corrupted alike; rank 0 keeps the seeded streams, so one rank is one process.
void split_generators_for_this_rank(const std::vector<Generator*>& generators) {
    const auto r = static_cast<std::uint64_t>(distributed::rank());
    if (r == 0)
        return;
    for (Generator* g : generators)
        g->seed(g->engine()() ^ (0x9E3779B97F4A7C15ull * r));
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
    const int ranks = distributed::size();
    const bool parallel = ranks > 1;
    if (parallel)
        loader.shard(static_cast<std::size_t>(distributed::rank()), static_cast<std::size_t>(ranks));
    ProgressLine progress(options.progress() && distributed::is_root());
    const CheckpointOptions& checkpoint = options.checkpoint();
    const std::vector<Generator*> generators = generators_of(model, checkpoint.generators());
    FitPosition at;
    const bool found = checkpoint.resume() && !checkpoint.path().empty() && std::filesystem::exists(checkpoint.path());
    // Rank 0 writes the checkpoints and every rank reads them: ranks that disagree would train apart.
    if (parallel && !distributed::same_on_every_rank(found ? 1 : 0))
        throw std::runtime_error(fmt::format("{} is on some ranks' filesystems and not on others': to resume a "
                                             "data-parallel run, every rank must see its output folder (a "
                                             "filesystem they share)", checkpoint.path()));
    if (found) {
        at = load_fit_checkpoint(checkpoint.path(), model, optimizer, callbacks, checkpoint.generators());
        if (at.step == 0)
            loader.resume(at.loader);  // replays the last finished epoch's shuffle: the next one follows on
        if (parallel && at.other_ranks_generators.size() + 1 == static_cast<std::size_t>(ranks)) {
            if (!distributed::is_root())
                set_states(generators, at.other_ranks_generators[static_cast<std::size_t>(distributed::rank() - 1)]);
        } else if (parallel) {
            split_generators_for_this_rank(generators);  // written by another number of ranks
        }
    } else if (parallel) {
        split_generators_for_this_rank(generators);
    }
    std::optional<GradientAverager> averager;
    if (parallel) {
        broadcast_state(model);
        averager.emplace(model.parameters(), options.gradient_bucket_bytes());
    }
    const std::string phase = options.phase().empty() ? "" : options.phase() + ": ";
    // A checkpoint is never written with non-finite weights (the last update can break them after the
    // loss was checked); the one before stays, and the run stops saying why.
    // Data-parallel, every rank checks (their weights are the same) and rank 0 writes, with the other ranks'
    // generators.
    const auto save = [&](const std::string& when) {
        if (checkpoint.path().empty())
            return;
        for (const auto& [name, p] : model.named_state())
            if (!xt::all(xt::isfinite(p.value())))
                throw NonFiniteLoss(fmt::format("{}the weights are no longer finite at {} ({}): the run diverged (try a "
                                                "lower learning rate); {} was not overwritten",
                                                phase, when, describe_parameters(model), checkpoint.path()));
        if (parallel) {
            std::vector<std::string> states = distributed::gather(states_of(generators));
            if (!distributed::is_root())
                return;
            at.other_ranks_generators.assign(states.begin() + 1, states.end());
        }
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
            // Data-parallel, each rank's loss is its shard's mean; the batch's is their mean weighted by rows.
            const std::size_t rows = batch.indices.size();
            Tensor<float> l;
            double value = 0;
            if (rows > 0) {
                l = loss(model, batch);
                value = l.item();
            }
            if (parallel) {
                double weighted = value * static_cast<double>(rows);
                distributed::allreduce_sum(&weighted, 1);
                value = weighted / static_cast<double>(batch.global_size);
            }
            if (!std::isfinite(value))
                throw NonFiniteLoss(fmt::format("{}loss is {} at epoch {}, step {}{}; {}. Try a lower learning rate.",
                                                phase, value, epoch,
                                                step,
                                                history.epochs.empty() ? std::string()
                                                    : fmt::format(" (previous epoch's loss {:.5g})", history.epochs.back().loss),
                                                describe_parameters(model)));
            if (averager)
                averager->begin(static_cast<double>(rows) / static_cast<double>(batch.global_size));
            if (rows > 0)
                l.backward();
            if (averager)
                averager->finish();
            for (auto* c : callbacks)
                c->on_after_backward(model, global_step);
            optimizer.step();
            at.loss_sum += value * batch.global_size;
            at.seen += batch.global_size;
            seen_here += batch.global_size;
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
        if (parallel)
            broadcast_buffers(model);
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
    double sums[2] = {0, 0};  // of the rows' losses, and rows: data-parallel, over every rank's part
    if (const std::optional<data::Rows> part = rank_part(inputs))
        for_each_batch_eval(model, *part, batch_size, [&](const data::Batch& batch) {
            sums[0] += loss(model, batch).item() * static_cast<double>(batch.indices.size());
            sums[1] += static_cast<double>(batch.indices.size());
        });
    distributed::allreduce_sum(sums, 2);
    return sums[1] > 0 ? sums[0] / sums[1] : NAN;
}

} // namespace aegrad::nn
