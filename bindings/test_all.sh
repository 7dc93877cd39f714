#!/usr/bin/env bash
# Builds and tests every language binding of oar:
#   C (Paddle-compatible libpaddle_inference_c), C++ (oar.hpp) and Paddle's
#   C++ API (libpaddle_inference, its Paddle-style demo programs)
#            CMake + CTest (label "bindings")
#   Python   the wheel (scripts/build_wheel.sh) into a fresh virtual
#            environment: the README's Python blocks and pytest; again in a
#            venv with the system's packages (paddle comparisons)
#   Python compatibility   the Paddle model zoos' own predictor code
#            (bindings/python/tests/compat) on oar and, where paddle is
#            importable, on Paddle Inference, compared (run_compat.py)
#   Go       go test: the oar package, Paddle's Go API package, a Paddle Go
#            program, and oar_example (a module outside oar's, via replace)
#   R        R CMD INSTALL into a private library, then the package's tests;
#            R CMD check (help pages; no ERROR or WARNING)
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
# The wheel a user installs (scripts/build_wheel.sh: pip wheel through
# scikit-build-core, auditwheel repair), built once and tested twice:
#   "Python wheel": a fresh virtual environment with nothing but the wheel
#     and what it depends on (numpy from PyPI), then the README's Python
#     blocks and the Python tests (the comparisons with paddle skip there);
#   "Python": the same wheel in a venv that sees the system's packages
#     (paddle, when installed), so the comparisons with Paddle run too.
wheel=
build_wheel() {
  wheel=$(scripts/build_wheel.sh "$build/wheelhouse" | tail -1) && [ -f "$wheel" ] && echo "wheel: $wheel"
}
python_tests() { # python_tests PYTHON
  "$1" -c 'import pytest' 2>/dev/null || "$1" -m pip install -q pytest || return 1
  # -rs prints why a test was skipped (the paddle comparison without paddle).
  # From the repository root: `import oar` must find the installed package,
  # not the source folder (which has no liboar.so).
  # Under CI the compiled hot path oar._fast must have been built (Python's
  # headers are installed there); elsewhere its tests skip without it.
  "$1" -c 'import oar; print("oar._fast:", oar._fast)'
  (cd "$root" && OAR_REQUIRE_FAST=${OAR_REQUIRE_FAST:-$([ "${CI:-}" = true ] && echo 1)} \
    "$1" -m pytest -q -rs -p no:cacheprovider --ignore=bindings/python/tests/compat bindings/python/tests)
}
python_wheel_suite() {
  [ -n "$wheel" ] || return 1
  local venv=$build/wheel-venv py
  rm -rf "$venv"
  python3 -m venv "$venv" || return 1
  py=$venv/bin/python
  "$py" -m pip install -q "$wheel" || return 1
  # One version from include/oar/oar.h: the distribution's and oar.__version__.
  (cd / && "$py" -c 'import importlib.metadata as m, oar, sys
d = m.version("oar-inference")
print("oar-inference", d, "oar.__version__", oar.__version__, "from", oar.__file__)
sys.exit(d != oar.__version__)') || return 1
  "$py" tests/readme_blocks.py README.md "$py" || return 1
  python_tests "$py"
}
python_suite() {
  [ -n "$wheel" ] || return 1
  local venv=$build/venv py
  # --system-site-packages: reuse numpy / pytest / paddle where the system has them.
  if [ -x "$venv/bin/python" ] || python3 -m venv --system-site-packages "$venv"; then
    py=$venv/bin/python
    # `oar` was this package's distribution name before oar-inference.
    "$py" -m pip uninstall -q -y oar 2>/dev/null
    "$py" -m pip install -q --force-reinstall --no-deps "$wheel" || return 1
  else
    echo "python3 -m venv is unavailable: installing with --user"
    py=python3
    "$py" -m pip install -q --user --force-reinstall --no-deps "$wheel" || return 1
  fi
  python_tests "$py"
}
suite "Python wheel build" build_wheel
suite "Python wheel in a fresh venv (README blocks, tests)" python_wheel_suite
suite "Python with the system's packages (paddle comparisons)" python_suite

# ---- Python compatibility: Paddle users' deployment code ------------------------------
compat_suite() {
  # The venv the Python suite installed oar into (with the system's paddle,
  # if any: the comparison with Paddle Inference is skipped without it).
  local py=$build/venv/bin/python
  [ -x "$py" ] || py=python3
  (cd "$root" && "$py" -m pytest -q -rs -p no:cacheprovider bindings/python/tests/compat)
}
suite "Python compatibility (PaddleOCR/Detection/Clas/Seg, Inference-Demo)" compat_suite

# ---- Offline batch inference: oar's Python API inside Ray Data (local mode) ---------------
ray_batch_suite() {
  # The venv of the Python suite sees the system's packages: ray[data] and
  # scikit-learn from requirements-dev.txt. The example checks its own answers.
  local py=$build/venv/bin/python
  [ -x "$py" ] || py=python3
  (cd "$root" && "$py" examples/batch/ray_digits.py)
}
suite "Ray Data batch inference example (examples/batch)" ray_batch_suite

# ---- Go ------------------------------------------------------------------------------
go_suite() {
  export CGO_LDFLAGS="-L$build/lib -Wl,-rpath,$build/lib"
  export GOFLAGS=-mod=mod GOPROXY=off GOCACHE=$build/go/cache GOPATH=$build/go/path
  (cd bindings/go/oar && go vet ./... && go test -count=1 ./...) &&
    (cd bindings/go/paddle && go vet ./... && go test -count=1 ./...) &&
    (cd bindings/go/paddle_example && go run . "$root/tests/data/models/mnist_fc") &&
    (cd bindings/go/oar_example && go vet ./... &&
      go run . "$root/tests/data/models/digits_cnn" "$root/tests/data/models/digits_cnn/in_x.npy" \
        "$root/tests/data/models/digits_cnn/out_softmax_0.tmp_0.npy")
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
  R_LIBS=$lib Rscript "$src/tests/test_oar.R" "$root/tests/data/models" || return 1
  # R CMD check (help pages, code/documentation agreement, the tests):
  # no ERROR and no WARNING.
  local chk=$build/r/check
  rm -rf "$chk" && mkdir -p "$chk" || return 1
  (cd "$chk" && R CMD build --no-build-vignettes "$root/bindings/r/oar" >build.log 2>&1) || {
    cat "$chk/build.log"
    return 1
  }
  (cd "$chk" && OAR_INCLUDE_DIR=$root/include OAR_LIB_DIR=$build/lib OAR_TEST_MODELS=$root/tests/data/models \
    R CMD check --no-manual oar_*.tar.gz >check.log 2>&1)
  local rc=$?
  grep -E '^Status:|(WARNING|ERROR)$' "$chk/check.log"
  if [ $rc -ne 0 ] || grep -qE '^Status: .*(WARNING|ERROR)' "$chk/check.log"; then
    cat "$chk/check.log"
    return 1
  fi
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
