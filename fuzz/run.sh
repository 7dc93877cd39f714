#!/usr/bin/env bash
# Builds the fuzz harnesses with clang (libFuzzer + ASan + UBSan) and runs
# each for SECONDS (default 60) seeded with the committed fixtures.
# Usage: fuzz/run.sh [SECONDS]      (or OAR_FUZZ_RUNS=N fuzz/run.sh: N inputs, fixed seed)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
# The host's objects, as CMakeLists.txt picks them on x86-64: not the aarch64
# NEON kernels (src/kernels/arm, compiled only for aarch64).
srcs=$(find src -name '*.c' -not -path 'src/api/compat/*' -not -path 'src/kernels/arm/*')
flags="-std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Isrc"
# Undefined behaviour stops the run (and saves the input) in the library's
# objects too, as in the harness.
objflags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
objs=()
mkdir -p "$out/obj"
# An object is rebuilt when it is missing, or older than its source or any
# header it included (the compiler's dependency list, $o.d): a struct
# changed in a header must not leave objects compiled with its old layout.
stale() {
  [ -f "$2" ] && [ -f "$2.d" ] || return 0
  [ "$1" -nt "$2" ] && return 0
  for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$2.d"); do
    [ "$dep" -nt "$2" ] && return 0
  done
  return 1
}
running=0
cores=$(nproc 2>/dev/null || echo 2)
# Objects built with other flags (by an older run.sh) are rebuilt.
if [ "$(cat "$out/obj/flags" 2>/dev/null)" != "$objflags" ]; then
  rm -f "$out"/obj/*.o
  echo "$objflags" >"$out/obj/flags"
fi
for f in $srcs; do
  o="$out/obj/$(echo "$f" | tr / _).o"
  # The ISA folders need their own flags, as in CMakeLists.txt.
  extra=$objflags
  case $f in
    src/kernels/x86/avx2/*) extra="$extra -mavx2 -mfma -mf16c -ffp-contract=fast" ;;
    src/kernels/x86/avx512/*) extra="$extra -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mf16c -ffp-contract=fast" ;;
    src/kernels/x86/avx512bf16/*) extra="$extra -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx512bf16 -mavx2 -mfma -mf16c -ffp-contract=fast" ;;
  esac
  if stale "$f" "$o"; then
    # One compile per core at a time (a failed one fails the script at its wait).
    if [ "$running" -ge "$cores" ]; then
      wait -n
      running=$((running - 1))
    fi
    running=$((running + 1))
    clang -std=c11 -D_GNU_SOURCE -DOAR_X86_KERNELS=1 -O1 -g $extra -Iinclude -Isrc -MMD -MF "$o.d" -c "$f" -o "$o" &
  fi
  objs+=("$o")
done
while [ "$running" -gt 0 ]; do
  wait -n
  running=$((running - 1))
done
clang $flags fuzz/fuzz_model_buffer.c "${objs[@]}" -lm -lpthread -o "$out/fuzz_model_buffer"
# The optimized model file's loader (src/frontend/oarfile), seeded with
# `oar opt` outputs of small fixtures (build/bin/oar; built first when
# missing). Byte 0 of an input is the harness's: 1 recomputes the
# checksums so that mutations reach the parser (see the harness).
clang $flags fuzz/fuzz_oarfile.c "${objs[@]}" -lm -lpthread -o "$out/fuzz_oarfile"
mkdir -p "$out/corpus_oarfile"
oar_bin=${OAR_BIN:-build/bin/oar}
if [ ! -x "$oar_bin" ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$cores" --target oar >/dev/null
fi
for d in tests/data/models/digits_cnn tests/data/models/rnn_jit_pir tests/data/ops/conv2d_basic \
         tests/data/ops/depthwise_conv2d_basic tests/data/ops/reshape2_shape_tensor tests/data/ops/slice_basic \
         tests/data/ops/batch_norm_nchw_pir tests/data/ops/pool2d_adaptive_avg_3x2; do
  [ -d "$d" ] || continue
  name=$(basename "$d")
  "$oar_bin" opt "$d" -o "$out/seed.oar" >/dev/null
  { printf '\001'; cat "$out/seed.oar"; } >"$out/corpus_oarfile/$name"
  # The same bytes unfixed: the checksum paths.
  { printf '\000'; cat "$out/seed.oar"; } >"$out/corpus_oarfile/$name.raw"
done
rm -f "$out/seed.oar"
# `oar quantize`'s ONNX reader and rewriter (tools/quantize/onnx_edit.c,
# libc only), seeded with ONNX files: the quantize fixtures and a few
# node-test models of the onnx wheel, when it is installed.
clang $flags -Itools fuzz/fuzz_onnx_edit.c tools/quantize/onnx_edit.c -o "$out/fuzz_onnx_edit"
mkdir -p "$out/corpus_onnx_edit"
for f in tests/data/cli/quantize/*.onnx; do
  [ -f "$f" ] && cp "$f" "$out/corpus_onnx_edit/$(basename "$f")"
done
python3 - "$out/corpus_onnx_edit" <<'PY' || true
import os, sys
import onnx
root = os.path.join(os.path.dirname(onnx.__file__), "backend/test/data/node")
for name in ["test_conv_with_strides_padding", "test_gemm_default_single_elem_vector_bias", "test_matmul_2d",
             "test_dequantizelinear_axis", "test_qlinearconv", "test_if"]:
    path = os.path.join(root, name, "model.onnx")
    if os.path.exists(path):
        open(os.path.join(sys.argv[1], name), "wb").write(open(path, "rb").read())
PY
# `oar serve`'s request parser (server/infer.c over cJSON), when cJSON's
# headers are installed (libcjson-dev; .ci/run installs it).
serve_fuzz=
if [ -f /usr/include/cjson/cJSON.h ]; then
  serve_fuzz="$out/fuzz_serve_request"
  clang $flags -Iserver fuzz/fuzz_serve_request.c server/infer.c "${objs[@]}" -lcjson -lm -lpthread -o "$serve_fuzz"
  mkdir -p "$out/corpus_serve"
  # Seeds: a JSON request, a binary one, a mixed one (byte 0: flags, bytes
  # 1-2: header length; see the harness).
  python3 - "$out/corpus_serve" <<'PY'
import json, struct, sys
def seed(name, flags, hdr, blob=b""):
    h = json.dumps(hdr, separators=(",", ":")).encode()
    open(sys.argv[1] + "/" + name, "wb").write(bytes([flags]) + struct.pack("<H", len(h) if flags & 1 else 0) + h + blob)
seed("json_batch", 0, {"id": "a", "inputs": [
    {"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [[1, 2.5, -3, 4e3]]},
    {"name": "y", "shape": [1, 2], "datatype": "INT64", "data": [7, -8]}],
    "outputs": [{"name": "x", "parameters": {"binary_data": True}}, {"name": "y"}]})
seed("binary_batch", 1, {"inputs": [
    {"name": "x", "shape": [2, 4], "datatype": "FP32", "parameters": {"binary_data_size": 32}},
    {"name": "y", "shape": [2, 2], "datatype": "INT64", "parameters": {"binary_data_size": 32}}],
    "parameters": {"binary_data_output": True, "timeout": 100}}, bytes(64))
seed("mixed_plain", 3, {"inputs": [
    {"name": "x", "shape": [2, 3], "datatype": "BOOL", "data": [True, False, True, False, True, False]},
    {"name": "y", "shape": [2], "datatype": "FP16", "parameters": {"binary_data_size": 4}},
    {"name": "z", "shape": [], "datatype": "UINT8", "data": [255]}]}, b"abcd")
PY
fi
# Seeds: small fixture programs with their params (the first byte puts the
# split where the program ends), legacy and Paddle 3 PIR (JSON), and ONNX files.
for d in tests/data/models/mnist_fc tests/data/ops/conv2d_basic tests/data/ops/reshape2_shape_tensor tests/data/ops/slice_basic \
         tests/data/ops/conv2d_basic_pir tests/data/ops/reshape2_shape_tensor_pir tests/data/ops/slice_ends_from_shape_pir \
         tests/data/ops/split_sections_minus1_pir tests/data/ops/shape_slice_full_pir tests/data/ops/batch_norm_nchw_pir \
         tests/data/ops/greedy_decode_loop tests/data/ops/while_nested_cond tests/data/ops/tensor_array_stack \
         tests/data/ops/while_nested_cond_pir tests/data/ops/tensor_array_stack_pir tests/data/ops/conditional_block_true_pir; do
  [ -f "$d/model.pdmodel" ] || [ -f "$d/model.json" ] || continue
  python3 - "$d" "$out/corpus/$(basename "$d")" <<'PY'
import sys
d, out = sys.argv[1], sys.argv[2]
import os
pir = not os.path.exists(d + "/model.pdmodel")
prog = open(d + ("/model.json" if pir else "/model.pdmodel"), "rb").read()
params = open(d + "/model.pdiparams", "rb").read() if os.path.exists(d + "/model.pdiparams") else b""
# The harness splits at 1 + b * (size - 1) / 255, in steps of 1/255 of the
# input. JSON may end in blanks: pad a PIR program until a split byte
# lands exactly on its end, so the seed loads and runs.
b = None
for pad in range(0, 4096 if pir and params else 1):
    n = len(prog) + pad
    for cand in range(256):
        if cand * (n + len(params)) // 255 == n:
            b, prog = cand, prog + b" " * pad
            break
    if b is not None:
        break
if b is None:
    b = max(0, min(255, round(len(prog) * 255 / (len(prog) + len(params)))))
open(out, "wb").write(bytes([b]) + prog + params)
PY
done
# ONNX seeds: a few node-test models from the onnx wheel, when it is installed.
python3 - "$out/corpus" <<'PY' || true
import glob, os, sys
import onnx
root = os.path.join(os.path.dirname(onnx.__file__), "backend/test/data/node")
for name in ["test_conv_with_strides_padding", "test_gemm_default_single_elem_vector_bias", "test_reshape_negative_dim",
             "test_slice", "test_resize_upsample_scales_nearest", "test_lstm_defaults", "test_gather_0",
             "test_reduce_mean_default_axes_keepdims_example", "test_einsum_batch_matmul", "test_softmax_axis_1",
             "test_if", "test_loop11", "test_qlinearconv", "test_qlinearmatmul_2D_uint8_float32",
             "test_convinteger_with_padding", "test_matmulinteger"]:
    path = os.path.join(root, name, "model.onnx")
    if os.path.exists(path):
        open(os.path.join(sys.argv[1], "onnx_" + name), "wb").write(b"\xff" + open(path, "rb").read())
PY
# ONNX Runtime's QOperator forms (com.microsoft QLinear* ops, QGemm).
for d in tests/data/models/qop_mix_ort_qop tests/data/models/digits_cnn_ort_qop; do
  if [ -f "$d/model.onnx" ]; then
    { printf '\377'; cat "$d/model.onnx"; } >"$out/corpus/onnx_$(basename "$d")"
  fi
done
# The dictionary gives the mutator PIR JSON's keys, op and type names.
# OAR_FUZZ_RUNS=N: exactly N inputs from a fixed seed on a corpus of the
# seeds alone, the same run on every machine (what CI does, so that its
# verdict can be reproduced); otherwise SECONDS of random search that grows
# the corpus in build-fuzz/corpus.
if [ -n "${OAR_FUZZ_RUNS:-}" ]; then
  rm -rf "$out/corpus.run" && cp -r "$out/corpus" "$out/corpus.run"
  "$out/fuzz_model_buffer" -runs="$OAR_FUZZ_RUNS" -seed=1 -rss_limit_mb=4096 -max_len=65536 \
    -dict=fuzz/pir_json.dict "$out/corpus.run"
  rm -rf "$out/corpus_oarfile.run" && cp -r "$out/corpus_oarfile" "$out/corpus_oarfile.run"
  "$out/fuzz_oarfile" -runs="$OAR_FUZZ_RUNS" -seed=1 -rss_limit_mb=4096 -max_len=65536 "$out/corpus_oarfile.run"
  rm -rf "$out/corpus_onnx_edit.run" && cp -r "$out/corpus_onnx_edit" "$out/corpus_onnx_edit.run"
  "$out/fuzz_onnx_edit" -runs="$OAR_FUZZ_RUNS" -seed=1 -rss_limit_mb=4096 -max_len=65536 "$out/corpus_onnx_edit.run"
  if [ -n "$serve_fuzz" ]; then
    rm -rf "$out/corpus_serve.run" && cp -r "$out/corpus_serve" "$out/corpus_serve.run"
    "$serve_fuzz" -runs="$OAR_FUZZ_RUNS" -seed=1 -rss_limit_mb=4096 -max_len=16384 -dict=fuzz/serve_request.dict \
      "$out/corpus_serve.run"
  fi
else
  "$out/fuzz_model_buffer" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -dict=fuzz/pir_json.dict \
    "$out/corpus"
  "$out/fuzz_oarfile" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 "$out/corpus_oarfile"
  "$out/fuzz_onnx_edit" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 "$out/corpus_onnx_edit"
  if [ -n "$serve_fuzz" ]; then
    "$serve_fuzz" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=16384 -dict=fuzz/serve_request.dict \
      "$out/corpus_serve"
  fi
fi
