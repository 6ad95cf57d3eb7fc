#include <aegrad/nn/fit_checkpoint.hpp>

#include <sstream>

#include <fmt/format.h>

#include <aegrad/nn/training_state.hpp>

namespace aegrad::nn {

namespace {
// The history as text, each number in a form that reads back to the same double (the CSV rounds them).
std::string history_text(const History& h) {
    std::string out;
    for (const auto& e : h.epochs)
        out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", e.phase, e.epoch, e.loss, e.val_loss, e.seconds,
                           e.samples_per_s, e.lr, e.rss_mb, e.new_buffers);
    return out;
}

History history_from_text(const std::string& text, const std::string& source) {
    History h;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        for (std::string x; std::getline(fields, x, '\t');)
            f.push_back(x);
        if (f.size() == 8 && !line.empty() && line.back() == '\t')
            f.emplace_back();
        try {
            if (f.size() != 9)
                throw std::invalid_argument("fields");
            EpochRecord r;
            r.phase = f[0];
            r.epoch = std::stoi(f[1]);
            r.loss = std::stod(f[2]);
            r.val_loss = std::stod(f[3]);
            r.seconds = std::stod(f[4]);
            r.samples_per_s = std::stod(f[5]);
            r.lr = std::stod(f[6]);
            r.rss_mb = std::stod(f[7]);
            r.new_buffers = std::stol(f[8]);
            h.epochs.push_back(r);
        } catch (const std::exception&) {
            throw FormatError(fmt::format("{}: 'history' has a bad record: {}", source, line));
        }
    }
    return h;
}

std::string optimizer_key(std::size_t i, const char* what) { return fmt::format("optimizer.{}.{}", i, what); }
} // namespace

void save_fit_checkpoint(const std::string& path, const FitPosition& at, const Module& model, const Optimizer& optimizer,
                         const std::vector<Callback*>& callbacks, const NamedGenerators& generators) {
    TrainingState s;
    for (const auto& [name, p] : model.named_state())
        s.put("model." + name, p.value());
    const auto states = optimizer.state();
    s.put_number("optimizer.lr", optimizer.lr());
    s.put("optimizer.parameters", std::to_string(states.size()));
    for (std::size_t i = 0; i < states.size(); ++i) {
        s.put(optimizer_key(i, "step"), std::to_string(states[i].step));
        s.put_number(optimizer_key(i, "mu_product"), states[i].mu_product);
        if (states[i].step > 0) {  // before the first update the moments are not sized yet
            s.put(optimizer_key(i, "m"), states[i].m);
            s.put(optimizer_key(i, "v"), states[i].v);
        }
    }
    for (const auto& [name, g] : model.named_generators())
        s.put("generator.model." + name, g->state());
    for (const auto& [name, g] : generators)
        s.put("generator." + name, g->state());
    for (std::size_t i = 0; i < callbacks.size(); ++i)
        callbacks[i]->save_state(s, fmt::format("callback.{}.", i));
    s.put("history", history_text(at.history));
    s.put("step", std::to_string(at.step));
    s.put("global_step", std::to_string(at.global_step));
    s.put_number("loss_sum", at.loss_sum);
    s.put("seen", std::to_string(at.seen));
    s.put("loader.generator", at.loader.generator);
    s.put("loader.cursor", std::to_string(at.loader.cursor));
    s.put("stopped", at.stopped ? "true" : "false");
    s.put("ranks", std::to_string(at.other_ranks_generators.size() + 1));
    for (std::size_t r = 0; r < at.other_ranks_generators.size(); ++r)
        s.put(fmt::format("rank.{}.generators", r + 1), at.other_ranks_generators[r]);
    s.write(path);
}

FitPosition load_fit_checkpoint(const std::string& path, Module& model, Optimizer& optimizer,
                                const std::vector<Callback*>& callbacks, const NamedGenerators& generators) {
    const TrainingState s = TrainingState::read(path);
    // Everything is read and checked first, then applied: a wrong file changes nothing.
    const auto named = model.named_state();
    for (const auto& [name, p] : named) {
        const Array<float>& a = s.array("model." + name);
        if (a.shape() != p.value().shape())
            throw FormatError(fmt::format("{}: model.{} has shape [{}], the model's is [{}]: another model's checkpoint",
                                          path, name, fmt::join(a.shape(), ", "), fmt::join(p.value().shape(), ", ")));
    }
    auto states = optimizer.state();
    if (static_cast<std::size_t>(s.integer("optimizer.parameters")) != states.size())
        throw FormatError(fmt::format("{}: the optimizer held {} parameters, this one holds {}", path,
                                      s.value("optimizer.parameters"), states.size()));
    for (std::size_t i = 0; i < states.size(); ++i) {
        states[i].step = s.integer(optimizer_key(i, "step"));
        states[i].mu_product = s.number(optimizer_key(i, "mu_product"));
        if (states[i].step > 0) {
            states[i].m = s.array(optimizer_key(i, "m"));
            states[i].v = s.array(optimizer_key(i, "v"));
        }
    }
    std::vector<std::pair<Generator*, std::string>> generator_states;
    for (const auto& [name, g] : model.named_generators())
        generator_states.emplace_back(g, s.value("generator.model." + name));
    for (const auto& [name, g] : generators)
        generator_states.emplace_back(g, s.value("generator." + name));
    FitPosition at;
    at.history = history_from_text(s.value("history"), path);
    at.step = static_cast<std::size_t>(s.integer("step"));
    at.global_step = static_cast<std::size_t>(s.integer("global_step"));
    at.loss_sum = s.number("loss_sum");
    at.seen = static_cast<std::size_t>(s.integer("seen"));
    at.loader.generator = s.value("loader.generator");
    at.loader.cursor = static_cast<std::size_t>(s.integer("loader.cursor"));
    at.stopped = s.value("stopped") == "true";
    // Checkpoints from before data-parallel training have no rank count: one process wrote them.
    const long ranks = s.has_value("ranks") ? s.integer("ranks") : 1;
    for (long r = 1; r < ranks; ++r)
        at.other_ranks_generators.push_back(s.value(fmt::format("rank.{}.generators", r)));
    for (auto& [g, text] : generator_states) {
        Generator check;
        try {
            check.set_state(text);
        } catch (const std::invalid_argument&) {
            throw FormatError(fmt::format("{}: a generator's state is malformed", path));
        }
    }

    for (const auto& [name, p] : named)
        xt::noalias(Tensor<float>(p).mutable_value()) = s.array("model." + name);
    optimizer.set_state(std::move(states));
    optimizer.set_lr(s.number("optimizer.lr"));
    for (auto& [g, text] : generator_states)
        g->set_state(text);
    for (std::size_t i = 0; i < callbacks.size(); ++i)
        callbacks[i]->load_state(s, fmt::format("callback.{}.", i));
    return at;
}

} // namespace aegrad::nn
