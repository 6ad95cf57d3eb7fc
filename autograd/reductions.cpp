#include <aegrad/autograd/reductions.hpp>

#include <algorithm>
#include <numeric>

#include <fmt/format.h>
#include <xtensor/xbroadcast.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xreducer.hpp>

namespace aegrad {

namespace {

// Axes made non-negative, sorted and checked against the rank.
std::vector<std::size_t> normalise_axes(const char* op, std::vector<int> axes, const Shape& shape) {
    std::vector<std::size_t> out;
    const int rank = static_cast<int>(shape.size());
    for (int a : axes) {
        const int axis = a < 0 ? a + rank : a;
        if (axis < 0 || axis >= rank)
            throw ShapeError(fmt::format("{}: axis {} is out of range for shape {}", op, a, shape_str(shape)));
        out.push_back(static_cast<std::size_t>(axis));
    }
    std::sort(out.begin(), out.end());
    if (std::adjacent_find(out.begin(), out.end()) != out.end())
        throw ShapeError(fmt::format("{}: an axis is repeated for shape {}", op, shape_str(shape)));
    return out;
}

// The reduced shape with every reduced axis kept as extent 1: the gradient broadcasts back from it.
Shape kept_shape(const Shape& shape, const std::vector<std::size_t>& axes) {
    Shape kept = shape;
    for (auto a : axes)
        kept[a] = 1;
    return kept;
}

// sum or mean (scale = 1/count) over axes; backward broadcasts scale * grad back to the input's shape.
template <class T>
Tensor<T> reduce(const char* op, const Tensor<T>& x, const std::vector<std::size_t>& axes, bool keepdims, T scale) {
    Array<T> out;
    if (x.size() == 0) {  // xtensor's immediate sum reads an empty input's first element; its sum is 0
        Shape reduced;
        for (std::size_t i = 0; i < x.dim(); ++i)
            if (!std::binary_search(axes.begin(), axes.end(), i))
                reduced.push_back(x.shape()[i]);
        out = xt::zeros<T>(reduced);
    } else {
        out = xt::sum(x.value(), axes, xt::evaluation_strategy::immediate);
    }
    if (scale != T(1))
        out *= scale;
    const Shape kept = kept_shape(x.shape(), axes);
    if (keepdims)
        out.reshape(kept);
    return Tensor<T>::from_op(std::move(out), op, {x}, [kept, scale](Node<T>& self, BackwardContext<T>& ctx) {
        auto g = xt::reshape_view(ctx.grad(), kept);
        accumulate_grad(*self.inputs[0], xt::broadcast(g * scale, self.inputs[0]->shape));
    });
}

std::vector<std::size_t> all_axes(std::size_t rank) {
    std::vector<std::size_t> axes(rank);
    std::iota(axes.begin(), axes.end(), 0);
    return axes;
}

} // namespace

template <class T> Tensor<T> sum(const Tensor<T>& x) { return reduce("sum", x, all_axes(x.dim()), false, T(1)); }

template <class T> Tensor<T> sum(const Tensor<T>& x, std::vector<int> axes, bool keepdims) {
    return reduce("sum", x, normalise_axes("sum", std::move(axes), x.shape()), keepdims, T(1));
}

template <class T> Tensor<T> mean(const Tensor<T>& x) {
    if (x.size() == 0)
        throw ShapeError("mean: tensor has no elements");
    return reduce("mean", x, all_axes(x.dim()), false, T(1) / static_cast<T>(x.size()));
}

template <class T> Tensor<T> mean(const Tensor<T>& x, std::vector<int> axes, bool keepdims) {
    auto norm = normalise_axes("mean", std::move(axes), x.shape());
    std::size_t count = 1;
    for (auto a : norm)
        count *= x.shape()[a];
    if (count == 0)
        throw ShapeError(fmt::format("mean: reducing over empty axes of shape {}", shape_str(x.shape())));
    return reduce("mean", x, norm, keepdims, T(1) / static_cast<T>(count));
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> sum(const Tensor<T>&);                                                                  \
    template Tensor<T> sum(const Tensor<T>&, std::vector<int>, bool);                                          \
    template Tensor<T> mean(const Tensor<T>&);                                                                 \
    template Tensor<T> mean(const Tensor<T>&, std::vector<int>, bool);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
