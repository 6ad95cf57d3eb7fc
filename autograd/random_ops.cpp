#include <aegrad/autograd/random_ops.hpp>

#include <aegrad/autograd/errors.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

namespace aegrad {

std::string Generator::state() const {
    std::ostringstream out;
    out << engine_;
    return out.str();
}

void Generator::set_state(const std::string& text) {
    std::istringstream in(text);
    std::mt19937_64 engine;
    in >> engine;
    if (in.fail() || !(in >> std::ws).eof())
        throw std::invalid_argument("Generator: not a generator state");
    engine_ = engine;
}

template <class T> Tensor<T> dropout(const Tensor<T>& x, double p, Generator& gen) {
    if (!(p >= 0.0 && p < 1.0))
        throw std::invalid_argument(fmt::format("dropout: probability {} is outside [0, 1)", p));
    Array<T> mask = Array<T>::from_shape(x.shape());
    std::bernoulli_distribution keep(1.0 - p);
    const T scale = static_cast<T>(1.0 / (1.0 - p));
    for (T& m : mask)
        m = keep(gen.engine()) ? scale : T(0);
    Array<T> out = x.value() * mask;
    return Tensor<T>::from_op(std::move(out), "dropout", {x}, [mask = std::move(mask)](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], ctx.grad() * mask);
    });
}

template <class T> Tensor<T> gaussian_noise(const Tensor<T>& x, double stddev, Generator& gen) {
    if (!(stddev >= 0.0))
        throw std::invalid_argument(fmt::format("gaussian_noise: standard deviation {} is negative", stddev));
    std::normal_distribution<double> normal(0.0, stddev);
    Array<T> out = x.value();
    for (T& v : out)
        v += static_cast<T>(normal(gen.engine()));
    return Tensor<T>::from_op(std::move(out), "gaussian_noise", {x},
                              [](Node<T>& self, BackwardContext<T>& ctx) { accumulate_grad(*self.inputs[0], ctx.grad()); });
}

template <class T> Array<T> standard_normal(const Shape& shape, Generator& gen) {
    std::normal_distribution<double> normal(0.0, 1.0);
    Array<T> out = Array<T>::from_shape(shape);
    for (T& v : out)
        v = static_cast<T>(normal(gen.engine()));
    return out;
}

template <class T> Tensor<T> reparameterize(const Tensor<T>& mu, const Tensor<T>& log_var, Array<T> eps) {
    if (mu.shape() != log_var.shape())
        throw_shapes("reparameterize", "mu and log_var shapes differ:", mu.shape(), log_var.shape());
    if (eps.shape() != mu.shape())
        throw_shapes("reparameterize", "eps must have mu's shape:", Shape(eps.shape().begin(), eps.shape().end()), mu.shape());
    // sigma eps is all backward needs: dz/dmu = 1, dz/dlog_var = sigma eps / 2.
    Array<T> noise = xt::exp(T(0.5) * log_var.value()) * eps;
    Array<T> z = mu.value() + noise;
    return Tensor<T>::from_op(std::move(z), "reparameterize", {mu, log_var},
                              [noise = std::move(noise)](Node<T>& self, BackwardContext<T>& ctx) {
                                  const auto& g = ctx.grad();
                                  if (self.inputs[1]->requires_grad)
                                      accumulate_grad(*self.inputs[1], T(0.5) * g * noise);
                                  accumulate_grad(*self.inputs[0], g);
                              });
}

template <class T> Tensor<T> reparameterize(const Tensor<T>& mu, const Tensor<T>& log_var, Generator& gen) {
    return reparameterize(mu, log_var, standard_normal<T>(mu.shape(), gen));
}

template <class T> Masked<T> masking_noise(const Tensor<T>& x, const MaskingOptions& o, Generator& gen) {
    std::size_t height = o.height(), width = o.width();
    if (height == 0 || width == 0) {
        if (x.dim() != 4)
            throw ShapeError(fmt::format("masking_noise: input {} is not [B, C, H, W]; give the image height and width "
                                         "for flat rows", shape_str(x.shape())));
        height = x.shape()[2], width = x.shape()[3];
    }
    const std::size_t batch = x.dim() > 0 ? x.shape()[0] : 0, per_sample = batch ? x.size() / batch : 0;
    if (x.dim() < 2 || per_sample % (height * width) != 0)
        throw ShapeError(fmt::format("masking_noise: input {} does not hold {}x{} images per row", shape_str(x.shape()),
                                     height, width));
    if (o.patch() == 0 || !(o.ratio() >= 0.0 && o.ratio() <= 1.0))
        throw std::invalid_argument(fmt::format("masking_noise: patch {} must be positive and ratio {} in [0, 1]",
                                                o.patch(), o.ratio()));
    const std::size_t channels = per_sample / (height * width), p = o.patch();
    const std::size_t rows = (height + p - 1) / p, cols = (width + p - 1) / p, squares = rows * cols;
    const auto masked_squares = static_cast<std::size_t>(std::lround(o.ratio() * static_cast<double>(squares)));
    Array<T> mask = xt::zeros<T>(x.shape());
    std::vector<std::size_t> order(squares);
    for (std::size_t b = 0; b < batch; ++b) {
        std::iota(order.begin(), order.end(), std::size_t(0));
        for (std::size_t k = 0; k < masked_squares; ++k) {  // a partial Fisher-Yates shuffle picks the squares
            std::uniform_int_distribution<std::size_t> pick(k, squares - 1);
            std::swap(order[k], order[pick(gen.engine())]);
            const std::size_t r0 = order[k] / cols * p, c0 = order[k] % cols * p;
            for (std::size_t c = 0; c < channels; ++c)
                for (std::size_t r = r0; r < std::min(r0 + p, height); ++r) {
                    T* row = mask.data() + b * per_sample + (c * height + r) * width;
                    std::fill(row + c0, row + std::min(c0 + p, width), T(1));
                }
        }
    }
    Array<T> keep = T(1) - mask;
    Array<T> out = x.value() * keep;
    auto input = Tensor<T>::from_op(std::move(out), "masking_noise", {x},
                                    [keep = std::move(keep)](Node<T>& self, BackwardContext<T>& ctx) {
                                        accumulate_grad(*self.inputs[0], ctx.grad() * keep);
                                    });
    return {std::move(input), std::move(mask)};
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Array<T> standard_normal(const Shape&, Generator&);                                               \
    template Tensor<T> reparameterize(const Tensor<T>&, const Tensor<T>&, Array<T>);                           \
    template Tensor<T> reparameterize(const Tensor<T>&, const Tensor<T>&, Generator&);                         \
    template Masked<T> masking_noise(const Tensor<T>&, const MaskingOptions&, Generator&);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

template Tensor<float> dropout(const Tensor<float>&, double, Generator&);
template Tensor<double> dropout(const Tensor<double>&, double, Generator&);
template Tensor<float> gaussian_noise(const Tensor<float>&, double, Generator&);
template Tensor<double> gaussian_noise(const Tensor<double>&, double, Generator&);

} // namespace aegrad
