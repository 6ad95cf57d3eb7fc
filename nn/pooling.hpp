#pragma once
// Pooling and upsampling layers (no parameters): MaxPool2d, AvgPool2d, GlobalAvgPool2d, Upsample.
#include <aegrad/autograd/pooling.hpp>
#include <aegrad/autograd/upsampling.hpp>
#include <aegrad/nn/module.hpp>

namespace aegrad::nn {

/// [B, C, H, W] -> [B, C, H / k, W / k] (floor) with the default stride = kernel.
template <class T> class BasicMaxPool2d : public BasicModule<T> {
public:
    explicit BasicMaxPool2d(Size2 kernel, Pool2dOptions options = {}) : kernel_(kernel), options_(options) {}
    Tensor<T> forward(const Tensor<T>& x) override { return max_pool2d(x, kernel_, options_); }
    std::string type_name() const override { return "MaxPool2d"; }
    Size2 kernel() const { return kernel_; }
    const Pool2dOptions& options() const { return options_; }

private:
    Size2 kernel_;
    Pool2dOptions options_;
};

template <class T> class BasicAvgPool2d : public BasicModule<T> {
public:
    explicit BasicAvgPool2d(Size2 kernel, Pool2dOptions options = {}) : kernel_(kernel), options_(options) {}
    Tensor<T> forward(const Tensor<T>& x) override { return avg_pool2d(x, kernel_, options_); }
    std::string type_name() const override { return "AvgPool2d"; }
    Size2 kernel() const { return kernel_; }
    const Pool2dOptions& options() const { return options_; }

private:
    Size2 kernel_;
    Pool2dOptions options_;
};

/// [B, C, H, W] -> [B, C]: the mean of each channel.
template <class T> class BasicGlobalAvgPool2d : public BasicModule<T> {
public:
    Tensor<T> forward(const Tensor<T>& x) override { return global_avg_pool2d(x); }
    std::string type_name() const override { return "GlobalAvgPool2d"; }
};

enum class UpsampleMode { nearest, bilinear };

/// [B, C, H, W] -> [B, C, H sh, W sw], by pixel repetition (nearest) or bilinear interpolation.
template <class T> class BasicUpsample : public BasicModule<T> {
public:
    explicit BasicUpsample(Size2 scale, UpsampleMode mode = UpsampleMode::nearest) : scale_(scale), mode_(mode) {}
    Tensor<T> forward(const Tensor<T>& x) override {
        return mode_ == UpsampleMode::nearest ? upsample_nearest2d(x, scale_) : upsample_bilinear2d(x, scale_);
    }
    std::string type_name() const override {
        return mode_ == UpsampleMode::nearest ? "Upsample(nearest)" : "Upsample(bilinear)";
    }

private:
    Size2 scale_;
    UpsampleMode mode_;
};

using MaxPool2d = BasicMaxPool2d<float>;
using AvgPool2d = BasicAvgPool2d<float>;
using GlobalAvgPool2d = BasicGlobalAvgPool2d<float>;
using Upsample = BasicUpsample<float>;

} // namespace aegrad::nn
