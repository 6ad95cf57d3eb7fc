#include <aegrad/models/tsne.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include <aegrad/autograd/detail/gemm.hpp>
#include <aegrad/autograd/detail/parallel.hpp>
#include <aegrad/models/pca.hpp>

namespace aegrad::models {

namespace {
constexpr double kTiny = std::numeric_limits<double>::epsilon();  // the floor of P and Q, as in scikit-learn
constexpr std::size_t kExaggeratedSteps = 250;

// Squared Euclidean distances [N, N] from one gemm: |a|^2 + |b|^2 - 2 a.b, clamped at zero against rounding.
Array<double> squared_distances(const Array<double>& x) {
    const std::size_t n = x.shape()[0], d = x.shape()[1];
    Array<double> dist = Array<double>::from_shape({n, n});
    detail::gemm(false, true, n, n, d, -2.0, x.data(), d, x.data(), d, 0.0, dist.data(), n);
    std::vector<double> norm(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < d; ++k)
            norm[i] += x(i, k) * x(i, k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            dist(i, j) = i == j ? 0.0 : std::max(0.0, dist(i, j) + norm[i] + norm[j]);
    return dist;
}

// Row i of the conditional P(j | i) = exp(-beta d_ij) / sum, with beta bisected until the row's entropy
// is log(perplexity). Distances are shifted by the row's smallest so that exp never underflows to 0/0.
void conditional_row(const double* dist, double* row, std::size_t n, std::size_t i, double perplexity) {
    const double target = std::log(perplexity);
    double nearest = INFINITY;
    for (std::size_t j = 0; j < n; ++j)
        if (j != i)
            nearest = std::min(nearest, dist[j]);
    double beta = 1.0, lo = 0.0, hi = INFINITY;
    for (int step = 0; step < 200; ++step) {
        double sum = 0, weighted = 0;
        for (std::size_t j = 0; j < n; ++j) {
            row[j] = j == i ? 0.0 : std::exp(-beta * (dist[j] - nearest));
            sum += row[j];
            weighted += row[j] * (dist[j] - nearest);
        }
        const double entropy = std::log(sum) + beta * weighted / sum;
        for (std::size_t j = 0; j < n; ++j)
            row[j] /= sum;
        if (std::abs(entropy - target) < 1e-5)
            return;
        if (entropy > target) {  // too flat: narrow the Gaussian
            lo = beta;
            beta = std::isfinite(hi) ? (beta + hi) / 2 : beta * 2;
        } else {
            hi = beta;
            beta = (beta + lo) / 2;
        }
    }
}

// The objective's terms per row i, over j != i, with num_ij = 1 / (1 + |y_i - y_j|^2) and Z = sum num:
// grad_i = 4 sum_j (e p_ij - num_ij / Z) num_ij (y_i - y_j), and KL = sum p log p - sum p log num + log Z.
double objective(const Array<double>& p, const Array<double>& y, Array<double>& grad, double exaggeration,
                 bool with_kl) {
    const std::size_t n = y.shape()[0];
    std::vector<double> z(n), p_log_num(n), p_log_p(n), attract(2 * n), repel(2 * n);
    detail::parallel_for(n, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            const double* pi = &p(i, 0);
            double zi = 0, ax = 0, ay = 0, rx = 0, ry = 0, kl_num = 0, kl_p = 0;
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i)
                    continue;
                const double dx = y(i, 0) - y(j, 0), dy = y(i, 1) - y(j, 1);
                const double num = 1.0 / (1.0 + dx * dx + dy * dy), pij = std::max(pi[j], kTiny);
                zi += num;
                ax += pij * num * dx, ay += pij * num * dy;
                rx += num * num * dx, ry += num * num * dy;
                if (with_kl)
                    kl_num += pij * std::log(num), kl_p += pij * std::log(pij);
            }
            z[i] = zi, p_log_num[i] = kl_num, p_log_p[i] = kl_p;
            attract[2 * i] = ax, attract[2 * i + 1] = ay, repel[2 * i] = rx, repel[2 * i + 1] = ry;
        }
    }, 16);
    double total_z = 0, kl = 0;
    for (std::size_t i = 0; i < n; ++i)
        total_z += z[i], kl += p_log_p[i] - p_log_num[i];
    for (std::size_t k = 0; k < 2 * n; ++k)
        grad.data()[k] = 4.0 * (exaggeration * attract[k] - repel[k] / total_z);
    return with_kl ? kl + std::log(total_z) : NAN;
}

Array<double> initial_map(const Array<double>& x, const TsneOptions& options) {
    const std::size_t n = x.shape()[0];
    Array<double> y = Array<double>::from_shape({n, 2});
    if (options.init() == TsneInit::pca && x.shape()[1] >= 2) {
        y = principal_components(x, 2).points;
    } else {
        std::mt19937_64 engine(options.seed());
        std::normal_distribution<double> normal;
        for (double& v : y)
            v = normal(engine);
    }
    // A tiny start (standard deviation 1e-4 along the first axis) lets early exaggeration form the clusters.
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i)
        mean += y(i, 0) / n;
    for (std::size_t i = 0; i < n; ++i)
        var += (y(i, 0) - mean) * (y(i, 0) - mean) / n;
    const double scale = var > 0 ? 1e-4 / std::sqrt(var) : 1e-4;
    for (double& v : y)
        v *= scale;
    return y;
}
} // namespace

Array<double> tsne_affinities(const Array<double>& x, double perplexity) {
    if (x.dimension() != 2 || x.shape()[0] < 2 || !(perplexity >= 1) || perplexity >= x.shape()[0])
        throw std::invalid_argument(fmt::format("t-SNE: perplexity {} needs more points than that, and at least 2 "
                                                "(got {})", perplexity, x.dimension() == 2 ? x.shape()[0] : 0));
    const std::size_t n = x.shape()[0];
    const Array<double> dist = squared_distances(x);
    Array<double> p = Array<double>::from_shape({n, n});
    detail::parallel_for(n, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i)
            conditional_row(&dist(i, 0), &p(i, 0), n, i, perplexity);
    }, 8);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
            p(i, j) = p(j, i) = (p(i, j) + p(j, i)) / (2.0 * n);
    return p;
}

double tsne_objective(const Array<double>& p, const Array<double>& y, Array<double>& grad, double exaggeration) {
    if (p.dimension() != 2 || y.dimension() != 2 || y.shape()[1] != 2 || p.shape()[0] != y.shape()[0] ||
        p.shape()[1] != y.shape()[0])
        throw std::invalid_argument("tsne_objective: p must be [N, N] and y [N, 2]");
    grad = Array<double>::from_shape({y.shape()[0], 2});
    return objective(p, y, grad, exaggeration, true);
}

Array<double> tsne(const Array<double>& x, const TsneOptions& options, const TsneProgress& progress) {
    const Array<double> p = tsne_affinities(x, options.perplexity());
    const std::size_t n = x.shape()[0];
    Array<double> y = initial_map(x, options);
    Array<double> grad = Array<double>::from_shape({n, 2}), update = Array<double>::from_shape({n, 2}),
                  gains = Array<double>::from_shape({n, 2});
    update.fill(0.0);
    gains.fill(1.0);
    const double rate = std::max(static_cast<double>(n) / options.exaggeration() / 4.0, 50.0);
    for (std::size_t step = 1; step <= options.iterations(); ++step) {
        const bool early = step <= kExaggeratedSteps, report = progress && (step % 50 == 0 || step == options.iterations());
        const double kl = objective(p, y, grad, early ? options.exaggeration() : 1.0, report && !early);
        const double momentum = early ? 0.5 : 0.8;
        for (std::size_t k = 0; k < 2 * n; ++k) {
            double& gain = gains.data()[k];
            // A gain grows while the gradient keeps pointing against the last step, and shrinks when it turns.
            gain = update.data()[k] * grad.data()[k] < 0 ? gain + 0.2 : std::max(0.01, gain * 0.8);
            update.data()[k] = momentum * update.data()[k] - rate * gain * grad.data()[k];
            y.data()[k] += update.data()[k];
        }
        if (report)
            progress(step, kl);
    }
    return y;
}

} // namespace aegrad::models
