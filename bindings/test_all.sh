#!/usr/bin/env bash
# Builds and tests every language binding of oar:
#   C (Paddle-compatible libpaddle_inference_c), C++ (oar.hpp) and Paddle's
#   C++ API (libpaddle_inference, its Paddle-style demo programs)
#            CMake + CTest (label "bindings")
#   Python   `pip install .` into a virtual environment, then pytest
#   Python compatibility   the Paddle model zoos' own predictor code
#            (bindings/python/tests/compat) on oar and, where paddle is
#            importable, on Paddle Inference, compared (run_compat.py)
#   Go       go test: the oar package, Paddle's Go API package, and a Paddle Go program
#   R        R CMD INSTALL into a private library, then the package's tests
# A missing toolchain (go, R) is skipped with a message, except under CI
# (CI=true), where it fails. Every suite runs even when an earlier one fails;
# the last line sums them up.
# Usage: bindings/test_all.sh [BUILD_DIR]   (default build-bindings)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build-bindings}
case $build in /*) ;; *) build=$root/$build ;; esac
jobs=${OAR_JOBS:-$(nproc 2>/dev/null || echo 2)}
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs

passed=0
failed=0
failed_names=()
suite() { # suite NAME COMMAND...: runs one suite and counts it
  local name=$1
  shift
  echo "== bindings: $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "== bindings: $name FAILED"
  fi
}
missing_tool() { # missing_tool NAME HINT
  if [ "${CI:-}" = true ]; then
    echo "== bindings: $1 is not installed ($2); CI needs it"
    failed=$((failed + 1))
    failed_names+=("$1 (not installed)")
  else
    echo "== bindings: $1 is not installed ($2): its tests are skipped"
  fi
}

# ---- C, Paddle C API, C++, Paddle C++ API -----------------------------------------------------
c_and_cpp() {
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release &&
    cmake --build "$build" -j"$jobs" --target oar_bindings &&
    ctest --test-dir "$build" --output-on-failure -L bindings
}
suite "C (Paddle C API), C++ and Paddle C++ API" c_and_cpp

# ---- Python ------------------------------------------------------------------------
python_suite() {
  local venv=$build/venv py
  # --system-site-packages: reuse numpy / pytest where the system has them.
  if [ -x "$venv/bin/python" ] || python3 -m venv --system-site-packages "$venv"; then
    py=$venv/bin/python
    "$py" -m pip install -q --upgrade . || return 1
  else
    echo "python3 -m venv is unavailable: installing with --user"
    py=python3
    "$py" -m pip install -q --user --upgrade . || return 1
  fi
  "$py" -c 'import pytest' 2>/dev/null || "$py" -m pip install -q pytest || return 1
  # -rs prints why a test was skipped (the paddle comparison without paddle).
  # From the repository root: `import oar` must find the installed package,
  # not the source folder (which has no liboar.so).
  # Under CI the compiled hot path oar._fast must have been built (Python's
  # headers are installed there); elsewhere its tests skip without it.
  "$py" -c 'import oar; print("oar._fast:", oar._fast)'
  (cd "$root" && OAR_REQUIRE_FAST=${OAR_REQUIRE_FAST:-$([ "${CI:-}" = true ] && echo 1)} \
    "$py" -m pytest -q -rs -p no:cacheprovider --ignore=bindings/python/tests/compat bindings/python/tests)
}
suite "Python" python_suite

# ---- Python compatibility: Paddle users' deployment code ------------------------------
compat_suite() {
  # The venv the Python suite installed oar into (with the system's paddle,
  # if any: the comparison with Paddle Inference is skipped without it).
  local py=$build/venv/bin/python
  [ -x "$py" ] || py=python3
  (cd "$root" && "$py" -m pytest -q -rs -p no:cacheprovider bindings/python/tests/compat)
}
suite "Python compatibility (PaddleOCR/Detection/Clas/Seg, Inference-Demo)" compat_suite

# ---- Go ------------------------------------------------------------------------------
go_suite() {
  export CGO_LDFLAGS="-L$build/lib -Wl,-rpath,$build/lib"
  export GOFLAGS=-mod=mod GOPROXY=off GOCACHE=$build/go/cache GOPATH=$build/go/path
  (cd bindings/go/oar && go vet ./... && go test -count=1 ./...) &&
    (cd bindings/go/paddle && go vet ./... && go test -count=1 ./...) &&
    (cd bindings/go/paddle_example && go run . "$root/tests/data/models/mnist_fc")
}
if command -v go >/dev/null; then
  suite "Go" go_suite
else
  missing_tool go "apt-get install golang"
fi

# ---- R -----------------------------------------------------------------------------
r_suite() {
  local lib=$build/r/lib src=$build/r/src
  rm -rf "$src" && mkdir -p "$lib" "$src" && cp -R bindings/r/oar/. "$src" || return 1
  OAR_INCLUDE_DIR=$root/include OAR_LIB_DIR=$build/lib R CMD INSTALL --library="$lib" "$src" || return 1
  R_LIBS=$lib Rscript "$src/tests/test_oar.R" "$root/tests/data/models"
}
if command -v R >/dev/null && command -v Rscript >/dev/null; then
  suite "R" r_suite
else
  missing_tool R "apt-get install r-base-core"
fi

if [ "$failed" -gt 0 ]; then
  echo "== bindings: failed: ${failed_names[*]}"
fi
echo "bindings: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
