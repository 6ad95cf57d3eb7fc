#include <aegrad/autograd/shape_ops.hpp>

#include <fmt/format.h>
#include <xtensor/xstrided_view.hpp>

namespace aegrad {

namespace {

std::size_t normalise_axis(const char* op, int axis, const Shape& shape) {
    const int rank = static_cast<int>(shape.size());
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        throw ShapeError(fmt::format("{}: axis {} is out of range for shape {}", op, axis, shape_str(shape)));
    return static_cast<std::size_t>(a);
}

// The strided view selecting [start, stop) along `axis` and everything along the other axes.
xt::xstrided_slice_vector range_along(std::size_t rank, std::size_t axis, std::size_t start, std::size_t stop) {
    xt::xstrided_slice_vector sv(rank, xt::all());
    sv[axis] = xt::range(start, stop);
    return sv;
}

} // namespace

template <class T> Tensor<T> reshape(const Tensor<T>& x, std::vector<long> shape) {
    std::size_t known = 1;
    int inferred = -1;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (shape[i] == -1 && inferred < 0)
            inferred = static_cast<int>(i);
        else if (shape[i] < 0)
            throw ShapeError(fmt::format("reshape: bad target shape [{}] for {}", fmt::join(shape, ", "),
                                         shape_str(x.shape())));
        else
            known *= static_cast<std::size_t>(shape[i]);
    }
    if (inferred >= 0 && known != 0 && x.size() % known == 0)
        shape[inferred] = static_cast<long>(x.size() / known);
    Shape target(shape.begin(), shape.end());
    std::size_t count = 1;
    for (auto d : target)
        count *= d;
    if ((inferred >= 0 && (known == 0 || x.size() % known != 0)) || count != x.size())
        throw ShapeError(fmt::format("reshape: cannot view {} ({} elements) as [{}]", shape_str(x.shape()), x.size(),
                                     fmt::join(shape, ", ")));
    Array<T> out = x.value();
    out.reshape(target);
    return Tensor<T>::from_op(std::move(out), "reshape", {x}, [](Node<T>& self, BackwardContext<T>& ctx) {
        accumulate_grad(*self.inputs[0], xt::reshape_view(ctx.grad(), self.inputs[0]->shape));
    });
}

template <class T> Tensor<T> flatten(const Tensor<T>& x) {
    if (x.dim() < 1)
        throw ShapeError("flatten: needs at least one axis (the batch), got a scalar");
    return reshape(x, {static_cast<long>(x.shape()[0]), -1});
}

template <class T> Tensor<T> slice(const Tensor<T>& x, int axis, std::size_t start, std::size_t stop) {
    const std::size_t a = normalise_axis("slice", axis, x.shape());
    if (start > stop || stop > x.shape()[a])
        throw ShapeError(fmt::format("slice: range [{}, {}) is outside axis {} of shape {}", start, stop, axis,
                                     shape_str(x.shape())));
    auto sv = range_along(x.dim(), a, start, stop);
    Array<T> out = xt::strided_view(x.value(), sv);
    return Tensor<T>::from_op(std::move(out), "slice", {x}, [sv](Node<T>& self, BackwardContext<T>& ctx) {
        Node<T>& in = *self.inputs[0];
        if (!in.requires_grad)
            return;
        if (!in.has_grad) {  // the unsliced part's gradient is zero
            in.grad = xt::zeros<T>(in.shape);
            in.has_grad = true;
        }
        xt::strided_view(in.grad, sv) += ctx.grad();
    });
}

template <class T> Tensor<T> concat(const std::vector<Tensor<T>>& parts, int axis) {
    if (parts.empty())
        throw ShapeError("concat: no tensors given");
    const std::size_t a = normalise_axis("concat", axis, parts[0].shape());
    Shape shape = parts[0].shape();
    shape[a] = 0;
    for (const auto& p : parts) {
        Shape expect = parts[0].shape();
        expect[a] = p.shape()[a];
        if (p.shape() != expect)
            throw_shapes("concat", fmt::format("extents differ off axis {}:", axis).c_str(), parts[0].shape(),
                         p.shape());
        shape[a] += p.shape()[a];
    }
    Array<T> out = Array<T>::from_shape(shape);
    std::vector<std::size_t> offsets;
    std::size_t offset = 0;
    for (const auto& p : parts) {
        offsets.push_back(offset);
        xt::strided_view(out, range_along(shape.size(), a, offset, offset + p.shape()[a])) = p.value();
        offset += p.shape()[a];
    }
    return Tensor<T>::from_op(std::move(out), "concat", parts, [a, offsets](Node<T>& self, BackwardContext<T>& ctx) {
        for (std::size_t i = 0; i < self.inputs.size(); ++i) {
            Node<T>& in = *self.inputs[i];
            auto sv = range_along(self.shape.size(), a, offsets[i], offsets[i] + in.shape[a]);
            accumulate_grad(in, xt::strided_view(ctx.grad(), sv));
        }
    });
}

#define AEGRAD_INSTANTIATE(T)                                                                                  \
    template Tensor<T> reshape(const Tensor<T>&, std::vector<long>);                                           \
    template Tensor<T> flatten(const Tensor<T>&);                                                              \
    template Tensor<T> slice(const Tensor<T>&, int, std::size_t, std::size_t);                                 \
    template Tensor<T> concat(const std::vector<Tensor<T>>&, int);
AEGRAD_INSTANTIATE(float)
AEGRAD_INSTANTIATE(double)

} // namespace aegrad
