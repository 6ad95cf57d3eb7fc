// The autoencoder family: the variational autoencoder, BatchNorm in the conv model, and the objectives of
// denoising, masked, sparse and contractive training. Gradient checks in double; each objective against
// its definition recomputed here from the ops.
#include <cmath>

#include <xtensor/xview.hpp>

#include "helpers.hpp"
#include <aegrad/models/models.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::models;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

namespace {
Tensor<float> unit_rows(std::size_t n, std::size_t d, unsigned seed) {  // values in [0, 1) like pixels
    return Tensor<float>(Array<float>(xt::cast<float>(random_tensor({n, d}, seed, false, 0.0, 1.0).value())));
}
} // namespace

TEST_CASE("gradcheck model: a variational autoencoder's loss, and a conv autoencoder with BatchNorm") {
    Generator gen(3);
    BasicVariationalAutoencoder<double> vae(VariationalAutoencoderOptions(6, {5, 4}, 2).activation(nn::Activation::tanh), gen);
    const Array<double> eps = random_tensor({3, 2}, 9, false).value();
    In inputs{random_tensor({3, 6}, 1, false, 0.0, 1.0)};
    for (auto& p : vae.parameters())
        inputs.push_back(p);
    CHECK_GRADCHECK(
        [&](const In& v) {
            const auto q = vae.encode_distribution(v[0]);
            return mse_loss(vae.decode(reparameterize(q.mean, q.log_var, eps)), v[0]) + gaussian_kl(q.mean, q.log_var) / 6.0;
        },
        inputs);

    BasicConvAutoencoder<double> conv(ConvAutoencoderOptions(1, 8, 8).filters({2}).coding_size(3).decoder_channels(2)
                                          .activation(nn::Activation::tanh).batch_norm(true), gen);
    In conv_inputs{random_tensor({3, 64}, 2, false, 0.0, 1.0)};
    for (auto& p : conv.parameters())
        conv_inputs.push_back(p);
    CHECK_GRADCHECK([&](const In& v) { return mse_loss(conv(v[0]), v[0]); }, conv_inputs);
}

TEST_CASE("A VAE reconstructs from the mean in evaluation, samples and interpolates through its decoder") {
    Generator gen(5);
    VariationalAutoencoder vae(VariationalAutoencoderOptions(12, {8}, 3).seed(1), gen);
    CHECK(vae.named_parameters().size() == 10);  // encoder, mean and log_var heads, 2 decoder layers: weight + bias each
    const auto x = unit_rows(4, 12, 1);
    vae.eval();
    CHECK(vae(x).value() == vae.decode(vae.encode(x)).value());
    vae.train();
    CHECK(vae(x).value() != vae(x).value());  // each training pass draws new codes
    Generator g(2);
    CHECK(vae.sample(5, g).shape() == Shape{5, 12});
    const auto a = unit_rows(1, 12, 2), b = unit_rows(1, 12, 3);
    const Array<float> line = vae.interpolate(a, b, 3).value();
    const Array<float> ma = vae.encode(a).value(), mb = vae.encode(b).value();
    CHECK(xt::allclose(xt::view(line, 0), xt::view(vae.decode(Tensor<float>(ma)).value(), 0)));
    CHECK(xt::allclose(xt::view(line, 2), xt::view(vae.decode(Tensor<float>(mb)).value(), 0)));
    CHECK(xt::allclose(xt::view(line, 1), xt::view(vae.decode(Tensor<float>(Array<float>((ma + mb) / 2.0f))).value(), 0), 1e-5, 1e-6));
    CHECK_THROWS_AS(vae.interpolate(a, b, 1), std::invalid_argument);
    // The summary follows the model's own wiring (two heads side by side), not a chain of its layers.
    const std::string table = nn::summary(vae, {12});
    CHECK(table.find("log_var (Dense)                     (None, 3)") != std::string::npos);
    CHECK(table.find("decoder.0 (Dense)                   (None, 8)") != std::string::npos);
    CHECK_THROWS_WITH_AS(vae(unit_rows(2, 5, 1)), doctest::Contains("VariationalAutoencoder"), ShapeError);
}

TEST_CASE("BatchNorm in the conv model sits between the convolutions, and its statistics are buffers") {
    ConvAutoencoder plain(ConvAutoencoderOptions(1, 12, 12).filters({4, 6}).coding_size(5));
    ConvAutoencoder bn(ConvAutoencoderOptions(1, 12, 12).filters({4, 6}).coding_size(5).batch_norm(true));
    // The three encoder convolutions (4, 6 and 5 channels) and the decoder's first transposed one (4) are
    // followed by a BatchNorm2d; the output convolution is not.
    std::size_t norms = 0;
    for (auto& [name, leaf] : bn.named_leaves())
        norms += leaf->type_name() == "BatchNorm2d";
    CHECK(norms == 4);
    CHECK(bn.named_buffers().size() == 8);
    CHECK(nn::count_parameters(bn) == nn::count_parameters(plain) + 2 * (4 + 6 + 5 + 4));
    const auto x = unit_rows(3, 144, 4);
    CHECK(bn(x).shape() == Shape{3, 144});
    // A summary runs the model in evaluation mode: the running statistics do not move, the mode comes back.
    const auto& first_norm = dynamic_cast<nn::BatchNorm2d&>(*(*bn.encoder())[2]);
    const Array<float> before = first_norm.running_mean().value();
    nn::summary(bn, {144});
    CHECK(first_norm.running_mean().value() == before);
    CHECK(bn.is_training());
}

TEST_CASE("Noise and sparsity options parse their flag forms and refuse the rest") {
    CHECK(Noise::parse("gaussian:0.2").kind == Noise::Kind::gaussian);
    CHECK(Noise::parse("dropout:0.5").amount == 0.5);
    const auto mask = Noise::parse("mask:0.75:4");
    CHECK(mask.kind == Noise::Kind::mask);
    CHECK(mask.patch == 4);
    CHECK(Noise::parse("mask:0.5").patch == 1);
    CHECK(Noise::parse(mask.str()).amount == 0.75);
    for (const char* bad : {"gaussian", "gaussian:x", "dropout:1", "mask:2", "mask:0.5:0", "mask:0.5:1.5", "salt:0.1",
                            "gaussian:-1", "gaussian:0.1:3"})
        CHECK_THROWS_WITH_AS(Noise::parse(bad), doctest::Contains("--noise"), std::invalid_argument);
    CHECK(Sparsity::parse("l1:1e-4").weight == 1e-4);
    const auto kl = Sparsity::parse("kl:0.1:5e-3");
    CHECK(kl.target == 0.1);
    CHECK(kl.weight == 5e-3);
    for (const char* bad : {"l1", "kl:0.1", "kl:1.5:0.1", "l2:0.1", "l1:-1", "l1:abc"})
        CHECK_THROWS_WITH_AS(Sparsity::parse(bad), doctest::Contains("--sparsity"), std::invalid_argument);
}

TEST_CASE("Objectives: noise only in training with the clean input as target; penalties as defined") {
    Generator gen(7);
    StackedAutoencoder model(StackedAutoencoderOptions(16, {8, 6}).tied(false).coding_activation(nn::Activation::sigmoid), gen);
    const auto x = unit_rows(5, 16, 5);
    const double plain = mse_loss(model(x), x).item();

    Objective denoising(ObjectiveOptions().noise(Noise::parse("dropout:0.5")), model);
    CHECK(denoising.terms(x, false).total.item() == doctest::Approx(plain));  // evaluation: no noise
    CHECK(denoising.terms(x, true).total.item() != doctest::Approx(plain));
    Objective no_noise(ObjectiveOptions().noise(Noise::parse("gaussian:0")), model);
    CHECK(no_noise.terms(x, true).total.item() == doctest::Approx(plain));  // the target is the clean input

    const auto codes = model.encode(x);
    CHECK(xt::all(codes.value() > 0.0f && codes.value() < 1.0f));  // sigmoid codes
    Objective l1(ObjectiveOptions().sparsity(Sparsity::parse("l1:0.01")), model);
    const auto t = l1.terms(x, true);
    CHECK(t.reconstruction == doctest::Approx(plain));
    CHECK(t.total.item() - t.reconstruction == doctest::Approx(0.01 * nn::l1_activity(codes).item()));
    Objective kl(ObjectiveOptions().sparsity(Sparsity::parse("kl:0.1:0.5")), model);
    CHECK(kl.terms(x, true).total.item() - plain == doctest::Approx(0.5 * nn::kl_sparsity(codes, 0.1).item()));

    Objective contractive(ObjectiveOptions().contractive(0.1), model);
    const auto& coding = dynamic_cast<nn::Dense&>(*(*model.encoder())[1]);
    CHECK(contractive.terms(x, true).total.item() - plain ==
          doctest::Approx(0.1 * nn::contractive_penalty(codes, coding.weight(), nn::Activation::sigmoid).item()));

    StackedAutoencoder probabilities(StackedAutoencoderOptions(16, {6}).output_activation(nn::Activation::sigmoid), gen);
    Objective bce(ObjectiveOptions().loss(ReconstructionLoss::bce), probabilities);
    CHECK(bce.terms(x, true).total.item() == doctest::Approx(binary_cross_entropy(probabilities(x), x).item()));

    ConvAutoencoder conv(ConvAutoencoderOptions(1, 8, 8).filters({2}).coding_size(3));
    CHECK_THROWS_WITH_AS(Objective(ObjectiveOptions().contractive(0.1), conv), doctest::Contains("dense coding layer"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(Objective(ObjectiveOptions().masked_loss(true), model), doctest::Contains("masking noise"),
                         std::invalid_argument);
    CHECK_THROWS_AS(Objective(ObjectiveOptions().noise(Noise::parse("mask:0.5")).masked_loss(true).image_height(4)
                                  .image_width(4).loss(ReconstructionLoss::bce), model),
                    std::invalid_argument);
}

TEST_CASE("A masked objective's loss covers the masked pixels only, and a VAE's adds KL / input size") {
    Generator gen(8);
    StackedAutoencoder model(StackedAutoencoderOptions(16, {6}), gen);
    const auto x = unit_rows(3, 16, 6);
    const auto options = ObjectiveOptions().noise(Noise::parse("mask:0.5:2")).masked_loss(true).image_height(4).image_width(4).seed(3);
    Objective masked(options, model);
    // Evaluation masks with the objective's fixed evaluation seed: recompute it here.
    Generator eval_gen(options.seed() + 1);
    const auto m = masking_noise(x, MaskingOptions().height(4).width(4).patch(2).ratio(0.5), eval_gen);
    CHECK(xt::sum(m.mask)() == 3 * 8);  // half of each image's four 2x2 patches
    const double expected = masked_mse_loss(model(m.input), x, m.mask).item();
    CHECK(masked.terms(x, false).total.item() == doctest::Approx(expected));
    CHECK(expected != doctest::Approx(mse_loss(model(m.input), x).item()));

    VariationalAutoencoder vae(VariationalAutoencoderOptions(16, {8}, 2), gen);
    Objective variational(ObjectiveOptions().seed(5), vae);
    Generator draw(6);
    const auto q = vae.encode_distribution(x);
    const double kl = gaussian_kl(q.mean, q.log_var).item();
    const double recon = mse_loss(vae.decode(reparameterize(q.mean, q.log_var, draw)), x).item();
    const auto t = variational.terms(x, false);
    CHECK(t.reconstruction == doctest::Approx(recon));
    CHECK(t.total.item() == doctest::Approx(recon + kl / 16));
}

TEST_CASE("Denoising, sparse and variational models learn: their losses fall on a small synthetic set") {
    // Rows that lie near a 3-dimensional subspace: learnable by a small autoencoder in a few epochs.
    Generator data_gen(9);
    const Array<float> basis = xt::cast<float>(random_tensor({3, 20}, 3, false, 0.0, 1.0).value());
    Array<float> coefficients = xt::cast<float>(random_tensor({256, 3}, 4, false, 0.0, 1.0).value());
    Array<float> rows = matmul(Tensor<float>(coefficients), Tensor<float>(basis)).value() / 3.0f;
    for (const char* noise : {"gaussian:0.1", "dropout:0.3", "mask:0.25:1"}) {
        CAPTURE(noise);
        Generator gen(1);
        StackedAutoencoder model(StackedAutoencoderOptions(20, {10, 3}).tied(false), gen);
        Objective objective(ObjectiveOptions().noise(Noise::parse(noise)).image_height(4).image_width(5), model);
        nn::Adam adam(model.parameters(), nn::AdamOptions().lr(0.01));
        const double before = objective.evaluate(rows).loss;
        nn::fit(model, adam, rows, objective.loss_fn(), nn::FitOptions().epochs(15).batch_size(32).progress(false));
        CHECK(objective.evaluate(rows).loss < 0.5 * before);
    }
    Generator gen(2);
    VariationalAutoencoder vae(VariationalAutoencoderOptions(20, {10}, 3), gen);
    Objective objective(ObjectiveOptions(), vae);
    nn::Adam adam(vae.parameters(), nn::AdamOptions().lr(0.01));
    const double before = objective.evaluate(rows).loss;
    nn::fit(vae, adam, rows, objective.loss_fn(), nn::FitOptions().epochs(15).batch_size(32).progress(false));
    CHECK(objective.evaluate(rows).loss < 0.5 * before);
}
