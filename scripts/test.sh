#!/usr/bin/env bash
# Builds oar, generates the large test models if they are missing (needs
# paddlepaddle from requirements-dev.txt), and runs every test with CTest.
# Usage: scripts/test.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)

# The test models and reference outputs come from paddlepaddle, onnx and
# paddle2onnx (requirements-dev.txt; the engine needs none of them). Without
# them here, a virtual environment .venv gets them once, so that this one
# command runs the whole suite on a fresh machine; OAR_NO_VENV=1 skips that
# (the suites that need them are then skipped, each named, or fail under CI).
if ! python3 -c 'import paddle, onnx' 2>/dev/null && [ "${OAR_NO_VENV:-}" != 1 ]; then
  if ! .venv/bin/python3 -c 'import paddle, onnx' 2>/dev/null; then
    echo "== paddle / onnx are not installed: setting up .venv from requirements-dev.txt (once)"
    if ! { python3 -m venv .venv && .venv/bin/python3 -m pip install -q -r requirements-dev.txt; }; then
      echo "== could not set up .venv (python3-venv, or PyPI, missing?): the large-model, zoo and ONNX suites will be skipped"
      [ "${CI:-}" = true ] && exit 1
    fi
  fi
  if .venv/bin/python3 -c 'import paddle, onnx' 2>/dev/null; then
    export PATH="$PWD/.venv/bin:$PATH" # cmake's find_program(python3) and the generators below
  fi
fi

if [ ! -f tests/data/large/.complete ]; then
  if python3 -c 'import paddle' 2>/dev/null; then
    echo "== generating large test models (ResNet-50, MobileNetV2/V3) with paddle"
    python3 scripts/gen_fixtures.py --large-only --out tests/data/large
    touch tests/data/large/.complete
  elif [ "${CI:-}" = true ]; then
    echo "== paddle is not installed, and CI=true needs the large-model tests (pip install -r requirements-dev.txt)"
    exit 1
  else
    echo "== paddle is not installed: the large-model tests are missing (meta.test_list skips, naming them)"
  fi
elif [ ! -f tests/data/large/resnet50_pir/case.txt ] && python3 -c 'import paddle' 2>/dev/null; then
  # Trees generated before the Paddle 3 PIR twins existed: add only those.
  echo "== generating the PIR forms of the large test models (resnet50_pir, mobilenet_v2_pir, mobilenet_v3_large_pir, bert_base_pir)"
  python3 scripts/gen_fixtures.py --large-only --out tests/data/large --only '*_pir'
fi

# The Python found now (the .venv above, or another), not the one an older
# configure of this build directory remembered.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DOAR_PYTHON3="$(command -v python3)" "$@"
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
