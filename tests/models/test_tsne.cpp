// t-SNE: the affinities reach their perplexity, the gradient is the objective's, and clusters known by
// construction come out as separate clusters on the map.
#include <cmath>
#include <random>

#include <aegrad/models/tsne.hpp>
#include "helpers.hpp"

using namespace aegrad;

namespace {
// n points per cluster around k centres 20 apart along the axes of a 10-D space, unit spread.
Array<double> blobs(std::size_t k, std::size_t n, std::vector<int>& labels, std::uint64_t seed = 3) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal;
    Array<double> x = Array<double>::from_shape({k * n, 10});
    labels.clear();
    for (std::size_t c = 0; c < k; ++c)
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t d = 0; d < 10; ++d)
                x(c * n + i, d) = normal(engine) + (d == c ? 20.0 : 0.0);
            labels.push_back(static_cast<int>(c));
        }
    return x;
}
} // namespace

TEST_CASE("t-SNE's affinities are symmetric, sum to 1, and each point's conditional row has the perplexity asked") {
    std::vector<int> labels;
    const Array<double> x = blobs(3, 40, labels);
    const double perplexity = 10;
    const Array<double> p = models::tsne_affinities(x, perplexity);
    const std::size_t n = x.shape()[0];
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(p(i, i) == 0.0);
        for (std::size_t j = 0; j < n; ++j) {
            CHECK(p(i, j) == doctest::Approx(p(j, i)));
            total += p(i, j);
        }
    }
    CHECK(total == doctest::Approx(1.0));
    // Neighbours get the mass: almost all of it stays within the clusters, 20 apart against a spread of 1.
    double within = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            within += labels[i] == labels[j] ? p(i, j) : 0.0;
    CHECK(within > 0.999);
}

TEST_CASE("t-SNE's affinities of equidistant points are uniform, whatever the perplexity") {
    Array<double> x = Array<double>::from_shape({6, 6});
    x.fill(0.0);
    for (std::size_t i = 0; i < 6; ++i)
        x(i, i) = 1.0;  // the corners of a simplex: every pair sqrt(2) apart
    for (double perplexity : {1.5, 3.0, 5.0}) {
        const Array<double> p = models::tsne_affinities(x, perplexity);
        for (std::size_t i = 0; i < 6; ++i)
            for (std::size_t j = 0; j < 6; ++j)
                CHECK(p(i, j) == doctest::Approx(i == j ? 0.0 : 1.0 / 30));
    }
}

TEST_CASE("t-SNE's gradient is the derivative of its KL divergence (finite differences)") {
    std::vector<int> labels;
    const Array<double> x = blobs(2, 8, labels);
    const Array<double> p = models::tsne_affinities(x, 4);
    std::mt19937_64 engine(11);
    std::normal_distribution<double> normal;
    Array<double> y = Array<double>::from_shape({16, 2});
    for (double& v : y)
        v = normal(engine);
    Array<double> grad, unused;
    models::tsne_objective(p, y, grad);
    const double h = 1e-6;
    for (std::size_t k = 0; k < y.size(); ++k) {
        Array<double> plus = y, minus = y;
        plus.data()[k] += h, minus.data()[k] -= h;
        const double numeric = (models::tsne_objective(p, plus, unused) - models::tsne_objective(p, minus, unused)) / (2 * h);
        CHECK(grad.data()[k] == doctest::Approx(numeric).epsilon(1e-5));
    }
}

TEST_CASE("t-SNE maps three clusters in 10-D to three separate clusters in 2-D, the same on every run") {
    std::vector<int> labels;
    const Array<double> x = blobs(3, 50, labels);
    const Array<double> y = models::tsne(x, models::TsneOptions().perplexity(15).iterations(500));
    const std::size_t n = x.shape()[0];
    // Every point's nearest neighbour on the map is from its own cluster.
    std::size_t agree = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t nearest = i == 0 ? 1 : 0;
        double best = INFINITY;
        for (std::size_t j = 0; j < n; ++j) {
            const double d = std::pow(y(i, 0) - y(j, 0), 2) + std::pow(y(i, 1) - y(j, 1), 2);
            if (j != i && d < best)
                best = d, nearest = j;
        }
        agree += labels[nearest] == labels[i];
    }
    CHECK(agree == n);
    const Array<double> again = models::tsne(x, models::TsneOptions().perplexity(15).iterations(500));
    CHECK(again == y);
    const Array<double> random = models::tsne(x, models::TsneOptions().perplexity(15).iterations(500).init(models::TsneInit::random));
    CHECK(random != y);
}

TEST_CASE("t-SNE refuses a perplexity its points cannot have") {
    CHECK_THROWS_AS(models::tsne_affinities(Array<double>::from_shape({5, 3}), 5), std::invalid_argument);
    CHECK_THROWS_AS(models::tsne_affinities(Array<double>::from_shape({1, 3}), 1), std::invalid_argument);
}
