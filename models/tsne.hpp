#pragma once
// t-SNE (van der Maaten and Hinton, 2008): a 2-D map of high-dimensional points in which points that are
// neighbours stay neighbours. Exact: every pair is computed at every step, O(N^2) in time and memory,
// which is quick up to a few thousand points. It keeps clusters and loses distances between them: two
// clusters far apart on the map are not thereby far apart in the codes.
#include <cstdint>
#include <functional>

#include <aegrad/autograd/array.hpp>
#include <aegrad/autograd/options.hpp>

namespace aegrad::models {

enum class TsneInit { pca, random };

struct TsneOptions {
    AEGRAD_OPTION(double, perplexity, 30.0)        // the effective number of neighbours each point keeps
    AEGRAD_OPTION(std::size_t, iterations, 1000)
    AEGRAD_OPTION(double, exaggeration, 12.0)      // P's factor for the first 250 steps, to form clusters
    AEGRAD_OPTION(TsneInit, init, TsneInit::pca)   // pca: the first two components (deterministic)
    AEGRAD_OPTION(std::uint64_t, seed, 42)         // for random initialisation
};

/// The symmetric affinities P [N, N] of the rows of x [N, D]: each row's Gaussian over the others with its
/// width found by bisection so that its perplexity, e^(entropy), is `perplexity`; then (P + P^T) / 2N.
/// The diagonal is zero and the entries sum to 1.
Array<double> tsne_affinities(const Array<double>& x, double perplexity);

/// KL(P || Q) of the map y [N, 2] for affinities p, and its gradient with respect to y (into grad, [N, 2]),
/// with P multiplied by `exaggeration` (1 for the true objective).
double tsne_objective(const Array<double>& p, const Array<double>& y, Array<double>& grad, double exaggeration = 1.0);

/// Called every 50 steps with (step, KL divergence).
using TsneProgress = std::function<void(std::size_t step, double kl)>;

/// The map [N, 2] of the rows of x [N, D], by gradient descent with momentum and per-coordinate gains
/// (the original paper's optimiser; step size max(N / exaggeration / 4, 50), momentum 0.5 for the first
/// 250 steps, 0.8 after). Throws std::invalid_argument unless x has more rows than the perplexity.
Array<double> tsne(const Array<double>& x, const TsneOptions& options = TsneOptions(), const TsneProgress& progress = {});

} // namespace aegrad::models
