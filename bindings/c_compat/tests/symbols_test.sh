#!/bin/sh
# Every function declared in include/paddle_inference_c is exported by
# libpaddle_inference_c.so, and the library exports no other PD_ names (the
# link-time half of "a program written for Paddle's C API links unchanged").
# Usage: symbols_test.sh INCLUDE_DIR LIBRARY
set -eu
include_dir=$1
library=$2
declared=$(mktemp)
exported=$(mktemp)
trap 'rm -f "$declared" "$exported"' EXIT
grep -ohE '\bPD_[A-Za-z0-9_]+\(' "$include_dir"/*.h | tr -d '(' | grep -v '^PD_ENUM$' | sort -u >"$declared"
nm -D --defined-only "$library" | awk '$2 == "T" {print $3}' | grep '^PD_' | sort -u >"$exported"
missing=$(comm -23 "$declared" "$exported")
extra=$(comm -13 "$declared" "$exported")
[ -z "$missing" ] || echo "declared but not exported: $missing"
[ -z "$extra" ] || echo "exported but not declared: $extra"
echo "$(wc -l <"$declared") functions declared, $(wc -l <"$exported") exported"
if [ -z "$missing" ] && [ -z "$extra" ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; exit 1; fi
