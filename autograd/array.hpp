#pragma once
// aegrad's array type: an xtensor array whose memory comes from aegrad's buffer pool
// (<aegrad/autograd/buffer_pool.hpp>), so a training loop with fixed shapes stops asking the system for
// memory after its first step. Every value and gradient of a Tensor, every dataset and every batch is one.
//
// It is an ordinary xt::xarray with its own allocator: xtensor expressions mix it freely with a program's
// own xt::xarray, which keeps xtensor's default allocator. Nothing needs to be defined to use aegrad: its
// types are the same with or without XTENSOR_USE_XSIMD and -march flags, so a program may build with
// either (tests/install builds consumers both ways). Define XTENSOR_USE_XSIMD in your own build to make
// your own xtensor expressions fast; aegrad's compiled code has it on either way.
#include <xtensor/xarray.hpp>

#include <aegrad/autograd/buffer_pool.hpp>

namespace aegrad {

template <class T> using Array = xt::xarray<T, xt::layout_type::row_major, memory::PoolAllocator<T>>;

} // namespace aegrad
