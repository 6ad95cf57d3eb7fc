#pragma once
// Figures of a trained autoencoder people can look at: reconstructions next to the originals, loss curves.
#include <string>

#include <aegrad/data/rows.hpp>
#include <aegrad/models/objective.hpp>
#include <aegrad/nn/module.hpp>
#include <aegrad/nn/history.hpp>

namespace aegrad::models {

/// The first `count` images of `images` [N, h*w] (floats, or bytes seen as byte / 255) over their
/// reconstructions by `model`, as a PNG with its rows named. In this and the other image figures, each
/// image is enlarged to at least 56 pixels on its longer side (2x for 28x28).
void write_reconstructions(const std::string& path, nn::Module& model, data::Rows images, std::size_t h,
                           std::size_t w, std::size_t count = 10);

/// For a denoising model: the corrupted inputs (as training corrupts them), their reconstructions, and the
/// clean originals, as three rows of a PNG.
void write_denoising_reconstructions(const std::string& path, Autoencoder& model, const Objective& objective,
                                     data::Rows images, std::size_t h, std::size_t w, std::size_t count = 10);

/// images [n, h*w] (values in [0, 1]; n a multiple of `columns`) as a grid of `columns` per row: a VAE's samples or interpolations.
void write_image_grid(const std::string& path, const Array<float>& images, std::size_t h, std::size_t w,
                      std::size_t columns);

/// Training and validation loss per epoch (all phases in sequence, phase boundaries dashed) as SVG.
void write_loss_plot(const std::string& path, const nn::History& history);

/// Mean squared reconstruction error of `model` on `images`, without a graph.
double reconstruction_mse_of(nn::Module& model, data::Rows images);

} // namespace aegrad::models
