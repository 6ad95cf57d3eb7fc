#pragma once
// aegrad in one include: the tape (autograd/), data in and out (data/), modules and training (nn/), and the
// autoencoders (models/). Each area also has a header of its own, <aegrad/nn/nn.hpp> and so on, and each
// idea one header below it, for a program that wants less.
//
// Build with the flags `pkg-config --cflags --libs aegrad` prints, or link CMake's aegrad::aegrad
// (find_package(aegrad CONFIG)): nothing else needs defining (see <aegrad/autograd/array.hpp>).
#include <aegrad/autograd/autograd.hpp>
#include <aegrad/data/data.hpp>
#include <aegrad/models/models.hpp>
#include <aegrad/nn/nn.hpp>
