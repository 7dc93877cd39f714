#!/usr/bin/env bash
# Cross builds, tested under an emulator:
#
#   scripts/cross-test.sh aarch64   # Debian's aarch64 cross compiler, tests under qemu-aarch64
#   scripts/cross-test.sh windows   # mingw-w64 (64-bit Windows), tests under wine
#
# Installs what is missing (apt-get), cross-builds into build-<target>/ with
# cmake/toolchains/<triple>.cmake (bindings and `oar serve` off), then runs
# the unit tests and every op and model fixture (run_case on tests/data/ops
# and tests/data/models: the ctest labels unit, op and model) through the
# emulator. On aarch64 it also prints `oar bench --profile` for the digits
# CNN, which names the NEON kernels that ran. Extra arguments go to ctest
# (e.g. -R gemm). OAR_CROSS_JOBS sets the parallelism (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
shift || true
case "$target" in
  aarch64)
    triple=aarch64-linux-gnu
    tools=(aarch64-linux-gnu-gcc)
    packages=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)
    ;;
  windows)
    triple=x86_64-w64-mingw32
    tools=(x86_64-w64-mingw32-gcc wine)
    packages=(gcc-mingw-w64-x86-64 wine wine64)
    ;;
  *)
    echo "usage: scripts/cross-test.sh aarch64|windows [ctest arguments]" >&2
    exit 2
    ;;
esac
jobs=${OAR_CROSS_JOBS:-$(nproc)}

missing=0
for t in "${tools[@]}"; do command -v "$t" >/dev/null || missing=1; done
if [ "$target" = aarch64 ]; then
  [ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ] || missing=1
  command -v qemu-aarch64-static >/dev/null || command -v qemu-aarch64 >/dev/null || missing=1
fi
command -v cmake >/dev/null || { missing=1; packages+=(cmake); }
if [ "$missing" = 1 ]; then
  echo "cross-test: installing ${packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

build=build-$target
start=$(date +%s)
# The toolchain file counts only when the folder is configured the first time.
toolchain=()
[ -f "$build/CMakeCache.txt" ] || toolchain=(-DCMAKE_TOOLCHAIN_FILE="cmake/toolchains/$triple.cmake")
cmake -S . -B "$build" "${toolchain[@]}" -DCMAKE_BUILD_TYPE=Release -DOAR_BUILD_BINDINGS=OFF \
  -DOAR_BUILD_SERVER=OFF >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null
echo "cross-test $target: built in $(($(date +%s) - start)) s"

if [ "$target" = windows ]; then
  # A wine prefix of our own inside the build folder, kept between runs;
  # one persistent wineserver for the whole test run (wine's start-up per
  # test program is what costs).
  export WINEPREFIX="$PWD/$build/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  mkdir -p "$WINEPREFIX"
  wineserver -p
  trap 'wineserver -k 2>/dev/null || true' EXIT
  wine cmd /c exit >/dev/null 2>&1 || true # creates the prefix on first use
fi

# Under wine a test program now and then fails to start at all (no output,
# 0.01 s; seen once in ~9000 runs, never reproduced): a test that fails is
# run once more there, and fails the stage only if it fails again.
retry=()
[ "$target" = windows ] && retry=(--repeat until-pass:2)
ctest --test-dir "$build" -L '^(unit|op|model)$' -j"$jobs" --output-on-failure "${retry[@]}" "$@"

if [ "$target" = aarch64 ] && [ $# -eq 0 ]; then
  qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
  echo "== oar bench --profile on tests/data/models/digits_cnn (aarch64, under $(basename "$qemu"))"
  "$qemu" -L /usr/aarch64-linux-gnu "$build/bin/oar" bench tests/data/models/digits_cnn --iters 3 --profile
fi
echo "cross-test $target: done in $(($(date +%s) - start)) s"
