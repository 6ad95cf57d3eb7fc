#pragma once
// Everything in nn/: modules, layers, losses, optimizers, schedules, summaries and files.
#include "nn/activation.hpp"
#include "nn/dense.hpp"
#include "nn/init.hpp"
#include "nn/losses.hpp"
#include "nn/lr_schedule.hpp"
#include "nn/module.hpp"
#include "nn/noise_layers.hpp"
#include "nn/optimizer.hpp"
#include "nn/safetensors.hpp"
#include "nn/sequential.hpp"
#include "nn/shape_layers.hpp"
#include "nn/summary.hpp"
