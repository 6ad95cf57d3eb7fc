// Anomaly mode: the first op whose output, or whose gradient, is not finite is named with its scope and
// the first bad index; off, NaN flows as before.
#include <limits>

#include "helpers.hpp"
#include <aegrad/autograd/anomaly.hpp>
#include <aegrad/autograd/name_scope.hpp>

using namespace aegrad;

TEST_CASE("Anomaly mode names the op, its scope and the index where a forward value first goes bad") {
    DetectAnomalyGuard on;
    Tensor<float> x(xt::xarray<float>{{1.f, 2.f}, {-3.f, 4.f}}, true);
    try {
        NameScope decoder("decoder");
        NameScope layer("1");
        Tensor<float> y = log(x * 2.0f);  // log(-6) is NaN; the product before it is finite
        FAIL("no anomaly reported");
    } catch (const AnomalyError& e) {
        CHECK(e.where() == "decoder.1/log");
        CHECK(e.index() == std::vector<std::size_t>{1, 0});
        const std::string message = e.what();
        CHECK(message.find("forward of decoder.1/log produced") != std::string::npos);
        CHECK(message.find("nan at [1, 0] of its [2, 2] output") != std::string::npos);
        CHECK(message.find("from finite inputs") != std::string::npos);
    }
}

TEST_CASE("Anomaly mode says when a non-finite value came in from an input") {
    DetectAnomalyGuard on;
    Tensor<float> x(xt::xarray<float>{1.f, std::numeric_limits<float>::infinity()});
    x.set_label("x");
    try {
        exp(x);
        FAIL("no anomaly reported");
    } catch (const AnomalyError& e) {
        CHECK(e.where() == "exp");
        CHECK(std::string(e.what()).find("its input 0 (leaf 'x') already holds inf at [1]") != std::string::npos);
    }
}

TEST_CASE("Anomaly mode names the op whose backward first produces a non-finite gradient") {
    DetectAnomalyGuard on;
    SUBCASE("sqrt at 0: a finite value, an infinite derivative") {
        Tensor<double> x(xt::xarray<double>{4.0, 0.0, 1.0}, true);
        Tensor<double> loss = sum(sqrt(x) * 3.0);
        try {
            loss.backward();
            FAIL("no anomaly reported");
        } catch (const AnomalyError& e) {
            CHECK(e.where() == "sqrt");
            CHECK(e.index() == std::vector<std::size_t>{1});
            CHECK(std::string(e.what()).find("for its input 0 (a leaf)") != std::string::npos);
        }
    }
    SUBCASE("a product's gradient written into the source of a transposed weight overflows") {
        Tensor<float> x(xt::xarray<float>(xt::xarray<float>::shape_type{2, 1}, 3e38f));
        Tensor<float> w(xt::xarray<float>(xt::xarray<float>::shape_type{1, 1}, 1e-10f), true);
        w.set_label("encoder.weight");
        Tensor<float> loss;
        {
            NameScope scope("decoder");
            loss = sum(matmul(x, transpose(w)));  // 6e28: finite; d/dw = 6e38 overflows float
        }
        try {
            loss.backward();
            FAIL("no anomaly reported");
        } catch (const AnomalyError& e) {
            CHECK(e.where() == "decoder/matmul");
            CHECK(std::string(e.what()).find("leaf 'encoder.weight'") != std::string::npos);
        }
    }
}

TEST_CASE("Off, non-finite values flow through without a check; the guard restores the mode") {
    CHECK_FALSE(detect_anomaly_enabled());
    Tensor<float> x(xt::xarray<float>{-1.f}, true);
    Tensor<float> y = log(x);
    CHECK(std::isnan(y.value()(0)));
    {
        DetectAnomalyGuard on;
        CHECK(detect_anomaly_enabled());
        CHECK_THROWS_AS(log(x), AnomalyError);
    }
    CHECK_FALSE(detect_anomaly_enabled());
}
