#!/bin/sh
# install.find_package / install.pkg_config: `cmake --install` of a built
# tree into a scratch prefix, then a user's project (tests/install/consumer)
# built against that prefix alone, and run on the digits CNN fixture (its
# scores against Paddle's).
#
#   install_test.sh find_package BUILD_DIR SCRATCH MODEL_DIR CC CXX
#   install_test.sh pkg_config   BUILD_DIR SCRATCH MODEL_DIR CC CXX
#
# find_package: a CMake project with find_package(oar) links oar::oar,
# oar::oar_static, oar::paddle_inference_c and oar::paddle_inference.
# pkg_config: the README's compile lines, `pkg-config --cflags --libs oar`
# (C and C++), the static line (liboar.a -lm -lpthread), and the Paddle C and
# C++ APIs' .pc files.
set -eu
mode=$1
build=$2
scratch=$3
model=$4
cc=$5
cxx=$6
here=$(cd "$(dirname "$0")" && pwd)
prefix=$scratch/prefix
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"

# The installed tree must not point back into the source or build tree
# (the scratch prefix itself may sit in the build tree).
if grep -rn -e "$(cd "$here/../.." && pwd)" -e "$(cd "$build" && pwd)" "$prefix/lib/cmake" "$prefix/lib/pkgconfig" |
  grep -v "$prefix"; then
  echo "FAIL: the lines above name the source or build tree"
  exit 1
fi

run() { # run PROGRAM: runs it on the fixture; its line says the comparison
  "$@" "$model" || { echo "FAIL: $*"; exit 1; }
}

case $mode in
find_package)
  cmake -S "$here/consumer" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release >"$scratch/configure.log" ||
    { cat "$scratch/configure.log"; exit 1; }
  cmake --build "$scratch/consumer" -j2
  for p in consumer_c consumer_c_static consumer_cpp consumer_paddle_c consumer_paddle_cpp; do
    run "$scratch/consumer/$p"
  done
  # The static program needs no liboar.so: run it with the library gone.
  rm -f "$prefix"/lib*/liboar.so*
  run "$scratch/consumer/consumer_c_static"
  ;;
pkg_config)
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
  libdir=$(pkg-config --variable=libdir oar)
  src=$here/consumer
  out=$scratch/bin
  mkdir -p "$out"
  set -x
  # shellcheck disable=SC2046 # word splitting of pkg-config's output is wanted
  "$cc" -std=c11 -O2 "$src/consumer.c" -o "$out/consumer_c" $(pkg-config --cflags --libs oar) -lm -Wl,-rpath,"$libdir"
  "$cc" -std=c11 -O2 "$src/consumer.c" -o "$out/consumer_c_static" $(pkg-config --cflags oar) "$libdir/liboar.a" -lm -lpthread
  "$cxx" -std=c++17 -O2 "$src/consumer.cpp" -o "$out/consumer_cpp" $(pkg-config --cflags --libs oar) -Wl,-rpath,"$libdir"
  "$cc" -std=c11 -O2 "$src/paddle_c.c" -o "$out/consumer_paddle_c" $(pkg-config --cflags --libs paddle_inference_c) -lm -Wl,-rpath,"$libdir"
  "$cxx" -std=c++14 -O2 "$src/paddle_cpp.cc" -o "$out/consumer_paddle_cpp" $(pkg-config --cflags --libs paddle_inference) -Wl,-rpath,"$libdir"
  set +x
  for p in consumer_c consumer_c_static consumer_cpp consumer_paddle_c consumer_paddle_cpp; do
    run "$out/$p"
  done
  rm -f "$prefix"/lib*/liboar.so*
  run "$out/consumer_c_static"
  ;;
*)
  echo "unknown mode $mode"
  exit 2
  ;;
esac
echo "PASS install.$mode"
