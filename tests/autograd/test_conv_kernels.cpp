// The convolution kernels (autograd/detail/conv_kernels.hpp) against a convolution written as its
// definition, four nested sums, on 1 and 2 threads: the forward pass, and the backward pass's three
// gradients, written with beta 0 and added with beta 1.
#include <random>
#include <vector>

#include <aegrad/autograd/detail/conv_kernels.hpp>

#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::detail;  // the kernels under test
using aegrad::testing::random_values;
using aegrad::testing::ThreadsFor;

namespace {
// A 3x3 kernel, stride 2, padding 1, over [N=5, C=2, 7, 6] images with 3 output channels.
struct Case {
    std::size_t N = 5, C = 2, H = 7, W = 6, K = 3, Cout = 3, s = 2, p = 1;
    ConvGeometry g{C, H, W, K, K, s, s, p, p, 1, 1, conv_output_size(H, K, s, p, 1), conv_output_size(W, K, s, p, 1)};
    std::vector<double> x = random_values(N * C * H * W, 1), w = random_values(Cout * C * K * K, 2),
                        bias = random_values(Cout, 3);
    // The input element a tap reads, or null in the padding.
    const double* tap(const std::vector<double>& img, std::size_t n, std::size_t c, std::size_t oh, std::size_t ow,
                      std::size_t i, std::size_t j) const {
        const long h = static_cast<long>(oh * s + i) - static_cast<long>(p), v = static_cast<long>(ow * s + j) - static_cast<long>(p);
        if (h < 0 || v < 0 || h >= static_cast<long>(H) || v >= static_cast<long>(W))
            return nullptr;
        return &img[((n * C + c) * H + static_cast<std::size_t>(h)) * W + static_cast<std::size_t>(v)];
    }
    double weight(std::size_t co, std::size_t c, std::size_t i, std::size_t j) const { return w[((co * C + c) * K + i) * K + j]; }
};
} // namespace

TEST_CASE("conv2d_forward and conv2d_backward equal the convolution's definition on 1 and 2 threads") {
    const Case k;
    const std::size_t Ho = k.g.out_h, Wo = k.g.out_w, out_size = k.N * k.Cout * Ho * Wo;
    // out[n, co, oh, ow] = b[co] + sum over c, i, j of w[co, c, i, j] x[n, c, oh s - p + i, ow s - p + j]
    std::vector<double> expected(out_size);
    for (std::size_t n = 0; n < k.N; ++n)
        for (std::size_t co = 0; co < k.Cout; ++co)
            for (std::size_t oh = 0; oh < Ho; ++oh)
                for (std::size_t ow = 0; ow < Wo; ++ow) {
                    double v = k.bias[co];
                    for (std::size_t c = 0; c < k.C; ++c)
                        for (std::size_t i = 0; i < k.K; ++i)
                            for (std::size_t j = 0; j < k.K; ++j)
                                if (const double* in = k.tap(k.x, n, c, oh, ow, i, j))
                                    v += k.weight(co, c, i, j) * *in;
                    expected[((n * k.Cout + co) * Ho + oh) * Wo + ow] = v;
                }
    // With a seed gradient g: dW[co, c, i, j] = sum g[n, co, oh, ow] x[...]; dx[...] += g w; db[co] = sum g.
    const std::vector<double> g = random_values(out_size, 4);
    std::vector<double> dw(k.w.size(), 0.0), dx(k.x.size(), 0.0), db(k.Cout, 0.0);
    for (std::size_t n = 0; n < k.N; ++n)
        for (std::size_t co = 0; co < k.Cout; ++co)
            for (std::size_t oh = 0; oh < Ho; ++oh)
                for (std::size_t ow = 0; ow < Wo; ++ow) {
                    const double go = g[((n * k.Cout + co) * Ho + oh) * Wo + ow];
                    db[co] += go;
                    for (std::size_t c = 0; c < k.C; ++c)
                        for (std::size_t i = 0; i < k.K; ++i)
                            for (std::size_t j = 0; j < k.K; ++j)
                                if (const double* in = k.tap(k.x, n, c, oh, ow, i, j)) {
                                    dw[((co * k.C + c) * k.K + i) * k.K + j] += go * *in;
                                    dx[static_cast<std::size_t>(in - k.x.data())] += go * k.weight(co, c, i, j);
                                }
                }
    for (int threads : {1, 2}) {
        ThreadsFor use(threads);
        CAPTURE(threads);
        std::vector<double> out(out_size);
        conv2d_forward(k.g, k.N, k.Cout, k.x.data(), k.w.data(), k.bias.data(), Epilogue::none, out.data());
        for (std::size_t i = 0; i < out_size; ++i)
            CHECK(out[i] == doctest::Approx(expected[i]));

        std::vector<double> got_dw(dw.size(), 99.0), got_db(db.size(), 99.0), got_dx(dx.size(), 0.0);
        ConvGradients<double> d{got_dx.data(), got_dw.data(), 0.0, got_db.data(), 0.0};  // beta 0: overwrite
        conv2d_backward(k.g, k.N, k.Cout, g.data(), static_cast<const double*>(nullptr), k.x.data(), k.w.data(), d);
        for (std::size_t i = 0; i < dw.size(); ++i)
            CHECK(got_dw[i] == doctest::Approx(dw[i]));
        for (std::size_t i = 0; i < db.size(); ++i)
            CHECK(got_db[i] == doctest::Approx(db[i]));
        for (std::size_t i = 0; i < dx.size(); ++i)
            CHECK(got_dx[i] == doctest::Approx(dx[i]));

        d.dw_beta = d.db_beta = 1.0;  // beta 1: a second read of the same weight adds its share
        d.dx = nullptr;
        conv2d_backward(k.g, k.N, k.Cout, g.data(), static_cast<const double*>(nullptr), k.x.data(), k.w.data(), d);
        for (std::size_t i = 0; i < dw.size(); ++i)
            CHECK(got_dw[i] == doctest::Approx(2.0 * dw[i]));
        CHECK(got_db[0] == doctest::Approx(2.0 * db[0]));
    }
}

TEST_CASE("conv_transpose2d_forward is the adjoint of conv2d: <conv(x), y> = <x, conv_transpose(y)>") {
    const Case k;
    const std::size_t out_size = k.N * k.Cout * k.g.out_h * k.g.out_w;
    const std::vector<double> y = random_values(out_size, 5);
    std::vector<double> conv(out_size), back(k.x.size());
    for (int threads : {1, 2}) {
        ThreadsFor use(threads);
        conv2d_forward(k.g, k.N, k.Cout, k.x.data(), k.w.data(), static_cast<const double*>(nullptr), Epilogue::none,
                       conv.data());
        // The transposed op reads w [Cout, C kh kw] as its [Cin, Cout kh kw] and maps [N, Cout, Ho, Wo] back.
        conv_transpose2d_forward(k.g, k.N, k.Cout, y.data(), k.w.data(), static_cast<const double*>(nullptr),
                                 Epilogue::none, back.data());
        double lhs = 0, rhs = 0;
        for (std::size_t i = 0; i < out_size; ++i)
            lhs += conv[i] * y[i];
        for (std::size_t i = 0; i < k.x.size(); ++i)
            rhs += k.x[i] * back[i];
        CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
    }
}
