#!/bin/sh
# meta.version: the version has one source, OAR_VERSION_MAJOR/MINOR/PATCH in
# include/oar/oar.h. Everything that states a version must agree with it:
# the CMake project (and so liboar's SOVERSION, oar.pc, the CMake package),
# `oar --version` (program and library), pyproject.toml (reads the header:
# no version of its own), the R package's DESCRIPTION, and the newest
# version heading of CHANGELOG.md.
# Usage: version_check.sh SOURCE_DIR OAR_PROGRAM CMAKE_PROJECT_VERSION
set -u
src=$1
oar=$2
cmake_version=$3
fail=0
bad() {
  echo "FAIL: $*"
  fail=1
}

h=$src/include/oar/oar.h
v=$(sed -n 's/^#define OAR_VERSION_MAJOR \([0-9]*\)$/\1/p' "$h").$(sed -n 's/^#define OAR_VERSION_MINOR \([0-9]*\)$/\1/p' "$h").$(sed -n 's/^#define OAR_VERSION_PATCH \([0-9]*\)$/\1/p' "$h")
echo "oar.h: $v"
case $v in [0-9]*.[0-9]*.[0-9]*) ;; *) bad "no OAR_VERSION_MAJOR/MINOR/PATCH in $h" ;; esac

[ "$cmake_version" = "$v" ] || bad "CMake project version $cmake_version"

got=$("$oar" --version)
[ "$got" = "oar $v (library $v)" ] || bad "oar --version says '$got'"

grep -q '^dynamic = \["version"\]' "$src/pyproject.toml" && grep -q '^input = "include/oar/oar.h"' "$src/pyproject.toml" ||
  bad "pyproject.toml does not take its version from include/oar/oar.h"
! grep -q '^version *=' "$src/pyproject.toml" || bad "pyproject.toml states a version of its own"

r=$(sed -n 's/^Version: *//p' "$src/bindings/r/oar/DESCRIPTION")
[ "$r" = "$v" ] || bad "bindings/r/oar/DESCRIPTION says Version: $r"

c=$(sed -n 's/^## \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' "$src/CHANGELOG.md" | head -1)
[ "$c" = "$v" ] || bad "the newest version in CHANGELOG.md is '$c'"

[ $fail = 0 ] && echo "PASS: $v everywhere"
exit $fail
