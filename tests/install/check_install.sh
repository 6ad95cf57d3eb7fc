#!/usr/bin/env bash
# Installs aegrad from BUILD_ROOT into a temporary folder and builds a small program outside the tree
# against it both ways, with the flags pkg-config prints (plus xsimd and -march=native, as a program that
# wants fast xtensor code of its own would) and with CMake's find_package (no extra flags at all); runs both.
#   check_install.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

meson install -C "$build" --no-rebuild --quiet --destdir "$work/root" > "$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "meson install"; }
pc=$(find "$work/root" -name aegrad.pc | head -n 1)
[[ -n $pc ]] || fail "no aegrad.pc was installed"
prefix=$(cd "$(dirname "$pc")/../../.." && pwd)  # .pc files live in <prefix>/<libdir>/pkgconfig
[[ -f $prefix/include/aegrad/aegrad.hpp ]] || fail "no include/aegrad/aegrad.hpp under $prefix"
[[ ! -e $prefix/include/aegrad/autograd/detail ]] || fail "the private kernels (autograd/detail) were installed"
soname=$(find "$prefix" -name 'libaegrad.so.0' | head -n 1)
[[ -n $soname ]] || fail "no libaegrad.so.0 (the versioned SONAME) was installed"
libdir=$(dirname "$soname")

export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs aegrad)
echo "pkg-config --cflags --libs aegrad: $flags"
[[ $flags != *-include* ]] || fail "pkg-config's flags force-include a header"
includes_prefix=no
for flag in $flags; do
  [[ $flag == -I* && -d ${flag#-I} && $(cd "${flag#-I}" && pwd) == "$prefix/include" ]] && includes_prefix=yes
done
[[ $includes_prefix == yes ]] || fail "pkg-config's include folder is not the install prefix's"
cp "$src/tests/install/consumer/main.cpp" "$work/main.cpp"
# shellcheck disable=SC2086
g++ -std=c++17 -O1 -DXTENSOR_USE_XSIMD -march=native "$work/main.cpp" -o "$work/consumer-pkgconfig" $flags \
  || fail "the pkg-config consumer did not build"
LD_LIBRARY_PATH=$libdir "$work/consumer-pkgconfig" || fail "the pkg-config consumer failed"

cmake -S "$src/tests/install/consumer" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  > "$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "cmake could not configure the consumer"; }
cmake --build "$work/cmake" > "$work/cmake-build.log" 2>&1 || { cat "$work/cmake-build.log"; fail "the CMake consumer did not build"; }
LD_LIBRARY_PATH=$libdir "$work/cmake/consumer" || fail "the CMake consumer failed"
echo "installed aegrad works from pkg-config and from CMake"
