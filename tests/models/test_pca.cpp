// PCA on points whose principal directions and variances are known by construction.
#include <cmath>
#include <random>

#include <aegrad/models/pca.hpp>
#include "helpers.hpp"

using namespace aegrad;

TEST_CASE("PCA finds the directions of a plane in 5-D, largest variance first, with their shares") {
    // x = 3a u + b v + an offset, a and b independent N(0, 1): variances 9 and 1 along u and v, none elsewhere.
    const double u[5] = {0.8, -0.6, 0, 0, 0}, v[5] = {0, 0, 0.6, 0.8, 0};
    std::mt19937_64 engine(7);
    std::normal_distribution<double> normal;
    const std::size_t n = 4000;
    Array<double> x = Array<double>::from_shape({n, 5});
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = normal(engine), b[i] = normal(engine);
        for (std::size_t k = 0; k < 5; ++k)
            x(i, k) = 3 * a[i] * u[k] + b[i] * v[k] + 10.0 * k;
    }
    const models::Projection p = models::principal_components(x, 2);
    REQUIRE(p.points.shape() == std::vector<std::size_t>{n, 2});
    CHECK(p.variance_ratio[0] == doctest::Approx(0.9).epsilon(0.02));
    CHECK(p.variance_ratio[1] == doctest::Approx(0.1).epsilon(0.1));
    // The coordinates are the centred a and b up to sign (3a on u, b on v; the samples' small correlation
    // turns the axes slightly), the sign fixed by the largest weight.
    double mean_a = 0, mean_b = 0, dot_a = 0, dot_b = 0, norm_a = 0, norm_b = 0, norm_0 = 0, norm_1 = 0;
    for (std::size_t i = 0; i < n; ++i)
        mean_a += a[i] / n, mean_b += b[i] / n;
    for (std::size_t i = 0; i < n; ++i) {
        dot_a += (a[i] - mean_a) * p.points(i, 0), dot_b += (b[i] - mean_b) * p.points(i, 1);
        norm_a += (a[i] - mean_a) * (a[i] - mean_a), norm_b += (b[i] - mean_b) * (b[i] - mean_b);
        norm_0 += p.points(i, 0) * p.points(i, 0), norm_1 += p.points(i, 1) * p.points(i, 1);
    }
    CHECK(std::abs(dot_a) / std::sqrt(norm_a * norm_0) == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(std::abs(dot_b) / std::sqrt(norm_b * norm_1) == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(dot_a > 0);  // u's largest weight (0.8) is positive, so the first axis follows +a
    CHECK(dot_b > 0);  // v's largest (0.8) is positive

    // The same data mirrored gives the same map: the sign does not depend on the solver.
    Array<double> mirrored = -x;
    const models::Projection q = models::principal_components(mirrored, 2);
    CHECK(std::abs(q.points(0, 0)) == doctest::Approx(std::abs(p.points(0, 0))));
}

TEST_CASE("PCA refuses what has no components") {
    CHECK_THROWS_AS(models::principal_components(Array<double>::from_shape({1, 3}), 2), std::invalid_argument);
    CHECK_THROWS_AS(models::principal_components(Array<double>::from_shape({5, 1}), 2), std::invalid_argument);
    Array<double> same = Array<double>::from_shape({4, 3});
    same.fill(2.0);  // no variance at all: zero coordinates, zero shares, no NaN
    const models::Projection p = models::principal_components(same, 2);
    for (double v : p.points)
        CHECK(v == 0.0);
    CHECK(p.variance_ratio[0] == 0.0);
}
