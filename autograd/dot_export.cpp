#include <aegrad/autograd/dot_export.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

namespace aegrad {

template <class T> std::string to_dot(const Tensor<T>& root, const std::string& title) {
    std::unordered_map<const Node<T>*, std::size_t> ids;
    std::vector<const Node<T>*> stack{root.id()};
    ids[root.id()] = 0;
    std::string nodes, edges;
    while (!stack.empty()) {
        const Node<T>* n = stack.back();
        stack.pop_back();
        const std::size_t id = ids[n];
        const std::string shape = shape_str(n->shape);
        if (n->is_leaf())
            nodes += fmt::format("  n{} [shape=box, style=filled, fillcolor=\"{}\", label=\"{}\\n{}\"];\n", id,
                                 n->requires_grad ? "#ffe9a8" : "#eeeeee", n->label.empty() ? "input" : n->label, shape);
        else
            nodes += fmt::format("  n{} [label=\"{}{}\\n{}\"];\n", id, n->scope ? *n->scope + "\\n" : "", n->op, shape);
        for (const auto& in : n->inputs) {
            auto [it, fresh] = ids.emplace(in.get(), ids.size());
            if (fresh)
                stack.push_back(in.get());
            edges += fmt::format("  n{} -> n{};\n", it->second, id);
        }
    }
    return fmt::format("digraph aegrad {{\n  rankdir=BT;\n  label=\"{}\";\n  node [fontname=\"sans-serif\", "
                       "fontsize=10];\n{}{}}}\n",
                       title, nodes, edges);
}

bool write_dot(const std::string& dot, const std::string& path, const std::string& svg_path) {
    {
        std::ofstream out(path);
        out << dot;
        if (!out)
            throw std::runtime_error(fmt::format("{}: cannot write the graph", path));
    }
    if (svg_path.empty() || std::system("command -v dot > /dev/null 2>&1") != 0)
        return false;
    return std::system(fmt::format("dot -Tsvg '{}' -o '{}'", path, svg_path).c_str()) == 0;
}

template std::string to_dot(const Tensor<float>&, const std::string&);
template std::string to_dot(const Tensor<double>&, const std::string&);

} // namespace aegrad
