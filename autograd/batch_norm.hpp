#pragma once
// Batch normalisation as one op: each channel of x is standardised by its mean and variance, then scaled
// and shifted by gamma and beta. In training the statistics are the batch's, and the running statistics
// (what evaluation uses) move towards them; in evaluation the running statistics are used as they are.
#include <aegrad/autograd/epilogue.hpp>
#include <aegrad/autograd/options.hpp>
#include <aegrad/autograd/tensor.hpp>

namespace aegrad {

/// PyTorch's conventions: running = (1 - momentum) running + momentum batch, the running variance takes the
/// unbiased batch variance while normalisation uses the biased one, eps is added to the variance.
struct BatchNormOptions {
    AEGRAD_OPTION(bool, training, true)
    AEGRAD_OPTION(double, momentum, 0.1)
    AEGRAD_OPTION(double, eps, 1e-5)
    AEGRAD_OPTION(Epilogue, epilogue, Epilogue::none)  // a ReLU after the normalisation, fused into it
};

/// x [B, C] or [B, C, H, W]; gamma and beta [C] (either may be undefined: 1 and 0); running_mean and
/// running_var [C], updated in place in training (either may be null: not tracked). Evaluation needs both.
/// y = gamma (x - mean) / sqrt(var + eps) + beta, with statistics over every axis but the channel's, then the
/// epilogue.
template <class T>
Tensor<T> batch_norm(const Tensor<T>& x, const Tensor<T>& gamma, const Tensor<T>& beta, typename Tensor<T>::Array* running_mean,
                     typename Tensor<T>::Array* running_var, const BatchNormOptions& options = {});

} // namespace aegrad
