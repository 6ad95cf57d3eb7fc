// Values of the image ops against independent answers: convolutions against their textbook loops (a
// gather for conv2d, a scatter for its transpose), pooling and upsampling against small worked examples,
// and the same results on 1 and 2 threads.
#include <cmath>

#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;
using aegrad::testing::ThreadsFor;

namespace {

double at(const xt::xarray<double>& a, std::size_t i, std::size_t j, std::size_t k, std::size_t l) { return a(i, j, k, l); }

// out[n, o, y, x] = b[o] + sum_{c,i,j} in[n, c, y s - p + i d, x s - p + j d] w[o, c, i, j]
xt::xarray<double> conv2d_by_definition(const xt::xarray<double>& in, const xt::xarray<double>& w,
                                        const xt::xarray<double>& b, Conv2dOptions o) {
    const long N = in.shape()[0], C = in.shape()[1], H = in.shape()[2], W = in.shape()[3];
    const long O = w.shape()[0], kh = w.shape()[2], kw = w.shape()[3];
    const long sh = o.stride().h, sw = o.stride().w, ph = o.padding().h, pw = o.padding().w, dh = o.dilation().h,
               dw = o.dilation().w;
    const long Ho = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1, Wo = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    xt::xarray<double> out = xt::zeros<double>({N, O, Ho, Wo});
    for (long n = 0; n < N; ++n)
        for (long oc = 0; oc < O; ++oc)
            for (long y = 0; y < Ho; ++y)
                for (long x = 0; x < Wo; ++x) {
                    double s = b(oc);
                    for (long c = 0; c < C; ++c)
                        for (long i = 0; i < kh; ++i)
                            for (long j = 0; j < kw; ++j) {
                                const long iy = y * sh - ph + i * dh, ix = x * sw - pw + j * dw;
                                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    s += at(in, n, c, iy, ix) * at(w, oc, c, i, j);
                            }
                    out(n, oc, y, x) = s;
                }
    return out;
}

// Every input pixel scatters its kernel-weighted copy into the full output; then padding is cropped.
xt::xarray<double> conv_transpose2d_by_definition(const xt::xarray<double>& in, const xt::xarray<double>& w,
                                                  const xt::xarray<double>& b, ConvTranspose2dOptions o) {
    const long N = in.shape()[0], C = in.shape()[1], H = in.shape()[2], W = in.shape()[3];
    const long O = w.shape()[1], kh = w.shape()[2], kw = w.shape()[3];
    const long sh = o.stride().h, sw = o.stride().w, ph = o.padding().h, pw = o.padding().w, dh = o.dilation().h,
               dw = o.dilation().w;
    const long Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + o.output_padding().h + 1;
    const long Wo = (W - 1) * sw - 2 * pw + dw * (kw - 1) + o.output_padding().w + 1;
    xt::xarray<double> out = xt::zeros<double>({N, O, Ho, Wo});
    for (long n = 0; n < N; ++n)
        for (long oc = 0; oc < O; ++oc) {
            for (long y = 0; y < Ho; ++y)
                for (long x = 0; x < Wo; ++x)
                    out(n, oc, y, x) = b(oc);
            for (long c = 0; c < C; ++c)
                for (long y = 0; y < H; ++y)
                    for (long x = 0; x < W; ++x)
                        for (long i = 0; i < kh; ++i)
                            for (long j = 0; j < kw; ++j) {
                                const long oy = y * sh - ph + i * dh, ox = x * sw - pw + j * dw;
                                if (oy >= 0 && oy < Ho && ox >= 0 && ox < Wo)
                                    out(n, oc, oy, ox) += at(in, n, c, y, x) * at(w, c, oc, i, j);
                            }
        }
    return out;
}


} // namespace

TEST_CASE("conv2d equals its definition over strides, paddings and dilations") {
    const Conv2dOptions options[] = {Conv2dOptions(), Conv2dOptions().padding(1), Conv2dOptions().stride(2).padding(1),
                                     Conv2dOptions().dilation({2, 1}).padding({2, 0}), Conv2dOptions().stride({1, 3})};
    for (const auto& o : options)
        for (int threads : {1, 2}) {
            ThreadsFor t(threads);
            auto x = random_tensor({3, 2, 9, 7}, 1), w = random_tensor({4, 2, 3, 3}, 2), b = random_tensor({4}, 3);
            auto got = conv2d(x, w, b, o).value();
            auto want = conv2d_by_definition(x.value(), w.value(), b.value(), o);
            REQUIRE(got.shape() == want.shape());
            CHECK(xt::allclose(got, want, 1e-12, 1e-12));
        }
}

TEST_CASE("On images smaller than the kernel's reach, conv2d and conv_transpose2d's input gradient equal their definitions") {
    // 'same' stride-1 convolutions of 1x1, 2x2 and 1x3 images: the shifted path's shifts reach past whole rows.
    struct Case {
        Shape image;
        std::size_t k, pad;
    };
    for (const Case& c : {Case{{2, 1, 1, 1}, 3, 1}, Case{{2, 2, 2, 2}, 5, 2}, Case{{2, 1, 1, 3}, 3, 1}, Case{{2, 1, 3, 1}, 3, 1}})
        for (int threads : {1, 2}) {
            CAPTURE(c.k);
            CAPTURE(threads);
            ThreadsFor t(threads);
            const std::size_t C = c.image[1];
            auto x = random_tensor(c.image, 1), w = random_tensor({3, C, c.k, c.k}, 2), b = random_tensor({3}, 3);
            const auto o = Conv2dOptions().padding(static_cast<int>(c.pad));
            CHECK(xt::allclose(conv2d(x, w, b, o).value(), conv2d_by_definition(x.value(), w.value(), b.value(), o), 1e-12, 1e-12));
            // conv_transpose2d with the same kernel from 3 channels back to C: its input gradient for an upstream
            // G is conv2d(G, w), the adjoint of the adjoint.
            auto z = random_tensor({c.image[0], 3, c.image[2], c.image[3]}, 4);
            auto G = random_tensor({c.image[0], C, c.image[2], c.image[3]}, 5, false);
            sum(conv_transpose2d(z, w, {}, ConvTranspose2dOptions().padding(static_cast<int>(c.pad))) * G).backward();
            CHECK(xt::allclose(z.grad(), conv2d_by_definition(G.value(), w.value(), xt::zeros<double>({std::size_t(3)}), o),
                               1e-12, 1e-12));
        }
}

TEST_CASE("conv_transpose2d equals its scatter definition, and Géron's decoder sizes") {
    const ConvTranspose2dOptions options[] = {ConvTranspose2dOptions(), ConvTranspose2dOptions().stride(2),
                                              ConvTranspose2dOptions().stride(2).padding(1).output_padding(1),
                                              ConvTranspose2dOptions().dilation(2).padding({1, 0})};
    for (const auto& o : options)
        for (int threads : {1, 2}) {
            ThreadsFor t(threads);
            auto x = random_tensor({2, 3, 4, 5}, 1), w = random_tensor({3, 2, 3, 3}, 2), b = random_tensor({2}, 3);
            auto got = conv_transpose2d(x, w, b, o).value();
            auto want = conv_transpose2d_by_definition(x.value(), w.value(), b.value(), o);
            REQUIRE(got.shape() == want.shape());
            CHECK(xt::allclose(got, want, 1e-12, 1e-12));
        }
    // valid stride 2: 3 -> 7; "same" stride 2 (padding 1, output_padding 1): 7 -> 14 -> 28
    auto w = random_tensor({1, 1, 3, 3}, 4);
    CHECK(conv_transpose2d(random_tensor({1, 1, 3, 3}, 5), w, {}, ConvTranspose2dOptions().stride(2)).shape() == Shape{1, 1, 7, 7});
    const auto same2 = ConvTranspose2dOptions().stride(2).padding(1).output_padding(1);
    CHECK(conv_transpose2d(random_tensor({1, 1, 7, 7}, 5), w, {}, same2).shape() == Shape{1, 1, 14, 14});
    CHECK(conv_transpose2d(random_tensor({1, 1, 14, 14}, 5), w, {}, same2).shape() == Shape{1, 1, 28, 28});
}

TEST_CASE("conv_transpose2d is the adjoint of conv2d: <conv(x), y> = <x, conv_t(y)>") {
    auto x = random_tensor({2, 3, 8, 7}, 1), w = random_tensor({4, 3, 3, 3}, 2), y = random_tensor({2, 4, 4, 4}, 3);
    const auto conv = Conv2dOptions().stride(2).padding(1);
    const auto back = ConvTranspose2dOptions().stride(2).padding(1).output_padding({1, 0});
    const double lhs = xt::sum(conv2d(x, w, {}, conv).value() * y.value())();
    const double rhs = xt::sum(x.value() * conv_transpose2d(y, w, {}, back).value())();
    CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
}

TEST_CASE("a fused ReLU equals relu() after the op, and gradients agree on 1 and 2 threads") {
    auto x = random_tensor({5, 3, 8, 7}, 1), w = random_tensor({4, 3, 3, 3}, 2), b = random_tensor({4}, 3);
    auto wt = random_tensor({3, 2, 3, 3}, 4), bt = random_tensor({2}, 5);
    const auto conv = Conv2dOptions().padding(1);
    const auto up = ConvTranspose2dOptions().stride(2);
    CHECK(xt::allclose(conv2d(x, w, b, Conv2dOptions(conv).epilogue(Epilogue::relu)).value(), relu(conv2d(x, w, b, conv)).value()));
    CHECK(xt::allclose(conv_transpose2d(x, wt, bt, ConvTranspose2dOptions(up).epilogue(Epilogue::relu)).value(),
                       relu(conv_transpose2d(x, wt, bt, up)).value()));
    // Gradients of a two-layer net: on 2 threads the weight gradient is summed over two halves of the batch.
    auto w2 = random_tensor({4, 2, 3, 3}, 6);
    std::vector<xt::xarray<double>> grads[2];
    for (int threads : {1, 2}) {
        ThreadsFor t(threads);
        for (auto* p : {&x, &w, &b, &w2, &bt})
            p->zero_grad();
        auto y = conv_transpose2d(conv2d(x, w, b, Conv2dOptions(conv).epilogue(Epilogue::relu)), w2, bt, up);
        sum(y * y).backward();
        for (auto* p : {&x, &w, &b, &w2, &bt})
            grads[threads - 1].push_back(p->grad());
    }
    for (std::size_t i = 0; i < grads[0].size(); ++i)
        CHECK(xt::allclose(grads[0][i], grads[1][i], 1e-10, 1e-12));
}

TEST_CASE("pooling and upsampling on worked examples") {
    xt::xarray<double> v = {{{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}}}};
    Tensor<double> x(v);
    CHECK(max_pool2d(x, 2).value() == xt::xarray<double>({{{{6, 8}, {14, 16}}}}));
    CHECK(avg_pool2d(x, 2).value() == xt::xarray<double>({{{{3.5, 5.5}, {11.5, 13.5}}}}));
    // 3x3 windows with padding 1, stride 2: the corner window sees 1, 2, 5, 6 (+ five padded zeros)
    CHECK(avg_pool2d(x, 3, Pool2dOptions().stride(2).padding(1)).value()(0, 0, 0, 0) == doctest::Approx(14.0 / 9));
    CHECK(avg_pool2d(x, 3, Pool2dOptions().stride(2).padding(1).count_include_pad(false)).value()(0, 0, 0, 0) ==
          doctest::Approx(14.0 / 4));
    CHECK(max_pool2d(x, 3, Pool2dOptions().stride(2).padding(1)).value() == xt::xarray<double>({{{{6, 8}, {14, 16}}}}));
    CHECK(global_avg_pool2d(x).value()(0, 0) == 8.5);
    CHECK(global_avg_pool2d(x).shape() == Shape{1, 1});
    // A 7x7 input pools to 3x3 (the last row and column are dropped, as in Keras and PyTorch).
    CHECK(max_pool2d(random_tensor({1, 1, 7, 7}, 1), 2).shape() == Shape{1, 1, 3, 3});

    Tensor<double> small(xt::xarray<double>({{{{1, 2}, {3, 4}}}}));
    CHECK(upsample_nearest2d(small, 2).value() ==
          xt::xarray<double>({{{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}}}));
    // align_corners=false: rows sample at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    const xt::xarray<double> bilinear = {{{{1.0, 1.25, 1.75, 2.0}, {1.5, 1.75, 2.25, 2.5}, {2.5, 2.75, 3.25, 3.5},
                                           {3.0, 3.25, 3.75, 4.0}}}};
    CHECK(xt::allclose(upsample_bilinear2d(small, 2).value(), bilinear));
}

namespace {
// max_pool2d with a 2x2 window, written as the definition: scan each window in row-major order, keep the
// first maximum, let the last NaN win (PyTorch's rule: `val > max || isnan(val)`). Returns the pooled values and each window's winner (plane offset).
template <class T>
std::pair<xt::xarray<T>, std::vector<std::size_t>> reference_max_pool_2x2(const xt::xarray<T>& x) {
    const std::size_t planes = x.shape()[0] * x.shape()[1], H = x.shape()[2], W = x.shape()[3], Ho = H / 2, Wo = W / 2;
    xt::xarray<T> out = xt::xarray<T>::from_shape({x.shape()[0], x.shape()[1], Ho, Wo});
    std::vector<std::size_t> winners(out.size());
    for (std::size_t p = 0; p < planes; ++p)
        for (std::size_t o = 0; o < Ho * Wo; ++o) {
            const std::size_t oh = o / Wo, ow = o % Wo;
            std::size_t best = 2 * oh * W + 2 * ow;
            for (std::size_t at : {best, best + 1, best + W, best + W + 1}) {
                const T v = x.data()[p * H * W + at], b = x.data()[p * H * W + best];
                if (v > b || std::isnan(v))
                    best = at;
            }
            out.data()[p * Ho * Wo + o] = x.data()[p * H * W + best];
            winners[p * Ho * Wo + o] = best;
        }
    return {out, winners};
}

// Values from a small set (many ties, zeros of both signs) with a few NaNs.
template <class T> xt::xarray<T> tie_heavy(Shape shape, unsigned seed) {
    xt::xarray<T> x = xt::xarray<T>::from_shape(shape);
    std::mt19937 gen(seed);
    const T choices[] = {T(0), T(-0.0), T(1), T(2), T(2), T(-1), std::numeric_limits<T>::quiet_NaN()};
    std::discrete_distribution<int> pick({20, 5, 20, 20, 20, 10, 1});
    for (auto& v : x)
        v = choices[pick(gen)];
    return x;
}

template <class T> void check_max_pool_2x2(Shape shape, unsigned seed) {
    const xt::xarray<T> v = tie_heavy<T>(shape, seed);
    const auto [expected, winners] = reference_max_pool_2x2(v);
    Tensor<T> x(v, true);
    auto y = max_pool2d(x, 2);
    // Same values bit for bit (NaN where NaN, and the sign of a zero from the winning element).
    bool same = true;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const T a = y.value().data()[i], b = expected.data()[i];
        same = same && ((std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b)));
    }
    CHECK(same);
    // The gradient of sum(y * w) goes to each window's winner only.
    xt::xarray<T> w = xt::xarray<T>::from_shape(expected.shape());
    for (std::size_t i = 0; i < w.size(); ++i)
        w.data()[i] = T(i % 13 + 1);
    sum(y * Tensor<T>(w)).backward();
    xt::xarray<T> dx = xt::zeros<T>(v.shape());
    const std::size_t H = shape[2], W = shape[3], Ho = H / 2, Wo = W / 2;
    for (std::size_t i = 0; i < winners.size(); ++i)
        dx.data()[(i / (Ho * Wo)) * H * W + winners[i]] = w.data()[i];
    CHECK(x.grad() == dx);
}
} // namespace

TEST_CASE("max_pool2d 2x2 equals its definition on ties, signed zeros and NaN, forward and backward") {
    // The unrolled 2x2 forward and the backward against the definition; odd sizes leave a row and a column
    // in no window.
    for (const Shape& shape : {Shape{2, 3, 6, 6}, Shape{2, 2, 7, 35}, Shape{1, 4, 29, 16}, Shape{3, 1, 4, 50}}) {
        CAPTURE(shape_str(shape));
        check_max_pool_2x2<float>(shape, 7);
        check_max_pool_2x2<double>(shape, 8);
    }
}

TEST_CASE("max_pool2d's 2x2 gradient: 1 at each window's maximum, 0 elsewhere, even in a reused dirty buffer") {
    // A 5x5 plane: the last row and column are in no window. Backward writes dx into a buffer from the
    // pool, so one handed back full of NaN must still come out exactly right, those inputs included.
    xt::xarray<double> v = xt::xarray<double>::from_shape({1, 1, 5, 5});
    for (std::size_t i = 0; i < v.size(); ++i)
        v.data()[i] = static_cast<double>((i * 7) % 25);  // a permutation of 0..24: no ties
    Tensor<double> x(v, true);
    auto y = max_pool2d(x, 2);
    {
        xt::xarray<double> dirty = xt::xarray<double>::from_shape(v.shape());
        dirty.fill(std::numeric_limits<double>::quiet_NaN());
    }  // back to the pool, to be handed out next for this size
    sum(y).backward();
    xt::xarray<double> expected = xt::zeros<double>(v.shape());
    for (std::size_t winner : reference_max_pool_2x2(v).second)
        expected.data()[winner] = 1.0;
    CHECK(x.grad() == expected);
}

TEST_CASE("max_pool2d passes NaN on instead of hiding it") {
    Tensor<double> x(xt::xarray<double>({{{{1, NAN}, {3, 4}}}}));
    CHECK(std::isnan(max_pool2d(x, 2).value()(0, 0, 0, 0)));
}

TEST_CASE("image ops name themselves and the shapes on bad input") {
    auto x = random_tensor({2, 3, 8, 8}, 1);
    CHECK_THROWS_WITH_AS(conv2d(x, random_tensor({4, 2, 3, 3}, 2), {}),
                         doctest::Contains("conv2d: input channels differ from the weight's (axis 1): [2, 3, 8, 8] and [4, 2, 3, 3]"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(conv2d(random_tensor({2, 8, 8}, 1), random_tensor({4, 3, 3, 3}, 2), {}),
                         doctest::Contains("conv2d: expects input [N, C, H, W], got [2, 8, 8]"), ShapeError);
    CHECK_THROWS_WITH_AS(conv2d(x, random_tensor({4, 3, 9, 9}, 2), {}),
                         doctest::Contains("kernel is larger than the padded input"), ShapeError);
    CHECK_THROWS_WITH_AS(conv2d(x, random_tensor({4, 3, 3, 3}, 2), random_tensor({3}, 3)),
                         doctest::Contains("bias must be [out channels]"), ShapeError);
    CHECK_THROWS_WITH_AS(conv_transpose2d(x, random_tensor({3, 2, 3, 3}, 2), {}, ConvTranspose2dOptions().stride(2).output_padding(2)),
                         doctest::Contains("output_padding (2, 2) must be smaller than stride or dilation"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(max_pool2d(random_tensor({1, 1, 1, 1}, 1), 2), doctest::Contains("max_pool2d: a 2x2 window does not fit"),
                         ShapeError);
}
