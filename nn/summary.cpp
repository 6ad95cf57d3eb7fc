#include <aegrad/nn/summary.hpp>

#include <map>

#include <fmt/format.h>

#include <aegrad/autograd/grad_mode.hpp>

namespace aegrad::nn {

namespace {
std::string with_commas(std::size_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string batch_shape(const Shape& s) {
    std::string out = "(None";
    for (std::size_t i = 1; i < s.size(); ++i)
        out += ", " + std::to_string(s[i]);
    return out + ")";
}
} // namespace

template <class T> std::size_t count_parameters(const BasicModule<T>& model) {
    std::size_t n = 0;
    for (const auto& [name, p] : model.named_parameters())
        n += p.size();
    return n;
}

template <class T> std::string summary(BasicModule<T>& model, const Shape& input_shape) {
    NoGradGuard no_grad;
    const auto names = model.named_parameters();  // first name per node, in registration order
    std::map<const Node<T>*, std::string> name_of;
    for (const auto& [name, p] : names)
        name_of[p.id()] = name;
    std::map<const Node<T>*, std::vector<std::string>> readers;  // node -> layers that register it

    // Batch 2, in evaluation mode: a BatchNorm needs more than one value per channel and must not move its
    // running statistics for a summary.
    Shape with_batch{2};
    with_batch.insert(with_batch.end(), input_shape.begin(), input_shape.end());
    Tensor<T> x(Array<T>(xt::zeros<T>(with_batch)));
    const bool was_training = model.is_training();
    model.eval();
    // Each layer's output shape from one forward pass of the whole model, whatever its wiring (a VAE's two
    // heads); when that pass fails, the leaves are run as a chain instead.
    std::map<const BasicModule<T>*, Shape> output_shape;
    try {
        ForwardObserver<T> observe([&](const BasicModule<T>& m, const Tensor<T>& y) { output_shape[&m] = y.shape(); });
        model.forward(x);
    } catch (const std::exception&) {
        output_shape.clear();
    }
    bool shapes_known = true;

    const std::string rule(78, '=');
    std::string out = fmt::format("{:<36}{:<22}{}\n{}\n", "Layer (type)", "Output Shape", "Param #", rule);
    for (auto& [path, layer] : model.named_leaves()) {
        const std::string label = path.empty() ? layer->type_name() : fmt::format("{} ({})", path, layer->type_name());
        std::string shape = "?";
        if (auto it = output_shape.find(layer); it != output_shape.end()) {
            shape = batch_shape(it->second);
        } else if (shapes_known) {
            try {
                x = layer->forward(x);
                shape = batch_shape(x.shape());
            } catch (const std::exception&) {
                shapes_known = false;  // not a chain of layers; later shapes are unknown too
            }
        }
        std::size_t own = 0, shared = 0;
        for (const auto& [name, p] : layer->own_parameters()) {
            auto& r = readers[p.id()];
            r.push_back(path.empty() ? layer->type_name() : path);
            (r.size() == 1 ? own : shared) += p.size();
        }
        const std::string count = shared ? fmt::format("{} (+{} shared)", with_commas(own), with_commas(shared))
                                         : with_commas(own);
        out += fmt::format("{:<36}{:<22}{}\n", label, shape, count);
    }
    std::size_t total = 0, trainable = 0;
    for (const auto& [name, p] : names) {
        total += p.size();
        if (p.requires_grad())
            trainable += p.size();
    }
    out += rule + "\n";
    out += fmt::format("Total params: {}\nTrainable params: {}\nNon-trainable params: {}\n", with_commas(total),
                       with_commas(trainable), with_commas(total - trainable));
    std::vector<std::string> shared_lines;
    for (const auto& [node, layers] : readers)
        if (layers.size() > 1)
            shared_lines.push_back(fmt::format("{} {} read by {}", name_of[node], shape_str(node->shape),
                                               fmt::join(layers, ", ")));
    std::sort(shared_lines.begin(), shared_lines.end());
    out += shared_lines.empty() ? "Shared params: none\n"
                                : fmt::format("Shared params (counted once): {}\n", fmt::join(shared_lines, "; "));
    model.train(was_training);
    return out;
}

template std::string summary(BasicModule<float>&, const Shape&);
template std::string summary(BasicModule<double>&, const Shape&);
template std::size_t count_parameters(const BasicModule<float>&);
template std::size_t count_parameters(const BasicModule<double>&);

} // namespace aegrad::nn
