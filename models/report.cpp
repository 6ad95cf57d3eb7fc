#include <aegrad/models/report.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <aegrad/autograd/grad_mode.hpp>
#include <aegrad/data/png.hpp>
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/nn/trainer.hpp>

namespace aegrad::models {

namespace {
// Pixels per image pixel: twice for Fashion-MNIST's 28x28, more for smaller images, so that each image is
// drawn at least 56 pixels on its longer side (8x8 digits at 2x were too small to see).
std::size_t display_scale(std::size_t h, std::size_t w) { return std::max<std::size_t>(2, 56 / std::max<std::size_t>(1, std::max(h, w))); }
} // namespace

void write_reconstructions(const std::string& path, nn::Module& model, data::Rows images, std::size_t h,
                           std::size_t w, std::size_t count) {
    NoGradGuard no_grad;
    model.eval();
    Array<float> originals = images.slice(0, std::min(count, images.count()));
    Array<float> reconstructed = model(Tensor<float>(originals)).value();
    data::write_image_grid_png(path, {originals, reconstructed}, h, w, display_scale(h, w), {"original", "reconstruction"});
}

void write_denoising_reconstructions(const std::string& path, Autoencoder& model, const Objective& objective,
                                     data::Rows images, std::size_t h, std::size_t w, std::size_t count) {
    NoGradGuard no_grad;
    model.eval();
    Array<float> originals = images.slice(0, std::min(count, images.count()));
    Generator gen(objective.options().seed());
    Array<float> noisy = objective.corrupt(Tensor<float>(originals), gen).input.value();
    Array<float> reconstructed = model(Tensor<float>(noisy)).value();
    data::write_image_grid_png(path, {noisy, reconstructed, originals}, h, w, display_scale(h, w),
                               {"noisy input", "reconstruction", "original"});
}

void write_image_grid(const std::string& path, const Array<float>& images, std::size_t h, std::size_t w,
                      std::size_t columns) {
    const std::size_t n = images.shape()[0], pixels = h * w;
    if (columns == 0 || n == 0 || n % columns != 0 || images.size() != n * pixels)
        throw std::invalid_argument(fmt::format("write_image_grid: {} images of {}x{} in {} columns do not make a grid",
                                                n, h, w, columns));
    std::vector<Array<float>> rows;
    for (std::size_t first = 0; first < n; first += columns) {
        Array<float> row = Array<float>::from_shape({columns, pixels});
        std::copy_n(images.data() + first * pixels, columns * pixels, row.data());
        rows.push_back(std::move(row));
    }
    data::write_image_grid_png(path, rows, h, w, display_scale(h, w));
}

void write_loss_plot(const std::string& path, const nn::History& history) {
    data::Series train{"training loss", {}, {}}, val{"validation loss", {}, {}};
    data::PlotOptions options{"Reconstruction loss (MSE)", "epoch", "loss", true, {}};
    for (std::size_t i = 0; i < history.epochs.size(); ++i) {
        const auto& e = history.epochs[i];
        if (i > 0 && e.phase != history.epochs[i - 1].phase)
            options.vertical_markers.push_back(static_cast<double>(i) + 0.5);
        train.x.push_back(i + 1.0);
        train.y.push_back(e.loss);
        val.x.push_back(i + 1.0);
        val.y.push_back(e.val_loss);
    }
    if (!options.vertical_markers.empty())
        options.title += "; each dashed line starts the next phase";
    data::write_line_plot_svg(path, {train, val}, options);
}

double reconstruction_mse_of(nn::Module& model, data::Rows images) {
    return nn::evaluate(model, images, nn::reconstruction_mse());
}

} // namespace aegrad::models
