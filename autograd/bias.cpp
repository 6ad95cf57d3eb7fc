#include "autograd/bias.hpp"

#include <algorithm>

#include "autograd/parallel.hpp"

namespace aegrad {

std::size_t row_grain(std::size_t n) { return std::max<std::size_t>(1, 65536 / std::max<std::size_t>(1, n)); }

template <class T> void relu_gate(const T* grad, const T* out, std::size_t n, T* gated) {
    for (std::size_t i = 0; i < n; ++i)
        gated[i] = out[i] > T(0) ? grad[i] : T(0);
}

template <class T> void relu_gate_rows(const T* grad, const T* out, std::size_t rows, std::size_t n, T* gated) {
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        relu_gate(grad + r0 * n, out + r0 * n, (r1 - r0) * n, gated + r0 * n);
    }, row_grain(n));
}

template <class T> void accumulate_bias_grad(Node<T>& bias, const T* g, std::size_t rows, std::size_t n) {
    if (!bias.requires_grad)
        return;
    const bool accumulate = grad_buffer_for_write(bias) != T(0);
    T* db = bias.grad.data();
    // Each task owns a block of columns and sums it down the rows.
    parallel_for(n, [&](std::size_t c0, std::size_t c1) {
        if (!accumulate)
            std::fill(db + c0, db + c1, T(0));
        for (std::size_t r = 0; r < rows; ++r) {
            const T* __restrict gr = g + r * n;
            for (std::size_t c = c0; c < c1; ++c)
                db[c] += gr[c];
        }
    }, 64);
}

template <class T> Tensor<T> add_bias(const Tensor<T>& x, const Tensor<T>& bias, bool relu) {
    if (x.dim() != 2 || bias.dim() != 1 || bias.shape()[0] != x.shape()[1])
        throw_shapes(relu ? "add_bias+relu" : "add_bias", "needs x [B, n] and bias [n], got", x.shape(), bias.shape());
    const std::size_t rows = x.shape()[0], n = x.shape()[1];
    xt::xarray<T> out = xt::xarray<T>::from_shape({rows, n});
    const T* xv = x.value().data();
    const T* b = bias.value().data();
    T* o = out.data();
    parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
            const T* __restrict xr = xv + r * n;
            T* __restrict orow = o + r * n;
            if (relu)
                for (std::size_t j = 0; j < n; ++j)
                    orow[j] = std::max(xr[j] + b[j], T(0));
            else
                for (std::size_t j = 0; j < n; ++j)
                    orow[j] = xr[j] + b[j];
        }
    }, row_grain(n));

    // Backward: g' = g where out > 0 (or g); dx += g'; dbias += column sums of g'.
    return Tensor<T>::from_op(std::move(out), relu ? "add_bias+relu" : "add_bias", {x, bias}, [relu](Node<T>& self) {
        const std::size_t rows = self.shape[0], n = self.shape[1];
        Node<T>& xn = *self.inputs[0];
        Node<T>& bn = *self.inputs[1];
        xt::xarray<T> gated;
        const T* g = self.grad.data();
        if (relu) {
            gated = xt::xarray<T>::from_shape(self.shape);
            relu_gate_rows(g, self.value.data(), rows, n, gated.data());
            g = gated.data();
        }
        accumulate_bias_grad(bn, g, rows, n);
        if (xn.requires_grad) {
            if (relu)
                accumulate_grad(xn, std::move(gated));
            else
                pass_grad_through(self, xn);
        }
    });
}

template void relu_gate_rows(const float*, const float*, std::size_t, std::size_t, float*);
template void relu_gate_rows(const double*, const double*, std::size_t, std::size_t, double*);
template void accumulate_bias_grad(Node<float>&, const float*, std::size_t, std::size_t);
template void accumulate_bias_grad(Node<double>&, const double*, std::size_t, std::size_t);
template void relu_gate(const float*, const float*, std::size_t, float*);
template void relu_gate(const double*, const double*, std::size_t, double*);
template Tensor<float> add_bias(const Tensor<float>&, const Tensor<float>&, bool);
template Tensor<double> add_bias(const Tensor<double>&, const Tensor<double>&, bool);

} // namespace aegrad
