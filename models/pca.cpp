#include <aegrad/models/pca.hpp>

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include <aegrad/autograd/detail/gemm.hpp>

namespace aegrad::models {

Projection principal_components(const Array<double>& x, std::size_t components) {
    if (x.dimension() != 2 || x.shape()[0] < 2 || components == 0 || components > x.shape()[1])
        throw std::invalid_argument(fmt::format("principal_components: {} components of {} rows of {} values",
                                                components, x.dimension() == 2 ? x.shape()[0] : 0,
                                                x.dimension() == 2 ? x.shape()[1] : 0));
    const std::size_t n = x.shape()[0], d = x.shape()[1];
    xt::xtensor<double, 2> centred = x - xt::mean(x, {0});
    // The covariance's eigenvectors are the directions; its eigenvalues their variances.
    xt::xtensor<double, 2> covariance = xt::zeros<double>({d, d});
    detail::gemm(true, false, d, d, n, 1.0 / static_cast<double>(n - 1), centred.data(), d, centred.data(), d, 0.0,
                 covariance.data(), d);
    const auto [values, vectors] = xt::linalg::eigh(covariance);  // ascending eigenvalues
    double total = 0;
    for (std::size_t j = 0; j < d; ++j)
        total += std::max(0.0, values(j));

    Projection out;
    xt::xtensor<double, 2> directions = xt::zeros<double>({d, components});
    for (std::size_t c = 0; c < components; ++c) {
        const std::size_t j = d - 1 - c;
        std::size_t largest = 0;
        for (std::size_t i = 1; i < d; ++i)
            if (std::abs(vectors(i, j)) > std::abs(vectors(largest, j)))
                largest = i;
        const double sign = vectors(largest, j) < 0 ? -1.0 : 1.0;
        for (std::size_t i = 0; i < d; ++i)
            directions(i, c) = sign * vectors(i, j);
        out.variance_ratio.push_back(total > 0 ? std::max(0.0, values(j)) / total : 0.0);
    }
    out.points = Array<double>::from_shape({n, components});
    detail::gemm(false, false, n, components, d, 1.0, centred.data(), d, directions.data(), components, 0.0,
                 out.points.data(), components);
    return out;
}

} // namespace aegrad::models
