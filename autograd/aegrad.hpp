#pragma once
// Everything in autograd/: include this one header to use the tape.
#include "autograd/activations.hpp"
#include "autograd/blas_runtime.hpp"
#include "autograd/elementwise.hpp"
#include "autograd/errors.hpp"
#include "autograd/grad_mode.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/linalg.hpp"
#include "autograd/losses.hpp"
#include "autograd/random_ops.hpp"
#include "autograd/reductions.hpp"
#include "autograd/shape_ops.hpp"
#include "autograd/tensor.hpp"
