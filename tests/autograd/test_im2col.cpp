// The data movement under convolutions (autograd/detail/im2col.hpp), checked directly: im2col against its
// definition, col2im as its adjoint (<im2col(x), c> = <x, col2im(c)>), both on the whole-plane shifted path
// (stride 1, 'same') and the general one, on 1 and 2 threads; and the layout conversions.
#include <random>
#include <vector>

#include <aegrad/autograd/detail/im2col.hpp>
#include "helpers.hpp"

using namespace aegrad;
using namespace aegrad::detail;  // the kernels under test
using aegrad::testing::random_values;
using aegrad::testing::ThreadsFor;

namespace {

ConvGeometry geometry(std::size_t c, std::size_t h, std::size_t w, std::size_t k, std::size_t stride, std::size_t pad,
                      std::size_t dilation) {
    ConvGeometry g{c, h, w, k, k, stride, stride, pad, pad, dilation, dilation, 0, 0};
    g.out_h = conv_output_size(h, k, stride, pad, dilation);
    g.out_w = conv_output_size(w, k, stride, pad, dilation);
    return g;
}

// col[(c, i, j), (n, oh, ow)] by definition.
double column_entry(const std::vector<double>& images, std::size_t batch, const ConvGeometry& g, std::size_t row,
                    std::size_t column) {
    const std::size_t c = row / (g.kernel_h * g.kernel_w), i = row / g.kernel_w % g.kernel_h, j = row % g.kernel_w;
    const std::size_t n = column / g.positions(), oh = column % g.positions() / g.out_w, ow = column % g.out_w;
    (void)batch;
    const long ih = long(oh * g.stride_h + i * g.dilation_h) - long(g.pad_h);
    const long iw = long(ow * g.stride_w + j * g.dilation_w) - long(g.pad_w);
    if (ih < 0 || iw < 0 || ih >= long(g.height) || iw >= long(g.width))
        return 0;
    return images[((n * g.channels + c) * g.height + std::size_t(ih)) * g.width + std::size_t(iw)];
}

} // namespace

TEST_CASE("im2col matches its definition and col2im is its adjoint, on both paths and thread counts") {
    struct Case {
        const char* name;
        ConvGeometry g;
    };
    const Case cases[] = {
        {"3x3 same (shifted planes)", geometry(3, 5, 4, 3, 1, 1, 1)},
        {"3x3 same on 3x3 images (shifted planes)", geometry(4, 3, 3, 3, 1, 1, 1)},
        {"5x5 dilated same (shifted planes)", geometry(2, 7, 6, 3, 1, 2, 2)},
        {"stride 2, padding 1 (general)", geometry(2, 7, 5, 3, 2, 1, 1)},
        {"no padding (general)", geometry(3, 6, 6, 3, 1, 0, 1)},
    };
    const std::size_t batch = 3;
    for (const auto& c : cases)
        for (int threads : {1, 2}) {
            CAPTURE(c.name);
            CAPTURE(threads);
            ThreadsFor t(threads);
            const auto& g = c.g;
            const std::size_t cols = batch * g.positions();
            const auto images = random_values(batch * g.image_size(), 1);
            std::vector<double> col(g.rows() * cols);
            im2col(images.data(), batch, g, col.data());
            for (std::size_t r = 0; r < g.rows(); ++r)
                for (std::size_t k = 0; k < cols; ++k)
                    REQUIRE(col[r * cols + k] == column_entry(images, batch, g, r, k));

            // <im2col(x), y> = <x, col2im(y)> for a random y; col2im may zero y's padding entries, which
            // im2col's output holds as zeros anyway.
            auto y = random_values(col.size(), 2);
            double lhs = 0;
            for (std::size_t k = 0; k < col.size(); ++k)
                lhs += col[k] * y[k];
            std::vector<double> back(images.size(), 0.0);
            col2im(y.data(), batch, g, back.data());
            double rhs = 0;
            for (std::size_t k = 0; k < images.size(); ++k)
                rhs += images[k] * back[k];
            CHECK(lhs == doctest::Approx(rhs).epsilon(1e-12));
        }
}

TEST_CASE("im2col on images smaller than the kernel's reach writes its column matrix and nothing past it") {
    // A shift of a whole row or more past the image: the shifted path once filled zeros beyond the row's end.
    const ConvGeometry cases[] = {geometry(1, 1, 1, 3, 1, 1, 1), geometry(2, 2, 2, 5, 1, 2, 1), geometry(1, 1, 3, 3, 1, 1, 1),
                                  geometry(1, 3, 1, 3, 1, 1, 1), geometry(1, 1, 1, 3, 1, 2, 2)};
    for (const auto& g : cases)
        for (std::size_t batch : {1, 2})
            for (int threads : {1, 2}) {
                CAPTURE(g.height);
                CAPTURE(g.width);
                CAPTURE(g.kernel_h);
                CAPTURE(batch);
                CAPTURE(threads);
                ThreadsFor t(threads);
                const std::size_t cols = batch * g.positions(), guard = 64;
                const auto images = random_values(batch * g.image_size(), 5);
                std::vector<double> col(g.rows() * cols + guard, -7.0);
                im2col(images.data(), batch, g, col.data());
                for (std::size_t r = 0; r < g.rows(); ++r)
                    for (std::size_t k = 0; k < cols; ++k)
                        REQUIRE(col[r * cols + k] == column_entry(images, batch, g, r, k));
                for (std::size_t k = g.rows() * cols; k < col.size(); ++k)
                    REQUIRE(col[k] == -7.0);  // the guard past the end is untouched
                std::vector<double> back(images.size() + guard, -7.0);
                col2im(col.data(), batch, g, back.data());
                for (std::size_t k = images.size(); k < back.size(); ++k)
                    REQUIRE(back[k] == -7.0);
            }
}

TEST_CASE("Layout conversions round-trip, add the bias, gate and sum per channel") {
    const std::size_t N = 3, C = 4, P = 5;
    const auto x = random_values(N * C * P, 3);
    std::vector<double> cm(x.size()), back(x.size());
    to_channel_major(x.data(), N, C, P, cm.data());
    CHECK(cm[(2 * N + 1) * P + 3] == x[(1 * C + 2) * P + 3]);  // [c=2, n=1, p=3] from [n=1, c=2, p=3]
    const std::vector<double> bias{1, 2, 3, 4};
    to_batch_major(cm.data(), N, C, P, bias.data(), back.data());
    for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(back[i] == doctest::Approx(x[i] + bias[i / P % C]));
    to_batch_major(cm.data(), N, C, P, static_cast<const double*>(nullptr), back.data(), Epilogue::relu);
    for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(back[i] == std::max(x[i], 0.0));
    to_channel_major(x.data(), N, C, P, cm.data(), x.data());  // gated by itself: the positive part
    CHECK(cm[(2 * N + 1) * P + 3] == std::max(x[(1 * C + 2) * P + 3], 0.0));
    std::vector<double> sums(C);
    sum_per_channel(x.data(), N, C, P, false, sums.data());
    double want = 0;
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t p = 0; p < P; ++p)
            want += x[(n * C + 1) * P + p];
    CHECK(sums[1] == doctest::Approx(want));
    std::vector<double> counting(19);
    for (std::size_t i = 0; i < counting.size(); ++i)
        counting[i] = double(i + 1);
    CHECK(lane_sum(counting.data(), counting.size()) == 190.0);  // 19 values: two full lanes of 8 and a tail
    CHECK(conv_output_size(28, 3, 1, 1, 1) == 28);
    CHECK(conv_output_size(7, 3, 2, 0, 1) == 3);
    CHECK(conv_output_size(2, 3, 1, 0, 1) == 0);  // the kernel does not fit
}
