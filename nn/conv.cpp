#include <aegrad/nn/conv.hpp>

#include <fmt/format.h>

namespace aegrad::nn {

std::string Padding::str() const {
    switch (rule_) {
    case Rule::same: return "same";
    case Rule::valid: return "valid";
    default: return fmt::format("({}, {})", size_.h, size_.w);
    }
}

namespace {

void check_sizes(const char* layer, const Conv2dLayerOptions& o) {
    if (o.in() == 0 || o.out() == 0 || o.kernel().h == 0 || o.kernel().w == 0)
        throw std::invalid_argument(fmt::format("{}: channels and kernel must be positive, got {} -> {}, kernel ({}, {})",
                                                layer, o.in(), o.out(), o.kernel().h, o.kernel().w));
}

// "same" for a stride-1 convolution along one axis: half the dilated kernel's reach on each side.
std::size_t same_conv_padding(std::size_t kernel, std::size_t stride, std::size_t dilation) {
    const std::size_t reach = dilation * (kernel - 1);
    if (stride != 1)
        throw std::invalid_argument(fmt::format(
            "Conv2d: padding 'same' needs stride 1 (got {}), as in PyTorch; give explicit padding", stride));
    if (reach % 2 != 0)
        throw std::invalid_argument(fmt::format(
            "Conv2d: padding 'same' needs an odd dilated kernel extent (kernel {}, dilation {}); give explicit padding",
            kernel, dilation));
    return reach / 2;
}

// "same" for a transposed convolution along one axis: output = input x stride. The full output is
// (in - 1) s + d (k - 1) + 1, so `excess` = d (k - 1) + 1 - s rows must go: padding crops both sides and
// output_padding gives one back at the end when the excess is odd.
std::pair<std::size_t, std::size_t> same_transpose_padding(std::size_t kernel, std::size_t stride, std::size_t dilation) {
    const long excess = static_cast<long>(dilation * (kernel - 1) + 1) - static_cast<long>(stride);
    if (excess < 0)
        return {0, static_cast<std::size_t>(-excess)};
    const std::size_t pad = static_cast<std::size_t>((excess + 1) / 2);
    const std::size_t out_pad = 2 * pad - static_cast<std::size_t>(excess);
    if (out_pad >= std::max(stride, dilation))
        throw std::invalid_argument(fmt::format(
            "ConvTranspose2d: padding 'same' is impossible for kernel {}, stride {}, dilation {}; give explicit padding",
            kernel, stride, dilation));
    return {pad, out_pad};
}

template <class T> Tensor<T> parameter(Shape shape) { return Tensor<T>(Array<T>::from_shape(shape), true); }

// Keras's defaults for both layouts: fan_in = in kh kw and fan_out = out kh kw, zero bias.
template <class T>
void init_kernel_and_bias(Tensor<T>& weight, Tensor<T>& bias, const Conv2dLayerOptions& o, Generator& gen) {
    const std::size_t taps = o.kernel().h * o.kernel().w;
    fill_weight(weight.mutable_value(), o.init(), o.in() * taps, o.out() * taps, gen);
    if (bias.defined())
        bias.mutable_value().fill(T(0));
}

} // namespace

template <class T> BasicConv2d<T>::BasicConv2d(Conv2dLayerOptions o, Generator& gen) : options_(o) {
    check_sizes("Conv2d", o);
    conv_.stride(o.stride()).dilation(o.dilation());
    if (o.padding().rule() == Padding::Rule::same)
        conv_.padding({same_conv_padding(o.kernel().h, o.stride().h, o.dilation().h),
                       same_conv_padding(o.kernel().w, o.stride().w, o.dilation().w)});
    else if (o.padding().rule() == Padding::Rule::explicit_size)
        conv_.padding(o.padding().size());
    weight_ = this->register_parameter("weight", parameter<T>({o.out(), o.in(), o.kernel().h, o.kernel().w}));
    if (o.bias())
        bias_ = this->register_parameter("bias", parameter<T>({o.out()}));
    reset_parameters(gen);
}

template <class T> void BasicConv2d<T>::reset_parameters(Generator& gen) {
    init_kernel_and_bias(weight_, bias_, options_, gen);
}

template <class T> Tensor<T> BasicConv2d<T>::forward(const Tensor<T>& x) {
    const auto [epilogue, after] = fuse_activation(options_.activation());
    return activate(after, conv2d(x, weight_, bias_, Conv2dOptions(conv_).epilogue(epilogue)));
}

template <class T> BasicConvTranspose2d<T>::BasicConvTranspose2d(Conv2dLayerOptions o, Generator& gen) : options_(o) {
    check_sizes("ConvTranspose2d", o);
    conv_.stride(o.stride()).dilation(o.dilation());
    if (o.padding().rule() == Padding::Rule::same) {
        const auto h = same_transpose_padding(o.kernel().h, o.stride().h, o.dilation().h);
        const auto w = same_transpose_padding(o.kernel().w, o.stride().w, o.dilation().w);
        conv_.padding({h.first, w.first}).output_padding({h.second, w.second});
    } else if (o.padding().rule() == Padding::Rule::explicit_size) {
        conv_.padding(o.padding().size()).output_padding(o.output_padding());
    }
    weight_ = this->register_parameter("weight", parameter<T>({o.in(), o.out(), o.kernel().h, o.kernel().w}));
    if (o.bias())
        bias_ = this->register_parameter("bias", parameter<T>({o.out()}));
    reset_parameters(gen);
}

template <class T>
BasicConvTranspose2d<T>::BasicConvTranspose2d(std::shared_ptr<BasicConv2d<T>> conv, Activation activation, Size2 output_padding)
    : options_(conv ? Conv2dLayerOptions(conv->options().out(), conv->options().in(), conv->options().kernel())
                    : Conv2dLayerOptions(1, 1, 1)),
      tied_(true) {
    if (!conv)
        throw std::invalid_argument("ConvTranspose2d: needs the Conv2d layer whose kernel it reads");
    const Conv2dOptions& c = conv->conv_options();
    options_.stride(c.stride())
        .padding(Padding(c.padding().h, c.padding().w))
        .dilation(c.dilation())
        .output_padding(output_padding)
        .activation(activation);
    conv_.stride(c.stride()).dilation(c.dilation()).padding(c.padding()).output_padding(output_padding);
    weight_ = this->register_parameter("weight", conv->weight());
    bias_ = this->register_parameter("bias", Tensor<T>(Array<T>(xt::zeros<T>({options_.out()})), true));
}

template <class T> void BasicConvTranspose2d<T>::reset_parameters(Generator& gen) {
    if (tied_)  // the kernel is the conv's, drawn with the conv's fans
        bias_.mutable_value().fill(T(0));
    else
        init_kernel_and_bias(weight_, bias_, options_, gen);
}

template <class T> Tensor<T> BasicConvTranspose2d<T>::forward(const Tensor<T>& x) {
    const auto [epilogue, after] = fuse_activation(options_.activation());
    return activate(after, conv_transpose2d(x, weight_, bias_, ConvTranspose2dOptions(conv_).epilogue(epilogue)));
}

template class BasicConv2d<float>;
template class BasicConv2d<double>;
template class BasicConvTranspose2d<float>;
template class BasicConvTranspose2d<double>;

} // namespace aegrad::nn
