#include <aegrad/autograd/random_ops.hpp>

#include <fmt/format.h>
#include <xtensor/xoperation.hpp>

namespace aegrad {

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

template Tensor<float> dropout(const Tensor<float>&, double, Generator&);
template Tensor<double> dropout(const Tensor<double>&, double, Generator&);
template Tensor<float> gaussian_noise(const Tensor<float>&, double, Generator&);
template Tensor<double> gaussian_noise(const Tensor<double>&, double, Generator&);

} // namespace aegrad
