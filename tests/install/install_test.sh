#!/bin/sh
# install.find_package / install.pkg_config: `cmake --install` of a built
# tree into a scratch prefix, then a user's project (tests/install/consumer)
# built against that prefix alone, and run on the digits CNN fixture (its
# scores against Paddle's).
#
#   install_test.sh MODE BUILD_DIR SCRATCH MODEL_DIR CC CXX [FLAGS]
#
# find_package (install.find_package): a CMake project with
#   find_package(oar) links oar::oar, oar::oar_static, oar::paddle_inference_c
#   and oar::paddle_inference.
# pkg_config (install.pkg_config): README.md's pkg-config compile lines
#   (C and C++, the static line with liboar.a -lm -lpthread, the Paddle C and
#   C++ APIs' .pc files), run as written but for the file names.
# build_tree (readme.compile_lines): README.md's compile lines against the
#   build tree (shared and static), run from the repository root.
# The README's `cc` / `c++` are CC / CXX; FLAGS (the sanitizer flags of an
# OAR_SANITIZE build, whose libraries need them) go to every compile.
set -eu
mode=$1
build=$2
scratch=$3
model=$4
cc=$5
cxx=$6
flags=${7:-}
here=$(cd "$(dirname "$0")" && pwd)
srcroot=$(cd "$here/../.." && pwd)
prefix=$scratch/prefix
rm -rf "$scratch"
mkdir -p "$scratch"
if [ "$mode" != build_tree ]; then
  cmake --install "$build" --prefix "$prefix" >"$scratch/install.log"
  # The installed tree must not point back into the source or build tree
  # (the scratch prefix itself may sit in the build tree).
  if grep -rn -e "$srcroot" -e "$(cd "$build" && pwd)" "$prefix/lib/cmake" "$prefix/lib/pkgconfig" |
    grep -v "$prefix"; then
    echo "FAIL: the lines above name the source or build tree"
    exit 1
  fi
fi

run() { # run PROGRAM: runs it on the fixture; its line says the comparison
  "$@" "$model" || { echo "FAIL: $*"; exit 1; }
}

case $mode in
find_package)
  cmake -S "$here/consumer" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >"$scratch/configure.log" ||
    { cat "$scratch/configure.log"; exit 1; }
  cmake --build "$scratch/consumer" -j2
  for p in consumer_c consumer_c_static consumer_cpp consumer_paddle_c consumer_paddle_cpp; do
    run "$scratch/consumer/$p"
  done
  # The static program needs no liboar.so: run it with the library gone.
  rm -f "$prefix"/lib*/liboar.so*
  run "$scratch/consumer/consumer_c_static"
  ;;
pkg_config | build_tree)
  # The README's own compile lines (the sh block after <!-- readme-test:
  # MODE -->), each compiling the consumer program its library is for:
  # app.c -> consumer.c (paddle_c.c for Paddle's C API), app.cpp ->
  # consumer.cpp, app.cc -> paddle_cpp.cc; `-o app` -> one program per line.
  marker=$(echo "$mode" | tr _ -)
  lines=$(awk -v m="<!-- readme-test: $marker -->" '$0 == m {on = 1; next}
    on && /^```/ {if (++fence == 2) exit; next} on && fence == 1' "$srcroot/README.md")
  [ -n "$lines" ] || { echo "FAIL: no sh block after <!-- readme-test: $marker --> in README.md"; exit 1; }
  if [ "$mode" = pkg_config ]; then
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    export LD_LIBRARY_PATH="$prefix/lib" # the README's other way: -Wl,-rpath,PREFIX/lib or ldconfig
    cd "$scratch"
  else
    cd "$srcroot"
  fi
  src=$here/consumer
  out=$scratch/bin
  mkdir -p "$out"
  n=0
  echo "$lines" >"$scratch/lines"
  while IFS= read -r line; do
    n=$((n + 1))
    case $line in
    *paddle_inference_c*) c_source=$src/paddle_c.c ;;
    *) c_source=$src/consumer.c ;;
    esac
    line=$(printf '%s\n' "$line" | sed -e "s| app\.cpp | $src/consumer.cpp |" -e "s| app\.cc | $src/paddle_cpp.cc |" \
      -e "s| app\.c | $c_source |" -e "s,-o app\( \|\$\),-o $out/p$n ," \
      -e 's|^cc |"$cc" $flags |' -e 's|^c++ |"$cxx" $flags |')
    if [ "$mode" = build_tree ]; then
      line=$(printf '%s\n' "$line" | sed -e "s|\\\$PWD/build/|$build/|g" -e "s| build/| $build/|g" -e "s|-Lbuild/|-L$build/|g")
    fi
    echo "+ $line"
    eval "$line" || { echo "FAIL: README.md's line $n did not build"; exit 1; }
    run "$out/p$n"
  done <"$scratch/lines"
  # The static lines' programs need no liboar.so: none is NEEDED, and
  # (installed) they run with it gone.
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    case $line in *liboar.a*) ;; *) continue ;; esac
    if readelf -d "$out/p$n" | grep -q 'NEEDED.*liboar'; then
      echo "FAIL: README.md's static line $n made a program that needs liboar.so"
      exit 1
    fi
    if [ "$mode" = pkg_config ]; then
      rm -f "$prefix"/lib*/liboar.so*
      run "$out/p$n"
    fi
  done <"$scratch/lines"
  ;;
*)
  echo "unknown mode $mode"
  exit 2
  ;;
esac
echo "PASS $mode"
