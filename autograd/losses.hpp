#pragma once
// Loss functions as ops: each returns a scalar (shape []) averaged over the batch, and its backward is
// written directly (not composed), which is both faster and numerically safer.
#include <vector>

#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// mean((prediction - target)^2) over every element. Shapes must be equal.
template <class T> Tensor<T> mse_loss(const Tensor<T>& prediction, const Tensor<T>& target);

/// mean(mask (prediction - target)^2) over the masked elements only: sum(mask e^2) / sum(mask), for a loss
/// restricted to the values a masking noise hid. mask holds 0 and 1 (or weights >= 0) in prediction's
/// shape; with nothing masked the loss is 0.
template <class T> Tensor<T> masked_mse_loss(const Tensor<T>& prediction, const Tensor<T>& target, const Array<T>& mask);

/// Binary cross-entropy of probabilities p in [0, 1] against targets in [0, 1], mean over every element:
/// -(t log p + (1 - t) log(1 - p)), each log clamped at -100 as PyTorch's binary_cross_entropy does, so a
/// saturated sigmoid gives a large finite loss instead of infinity.
template <class T> Tensor<T> binary_cross_entropy(const Tensor<T>& p, const Tensor<T>& target);

/// Binary cross-entropy of sigmoid(logits) against targets in [0, 1], mean over every element:
/// max(x, 0) - x t + log(1 + exp(-|x|)), which never overflows.
template <class T> Tensor<T> bce_with_logits(const Tensor<T>& logits, const Tensor<T>& target);

/// Cross-entropy of softmax(logits [B, C]) against integer class labels (B of them, each in [0, C)),
/// mean over the batch.
template <class T> Tensor<T> cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels);

/// KL(N(mu, exp(log_var)) || N(0, I)) of a diagonal Gaussian per sample, summed over the code
/// dimensions and averaged over the batch: -0.5 * sum(1 + log_var - mu^2 - exp(log_var)).
/// mu and log_var: [B, d].
template <class T> Tensor<T> gaussian_kl(const Tensor<T>& mu, const Tensor<T>& log_var);

} // namespace aegrad
