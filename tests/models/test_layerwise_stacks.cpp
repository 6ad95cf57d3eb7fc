// Greedy layer-wise pretraining of stacks other than the plain dense one: conv models (both layouts, tied
// too) stage by stage, and stacked denoising autoencoders whose every phase corrupts its own input.
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

#include "helpers.hpp"
#include "images.hpp"
#include <aegrad/models/models.hpp>
#include <aegrad/nn/nn.hpp>

using namespace aegrad;
using namespace aegrad::models;
namespace fs = std::filesystem;
using aegrad::testing::image_slice;

namespace {
ConvAutoencoderOptions small_conv(bool mirror, bool tied) {
    return ConvAutoencoderOptions().filters({4, 8}).coding_size(8).decoder_channels(4).mirror(mirror).tied(tied);
}

PretrainOptions quick(const std::string& checkpoints = "", bool resume = false) {
    return PretrainOptions().pretrain_epochs({2}).finetune_epochs(2).batch_size(50).seed(4).progress(false)
        .checkpoint_dir(checkpoints).resume(resume)
        .optimizer([](std::vector<Tensor<float>> p) -> std::unique_ptr<nn::Optimizer> {
            return std::make_unique<nn::Adam>(std::move(p), nn::AdamOptions().lr(1e-2));  // few steps: a larger rate
        });
}

std::string temp_dir(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_{}_{}", name, getpid())).string();
}
} // namespace

TEST_CASE("Layer-wise pretraining trains a conv model stage by stage, in both layouts and tied") {
    const Array<float> x = image_slice(400);
    for (auto [mirror, tied] : {std::pair{false, false}, {true, false}, {true, true}}) {
        CAPTURE(mirror);
        CAPTURE(tied);
        Generator gen(5);
        ConvAutoencoder model(small_conv(mirror, tied), gen);
        const double before = nn::evaluate(model, x, nn::reconstruction_mse());
        auto reports = LayerwisePretrainer(model, quick()).run(x, data::Rows(x).range(0, 100));
        REQUIRE(reports.size() == model.depth() + 1);
        for (const auto& r : reports) {
            CAPTURE(r.name);
            REQUIRE(r.history.epochs.size() == 2);
            CHECK(r.history.epochs.back().loss < r.history.epochs.front().loss);
            CHECK(std::isfinite(r.history.epochs.back().val_loss));
        }
        CHECK(nn::evaluate(model, x, nn::reconstruction_mse()) < 0.5 * before);
    }
}

TEST_CASE("A tied conv model resumed from a phase checkpoint ends as the uninterrupted run") {
    const Array<float> x = image_slice(200);
    const auto full_dir = temp_dir("conv_full"), resumed_dir = temp_dir("conv_resumed");
    Generator gen(2);
    ConvAutoencoder full(small_conv(true, true), gen);
    LayerwisePretrainer uninterrupted(full, quick(full_dir));
    uninterrupted.run(x);
    // The interrupted run kept only its first phase.
    fs::create_directories(resumed_dir);
    for (const std::string suffix : {"", ".csv"})
        fs::copy_file(uninterrupted.checkpoint_path(0) + suffix,
                      resumed_dir + "/" + fs::path(uninterrupted.checkpoint_path(0)).filename().string() + suffix);
    Generator other(99);
    ConvAutoencoder resumed(small_conv(true, true), other);
    auto reports = LayerwisePretrainer(resumed, quick(resumed_dir, true)).run(x);
    CHECK(reports[0].resumed);
    CHECK_FALSE(reports[1].resumed);
    auto a = full.named_parameters(), b = resumed.named_parameters();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(a[i].first);
        CHECK(a[i].second.value() == b[i].second.value());
    }
    fs::remove_all(full_dir);
    fs::remove_all(resumed_dir);
}

TEST_CASE("Each phase's objective: its own noise, masking scaled to its codes, penalties on the last") {
    ObjectiveOptions o;
    o.noise(Noise::parse("mask:0.5:4")).sparsity(Sparsity::parse("l1:0.01")).loss(ReconstructionLoss::bce).seed(7)
        .image_height(28).image_width(28);
    ConvAutoencoder conv(small_conv(false, false));  // boundaries 1x28x28, 4x14x14, then 8 codes
    const ObjectiveOptions first = phase_objective(o, conv, 0), last = phase_objective(o, conv, 1);
    CHECK(first.noise().patch == 4);
    CHECK(first.loss() == ReconstructionLoss::bce);
    CHECK(first.sparsity().kind == Sparsity::Kind::none);
    CHECK(last.noise().patch == 2);  // 14x14 maps: half the patch
    CHECK(last.image_height() == 14);
    CHECK(last.loss() == ReconstructionLoss::mse);  // the codes are not in [0, 1]
    CHECK(last.sparsity().kind == Sparsity::Kind::l1);
    CHECK(first.seed() != last.seed());
    CHECK(phase_objective(o, conv, 2).noise().patch == 4);  // fine-tuning: the objective as given
    StackedAutoencoder dense(StackedAutoencoderOptions(784, {20, 10, 5}));
    const ObjectiveOptions inner = phase_objective(o, dense, 1);
    CHECK(inner.noise().patch == 1);  // flat codes: single entries
    CHECK(inner.image_height() == 1);
    CHECK(inner.image_width() == 20);
    CHECK(inner.sparsity().kind == Sparsity::Kind::none);
    o.noise(Noise::parse("gaussian:0.2"));
    CHECK(phase_objective(o, dense, 0, 3.0).noise().amount == 0.2);  // the data itself: sigma as given
    CHECK(phase_objective(o, dense, 1, 3.0).noise().amount == doctest::Approx(0.6));
}

TEST_CASE("A stacked denoising autoencoder corrupts every phase's input, and its training still converges") {
    const Array<float> x = image_slice(400);
    const data::Rows validation = data::Rows(x).range(0, 100);
    const auto run = [&](const char* noise, double lr) {
        Generator gen(3);
        StackedAutoencoder model(StackedAutoencoderOptions(784, {64, 16}), gen);
        auto options = quick().pretrain_epochs({3}).optimizer([lr](std::vector<Tensor<float>> p) -> std::unique_ptr<nn::Optimizer> {
            return std::make_unique<nn::SGD>(std::move(p), nn::SGDOptions().lr(lr));
        });
        if (noise)
            options.objective(ObjectiveOptions().noise(Noise::parse(noise)).seed(1));
        auto reports = LayerwisePretrainer(model, options).run(x, validation);
        return std::make_pair(reports, nn::evaluate(model, x, nn::reconstruction_mse()));
    };
    {
        // A model that does not move (a vanishing rate) sees the same codes in both runs, so each phase's loss
        // is the fixed model's on its input: clean, or corrupted by noise scaled to that phase's codes.
        const auto [plain, plain_mse] = run(nullptr, 1e-12);
        const auto [noisy, noisy_mse] = run("gaussian:2", 1e-12);
        for (std::size_t phase = 0; phase < 2; ++phase) {
            CAPTURE(phase);
            const auto& clean = plain[phase].history.epochs.front();
            const auto& corrupted = noisy[phase].history.epochs.front();
            CHECK(corrupted.val_loss == doctest::Approx(clean.val_loss));  // validation is clean in both
            CHECK(corrupted.loss > 1.5 * clean.loss);
        }
    }
    const auto [plain, plain_mse] = run(nullptr, 0.05);
    const auto [denoising, denoising_mse] = run("dropout:0.3", 0.05);
    for (std::size_t phase = 0; phase < 3; ++phase) {
        CAPTURE(phase);
        CHECK(denoising[phase].history.epochs.back().loss < denoising[phase].history.epochs.front().loss);
    }
    CHECK(denoising_mse < 2 * plain_mse);
}
