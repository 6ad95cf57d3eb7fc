#pragma once
// Penalties a loss adds to shape what an autoencoder's codes learn, each a scalar averaged over the batch:
//   sparse:      the L1 norm of the codes, or the KL divergence of each code unit's mean activation to a
//                small target (Ng's sparse autoencoder);
//   contractive: the squared Frobenius norm of the coding layer's Jacobian (Rifai et al. 2011), so the
//                codes change little when the input does.
// Each is composed of differentiable ops, so its gradient needs no code of its own.
#include <aegrad/autograd/tensor.hpp>
#include <aegrad/nn/activation_kind.hpp>

namespace aegrad::nn {

/// mean over the batch of sum_j |h_j|: codes [B, n].
template <class T> Tensor<T> l1_activity(const Tensor<T>& codes);

/// sum_j KL(target || q_j), q_j the batch mean of unit j (values in (0, 1), e.g. sigmoid codes, clipped to
/// [1e-7, 1 - 1e-7]): sum_j target log(target / q_j) + (1 - target) log((1 - target) / (1 - q_j)).
template <class T> Tensor<T> kl_sparsity(const Tensor<T>& codes, double target);

/// ||d h / d x||_F^2 of a dense layer h = f(x W + b), W [in, out], averaged over the batch. In closed form
/// sum_j f'(z_j)^2 sum_i W_ij^2, with f' read off the layer's output h: sigmoid h (1 - h), tanh 1 - h^2,
/// relu 1 where h > 0, none 1. Other activations throw.
template <class T> Tensor<T> contractive_penalty(const Tensor<T>& h, const Tensor<T>& weight, Activation activation);

} // namespace aegrad::nn
