// `aegrad sample` and `aegrad interpolate`: what a variational autoencoder's decoder makes of codes drawn
// from its prior, and of the straight line between two test images' codes.
#include <fmt/format.h>

#include "commands.hpp"
#include "data_flags.hpp"
#include "model_spec.hpp"
#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/models/report.hpp>
#include <aegrad/models/variational_autoencoder.hpp>

namespace aegrad::cli {

namespace {
// The VAE a file holds, and its images' height and width.
struct LoadedVae {
    std::shared_ptr<models::VariationalAutoencoder> model;
    ModelSpec spec;
    std::size_t h = 0, w = 0;
};

LoadedVae load_vae(const std::string& path) {
    LoadedVae v;
    v.model = std::dynamic_pointer_cast<models::VariationalAutoencoder>(load_model(path, &v.spec));
    if (!v.model)
        throw UsageError(fmt::format("{}: not a variational autoencoder (train one with --model vae)", path));
    if (v.spec.input.size() != 2)
        throw UsageError(fmt::format("{}: its samples are {}, not single-channel images to draw", path,
                                     sample_str(v.spec.input)));
    v.h = v.spec.input[0], v.w = v.spec.input[1];
    v.model->eval();
    return v;
}
} // namespace

void add_sample_command(CLI::App& app) {
    struct Args {
        std::string model_file, out = "samples.png";
        std::size_t n = 21, columns = 7;
        std::uint64_t seed = 42;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("sample", "A VAE's new images: codes drawn from N(0, I) through its decoder, as a PNG");
    cmd->add_option("model", a->model_file, "A model.safetensors written by `aegrad train --model vae`")->required();
    cmd->add_option("--n", a->n, "How many images")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--columns", a->columns, "Images per row (a divisor of --n)")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the drawn codes")->capture_default_str();
    cmd->add_option("--out", a->out, "PNG file to write")->capture_default_str();
    cmd->callback([a] {
        if (a->n % a->columns != 0)
            throw UsageError(fmt::format("--columns {}: does not divide --n {}", a->columns, a->n));
        const LoadedVae vae = load_vae(a->model_file);
        NoGradGuard no_grad;
        Generator gen(a->seed);
        models::write_image_grid(a->out, vae.model->sample(a->n, gen).value(), vae.h, vae.w, a->columns);
        fmt::print("wrote {} ({} samples)\n", a->out, a->n);
    });
}

void add_interpolate_command(CLI::App& app) {
    struct Args {
        std::string model_file, out = "interpolation.png";
        DataFlags data;
        std::size_t from = 0, to = 1, steps = 9;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("interpolate", "A VAE's decoded codes along the line between two test images' codes, as a PNG");
    cmd->add_option("model", a->model_file, "A model.safetensors written by `aegrad train --model vae`")->required();
    cmd->add_option("--from", a->from, "Index of the first test image")->capture_default_str();
    cmd->add_option("--to", a->to, "Index of the last test image")->capture_default_str();
    cmd->add_option("--steps", a->steps, "Images along the line, both ends included")->check(CLI::Range(2, 100))->capture_default_str();
    add_model_data_flags(*cmd, a->data);
    cmd->add_option("--out", a->out, "PNG file to write")->capture_default_str();
    cmd->callback([a] {
        const LoadedVae vae = load_vae(a->model_file);
        DataFlags flags = a->data;
        flags.test_samples = std::max(a->from, a->to) + 1;
        const data::Dataset test = load_for_model(flags, vae.spec);
        if (std::max(a->from, a->to) >= test.size())
            throw UsageError(fmt::format("--from/--to: the test set has {} images", test.size()));
        NoGradGuard no_grad;
        const data::Rows rows = test.rows();
        const Tensor<float> first(rows.slice(a->from, a->from + 1)), last(rows.slice(a->to, a->to + 1));
        // The two originals at the ends, the decoded line between them.
        const std::size_t size = vae.h * vae.w;
        Array<float> line = vae.model->interpolate(first, last, a->steps).value();
        Array<float> grid = Array<float>::from_shape({a->steps + 2, size});
        std::copy_n(first.value().data(), size, grid.data());
        std::copy_n(line.data(), line.size(), grid.data() + size);
        std::copy_n(last.value().data(), size, grid.data() + (a->steps + 1) * size);
        models::write_image_grid(a->out, grid, vae.h, vae.w, a->steps + 2);
        fmt::print("wrote {}: test image {}, {} decoded steps, test image {}\n", a->out, a->from, a->steps, a->to);
    });
}

} // namespace aegrad::cli
