// aegrad's half of the PyTorch forward comparison (torch_conv_forward.py): writes one safetensors file
// holding a ConvAutoencoder's weights, an input batch and aegrad's output, plus inputs, weights and
// outputs of each image op over several settings. The script recomputes everything with PyTorch.
//   conv_peer OUT.safetensors
#include <cstdio>

#include <aegrad/autograd/autograd.hpp>
#include <aegrad/models/conv_autoencoder.hpp>
#include <aegrad/nn/safetensors.hpp>

using namespace aegrad;
using Arrays = nn::NamedArrays<float>;

namespace {

xt::xarray<float> uniform(Shape shape, Generator& gen, float lo = -1, float hi = 1) {
    std::uniform_real_distribution<float> dist(lo, hi);
    xt::xarray<float> a = xt::xarray<float>::from_shape(shape);
    for (float& v : a)
        v = dist(gen.engine());
    return a;
}

// Stores case `name`'s input, weight, bias and output as name.x, name.w, name.b, name.y.
void add_case(Arrays& out, const std::string& name, const Tensor<float>& x, const Tensor<float>& w,
              const Tensor<float>& b, const Tensor<float>& y) {
    out.emplace_back(name + ".x", x.value());
    if (w.defined())
        out.emplace_back(name + ".w", w.value());
    if (b.defined())
        out.emplace_back(name + ".b", b.value());
    out.emplace_back(name + ".y", y.value());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: conv_peer OUT.safetensors\n");
        return 2;
    }
    Generator gen(11);
    Arrays out;
    models::ConvAutoencoder model(models::ConvAutoencoderOptions(), gen);
    for (auto& [name, p] : model.named_parameters()) {
        if (p.dim() == 1)  // non-zero biases, so a misplaced bias would show
            p.mutable_value() = uniform(p.shape(), gen, -0.1f, 0.1f);
        out.emplace_back("model." + name, p.value());
    }
    Tensor<float> images(uniform({5, 1, 28, 28}, gen, 0, 1));
    out.emplace_back("model.input", images.value());
    out.emplace_back("model.output", model(images).value());
    out.emplace_back("model.codes", model.encoder()->forward(images).value());

    // The tied mirror model: its output, and the gradients of MSE(output, input) for every parameter, the
    // kernels' being the sums over their two reads.
    models::ConvAutoencoder tied(models::ConvAutoencoderOptions().mirror(true).tied(true), gen);
    for (auto& [name, p] : tied.named_parameters()) {
        if (p.dim() == 1)
            p.mutable_value() = uniform(p.shape(), gen, -0.1f, 0.1f);
        out.emplace_back("tied." + name, p.value());
    }
    Tensor<float> tied_input(uniform({4, 784}, gen, 0, 1));
    Tensor<float> tied_output = tied(tied_input);
    mse_loss(tied_output, tied_input).backward();
    out.emplace_back("tied.input", tied_input.value());
    out.emplace_back("tied.output", tied_output.value());
    for (auto& [name, p] : tied.named_parameters())
        out.emplace_back("tied_grad." + name, p.grad());

    Tensor<float> x(uniform({3, 4, 9, 8}, gen));
    Tensor<float> w(uniform({5, 4, 3, 3}, gen)), b(uniform({5}, gen));
    add_case(out, "conv2d.plain", x, w, b, conv2d(x, w, b));
    add_case(out, "conv2d.s2p1", x, w, b, conv2d(x, w, b, Conv2dOptions().stride(2).padding(1)));
    add_case(out, "conv2d.d2p2", x, w, b, conv2d(x, w, b, Conv2dOptions().dilation(2).padding(2)));
    add_case(out, "conv2d.s21p01", x, w, {}, conv2d(x, w, {}, Conv2dOptions().stride({2, 1}).padding({0, 1})));
    Tensor<float> wt(uniform({4, 3, 3, 3}, gen)), bt(uniform({3}, gen));
    add_case(out, "conv_t.s2", x, wt, bt, conv_transpose2d(x, wt, bt, ConvTranspose2dOptions().stride(2)));
    add_case(out, "conv_t.s2p1o1", x, wt, bt,
             conv_transpose2d(x, wt, bt, ConvTranspose2dOptions().stride(2).padding(1).output_padding(1)));
    add_case(out, "conv_t.d2p1", x, wt, {}, conv_transpose2d(x, wt, {}, ConvTranspose2dOptions().dilation(2).padding(1)));
    add_case(out, "max_pool.k2", x, {}, {}, max_pool2d(x, 2));
    add_case(out, "max_pool.k3s2p1", x, {}, {}, max_pool2d(x, 3, Pool2dOptions().stride(2).padding(1)));
    add_case(out, "avg_pool.k2", x, {}, {}, avg_pool2d(x, 2));
    add_case(out, "avg_pool.k3s2p1", x, {}, {}, avg_pool2d(x, 3, Pool2dOptions().stride(2).padding(1)));
    add_case(out, "avg_pool.k3s2p1x", x, {}, {},
             avg_pool2d(x, 3, Pool2dOptions().stride(2).padding(1).count_include_pad(false)));
    add_case(out, "global_avg_pool.all", x, {}, {}, global_avg_pool2d(x));
    add_case(out, "upsample_nearest.s2", x, {}, {}, upsample_nearest2d(x, 2));
    add_case(out, "upsample_bilinear.s2", x, {}, {}, upsample_bilinear2d(x, 2));
    add_case(out, "upsample_bilinear.s3", x, {}, {}, upsample_bilinear2d(x, 3));
    nn::write_safetensors(argv[1], out);
    return 0;
}
