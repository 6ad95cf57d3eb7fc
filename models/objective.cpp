#include <aegrad/models/objective.hpp>

#include <cmath>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/elementwise.hpp>
#include <aegrad/autograd/losses.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/nn/data_parallel.hpp>
#include <aegrad/nn/distributed.hpp>
#include <aegrad/nn/penalties.hpp>

namespace aegrad::models {

namespace {
std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ':'))
        parts.push_back(part);
    return parts;
}

// A number with nothing after it, or std::invalid_argument.
double number(const std::string& text) {
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v))
        throw std::invalid_argument("'" + text + "' is not a number");
    return v;
}

// The coding layer of a stacked autoencoder (or of the shallow autoencoder of its last layer-wise phase),
// for the contractive penalty: its Dense layer, or null.
nn::Dense* coding_dense(Autoencoder& model) {
    if (auto* stacked = dynamic_cast<StackedAutoencoder*>(&model))
        return dynamic_cast<nn::Dense*>((*stacked->encoder())[stacked->depth() - 1].get());
    if (auto* shallow = dynamic_cast<ShallowAutoencoder*>(&model))
        return dynamic_cast<nn::Dense*>(shallow->encoder().get());
    return nullptr;
}
} // namespace

Noise Noise::parse(const std::string& text) {
    const auto parts = split(text);
    const auto fail = [&](const std::string& why) {
        return std::invalid_argument(
            fmt::format("--noise {}: {}; expected gaussian:SIGMA, dropout:RATE or mask:RATIO[:PATCH]", text, why));
    };
    if (parts.size() < 2)
        throw fail("no amount");
    Noise n;
    try {
        n.amount = number(parts[1]);
    } catch (const std::invalid_argument& e) {
        throw fail(e.what());
    }
    if (parts[0] == "gaussian" && parts.size() == 2) {
        n.kind = Kind::gaussian;
        if (n.amount < 0)
            throw fail("SIGMA must be >= 0");
    } else if (parts[0] == "dropout" && parts.size() == 2) {
        n.kind = Kind::dropout;
        if (!(n.amount >= 0 && n.amount < 1))
            throw fail("RATE must be in [0, 1)");
    } else if (parts[0] == "mask" && (parts.size() == 2 || parts.size() == 3)) {
        n.kind = Kind::mask;
        if (!(n.amount >= 0 && n.amount <= 1))
            throw fail("RATIO must be in [0, 1]");
        if (parts.size() == 3) {
            double p = 0;
            try {
                p = number(parts[2]);
            } catch (const std::invalid_argument& e) {
                throw fail(e.what());
            }
            if (p < 1 || p != static_cast<double>(static_cast<std::size_t>(p)))
                throw fail("PATCH must be a positive whole number");
            n.patch = static_cast<std::size_t>(p);
        }
    } else {
        throw fail("unknown kind or wrong number of parts");
    }
    return n;
}

std::string Noise::str() const {
    switch (kind) {
    case Kind::gaussian: return fmt::format("gaussian:{}", amount);
    case Kind::dropout: return fmt::format("dropout:{}", amount);
    case Kind::mask: return fmt::format("mask:{}:{}", amount, patch);
    default: return "none";
    }
}

Sparsity Sparsity::parse(const std::string& text) {
    const auto parts = split(text);
    const auto fail = [&](const std::string& why) {
        return std::invalid_argument(fmt::format("--sparsity {}: {}; expected l1:WEIGHT or kl:TARGET:WEIGHT", text, why));
    };
    Sparsity s;
    try {
        if (parts.size() == 2 && parts[0] == "l1") {
            s.kind = Kind::l1;
            s.weight = number(parts[1]);
        } else if (parts.size() == 3 && parts[0] == "kl") {
            s.kind = Kind::kl;
            s.target = number(parts[1]);
            s.weight = number(parts[2]);
            if (!(s.target > 0 && s.target < 1))
                throw fail("TARGET must be in (0, 1)");
        } else {
            throw fail("unknown kind or wrong number of parts");
        }
    } catch (const std::invalid_argument& e) {
        if (std::string(e.what()).rfind("--sparsity", 0) == 0)
            throw;
        throw fail(e.what());
    }
    if (s.weight < 0)
        throw fail("WEIGHT must be >= 0");
    return s;
}

std::string Sparsity::str() const {
    switch (kind) {
    case Kind::l1: return fmt::format("l1:{}", weight);
    case Kind::kl: return fmt::format("kl:{}:{}", target, weight);
    default: return "none";
    }
}

Objective::Objective(ObjectiveOptions options, Autoencoder& model) : options_(options), model_(model), gen_(options.seed()) {
    if (options_.masked_loss() && options_.noise().kind != Noise::Kind::mask)
        throw std::invalid_argument("--masked-loss: needs masking noise (--noise mask:RATIO[:PATCH]) to say which pixels");
    if (options_.masked_loss() && options_.loss() != ReconstructionLoss::mse)
        throw std::invalid_argument("--masked-loss: the loss on the masked pixels is a mean squared error (--loss mse)");
    if (options_.contractive() < 0)
        throw std::invalid_argument("--contractive: the weight must be >= 0");
    if (options_.contractive() > 0 && !coding_dense(model_))
        throw std::invalid_argument("--contractive: the penalty needs a dense coding layer (--model dense)");
    if (options_.contractive() > 0) {
        const auto act = coding_dense(model_)->options().activation();
        if (act != nn::Activation::sigmoid && act != nn::Activation::tanh && act != nn::Activation::relu &&
            act != nn::Activation::none)
            throw std::invalid_argument(fmt::format("--contractive: no closed form for a {} coding layer; use sigmoid, "
                                                    "tanh, relu or none", nn::activation_name(act)));
    }
    if (options_.noise().kind == Noise::Kind::mask && (options_.image_height() == 0 || options_.image_width() == 0))
        throw std::invalid_argument("masking noise: the objective needs the image height and width");
}

bool Objective::plain() const {
    return options_.noise().kind == Noise::Kind::none && options_.sparsity().kind == Sparsity::Kind::none &&
           options_.contractive() == 0 && options_.loss() == ReconstructionLoss::mse &&
           !dynamic_cast<VariationalAutoencoder*>(&model_);
}

Masked<float> Objective::corrupt(const Tensor<float>& x, Generator& gen) const {
    const Noise& n = options_.noise();
    switch (n.kind) {
    case Noise::Kind::gaussian: return {gaussian_noise(x, n.amount, gen), {}};
    case Noise::Kind::dropout: return {dropout(x, n.amount, gen), {}};
    case Noise::Kind::mask:
        return masking_noise(x, MaskingOptions().height(options_.image_height()).width(options_.image_width()).patch(n.patch).ratio(n.amount),
                             gen);
    default: return {x, {}};
    }
}

LossTerms Objective::terms(const Tensor<float>& x, bool training) {
    // Evaluation draws what it must (masks, a VAE's codes) from a fixed seed, so evaluations compare.
    std::optional<Generator> eval_gen;
    if (!training)
        eval_gen.emplace(options_.seed() + 1);
    Generator& gen = training ? gen_ : *eval_gen;
    Masked<float> input{x, {}};
    if (training || options_.masked_loss())
        input = corrupt(x, gen);

    Tensor<float> codes, reconstruction, kl;
    auto* vae = dynamic_cast<VariationalAutoencoder*>(&model_);
    if (vae) {
        const Gaussian<float> q = vae->encode_distribution(input.input);
        codes = q.mean;
        reconstruction = vae->decode(reparameterize(q.mean, q.log_var, gen));
        kl = gaussian_kl(q.mean, q.log_var);
    } else {
        codes = model_.encode(input.input);
        reconstruction = model_.decode(codes);
    }
    // The clean input in the reconstruction's shape (a conv model's images come back as flat rows).
    const Tensor<float> target = x.shape() == reconstruction.shape()
                                     ? x
                                     : Tensor<float>(Array<float>(xt::reshape_view(x.value(), reconstruction.value().shape())));
    Tensor<float> loss;
    if (options_.masked_loss())
        loss = masked_mse_loss(reconstruction, target, Array<float>(xt::reshape_view(input.mask, reconstruction.value().shape())));
    else if (options_.loss() == ReconstructionLoss::bce)
        loss = binary_cross_entropy(reconstruction, target);
    else
        loss = mse_loss(reconstruction, target);
    LossTerms out{loss, loss.item()};
    if (vae)  // Géron: the KL summed over the codes, averaged over the batch, divided by the input size
        out.total = out.total + kl / static_cast<float>(vae->options().input());
    const Sparsity& s = options_.sparsity();
    if (s.kind == Sparsity::Kind::l1)
        out.total = out.total + static_cast<float>(s.weight) * nn::l1_activity(codes);
    else if (s.kind == Sparsity::Kind::kl)
        out.total = out.total + static_cast<float>(s.weight) * nn::kl_sparsity(codes, s.target);
    if (options_.contractive() > 0) {
        nn::Dense* coding = coding_dense(model_);
        out.total = out.total + static_cast<float>(options_.contractive()) *
                                    nn::contractive_penalty(codes, coding->weight(), coding->options().activation());
    }
    return out;
}

nn::LossFn Objective::loss_fn() {
    return [this](nn::Module& model, const data::Batch& b) { return terms(b.x, model.is_training()).total; };
}

Evaluation Objective::evaluate(data::Rows inputs, std::size_t batch_size) {
    double sums[3] = {0, 0, 0};  // of the loss, the reconstruction term and rows, over every rank's part
    if (const std::optional<data::Rows> part = nn::rank_part(inputs))
        nn::for_each_batch_eval(model_, *part, batch_size, [&](const data::Batch& batch) {
            const LossTerms t = terms(batch.x, false);
            const double w = static_cast<double>(batch.indices.size());
            sums[0] += t.total.item() * w;
            sums[1] += t.reconstruction * w;
            sums[2] += w;
        });
    nn::distributed::allreduce_sum(sums, 3);
    if (sums[2] == 0)
        return {NAN, NAN};
    return {sums[0] / sums[2], sums[1] / sums[2]};
}

} // namespace aegrad::models
