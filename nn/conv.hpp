#pragma once
// Convolution layers: Conv2d and ConvTranspose2d, with Keras-style "same"/"valid" padding or explicit
// sizes. Weights use PyTorch's layout ([out, in, kh, kw] and [in, out, kh, kw]) and Keras's default
// initialisation (Glorot-uniform kernel, zero bias).
#include <memory>
#include <string>

#include <aegrad/autograd/conv.hpp>
#include <aegrad/nn/activation.hpp>
#include <aegrad/nn/init.hpp>

namespace aegrad::nn {

/// A convolution layer's padding: explicit sizes (Padding(1), Padding(1, 0)) or a rule.
///   Padding::same():  Conv2d keeps the input size (stride 1 only, as in PyTorch; the dilated kernel must
///                     have odd extent); ConvTranspose2d multiplies it by the stride.
///   Padding::valid(): no padding (the default, as in both Keras and PyTorch).
class Padding {
public:
    enum class Rule { explicit_size, same, valid };
    Padding(std::size_t both) : size_(both), rule_(Rule::explicit_size) {}  // NOLINT: Padding p = 1
    Padding(std::size_t h, std::size_t w) : size_(h, w), rule_(Rule::explicit_size) {}
    static Padding same() { return Padding(Rule::same); }
    static Padding valid() { return Padding(Rule::valid); }
    Rule rule() const { return rule_; }
    Size2 size() const { return size_; }  // for explicit_size
    /// "same", "valid" or "(1, 0)"
    std::string str() const;

private:
    explicit Padding(Rule rule) : size_(0), rule_(rule) {}
    Size2 size_;
    Rule rule_;
};

struct Conv2dLayerOptions {
    Conv2dLayerOptions(std::size_t in_channels, std::size_t out_channels, Size2 kernel)
        : in_(in_channels), out_(out_channels), kernel_(kernel) {}
    std::size_t in() const { return in_; }
    std::size_t out() const { return out_; }
    Size2 kernel() const { return kernel_; }
    AEGRAD_OPTION(Size2, stride, 1)
    AEGRAD_OPTION(Padding, padding, Padding::valid())
    AEGRAD_OPTION(Size2, dilation, 1)
    AEGRAD_OPTION(Size2, output_padding, 0)  // ConvTranspose2d with explicit padding only
    AEGRAD_OPTION(Activation, activation, Activation::none)
    AEGRAD_OPTION(Init, init, Init::glorot_uniform)
    AEGRAD_OPTION(bool, bias, true)

private:
    std::size_t in_, out_;
    Size2 kernel_;
};

/// y = activation(conv2d(x, W, b)): x [B, in, H, W] -> [B, out, Ho, Wo]; W [out, in, kh, kw], b [out].
template <class T> class BasicConv2d : public BasicModule<T> {
public:
    /// Throws std::invalid_argument for a padding rule that cannot hold (same with a stride).
    explicit BasicConv2d(Conv2dLayerOptions options, Generator& gen = default_generator());
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return "Conv2d"; }
    Activation output_activation() const override { return options_.activation(); }

    void reset_parameters(Generator& gen = default_generator());
    const Tensor<T>& weight() const { return weight_; }
    const Tensor<T>& bias() const { return bias_; }
    const Conv2dLayerOptions& options() const { return options_; }
    /// The op's options after resolving the padding rule.
    const Conv2dOptions& conv_options() const { return conv_; }

private:
    Conv2dLayerOptions options_;
    Conv2dOptions conv_;
    Tensor<T> weight_, bias_;
};

/// y = activation(conv_transpose2d(x, W, b)): x [B, in, H, W] -> [B, out, Ho, Wo]; W [in, out, kh, kw].
/// With Padding::same() and stride s, Ho = H s (PyTorch's padding and output_padding are derived: for a
/// 3x3 kernel and stride 2, padding 1 and output_padding 1).
template <class T> class BasicConvTranspose2d : public BasicModule<T> {
public:
    explicit BasicConvTranspose2d(Conv2dLayerOptions options, Generator& gen = default_generator());
    /// Tied to `conv`: reads the conv's kernel node itself (its [out, in, kh, kw] is this layer's
    /// [in, out, kh, kw], so no transpose is needed) with the conv's stride, padding and dilation, which makes
    /// this layer the conv's adjoint, mapping the conv's output size back to its input size.
    /// `output_padding` (below the stride) gives back the rows a strided conv dropped; only the bias
    /// [conv's in] is this layer's own. The kernel is listed once by named_parameters, under the conv's name
    /// when the conv comes first.
    BasicConvTranspose2d(std::shared_ptr<BasicConv2d<T>> conv, Activation activation = Activation::none,
                         Size2 output_padding = 0);
    Tensor<T> forward(const Tensor<T>& x) override;
    std::string type_name() const override { return "ConvTranspose2d"; }
    Activation output_activation() const override { return options_.activation(); }

    void reset_parameters(Generator& gen = default_generator());
    const Tensor<T>& weight() const { return weight_; }
    const Tensor<T>& bias() const { return bias_; }
    const Conv2dLayerOptions& options() const { return options_; }
    const ConvTranspose2dOptions& conv_options() const { return conv_; }
    /// Whether the kernel is a Conv2d's (the tied constructor).
    bool tied() const { return tied_; }

private:
    Conv2dLayerOptions options_;
    ConvTranspose2dOptions conv_;
    Tensor<T> weight_, bias_;
    bool tied_ = false;
};

using Conv2d = BasicConv2d<float>;
using ConvTranspose2d = BasicConvTranspose2d<float>;

} // namespace aegrad::nn
