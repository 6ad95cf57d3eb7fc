#include <aegrad/models/torch_export.hpp>

#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <xtensor/xmanipulation.hpp>

#include <aegrad/models/variational_autoencoder.hpp>
#include <aegrad/nn/activation.hpp>
#include <aegrad/nn/batch_norm.hpp>
#include <aegrad/nn/conv.hpp>
#include <aegrad/nn/dense.hpp>
#include <aegrad/nn/pooling.hpp>
#include <aegrad/nn/shape_layers.hpp>

namespace aegrad::models {

namespace {

using nn::Activation;

// One PyTorch module: its constructor call and its state, named relative to it ("weight").
struct TorchLayer {
    std::string code;
    nn::NamedArrays<float> state;
};

std::string pair_str(Size2 s) { return fmt::format("({}, {})", s.h, s.w); }
std::string bool_str(bool b) { return b ? "True" : "False"; }

std::optional<std::string> activation_module(Activation a) {
    switch (a) {
    case Activation::none: return std::nullopt;
    case Activation::relu: return "nn.ReLU()";
    case Activation::leaky_relu: return "nn.LeakyReLU(0.01)";
    case Activation::elu: return "nn.ELU()";
    case Activation::selu: return "nn.SELU()";
    case Activation::sigmoid: return "nn.Sigmoid()";
    case Activation::tanh: return "nn.Tanh()";
    case Activation::softplus: return "nn.Softplus()";
    case Activation::softmax: return "nn.Softmax(dim=1)";
    }
    return std::nullopt;
}

void add_activation(std::vector<TorchLayer>& out, Activation a) {
    if (auto m = activation_module(a))
        out.push_back({*m, {}});
}

void add_bias(TorchLayer& layer, const Tensor<float>& bias) {
    if (bias.defined())
        layer.state.emplace_back("bias", bias.value());
}

std::string bias_arg(const Tensor<float>& bias) { return bias.defined() ? "" : ", bias=False"; }

// The PyTorch modules a leaf layer of ours computes, in order.
std::vector<TorchLayer> translate_leaf(const nn::Module& m, const std::string& path) {
    std::vector<TorchLayer> out;
    if (const auto* d = dynamic_cast<const nn::Dense*>(&m)) {
        const Array<float>& w = d->weight().value();  // [in, out]
        TorchLayer l{fmt::format("nn.Linear({}, {}{})", w.shape()[0], w.shape()[1], bias_arg(d->bias())),
                     {{"weight", Array<float>(xt::transpose(w))}}};
        add_bias(l, d->bias());
        out.push_back(std::move(l));
        add_activation(out, d->options().activation());
    } else if (const auto* t = dynamic_cast<const nn::DenseTranspose*>(&m)) {
        const Array<float>& w = t->weight().value();  // the tied Dense's [in, out]: y = x w^T maps out -> in
        TorchLayer l{fmt::format("nn.Linear({}, {}{})", w.shape()[1], w.shape()[0], bias_arg(t->bias())), {{"weight", w}}};
        add_bias(l, t->bias());
        out.push_back(std::move(l));
        add_activation(out, t->activation());
    } else if (const auto* c = dynamic_cast<const nn::Conv2d*>(&m)) {
        const Array<float>& w = c->weight().value();  // [out, in, kh, kw]
        const auto& o = c->conv_options();
        TorchLayer l{fmt::format("nn.Conv2d({}, {}, kernel_size=({}, {}), stride={}, padding={}, dilation={}{})", w.shape()[1],
                                 w.shape()[0], w.shape()[2], w.shape()[3], pair_str(o.stride()), pair_str(o.padding()),
                                 pair_str(o.dilation()), bias_arg(c->bias())),
                     {{"weight", w}}};
        add_bias(l, c->bias());
        out.push_back(std::move(l));
        add_activation(out, c->options().activation());
    } else if (const auto* ct = dynamic_cast<const nn::ConvTranspose2d*>(&m)) {
        const Array<float>& w = ct->weight().value();  // [in, out, kh, kw]
        const auto& o = ct->conv_options();
        TorchLayer l{fmt::format("nn.ConvTranspose2d({}, {}, kernel_size=({}, {}), stride={}, padding={}, "
                                 "output_padding={}, dilation={}{})",
                                 w.shape()[0], w.shape()[1], w.shape()[2], w.shape()[3], pair_str(o.stride()),
                                 pair_str(o.padding()), pair_str(o.output_padding()), pair_str(o.dilation()),
                                 bias_arg(ct->bias())),
                     {{"weight", w}}};
        add_bias(l, ct->bias());
        out.push_back(std::move(l));
        add_activation(out, ct->options().activation());
    } else if (const auto* b = dynamic_cast<const nn::BasicBatchNorm<float>*>(&m)) {
        const auto& o = b->options();
        TorchLayer l{fmt::format("nn.{}({}, eps={}, momentum={}, affine={})", m.type_name(), o.channels(), o.eps(),
                                 o.momentum(), bool_str(o.affine())),
                     {}};
        if (o.affine()) {
            l.state.emplace_back("weight", b->weight().value());
            l.state.emplace_back("bias", b->bias().value());
        }
        l.state.emplace_back("running_mean", b->running_mean().value());
        l.state.emplace_back("running_var", b->running_var().value());
        // PyTorch counts batches only to average when momentum is None; evaluation never reads it.
        l.state.emplace_back("num_batches_tracked", Array<float>(xt::zeros<float>(Shape{})));
        out.push_back(std::move(l));
        add_activation(out, o.activation());
    } else if (const auto* p = dynamic_cast<const nn::MaxPool2d*>(&m)) {
        const Size2 stride = p->options().stride() == Size2(0) ? p->kernel() : p->options().stride();
        out.push_back({fmt::format("nn.MaxPool2d(kernel_size={}, stride={}, padding={})", pair_str(p->kernel()),
                                   pair_str(stride), pair_str(p->options().padding())),
                       {}});
    } else if (const auto* a = dynamic_cast<const nn::BasicAvgPool2d<float>*>(&m)) {
        const Size2 stride = a->options().stride() == Size2(0) ? a->kernel() : a->options().stride();
        out.push_back({fmt::format("nn.AvgPool2d(kernel_size={}, stride={}, padding={}, count_include_pad={})",
                                   pair_str(a->kernel()), pair_str(stride), pair_str(a->options().padding()),
                                   bool_str(a->options().count_include_pad())),
                       {}});
    } else if (dynamic_cast<const nn::BasicGlobalAvgPool2d<float>*>(&m)) {
        out.push_back({"nn.AdaptiveAvgPool2d(1)", {}});
        out.push_back({"nn.Flatten()", {}});
    } else if (dynamic_cast<const nn::Flatten*>(&m)) {
        out.push_back({"nn.Flatten()", {}});
    } else if (const auto* r = dynamic_cast<const nn::Reshape*>(&m)) {
        const std::string comma = r->shape().size() == 1 ? "," : "";  // a Python tuple of one needs it
        out.push_back({fmt::format("nn.Unflatten(1, ({}{}))", fmt::join(r->shape(), ", "), comma), {}});
    } else if (const auto* act = dynamic_cast<const nn::BasicActivationLayer<float>*>(&m)) {
        add_activation(out, act->activation());
    } else {
        throw std::invalid_argument(
            fmt::format("export to PyTorch: layer '{}' ({}) has no PyTorch module here", path, m.type_name()));
    }
    return out;
}

// A module of ours as one flat list of PyTorch modules (nested sequences are flattened).
std::vector<TorchLayer> translate(const nn::Module& m, const std::string& path) {
    if (m.named_children().empty())
        return translate_leaf(m, path);
    std::vector<TorchLayer> out;
    for (const auto& [name, child] : m.named_children()) {
        auto layers = translate(*child, path + "." + name);
        out.insert(out.end(), std::make_move_iterator(layers.begin()), std::make_move_iterator(layers.end()));
    }
    return out;
}

// The Python expression for the child `name`: the module itself when it is one, else an nn.Sequential whose
// items are indented under `indent`; its state joins `state` under PyTorch's names.
std::string child_code(const nn::Module& model, const std::string& name, const std::string& indent,
                       nn::NamedArrays<float>& state) {
    const nn::Module* child = nullptr;
    for (const auto& [n, c] : model.named_children())
        if (n == name)
            child = c.get();
    if (!child)
        throw std::invalid_argument(fmt::format("export to PyTorch: a {} without a '{}'", model.type_name(), name));
    std::vector<TorchLayer> layers = translate(*child, name);
    if (layers.size() == 1 && child->named_children().empty()) {
        for (auto& [n, a] : layers[0].state)
            state.emplace_back(name + "." + n, std::move(a));
        return layers[0].code;
    }
    std::string code = "nn.Sequential(\n";
    for (std::size_t i = 0; i < layers.size(); ++i) {
        code += fmt::format("{}    {},\n", indent, layers[i].code);
        for (auto& [n, a] : layers[i].state)
            state.emplace_back(fmt::format("{}.{}.{}", name, i, n), std::move(a));
    }
    return code + indent + ")";
}

void expect_children(const nn::Module& model, const std::vector<std::string>& names) {
    std::vector<std::string> have;
    for (const auto& [n, c] : model.named_children())
        have.push_back(n);
    if (have != names)
        throw std::invalid_argument(fmt::format("export to PyTorch: a {} of parts {}, where {} was expected",
                                                model.type_name(), fmt::join(have, ", "), fmt::join(names, ", ")));
}

} // namespace

TorchModule to_torch(const Autoencoder& model) {
    TorchModule out;
    if (dynamic_cast<const VariationalAutoencoder*>(&model)) {
        expect_children(model, {"encoder", "mean", "log_var", "decoder"});
        std::string init;
        for (const char* part : {"encoder", "mean", "log_var", "decoder"})
            init += fmt::format("        self.{} = {}\n", part, child_code(model, part, "        ", out.state));
        out.code = "class VariationalAutoencoder(nn.Module):\n"
                   "    \"\"\"encode(x) gives the codes' means; forward decodes them, as aegrad does in evaluation.\"\"\"\n\n"
                   "    def __init__(self):\n"
                   "        super().__init__()\n" +
                   init +
                   "\n    def encode(self, x):\n"
                   "        return self.mean(self.encoder(x))\n\n"
                   "    def forward(self, x):\n"
                   "        return self.decoder(self.encode(x))\n\n\n"
                   "model = VariationalAutoencoder()\n";
        return out;
    }
    expect_children(model, {"encoder", "decoder"});
    const std::string encoder = child_code(model, "encoder", "    ", out.state);
    const std::string decoder = child_code(model, "decoder", "    ", out.state);
    out.code = fmt::format("model = nn.Sequential(OrderedDict(\n    encoder={},\n    decoder={},\n))\n", encoder, decoder);
    return out;
}

} // namespace aegrad::models
