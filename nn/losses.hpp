#pragma once
// Losses as objects, for code that passes a loss around; the functions themselves live in autograd/.
#include <vector>

#include <aegrad/autograd/losses.hpp>

namespace aegrad::nn {

using aegrad::bce_with_logits;
using aegrad::cross_entropy;
using aegrad::mse_loss;

/// mean((prediction - target)^2)
struct MSELoss {
    template <class T> Tensor<T> operator()(const Tensor<T>& prediction, const Tensor<T>& target) const {
        return mse_loss(prediction, target);
    }
};

/// Binary cross-entropy on logits (apply no sigmoid before it).
struct BCEWithLogitsLoss {
    template <class T> Tensor<T> operator()(const Tensor<T>& logits, const Tensor<T>& target) const {
        return bce_with_logits(logits, target);
    }
};

/// Cross-entropy of logits [B, C] against integer labels.
struct CrossEntropyLoss {
    template <class T> Tensor<T> operator()(const Tensor<T>& logits, const std::vector<int>& labels) const {
        return cross_entropy(logits, labels);
    }
};

} // namespace aegrad::nn
