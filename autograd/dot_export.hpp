#pragma once
// The graph behind a tensor as Graphviz DOT: leaves (parameters, inputs) as boxes named by their label,
// ops as ellipses named by scope and op, edges from input to consumer. A tied weight shows as one box
// with two outgoing edges, one of them into a transpose. Export before backward releases the graph (or
// backward with retain_graph).
#include <string>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

template <class T> std::string to_dot(const Tensor<T>& root, const std::string& title = "");

/// Writes `dot` to `path` and, when Graphviz's `dot` program is installed, renders `svg_path` from it.
/// Returns whether the SVG was rendered.
bool write_dot(const std::string& dot, const std::string& path, const std::string& svg_path = "");

} // namespace aegrad
