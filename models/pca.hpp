#pragma once
// Principal component analysis: the directions along which a set of codes varies most, for a first,
// linear 2-D map of what an encoder learnt.
#include <vector>

#include <aegrad/autograd/array.hpp>

namespace aegrad::models {

struct Projection {
    Array<double> points;                 // [N, components]: each row's coordinates on the components
    std::vector<double> variance_ratio;   // each component's share of the total variance
};

/// Projects the rows of x [N, D] (centred on their mean) on the `components` directions of largest
/// variance, largest first. Each direction's sign makes its largest-magnitude weight positive, so the
/// result does not depend on the eigensolver's sign choice. Throws std::invalid_argument for fewer than
/// 2 rows or more components than columns.
Projection principal_components(const Array<double>& x, std::size_t components = 2);

} // namespace aegrad::models
