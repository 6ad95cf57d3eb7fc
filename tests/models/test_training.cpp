// The training loop and the layerwise scheduler, on a slice of Fashion-MNIST (synthetic images when the
// data package is absent).
#include <filesystem>
#include <random>
#include <unistd.h>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include <aegrad/data/mnist.hpp>
#include "helpers.hpp"
#include "images.hpp"
#include <aegrad/models/layerwise_pretrainer.hpp>
#include <aegrad/models/stacked_autoencoder.hpp>
#include <aegrad/nn/nn.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;
using namespace aegrad::models;
using namespace aegrad::nn;
using aegrad::testing::image_slice;
namespace fs = std::filesystem;

namespace {
std::string temp_dir(const std::string& name) {
    return (fs::temp_directory_path() / fmt::format("aegrad_{}_{}", name, getpid())).string();
}

PretrainOptions small_run(const std::string& checkpoints, bool resume) {
    return PretrainOptions().pretrain_epochs({2, 3}).finetune_epochs(2).batch_size(64).seed(9).progress(false)
        .checkpoint_dir(checkpoints).resume(resume);
}
} // namespace

TEST_CASE("A short layerwise run on a small slice lowers the loss in every phase") {
    const auto x = image_slice(1000);
    manual_seed(1);
    StackedAutoencoder model(StackedAutoencoderOptions(784, {64, 16}));
    const double before = evaluate(model, x, reconstruction_mse());
    LayerwisePretrainer pretrainer(model, small_run("", false));
    auto reports = pretrainer.run(x);
    REQUIRE(reports.size() == 3);
    for (const auto& r : reports) {
        CAPTURE(r.name);
        REQUIRE(r.history.epochs.size() >= 2);
        CHECK(r.history.epochs.back().loss < r.history.epochs.front().loss);
    }
    CHECK(reports[0].name == "pretrain 1/2");
    CHECK(reports[2].name == "fine-tune");
    CHECK(evaluate(model, x, reconstruction_mse()) < 0.5 * before);
}

TEST_CASE("Layerwise pretraining on bytes ends as on the same images as floats, validation included") {
    // Phase 1 and fine-tuning read the bytes themselves, phase 2 the codes computed from them.
    xt::xarray<std::uint8_t> bytes = xt::xarray<std::uint8_t>::from_shape({200, 784});
    std::mt19937 rng(4);
    for (auto& b : bytes)
        b = static_cast<std::uint8_t>(rng() % 256);
    const xt::xarray<float> floats = data::to_unit_floats(bytes);
    const auto pretrain = [](data::Rows train, data::Rows validation) {
        manual_seed(5);
        StackedAutoencoder model(StackedAutoencoderOptions(784, {24, 6}));
        auto reports = LayerwisePretrainer(model, small_run("", false)).run(train, validation);
        std::vector<double> val_losses;
        for (const auto& r : reports)
            for (const auto& e : r.history.epochs)
                val_losses.push_back(e.val_loss);
        std::vector<xt::xarray<float>> values;
        for (auto& p : model.parameters())
            values.push_back(p.value());
        return std::make_pair(values, val_losses);
    };
    const auto from_bytes = pretrain(bytes, xt::xarray<std::uint8_t>(xt::view(bytes, xt::range(0, 50))));
    const auto from_floats = pretrain(floats, xt::xarray<float>(xt::view(floats, xt::range(0, 50))));
    CHECK(from_bytes.second.size() == 7);  // 2 + 3 pretraining epochs, 2 fine-tuning
    CHECK(from_bytes.second == from_floats.second);
    REQUIRE(from_bytes.first.size() == from_floats.first.size());
    for (std::size_t i = 0; i < from_bytes.first.size(); ++i)
        CHECK(from_bytes.first[i] == from_floats.first[i]);
}

TEST_CASE("Resuming from a phase checkpoint ends with the same weights as an uninterrupted run") {
    const auto x = image_slice(600);
    const auto full_dir = temp_dir("full"), resumed_dir = temp_dir("resumed");
    manual_seed(2);
    StackedAutoencoder full(StackedAutoencoderOptions(784, {32, 8}));
    LayerwisePretrainer(full, small_run(full_dir, false)).run(x);

    // An interrupted run: the same seed, stopped after phase 1 (its later checkpoints never written).
    LayerwisePretrainer first_run_layout(full, small_run(full_dir, false));
    fs::create_directories(resumed_dir);
    fs::copy_file(first_run_layout.checkpoint_path(0), resumed_dir + "/" + fs::path(first_run_layout.checkpoint_path(0)).filename().string());
    fs::copy_file(first_run_layout.checkpoint_path(0) + ".csv",
                  resumed_dir + "/" + fs::path(first_run_layout.checkpoint_path(0)).filename().string() + ".csv");

    manual_seed(77);  // a different initialisation: the checkpoint must override it
    StackedAutoencoder resumed(StackedAutoencoderOptions(784, {32, 8}));
    auto reports = LayerwisePretrainer(resumed, small_run(resumed_dir, true)).run(x);
    CHECK(reports[0].resumed);
    CHECK(reports[0].history.epochs.size() == 2);  // its history came back from the checkpoint folder
    CHECK_FALSE(reports[1].resumed);
    auto a = full.named_parameters(), b = resumed.named_parameters();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(a[i].first);
        CHECK(xt::all(xt::equal(a[i].second.value(), b[i].second.value())));
    }
    fs::remove_all(full_dir);
    fs::remove_all(resumed_dir);
}

TEST_CASE("fit records each epoch, validates, calls callbacks, and stops early") {
    const auto x = image_slice(300);
    manual_seed(3);
    StackedAutoencoder model(StackedAutoencoderOptions(784, {16}));
    Adam opt(model.parameters());
    const auto csv = temp_dir("history") + ".csv";
    CsvLogger logger(csv);
    EarlyStopping stopper(1, 1.0);  // demands an impossible improvement: stops after 2 epochs
    auto history = fit(model, opt, x, reconstruction_mse(),
                       FitOptions().epochs(10).batch_size(50).progress(false).validation(
                           [&](Module& m) { return evaluate(m, x, reconstruction_mse()); }),
                       {&logger, &stopper});
    CHECK(history.epochs.size() == 2);
    CHECK(history.epochs[0].val_loss > 0);
    CHECK(history.epochs[1].samples_per_s > 0);
    auto back = History::read_csv(csv);
    REQUIRE(back.epochs.size() == 2);
    CHECK(back.epochs[1].loss == doctest::Approx(history.epochs[1].loss));
    fs::remove(csv);
}

TEST_CASE("A non-finite loss stops training with a message saying where") {
    const auto x = image_slice(100);
    StackedAutoencoder model(StackedAutoencoderOptions(784, {8}));
    SGD opt(model.parameters(), SGDOptions().lr(1e6));  // diverges
    try {
        fit(model, opt, x, reconstruction_mse(), FitOptions().epochs(50).batch_size(10).progress(false));
        FAIL("training should have stopped");
    } catch (const NonFiniteLoss& e) {
        const std::string what = e.what();
        CHECK(what.find("at epoch") != std::string::npos);
        MESSAGE(what);
        CHECK(what.find("at epoch 1, step") != std::string::npos);
        // Either a parameter went non-finite, or the message names the largest weight behind the overflow.
        CHECK((what.find("non-finite: encoder.0") != std::string::npos ||
               what.find("the largest magnitude is") != std::string::npos));
    }
}
