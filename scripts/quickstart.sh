#!/usr/bin/env bash
# One command on a fresh machine: install the build tools, build oar, and
# classify a bundled 8x8 digit with a CNN trained by PaddlePaddle (the engine
# itself needs no Paddle), printing the top-5 classes and the latency.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v cc >/dev/null || need+=(build-essential)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  $sudo_cmd apt-get install -y --no-install-recommends "${need[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

sample=${1:-examples/digits/sample_0.npy}
echo "== model: tests/data/models/digits_cnn ($(head -n 1 tests/data/models/digits_cnn/ACCURACY.txt))"
label=$(awk -v f="$(basename "$sample")" '$1 == f {print $2}' examples/digits/labels.txt)
echo "== input: $sample (true label: ${label:-unknown})"
build/bin/oar run tests/data/models/digits_cnn --input "$sample"
build/bin/oar bench tests/data/models/digits_cnn --batch 1 --iters 200 | tail -n 4
