#!/usr/bin/env bash
# Builds oar, generates the large test models and the model zoo if they are
# missing (needs paddlepaddle from requirements-dev.txt; cached outside the
# clone, see scripts/model_cache.py), and runs every test with CTest.
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

have_paddle=false
python3 -c 'import paddle' 2>/dev/null && have_paddle=true

# generated_models SET DESCRIPTION GENERATOR...: the models of tests/data/SET, made by
# running GENERATOR... OUT_DIR with paddle when missing. tests/data/SET is a link into the
# model cache outside the clone (scripts/model_cache.py: a directory per hash of the
# generator scripts and paddle's version), so other checkouts and later runs reuse them; a
# real directory there (an older checkout's) is used in place. Generation goes to a
# temporary directory renamed when complete, so an interrupted run leaves nothing half made.
generated_models() {
  local set=$1 what=$2 link=tests/data/$1 dir tmp
  shift 2
  if [ -d "$link" ] && [ ! -L "$link" ]; then
    dir=$link
    [ -f "$dir/.complete" ] && return 0
  elif [ "$have_paddle" = true ]; then
    dir=$(python3 scripts/model_cache.py "$set")
    if [ -f "$dir/.complete" ]; then
      ln -sfn "$dir" "$link"
      return 0
    fi
  fi
  if [ "$have_paddle" != true ]; then
    [ -f "$link/.complete" ] && return 0 # a link made earlier: no paddle to tell whether it is current
    if [ "${CI:-}" = true ]; then
      echo "== paddle is not installed, and CI=true needs $what (pip install -r requirements-dev.txt)"
      exit 1
    fi
    echo "== paddle is not installed: $what are missing (meta.test_list skips, naming them)"
    return 0
  fi
  echo "== generating $what with paddle into $dir"
  if [ "$dir" = "$link" ]; then
    "$@" "$dir"
  else
    tmp=$dir.tmp.$$
    rm -rf "$tmp"
    mkdir -p "$tmp"
    "$@" "$tmp"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    ln -sfn "$dir" "$link"
  fi
  touch "$dir/.complete"
}

generated_models large "the large test models (ResNet-50, MobileNetV2/V3, BERT-base)" \
  python3 scripts/gen_fixtures.py --large-only --out
if [ ! -L tests/data/large ] && [ -f tests/data/large/.complete ] && [ ! -f tests/data/large/resnet50_pir/case.txt ] \
  && [ "$have_paddle" = true ]; then
  # Trees generated in place before the Paddle 3 PIR twins existed: add only those.
  echo "== generating the PIR forms of the large test models (resnet50_pir, mobilenet_v2_pir, mobilenet_v3_large_pir, bert_base_pir)"
  python3 scripts/gen_fixtures.py --large-only --out tests/data/large --only '*_pir'
fi
generated_models zoo "the zoo models (scripts/gen_zoo.py, docs/model-zoo.md)" python3 scripts/gen_zoo.py --out
# After the large models, which it quantizes.
generated_models quant "the quantized zoo (scripts/gen_quant_zoo.py)" \
  python3 scripts/gen_quant_zoo.py --large tests/data/large

# The Python found now (the .venv above, or another), not the one an older
# configure of this build directory remembered.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DOAR_PYTHON3="$(command -v python3)" "$@"
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
