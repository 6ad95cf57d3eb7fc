// aegrad's half of the PyTorch check of the variants' ops (torch_variants.py): writes one safetensors file
// with each case's inputs, an upstream gradient G, aegrad's outputs and the gradients of sum(y * G).
//   variants_peer OUT.safetensors
#include <cstdio>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using Arrays = nn::NamedArrays<float>;

namespace {
Generator gen(21);

Tensor<float> uniform(Shape shape, float lo = -1, float hi = 1, bool grad = true) {
    std::uniform_real_distribution<float> dist(lo, hi);
    Array<float> a = Array<float>::from_shape(shape);
    for (float& v : a)
        v = dist(gen.engine());
    return Tensor<float>(std::move(a), grad);
}

// Stores the inputs, the output y, and the gradient of sum(y G) (or of y itself for a scalar) per input.
void add_case(Arrays& out, const std::string& name, const std::vector<std::pair<std::string, Tensor<float>>>& inputs,
              const Tensor<float>& y) {
    for (const auto& [n, t] : inputs)
        out.emplace_back(name + "." + n, t.value());
    out.emplace_back(name + ".y", y.value());
    Tensor<float> loss = y;
    if (y.dim() > 0) {
        const auto g = uniform(y.shape(), -1, 1, false);
        out.emplace_back(name + ".G", g.value());
        loss = sum(y * g);
    }
    loss.backward();
    for (const auto& [n, t] : inputs)  // no gradient reached: it is zero (a ReLU penalty's bias)
        if (t.requires_grad())
            out.emplace_back(name + ".d" + n, t.has_grad() ? t.grad() : Array<float>(xt::zeros<float>(t.shape())));
}
} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: variants_peer OUT.safetensors\n");
        return 2;
    }
    Arrays out;
    for (auto [name, shape] : {std::pair{"bn1d", Shape{6, 3}}, {"bn2d", Shape{2, 3, 4, 5}}}) {
        const auto x = uniform(shape, -2, 3), gamma = uniform({3}), beta = uniform({3});
        Array<float> mean = xt::zeros<float>({3}), var = xt::ones<float>({3});
        add_case(out, std::string(name) + "_train", {{"x", x}, {"gamma", gamma}, {"beta", beta}},
                 batch_norm(x, gamma, beta, &mean, &var));
        out.emplace_back(std::string(name) + "_train.running_mean", mean);
        out.emplace_back(std::string(name) + "_train.running_var", var);
        const auto x2 = uniform(shape, -2, 3), gamma2 = uniform({3}), beta2 = uniform({3});
        const Tensor<float> rm(mean), rv(var);
        add_case(out, std::string(name) + "_eval", {{"x", x2}, {"gamma", gamma2}, {"beta", beta2}, {"rm", rm}, {"rv", rv}},
                 batch_norm(x2, gamma2, beta2, &mean, &var, BatchNormOptions().training(false)));
    }
    {
        const auto x = uniform({3, 3, 4, 4}, -2, 3), gamma = uniform({3}), beta = uniform({3});
        add_case(out, "bn2d_relu", {{"x", x}, {"gamma", gamma}, {"beta", beta}},
                 batch_norm(x, gamma, beta, nullptr, nullptr, BatchNormOptions().epilogue(Epilogue::relu)));
    }
    {
        const auto mu = uniform({4, 3}), lv = uniform({4, 3}), eps = uniform({4, 3}, -2, 2, false);
        add_case(out, "reparameterize", {{"mu", mu}, {"lv", lv}, {"eps", eps}}, reparameterize(mu, lv, eps.value()));
    }
    {
        const auto p = uniform({5, 4}, 0.01f, 0.99f), t = uniform({5, 4}, 0, 1);
        add_case(out, "bce", {{"p", p}, {"t", t}}, binary_cross_entropy(p, t));
        const auto pred = uniform({5, 4}), target = uniform({5, 4}), mask = uniform({5, 4}, 0, 1, false);
        Array<float> m = xt::cast<float>(mask.value() > 0.5f);
        add_case(out, "masked_mse", {{"p", pred}, {"t", target}, {"mask", Tensor<float>(m)}}, masked_mse_loss(pred, target, m));
    }
    {
        const auto x = uniform({4, 5}, -1, 1, false), w = uniform({5, 3}), b = uniform({3});
        add_case(out, "contractive_sigmoid", {{"x", x}, {"w", w}, {"b", b}},
                 nn::contractive_penalty(sigmoid(matmul(x, w) + b), w, nn::Activation::sigmoid));
        const auto w2 = uniform({5, 3}), b2 = uniform({3});
        add_case(out, "contractive_relu", {{"x", x}, {"w", w2}, {"b", b2}},
                 nn::contractive_penalty(relu(matmul(x, w2) + b2), w2, nn::Activation::relu));
        const auto codes = uniform({6, 4}, 0.05f, 0.95f);
        add_case(out, "kl_sparsity", {{"codes", codes}}, nn::kl_sparsity(codes, 0.1));
        const auto c2 = uniform({6, 4});
        add_case(out, "l1_activity", {{"codes", c2}}, nn::l1_activity(c2));
    }
    {
        // Géron's VAE shape, small: 12 -> 8 -> 6 -> latent 2, loss mse + KL / 12 for a fixed eps.
        Generator g(4);
        models::VariationalAutoencoder vae(models::VariationalAutoencoderOptions(12, {8, 6}, 2), g);
        for (auto& [name, p] : vae.named_parameters()) {
            if (p.dim() == 1)
                p.mutable_value() = uniform(p.shape(), -0.1f, 0.1f, false).value();
            out.emplace_back("vae." + name, p.value());
        }
        const auto x = uniform({5, 12}, 0, 1, false), eps = uniform({5, 2}, -2, 2, false);
        const auto q = vae.encode_distribution(x);
        const auto loss = mse_loss(vae.decode(reparameterize(q.mean, q.log_var, eps.value())), x) +
                          gaussian_kl(q.mean, q.log_var) / 12.0f;
        out.emplace_back("vaeloss.x", x.value());
        out.emplace_back("vaeloss.eps", eps.value());
        out.emplace_back("vaeloss.y", loss.value());
        loss.backward();
        for (auto& [name, p] : vae.named_parameters())
            out.emplace_back("vaegrad." + name, p.grad());
    }
    nn::write_safetensors(argv[1], out);
    return 0;
}
