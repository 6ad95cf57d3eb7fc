#pragma once
// Everything in data/: dataset files in, batches out, and figures.
#include <aegrad/data/atomic_file.hpp>
#include <aegrad/data/csv.hpp>
#include <aegrad/data/data_error.hpp>
#include <aegrad/data/dataset.hpp>
#include <aegrad/data/idx.hpp>
#include <aegrad/data/npy.hpp>
#include <aegrad/data/npz.hpp>
#include <aegrad/data/loader.hpp>
#include <aegrad/data/mnist.hpp>
#include <aegrad/data/png.hpp>
#include <aegrad/data/rows.hpp>
#include <aegrad/data/scaler.hpp>
#include <aegrad/data/svg_plot.hpp>
#include <aegrad/data/ticks.hpp>
