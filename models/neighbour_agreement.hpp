#pragma once
// How well points of a class keep to themselves: of each point's nearest neighbours, the share with its
// label. On codes it says which classes an encoder tells apart; on a 2-D map of them, whether the map keeps
// that (t-SNE should neither merge nor invent clusters).
#include <map>
#include <vector>

#include <aegrad/autograd/array.hpp>

namespace aegrad::models {

/// For each label, the mean over its points of the share of their k nearest other points (Euclidean, ties
/// by index) that have the same label. points [N, D]; labels N. Throws std::invalid_argument when the sizes
/// differ or k is not below N.
std::map<int, double> neighbour_agreement(const Array<double>& points, const std::vector<int>& labels, std::size_t k = 10);

} // namespace aegrad::models
