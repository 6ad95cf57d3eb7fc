#pragma once
// AEGRAD_ASAN is 1 in a build under AddressSanitizer, with either compiler: GCC defines
// __SANITIZE_ADDRESS__, clang only answers __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define AEGRAD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AEGRAD_ASAN 1
#endif
#endif
#ifndef AEGRAD_ASAN
#define AEGRAD_ASAN 0
#endif
