// Watching gradients flow through tied weights: per-read attribution, the GradientFlow monitor, and the
// graph of one step.
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <xtensor/xview.hpp>

#include <aegrad/aegrad.hpp>

using namespace aegrad;

int main(int argc, char** argv) {
    std::cout << ensure_fast_blas_core(argc, argv) << "\n";
    const bool quick = std::getenv("AEGRAD_EXAMPLE_BUDGET") != nullptr;  // the test suite's short run
    const auto train = data::load_mnist(data::kFashionMnistDir, data::Split::train, quick ? 2000 : 0);
    nn::manual_seed(42);
    models::StackedAutoencoder model(models::StackedAutoencoderOptions(784, {100, 30}));
    for (auto& [name, p] : model.named_parameters())
        p.set_label(name);  // names for the graph

    // One step by hand: the graph, then backward with per-read attribution switched on.
    Tensor<float> x(data::Rows(train.pixels).slice(0, 256));
    auto loss = mse_loss(model(x), x);
    write_dot(to_dot(loss, "one step of the tied autoencoder"), "graph.dot", "graph.svg");
    ReadAttribution<float> reads;
    {
        AttributionScope<float> on(reads);
        loss.backward();
    }
    const Tensor<float> W = model.encoder()->parameters()[0];  // encoder.0.weight [784, 100]
    for (const auto& read : reads.reads(W))
        fmt::print("{} <- {}: gradient norm {:.4f}\n", W.label(), read.reader, read.norm());
    fmt::print("cosine between the two reads: {:+.3f}\n", ReadAttribution<float>::cosine(reads.reads(W)[0], reads.reads(W)[1]));
    model.zero_grad();

    // Training with the monitor: every 20 steps it logs norms, per-read norms and cosines, update ratios
    // and dead ReLU units (on a fixed probe batch).
    nn::GradientFlow monitor(20, x.value());
    nn::Adam optimizer(model.parameters());
    nn::fit(model, optimizer, train.pixels, nn::reconstruction_mse(),
            nn::FitOptions().epochs(quick ? 1 : 3).batch_size(256), {&monitor});
    monitor.write_csv("gradflow.csv");
    for (const auto& file : monitor.plot_svgs(".", "tied: "))
        std::cout << "wrote " << file << "\n";
}
