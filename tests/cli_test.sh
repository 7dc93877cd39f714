#!/bin/sh
# Tests of the `oar` command line program, run by CTest (tests/CMakeLists.txt).
#
#   cli_test.sh info OAR CASE_DIR          `oar info` on a fixture model: exit 0, names shown
#   cli_test.sh run OAR CASE_DIR OUT_DIR RUN_CASE
#                                          `oar run` writes OUT_DIR/<output>.npy per output, whose
#                                          values, dtypes and shapes `RUN_CASE --outputs-from`
#                                          checks against the case's expected outputs; a
#                                          truncated or missing input file fails with its path
#   cli_test.sh opt OAR CASE_DIR OUT_DIR RUN_CASE
#                                          `oar opt` writes OUT_DIR/model.oar and its op list;
#                                          `oar run` on model.oar gives the case's expected
#                                          outputs (RUN_CASE --outputs-from); a truncated and a
#                                          corrupted copy fail naming what is wrong
#   cli_test.sh bench OAR CASE_DIR         `oar bench --iters 3`: exit 0, latency printed
#   cli_test.sh unsupported OAR DIR INPUT  a model with op types oar lacks: `oar info` lists them all
#                                          and succeeds, `oar run` fails with the same list
#   cli_test.sh version OAR                `oar --version`
#   cli_test.sh missing-model OAR PATH     a model that does not exist: exit 1, PATH in the message
#   cli_test.sh unknown-command OAR        exit 2
#   cli_test.sh bad-usage OAR              malformed command lines: exit 2
#   cli_test.sh quantize-errors OAR DATA_DIR SCRATCH
#                                          `oar quantize` on bad calibration data and models
#                                          (DATA_DIR: tests/data/cli/quantize): exit 1 and the
#                                          exact message of each
#
# Values written by `oar run` are checked by run_case --outputs-from.
set -u
set -f # tensor names are not globs

mode=${1:?mode}
oar=${2:?path of the oar program}
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect CODE NEEDLE CMD...: runs CMD, checks its exit code and, when NEEDLE
# is not empty, that stdout or stderr contains it.
expect() {
  want_code=$1
  needle=$2
  shift 2
  out=$("$@" 2>&1)
  code=$?
  if [ "$code" -ne "$want_code" ]; then
    fail "'$*' exited $code, expected $want_code; output:
$out"
    return 1
  fi
  if [ -n "$needle" ]; then
    case $out in
      *"$needle"*) ;;
      *)
        fail "'$*' output lacks '$needle':
$out"
        return 1
        ;;
    esac
  fi
  return 0
}

resolve() { # path relative to the case directory
  case $1 in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$case_dir" "$1" ;;
  esac
}

TAB=$(printf '\t')
NL='
'

# Reads CASE_DIR/case.txt into model, params, inputs ("name<TAB>file" lines)
# and outputs (names, one a line).
read_case() {
  case_dir=$1
  model=
  params=
  inputs=
  outputs=
  if [ ! -f "$case_dir/case.txt" ]; then
    fail "$case_dir/case.txt does not exist"
    return 1
  fi
  while read -r kw a b; do
    case $kw in
      model) model=$(resolve "$a") ;;
      params) params=$(resolve "$a") ;;
      input) inputs="$inputs$a$TAB$(resolve "$b")$NL" ;;
      output) outputs="$outputs$a$NL" ;;
    esac
  done <"$case_dir/case.txt"
  [ -n "$model" ] || fail "$case_dir/case.txt names no model"
}

# Sets $cmd (newline-separated words) to: oar SUBCOMMAND MODEL [--params P].
base_command() {
  set_cmd_sub=$1
  if [ -n "$params" ]; then
    cmd="$oar$NL$set_cmd_sub$NL$model$NL--params$NL$params"
  else
    cmd="$oar$NL$set_cmd_sub$NL$model"
  fi
}

# Appends one argument to $cmd (newline-separated; names hold no newlines).
add_arg() { cmd="$cmd$NL$1"; }
# run_case_inputs DIR: `oar run` on $model with the case's inputs, writing
# its outputs to DIR; expects exit 0.
run_case_inputs() {
  base_command run
  old_ifs=$IFS
  IFS=$NL
  for entry in $inputs; do
    add_arg --input
    add_arg "${entry%%"$TAB"*}=${entry#*"$TAB"}"
  done
  IFS=$old_ifs
  add_arg --output-dir
  add_arg "$1"
  run_code=0
  run_needle=
  run_cmd
}

# run_cmd: runs $cmd split at newlines, expecting exit $run_code and $run_needle.
run_cmd() {
  old_ifs=$IFS
  IFS=$NL
  # shellcheck disable=SC2086 # split at newlines on purpose
  set -- $cmd
  IFS=$old_ifs
  expect "$run_code" "$run_needle" "$@"
}

# The shape of a .npy file as AxBxC, read from its header.
npy_shape() {
  head -c 4096 "$1" | tr -d '\000' | grep -a -o "'shape': ([0-9, ]*)" | head -n 1 |
    sed -e "s/'shape': (//" -e 's/)//' -e 's/ //g' -e 's/,$//' -e 's/,/x/g'
}

safe_name() { printf '%s' "$1" | sed 's/[^A-Za-z0-9._-]/_/g'; }

case $mode in
  info)
    read_case "${3:?case dir}" || exit 1
    base_command info
    run_code=0
    run_needle=parameters
    run_cmd
    old_ifs=$IFS
    IFS=$NL
    for entry in $inputs; do
      name=${entry%%"$TAB"*}
      case $out in *"$name"*) ;; *) fail "oar info does not list input $name" ;; esac
    done
    for name in $outputs; do
      case $out in *"$name"*) ;; *) fail "oar info does not list output $name" ;; esac
    done
    IFS=$old_ifs
    ;;

  run)
    read_case "${3:?case dir}" || exit 1
    out_dir=${4:?output dir}
    run_case=${5:?path of run_case}
    rm -rf "$out_dir"
    run_case_inputs "$out_dir"
    IFS=$NL
    for name in $outputs; do
      file="$out_dir/$(safe_name "$name").npy"
      [ -s "$file" ] || fail "oar run did not write $file"
    done
    IFS=$old_ifs
    expect 0 "PASS" "$run_case" --outputs-from "$out_dir" "$case_dir"

    # A truncated first input, then a missing one: exit 1 naming the file.
    first=$(printf '%s' "$inputs" | head -n 1)
    if [ -n "$first" ]; then
      first_name=${first%%"$TAB"*}
      first_file=${first#*"$TAB"}
      bad="$out_dir/truncated_input.npy"
      size=$(wc -c <"$first_file")
      head -c $((size - 1)) "$first_file" >"$bad"
      for replacement in "$bad" "$out_dir/no_such_input.npy"; do
        base_command run
        IFS=$NL
        for entry in $inputs; do
          add_arg --input
          if [ "${entry%%"$TAB"*}" = "$first_name" ]; then
            add_arg "$first_name=$replacement"
          else
            add_arg "${entry%%"$TAB"*}=${entry#*"$TAB"}"
          fi
        done
        IFS=$old_ifs
        run_code=1
        run_needle=$replacement
        run_cmd
      done
    fi
    ;;

  opt)
    read_case "${3:?case dir}" || exit 1
    out_dir=${4:?output dir}
    run_case=${5:?path of run_case}
    rm -rf "$out_dir"
    mkdir -p "$out_dir"
    oar_file="$out_dir/model.oar"
    base_command opt
    add_arg -o
    add_arg "$oar_file"
    add_arg --emit-op-list
    add_arg "$out_dir/ops.txt"
    run_code=0
    run_needle="wrote $oar_file"
    run_cmd
    [ -s "$out_dir/ops.txt" ] || fail "oar opt --emit-op-list wrote no $out_dir/ops.txt"
    expect 0 "model: $oar_file" "$oar" info "$oar_file"
    # The optimized file runs to the case's expected outputs.
    model=$oar_file
    params=
    run_case_inputs "$out_dir/run"
    expect 0 "PASS" "$run_case" --outputs-from "$out_dir/run" "$case_dir"
    # Damaged copies: clear errors, exit 1.
    size=$(wc -c <"$oar_file")
    head -c $((size - 1)) "$oar_file" >"$out_dir/truncated.oar"
    expect 1 "truncated: the header says $size bytes, the file has $((size - 1))" "$oar" info "$out_dir/truncated.oar"
    { head -c 200 "$oar_file"; printf 'Z'; tail -c $((size - 201)) "$oar_file"; } >"$out_dir/corrupt.oar"
    expect 1 "checksum mismatch in the metadata" "$oar" info "$out_dir/corrupt.oar"
    ;;

  bench)
    read_case "${3:?case dir}" || exit 1
    # With each input's shape from the fixture: must run.
    base_command bench
    old_ifs=$IFS
    IFS=$NL
    for entry in $inputs; do
      add_arg --shape
      add_arg "${entry%%"$TAB"*}=$(npy_shape "${entry#*"$TAB"}")"
    done
    IFS=$old_ifs
    add_arg --iters
    add_arg 3
    add_arg --warmup
    add_arg 1
    run_code=0
    run_needle=latency
    run_cmd
    # With declared shapes: runs, or asks for --shape when a dimension other
    # than the first is variable.
    base_command bench
    add_arg --iters
    add_arg 3
    old_ifs=$IFS
    IFS=$NL
    # shellcheck disable=SC2086 # split at newlines on purpose
    set -- $cmd
    IFS=$old_ifs
    out=$("$@" 2>&1)
    code=$?
    case $code:$out in
      0:*latency*) ;;
      2:*--shape*) ;;
      *) fail "'$*' exited $code:
$out" ;;
    esac
    ;;

  unsupported)
    dir=${3:?model dir}
    list="2 op types (3 ops) not supported: 'frame' x2 (first: op #1, output 'frame_1.out_0'), 'overlap_add' x1 (first: op #2, output 'overlap_add_2.out_0')"
    expect 0 "not supported by oar: $dir/model.pdmodel: $list" "$oar" info "$dir"
    expect 1 "$list" "$oar" run "$dir" --input "x=${4:?input file}"
    ;;

  version)
    expect 0 "oar " "$oar" --version
    expect 0 "usage: oar" "$oar" help
    expect 0 "--input" "$oar" help run
    ;;

  missing-model)
    path=${3:?path}
    expect 1 "$path" "$oar" info "$path"
    case $out in "oar: "*) ;; *) fail "message does not start with 'oar: ': $out" ;; esac
    expect 1 "$path" "$oar" bench "$path" --iters 1
    expect 1 "$path" "$oar" run "$path" --input x.npy
    ;;

  unknown-command)
    expect 2 "frobnicate" "$oar" frobnicate
    expect 2 "" "$oar" --frobnicate
    ;;

  bad-usage)
    expect 2 "" "$oar"
    expect 2 "needs a MODEL" "$oar" info
    expect 2 "needs a MODEL" "$oar" run --input x.npy
    expect 2 "needs --input" "$oar" run model_dir
    expect 2 "needs a MODEL" "$oar" bench
    expect 2 "needs a MODEL" "$oar" opt
    expect 2 "needs -o" "$oar" opt model_dir
    expect 2 "unknown option" "$oar" run model_dir --bogus
    expect 2 "--iters" "$oar" bench model_dir --iters 0
    expect 2 "--threads" "$oar" run model_dir --input x.npy --threads zero
    expect 2 "--params" "$oar" info model_dir --params
    expect 2 "--seconds" "$oar" bench model_dir --seconds -1
    expect 2 "nosuch" "$oar" help nosuch
    expect 2 "oar: quantize needs --calibration DIR" "$oar" quantize model.onnx -o out.onnx
    expect 2 "oar: quantize needs -o FILE.onnx" "$oar" quantize model.onnx --calibration dir
    expect 2 "oar: --method must be minmax, percentile or kl, not 'foo'" "$oar" quantize m.onnx --method foo
    expect 2 "oar: --percentile must be a number in (0, 100], not '0'" "$oar" quantize m.onnx --percentile 0
    expect 2 "oar: --percentile goes with --method percentile" "$oar" quantize m.onnx --calibration d -o o \
      --percentile 99
    ;;

  quantize-errors)
    data=${3:?data dir}
    scratch=${4:?scratch dir}
    digits=$data/digits_cnn.onnx
    qout=$scratch/out.onnx
    rm -rf "$scratch"
    mkdir -p "$scratch/empty"
    : >"$scratch/empty/notes.txt"
    expect 0 "quantize MODEL.onnx --calibration DIR" "$oar" help quantize
    expect 1 "oar: calibration directory $scratch/nosuch: No such file or directory" \
      "$oar" quantize "$digits" --calibration "$scratch/nosuch" -o "$qout"
    expect 1 "oar: calibration directory $scratch/empty holds no .npy files (one per sample, or one subdirectory per sample)" \
      "$oar" quantize "$digits" --calibration "$scratch/empty" -o "$qout"
    expect 1 "oar: calibration sample $data/bad_shape/x.npy: shape [1, 1, 9, 9] does not fit input x [-1, 1, 8, 8]" \
      "$oar" quantize "$digits" --calibration "$data/bad_shape" -o "$qout"
    expect 1 "oar: calibration sample $data/wrong_name/s0 lacks x.npy (input x)" \
      "$oar" quantize "$digits" --calibration "$data/wrong_name" -o "$qout"
    expect 1 "oar: calibration directory $data/calib holds .npy files, but the model has 2 inputs (a, b): put each sample in a subdirectory with one <input name>.npy per input" \
      "$oar" quantize "$data/two_inputs.onnx" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: $data/relu.onnx: nothing to quantize: no Conv, MatMul or Gemm node with a constant float32 weight" \
      "$oar" quantize "$data/relu.onnx" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: cannot open $scratch/none.onnx: No such file or directory" \
      "$oar" quantize "$scratch/none.onnx" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: $data is a directory: quantize takes an ONNX model file" \
      "$oar" quantize "$data" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: $data/external.onnx: initializer w keeps its data in an external file; quantize reads models whose initializers are inline (onnx.save(model, path, save_as_external_data=False) makes one)" \
      "$oar" quantize "$data/external.onnx" --calibration "$data/two_inputs_calib" -o "$qout"
    head -c 3000 "$digits" >"$scratch/truncated.onnx"
    expect 1 "oar: $scratch/truncated.onnx: malformed ONNX model: a truncated or invalid field in the ModelProto" \
      "$oar" quantize "$scratch/truncated.onnx" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: $data/test_x.npy: malformed ONNX model:" \
      "$oar" quantize "$data/test_x.npy" --calibration "$data/calib" -o "$qout"
    expect 1 "oar: cannot create $scratch/no/dir/out.onnx" \
      "$oar" quantize "$digits" --calibration "$data/calib" -o "$scratch/no/dir/out.onnx"
    [ ! -e "$qout" ] || fail "a failed quantize left $out"
    # The multi-input layout: one subdirectory per sample, <input>.npy each.
    expect 0 "quantized 1 nodes (Conv 0, MatMul 1, Gemm 0)" \
      "$oar" quantize "$data/two_inputs.onnx" --calibration "$data/two_inputs_calib" -o "$qout"
    expect 0 "" "$oar" run "$qout" --input a="$data/two_inputs_calib/s0/a.npy" --input b="$data/two_inputs_calib/s0/b.npy"
    # A weight held by a Constant node (as older paddle2onnx exports write them).
    expect 0 "quantized 1 nodes (Conv 0, MatMul 1, Gemm 0)" \
      "$oar" quantize "$data/constant_weight.onnx" --calibration "$data/two_inputs_calib" -o "$scratch/const.onnx"
    expect 0 "" "$oar" run "$scratch/const.onnx" --input "$data/two_inputs_calib/s1/a.npy"
    mkdir -p "$scratch/pairs/s0"
    cp "$data/bad_shape/x.npy" "$scratch/pairs/s0/a.npy"
    cp "$data/bad_shape/x.npy" "$scratch/pairs/s0/b.npy"
    expect 1 "oar: calibration sample $scratch/pairs/s0/a.npy: shape [1, 1, 9, 9] does not fit input a [1, 4]" \
      "$oar" quantize "$data/two_inputs.onnx" --calibration "$scratch/pairs" -o "$scratch/out2.onnx"
    ;;

  *)
    echo "cli_test.sh: unknown mode '$mode'"
    exit 2
    ;;
esac

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "ok"
exit 0
