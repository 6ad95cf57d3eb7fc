#include <aegrad/autograd/broadcast.hpp>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xreducer.hpp>

namespace aegrad {

Shape broadcast_shapes(const std::string& op, const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank, 1);
    for (std::size_t i = 0; i < rank; ++i) {
        // Align from the right, as NumPy does.
        const std::size_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const std::size_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw_shapes(op, "cannot broadcast shapes", a, b);
        out[i] = da == 1 ? db : da;
    }
    return out;
}

template <class T> Array<T> sum_to_shape(const Array<T>& grad, const Shape& shape) {
    if (grad.size() == 0)  // xtensor's immediate sum reads an empty input's first element; its sum is 0
        return Array<T>(xt::zeros<T>(shape));
    const std::size_t lead = grad.dimension() - shape.size();
    std::vector<std::size_t> axes;
    for (std::size_t i = 0; i < grad.dimension(); ++i)
        if (i < lead || (shape[i - lead] == 1 && grad.shape()[i] != 1))
            axes.push_back(i);
    Array<T> reduced = xt::sum(grad, axes, xt::evaluation_strategy::immediate);
    reduced.reshape(shape);
    return reduced;
}

template Array<float> sum_to_shape(const Array<float>&, const Shape&);
template Array<double> sum_to_shape(const Array<double>&, const Shape&);

} // namespace aegrad
