// Finite-difference gradient checks, in double, for the image ops: convolutions over strides, paddings,
// dilations and odd sizes; pooling; upsampling. Named "gradcheck: <op>" so meson lists one test per op.
#include "helpers.hpp"

using namespace aegrad;
using aegrad::testing::random_tensor;
using In = std::vector<Tensor<double>>;

namespace {
// A conv2d case: input [N, Cin, H, W], weight [Cout, Cin, kh, kw].
struct ConvCase {
    const char* name;
    Shape x, w;
    Conv2dOptions options;
};
} // namespace

TEST_CASE("gradcheck: conv2d") {
    const ConvCase cases[] = {
        {"3x3, stride 1, no padding", {2, 2, 5, 5}, {3, 2, 3, 3}, Conv2dOptions()},
        {"3x3 same padding", {2, 1, 4, 4}, {2, 1, 3, 3}, Conv2dOptions().padding(1)},
        {"stride 2, odd size 7x5", {1, 2, 7, 5}, {2, 2, 3, 3}, Conv2dOptions().stride(2).padding(1)},
        {"dilation 2", {1, 2, 7, 7}, {2, 2, 3, 3}, Conv2dOptions().dilation(2).padding(2)},
        {"rectangular kernel, stride and padding", {2, 3, 6, 5}, {2, 3, 2, 3}, Conv2dOptions().stride({2, 1}).padding({0, 1})},
        {"1x1 kernel", {2, 3, 3, 4}, {4, 3, 1, 1}, Conv2dOptions()},
        {"padding larger than the kernel reach", {1, 1, 3, 3}, {1, 1, 2, 2}, Conv2dOptions().padding(2).stride(3)},
    };
    for (const auto& c : cases) {
        SUBCASE(c.name) {
            const auto options = c.options;
            CHECK_GRADCHECK([options](const In& v) { return conv2d(v[0], v[1], v[2], options); },
                            {random_tensor(c.x, 1), random_tensor(c.w, 2), random_tensor({c.w[0]}, 3)});
            CHECK_GRADCHECK([options](const In& v) { return conv2d(v[0], v[1], Tensor<double>(), options); },
                            {random_tensor(c.x, 4), random_tensor(c.w, 5)});
        }
    }
}

TEST_CASE("gradcheck: conv_transpose2d") {
    struct Case {
        const char* name;
        Shape x, w;
        ConvTranspose2dOptions options;
    };
    const Case cases[] = {
        {"stride 1", {2, 2, 3, 3}, {2, 3, 3, 3}, ConvTranspose2dOptions()},
        {"stride 2 valid (3 -> 7)", {2, 2, 3, 3}, {2, 2, 3, 3}, ConvTranspose2dOptions().stride(2)},
        {"stride 2 same (4 -> 8)", {1, 3, 4, 4}, {3, 2, 3, 3}, ConvTranspose2dOptions().stride(2).padding(1).output_padding(1)},
        {"dilation 2, odd 5x3", {1, 2, 5, 3}, {2, 2, 3, 3}, ConvTranspose2dOptions().dilation(2).padding(1)},
        {"rectangular stride and kernel", {2, 2, 3, 4}, {2, 1, 2, 3}, ConvTranspose2dOptions().stride({3, 2}).padding({1, 0})},
    };
    for (const auto& c : cases) {
        SUBCASE(c.name) {
            const auto options = c.options;
            CHECK_GRADCHECK([options](const In& v) { return conv_transpose2d(v[0], v[1], v[2], options); },
                            {random_tensor(c.x, 1), random_tensor(c.w, 2), random_tensor({c.w[1]}, 3)});
            CHECK_GRADCHECK([options](const In& v) { return conv_transpose2d(v[0], v[1], Tensor<double>(), options); },
                            {random_tensor(c.x, 4), random_tensor(c.w, 5)});
        }
    }
}

TEST_CASE("gradcheck: conv2d+relu and conv_transpose2d+relu") {
    SUBCASE("conv2d") {
        CHECK_GRADCHECK([](const In& v) { return conv2d(v[0], v[1], v[2], Conv2dOptions().padding(1).epilogue(Epilogue::relu)); },
                        {random_tensor({2, 2, 5, 4}, 1), random_tensor({3, 2, 3, 3}, 2), random_tensor({3}, 3)});
    }
    SUBCASE("conv_transpose2d") {
        CHECK_GRADCHECK(
            [](const In& v) { return conv_transpose2d(v[0], v[1], v[2], ConvTranspose2dOptions().stride(2).epilogue(Epilogue::relu)); },
            {random_tensor({2, 2, 3, 4}, 4), random_tensor({2, 3, 3, 3}, 5), random_tensor({3}, 6)});
    }
}

TEST_CASE("gradcheck: max_pool2d") {
    SUBCASE("2x2, odd input 7x5 (floor)") {
        CHECK_GRADCHECK([](const In& v) { return max_pool2d(v[0], 2); }, {random_tensor({2, 3, 7, 5}, 1)});
    }
    SUBCASE("3x3 stride 2 padding 1") {
        CHECK_GRADCHECK([](const In& v) { return max_pool2d(v[0], 3, Pool2dOptions().stride(2).padding(1)); },
                        {random_tensor({1, 2, 6, 6}, 2)});
    }
    SUBCASE("overlapping windows, rectangular") {
        CHECK_GRADCHECK([](const In& v) { return max_pool2d(v[0], {2, 3}, Pool2dOptions().stride(1)); },
                        {random_tensor({2, 1, 4, 5}, 3)});
    }
}

TEST_CASE("gradcheck: avg_pool2d") {
    SUBCASE("2x2, odd input") { CHECK_GRADCHECK([](const In& v) { return avg_pool2d(v[0], 2); }, {random_tensor({2, 2, 5, 7}, 1)}); }
    SUBCASE("padding, counted") {
        CHECK_GRADCHECK([](const In& v) { return avg_pool2d(v[0], 3, Pool2dOptions().stride(2).padding(1)); },
                        {random_tensor({1, 2, 5, 5}, 2)});
    }
    SUBCASE("padding, not counted") {
        CHECK_GRADCHECK([](const In& v) { return avg_pool2d(v[0], 3, Pool2dOptions().stride(2).padding(1).count_include_pad(false)); },
                        {random_tensor({1, 2, 5, 6}, 3)});
    }
}

TEST_CASE("gradcheck: global_avg_pool2d") {
    CHECK_GRADCHECK([](const In& v) { return global_avg_pool2d(v[0]); }, {random_tensor({3, 2, 3, 5}, 1)});
}

TEST_CASE("gradcheck: upsample_nearest2d") {
    SUBCASE("x2") { CHECK_GRADCHECK([](const In& v) { return upsample_nearest2d(v[0], 2); }, {random_tensor({2, 2, 3, 3}, 1)}); }
    SUBCASE("x(3, 2)") { CHECK_GRADCHECK([](const In& v) { return upsample_nearest2d(v[0], {3, 2}); }, {random_tensor({1, 2, 2, 3}, 2)}); }
}

TEST_CASE("gradcheck: upsample_bilinear2d") {
    SUBCASE("x2") { CHECK_GRADCHECK([](const In& v) { return upsample_bilinear2d(v[0], 2); }, {random_tensor({2, 2, 3, 3}, 1)}); }
    SUBCASE("x(3, 2), odd sizes") { CHECK_GRADCHECK([](const In& v) { return upsample_bilinear2d(v[0], {3, 2}); }, {random_tensor({1, 2, 3, 5}, 2)}); }
}

TEST_CASE("gradcheck: a small conv autoencoder*") {
    // conv -> relu -> pool -> transpose conv, every parameter checked at once.
    CHECK_GRADCHECK(
        [](const In& v) {
            auto h = max_pool2d(relu(conv2d(v[0], v[1], v[2], Conv2dOptions().padding(1))), 2);
            return conv_transpose2d(h, v[3], v[4], ConvTranspose2dOptions().stride(2).padding(1).output_padding(1));
        },
        {random_tensor({2, 1, 6, 6}, 1), random_tensor({3, 1, 3, 3}, 2), random_tensor({3}, 3),
         random_tensor({3, 1, 3, 3}, 4), random_tensor({1}, 5)});
}
