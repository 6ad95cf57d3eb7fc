#include <aegrad/models/neighbour_agreement.hpp>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include <aegrad/autograd/detail/parallel.hpp>

namespace aegrad::models {

std::map<int, double> neighbour_agreement(const Array<double>& points, const std::vector<int>& labels, std::size_t k) {
    const std::size_t n = points.dimension() == 2 ? points.shape()[0] : 0;
    if (n != labels.size() || k == 0 || k >= n)
        throw std::invalid_argument(fmt::format("neighbour_agreement: {} points, {} labels, {} neighbours", n,
                                                labels.size(), k));
    const std::size_t d = points.shape()[1];
    std::vector<double> same(n);
    detail::parallel_for(n, [&](std::size_t i0, std::size_t i1) {
        std::vector<double> dist(n);
        std::vector<std::size_t> order(n);
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                double s = 0;
                for (std::size_t c = 0; c < d; ++c)
                    s += (points(i, c) - points(j, c)) * (points(i, c) - points(j, c));
                dist[j] = s;
            }
            std::iota(order.begin(), order.end(), 0);
            // The point itself sorts first (distance 0, and before any other point at distance 0).
            const auto closer = [&](std::size_t a, std::size_t b) {
                return std::make_tuple(dist[a], a != i, a) < std::make_tuple(dist[b], b != i, b);
            };
            std::partial_sort(order.begin(), order.begin() + k + 1, order.end(), closer);
            std::size_t agree = 0;
            for (std::size_t r = 1; r <= k; ++r)
                agree += labels[order[r]] == labels[i];
            same[i] = static_cast<double>(agree) / static_cast<double>(k);
        }
    }, 16);
    std::map<int, double> sum;
    std::map<int, std::size_t> count;
    for (std::size_t i = 0; i < n; ++i)
        sum[labels[i]] += same[i], ++count[labels[i]];
    for (auto& [label, s] : sum)
        s /= static_cast<double>(count[label]);
    return sum;
}

} // namespace aegrad::models
