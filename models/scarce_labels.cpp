#include <aegrad/models/scarce_labels.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include <aegrad/models/semi_supervised.hpp>
#include <aegrad/nn/metrics.hpp>
#include <aegrad/nn/noise_layers.hpp>
#include <aegrad/nn/sequential.hpp>

namespace aegrad::models {

const std::vector<std::string>& scarce_label_methods() {
    static const std::vector<std::string> methods{"scratch", "scratch-regularised", "pretrained-probe",
                                                  "pretrained-finetune", "joint"};
    return methods;
}

LabelledSplit labelled_split(const data::LabelledImages& train, std::size_t n, std::uint64_t seed,
                             double validation_fraction) {
    if (n > train.size())
        throw std::invalid_argument(
            fmt::format("{} labelled images asked for, but the training set has {}", n, train.size()));
    std::vector<std::vector<std::size_t>> by_class(10);
    for (std::size_t i = 0; i < train.size(); ++i)
        by_class.at(static_cast<std::size_t>(train.labels[i])).push_back(i);
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> train_rows, validation_rows;
    for (std::size_t c = 0; c < 10; ++c) {
        const std::size_t want = n / 10 + (c < n % 10 ? 1 : 0);
        if (want > by_class[c].size())
            throw std::invalid_argument(fmt::format("{} labelled images need {} of class {}, the training set has {}", n,
                                                    want, c, by_class[c].size()));
        std::shuffle(by_class[c].begin(), by_class[c].end(), rng);
        std::size_t held = static_cast<std::size_t>(std::lround(validation_fraction * static_cast<double>(want)));
        if (held == 0 && want >= 2 && validation_fraction > 0)
            held = 1;
        validation_rows.insert(validation_rows.end(), by_class[c].begin(), by_class[c].begin() + held);
        train_rows.insert(train_rows.end(), by_class[c].begin() + held, by_class[c].begin() + want);
    }
    std::shuffle(train_rows.begin(), train_rows.end(), rng);  // classes mixed in every batch
    const std::size_t row = train.pixels.shape()[1];
    const auto gather = [&](const std::vector<std::size_t>& rows, Array<std::uint8_t>& x, std::vector<int>& y) {
        x = Array<std::uint8_t>::from_shape({rows.size(), row});
        y.resize(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            std::copy_n(train.pixels.data() + rows[i] * row, row, x.data() + i * row);
            y[i] = train.labels[rows[i]];
        }
    };
    LabelledSplit split;
    gather(train_rows, split.train_images, split.train_labels);
    gather(validation_rows, split.validation_images, split.validation_labels);
    return split;
}

EncoderOf encoder_of(std::shared_ptr<StackedAutoencoder> autoencoder) {
    auto encoder = autoencoder->encoder();
    const std::size_t code = autoencoder->options().layers().back();
    return {std::move(autoencoder), std::move(encoder), code};
}

EncoderOf encoder_of(std::shared_ptr<ConvAutoencoder> autoencoder) {
    auto encoder = autoencoder->encoder();
    const std::size_t code = autoencoder->options().coding_size();
    return {std::move(autoencoder), std::move(encoder), code};
}

namespace {
// A VAE's means as a module, its parameters the VAE's own (the decoder's get no gradient from a classifier).
class VaeMeans : public nn::Module {
public:
    explicit VaeMeans(std::shared_ptr<VariationalAutoencoder> vae) : vae_(this->register_module("vae", std::move(vae))) {}
    Tensor<float> forward(const Tensor<float>& x) override { return vae_->encode(x); }
    std::string type_name() const override { return "VaeMeans"; }

private:
    std::shared_ptr<VariationalAutoencoder> vae_;
};
} // namespace

EncoderOf encoder_of(std::shared_ptr<VariationalAutoencoder> autoencoder) {
    auto encoder = std::make_shared<VaeMeans>(autoencoder);
    const std::size_t code = autoencoder->options().latent();
    return {std::move(autoencoder), std::move(encoder), code};
}

std::vector<ScarceLabelsRow> run_scarce_labels(StackedAutoencoder& pretrained, const data::LabelledImages& train,
                                               const data::LabelledImages& test, const ScarceLabelsOptions& o,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row) {
    const auto options = pretrained.options();
    // A non-owning handle: the caller keeps the model.
    const EncoderOf model = encoder_of(std::shared_ptr<StackedAutoencoder>(&pretrained, [](StackedAutoencoder*) {}));
    return run_scarce_labels(
        model, [options](Generator& gen) { return encoder_of(std::make_shared<StackedAutoencoder>(options, gen)); }, train,
        test, o, on_row);
}

std::vector<ScarceLabelsRow> run_scarce_labels(const EncoderOf& pretrained_model, const FreshModel& make_fresh,
                                               const data::LabelledImages& train, const data::LabelledImages& test,
                                               const ScarceLabelsOptions& o,
                                               const std::function<void(const ScarceLabelsRow&)>& on_row) {
    Autoencoder& pretrained = *pretrained_model.autoencoder;
    for (const auto& m : o.methods())
        if (std::find(scarce_label_methods().begin(), scarce_label_methods().end(), m) == scarce_label_methods().end())
            throw std::invalid_argument(fmt::format("scarce labels: unknown method '{}'", m));
    for (std::size_t n : o.labels())
        labelled_split(train, n, 0, o.validation_fraction());  // every count checked before any training
    std::vector<Array<float>> pretrained_values;
    for (auto& p : pretrained.parameters())
        pretrained_values.push_back(p.value());
    auto restore = [&] {
        auto params = pretrained.parameters();
        for (std::size_t i = 0; i < params.size(); ++i) {
            xt::noalias(params[i].mutable_value()) = pretrained_values[i];
            params[i].set_requires_grad(true);
        }
    };
    const data::Rows pool = o.unlabelled() ? data::Rows(train.pixels).range(0, std::min(o.unlabelled(), train.size()))
                                           : data::Rows(train.pixels);
    const std::size_t code = pretrained_model.code_size;
    std::vector<ScarceLabelsRow> rows;
    for (std::size_t n : o.labels())
        for (std::uint64_t seed : o.seeds()) {
            const LabelledSplit split = labelled_split(train, n, seed, o.validation_fraction());
            const LabelledRows labelled{split.train_images, split.train_labels};
            const LabelledRows validation{split.validation_images, split.validation_labels};
            const LabelledRows* val = split.validation_labels.empty() ? nullptr : &validation;
            const std::size_t batch = split.train_labels.size() >= 10000 ? 256 : 32;
            const std::size_t steps_per_epoch = (split.train_labels.size() + batch - 1) / batch;
            const int epochs = static_cast<int>(std::clamp<std::size_t>(
                std::max<std::size_t>(o.min_epochs(), (o.min_steps() + steps_per_epoch - 1) / steps_per_epoch), 1,
                o.max_epochs()));
            for (const std::string& method : o.methods()) {
                const auto start = std::chrono::steady_clock::now();
                Generator gen(seed * 7919 + 17);
                std::shared_ptr<Classifier> clf;
                EncoderOf fresh;  // a randomly initialised autoencoder of the same shape
                ClassifierTraining t;
                t.epochs(epochs).batch_size(batch).seed(seed).lr(o.lr()).finetune_lr(o.finetune_lr()).patience(o.patience());
                int trained = 0;
                if (method == "joint") {
                    fresh = make_fresh(gen);
                    clf = std::make_shared<Classifier>(fresh.encoder, code, 10, gen);
                    trained = static_cast<int>(train_semi_supervised(*fresh.autoencoder, *clf, pool, labelled,
                                                                     SemiSupervisedOptions()
                                                                         .epochs(o.joint_epochs())
                                                                         .weight(o.joint_weight())
                                                                         .lr(o.lr())
                                                                         .seed(seed)
                                                                         .patience(std::max(1, o.patience() / 10)),
                                                                     val)
                                                   .epochs.size());
                } else {
                    if (method.rfind("scratch", 0) == 0) {
                        fresh = make_fresh(gen);
                        if (method == "scratch-regularised") {
                            auto encoder = std::make_shared<nn::Sequential>();
                            encoder->add(std::make_shared<nn::Dropout>(0.2, seed + 1));
                            encoder->add(fresh.encoder);
                            encoder->add(std::make_shared<nn::Dropout>(0.5, seed + 2));
                            clf = std::make_shared<Classifier>(encoder, code, 10, gen);
                            t.weight_decay(o.weight_decay());
                        } else {
                            clf = std::make_shared<Classifier>(fresh.encoder, code, 10, gen);
                        }
                    } else {
                        restore();
                        clf = std::make_shared<Classifier>(pretrained_model.encoder, code, 10, gen);
                        if (method == "pretrained-probe")
                            t.keep_frozen(true);
                        else
                            t.frozen_epochs(std::max(1, static_cast<int>(std::lround(epochs * o.frozen_fraction()))));
                    }
                    trained = static_cast<int>(train_classifier(*clf, labelled.images, labelled.labels, t, val).epochs.size());
                }
                const double accuracy = nn::classification_report(*clf, test.pixels, test.labels, 10).accuracy;
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                const std::string name =
                    method.rfind("pretrained-", 0) == 0 ? o.pretrained_name() + method.substr(std::string("pretrained").size()) : method;
                rows.push_back({n, name, seed, accuracy, trained, seconds});
                if (on_row)
                    on_row(rows.back());
            }
        }
    restore();
    return rows;
}

double t_975(std::size_t dof) {
    static const double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                   2.074,  2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    return dof == 0 ? NAN : dof <= 30 ? table[dof] : 1.96;
}

std::vector<ScarceLabelsSummary> summarise(const std::vector<ScarceLabelsRow>& rows) {
    std::map<std::pair<std::size_t, std::string>, std::vector<double>> groups;
    std::vector<std::pair<std::size_t, std::string>> order;
    for (const auto& r : rows) {
        auto key = std::make_pair(r.labels, r.method);
        if (!groups.count(key))
            order.push_back(key);
        groups[key].push_back(r.test_accuracy);
    }
    std::vector<ScarceLabelsSummary> out;
    for (const auto& key : order) {
        const auto& v = groups[key];
        const double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
        double ss = 0;
        for (double a : v)
            ss += (a - mean) * (a - mean);
        const double sd = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0;
        const double half = v.size() > 1 ? t_975(v.size() - 1) * sd / std::sqrt(static_cast<double>(v.size())) : NAN;
        out.push_back({key.first, key.second, mean, sd, half, v.size()});
    }
    return out;
}

std::string summary_table(const std::vector<ScarceLabelsSummary>& summary) {
    std::string out = fmt::format("{:>8}  {:<22}{:>10}{:>8}{:>22}{:>6}\n", "labels", "method", "mean %", "sd",
                                  "95% interval of mean", "runs");
    for (const auto& s : summary)
        out += fmt::format("{:>8}  {:<22}{:>10.2f}{:>8.2f}{:>22}{:>6}\n", s.labels, s.method, 100 * s.mean, 100 * s.stddev,
                           std::isnan(s.interval) ? std::string("-")
                                                  : fmt::format("{:.2f} .. {:.2f}", 100 * (s.mean - s.interval),
                                                                100 * (s.mean + s.interval)),
                           s.runs);
    return out;
}

} // namespace aegrad::models
