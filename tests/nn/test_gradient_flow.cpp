// The GradientFlow monitor on a short real training run: what it logs, and that its numbers are sane.
#include <set>

#include "helpers.hpp"
#include <aegrad/nn/gradient_flow.hpp>
#include <aegrad/nn/nn.hpp>
#include <aegrad/nn/trainer.hpp>

using namespace aegrad;
using namespace aegrad::nn;

TEST_CASE("GradientFlow logs per-read norms and cosines of tied weights, update ratios and dead units") {
    manual_seed(5);
    Sequential model;
    auto enc = model.add(std::make_shared<Dense>(DenseOptions(20, 8).activation(Activation::relu)));
    model.add(std::make_shared<DenseTranspose>(enc));
    xt::xarray<float> x = xt::xarray<float>::from_shape({64, 20});
    for (std::size_t i = 0; i < x.size(); ++i)
        x.data()[i] = static_cast<float>((i * 37) % 17) / 17.0f;
    GradientFlow monitor(2, x);
    Adam opt(model.parameters(), AdamOptions().lr(1e-2));
    fit(model, opt, x, reconstruction_mse(), FitOptions().epochs(2).batch_size(16).progress(false), {&monitor});

    std::set<std::string> metrics, read_names;
    std::set<std::size_t> steps;
    for (const auto& r : monitor.rows()) {
        metrics.insert(r.metric);
        steps.insert(r.step);
        if (r.metric == "read_norm")
            read_names.insert(r.name);
        if (r.metric == "read_cosine") {
            CHECK(r.value >= -1.0);
            CHECK(r.value <= 1.0);
        }
        if (r.metric == "update_ratio" || r.metric == "grad_norm")
            CHECK(r.value > 0.0);
        if (r.metric == "dead_relu") {
            CHECK(r.name == "0");
            CHECK(r.value >= 0.0);
            CHECK(r.value <= 1.0);
        }
    }
    CHECK(metrics == std::set<std::string>{"dead_relu", "grad_norm", "loss", "read_cosine", "read_norm", "update_ratio"});
    CHECK(read_names == std::set<std::string>{"0.weight <- 0/linear+relu", "0.weight <- 1/transpose"});
    CHECK(steps == std::set<std::size_t>{1, 3, 5, 7});  // 8 steps, logged every 2
    CHECK(active_edge_hooks<float>().empty());           // switched off again after each logged step
}
