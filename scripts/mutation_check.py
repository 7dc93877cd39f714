#!/usr/bin/env python3
"""Plants small bugs (tests/mutants.py) one at a time and checks that the
test suite catches each of them.

In a scratch copy of this working tree (tracked and untracked files, the
generated models in tests/data/large linked, not copied) it builds oar
once, runs the whole CTest suite on the unmutated tree (it must pass, or
every mutant would look caught), then for each mutant: replaces its
snippet, rebuilds, runs CTest until the first failure (--stop-on-failure),
puts the file back. A mutant is caught when a test fails; the report names
the test. Exit 0 when every mutant was caught, 1 when any was not, 2 when
the setup failed (a mutant's snippet not found once, a build error, the
unmutated suite failing).

Usage: scripts/mutation_check.py [--scratch DIR] [--only SUBSTR] [--jobs N] [--keep]
Takes about 1 minute per mutant on 2 cores (the whole suite when a mutant
is not caught). Run it before resolving any issue that changes the tests,
and put its report in the closing note.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
from mutants import MUTANTS  # noqa: E402


def run(cmd, cwd, log=None, env=None):
    """Runs cmd; returns (exit code, output)."""
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    if log:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(cmd)}\n{p.stdout}\n")
    return p.returncode, p.stdout


def copy_tree(scratch):
    """Copies the tracked and untracked (not ignored) files; links the large models."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue  # deleted in the working tree
        dst = os.path.join(scratch, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    large = os.path.join(ROOT, "tests", "data", "large")
    if os.path.isdir(large):
        link = os.path.join(scratch, "tests", "data", "large")
        if not os.path.lexists(link):
            os.symlink(large, link)


def first_failure(output):
    """The name of the first failed test in ctest's output."""
    m = re.search(r"The following tests FAILED:\s*\n\s*\d+ - (\S+)", output)
    if m:
        return m.group(1)
    m = re.search(r"Test\s+#\d+: (\S+) \.+\**\s*(Failed|Exception|Timeout|\*\*\*)", output)
    return m.group(1) if m else "(ctest failed)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", default="/tmp/oar-mutation", help="scratch copy (replaced)")
    ap.add_argument("--only", help="run only the mutants whose name contains this")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", action="store_true", help="keep the scratch copy")
    args = ap.parse_args()

    mutants = [m for m in MUTANTS if not args.only or args.only in m["name"]]
    for m in mutants:  # every snippet must be found exactly once before anything runs
        with open(os.path.join(ROOT, m["file"])) as f:
            n = f.read().count(m["old"])
        if n != 1:
            print(f"setup: mutant '{m['name']}': its snippet occurs {n} times in {m['file']}, expected once")
            return 2

    if os.path.exists(args.scratch):
        shutil.rmtree(args.scratch)
    os.makedirs(args.scratch)
    copy_tree(args.scratch)
    build = os.path.join(args.scratch, "build")
    log = os.path.join(args.scratch, "mutation.log")
    jobs = str(args.jobs)
    env = dict(os.environ)
    env.pop("CI", None)  # the scratch build need not register CI-only checks as failures

    t0 = time.time()
    rc, out = run(["cmake", "-S", args.scratch, "-B", build, "-DCMAKE_BUILD_TYPE=Release"], args.scratch, log)
    if rc == 0:
        rc, out = run(["cmake", "--build", build, "-j", jobs], args.scratch, log)
    if rc != 0:
        print(f"setup: the unmutated tree does not build (log: {log})\n{out[-3000:]}")
        return 2
    ctest = ["ctest", "--test-dir", build, "-j", jobs, "--output-on-failure"]
    rc, out = run(ctest, args.scratch, log, env)
    if rc != 0:
        print(f"setup: the unmutated suite fails; fix that first (log: {log})\n{out[-3000:]}")
        return 2
    print(f"unmutated suite passes ({time.time() - t0:.0f} s with the build)")

    results = []
    for m in mutants:
        path = os.path.join(args.scratch, m["file"])
        with open(path) as f:
            original = f.read()
        t1 = time.time()
        try:
            with open(path, "w") as f:
                f.write(original.replace(m["old"], m["new"], 1))
            rc, out = run(["cmake", "--build", build, "-j", jobs], args.scratch, log)
            if rc != 0:
                print(f"setup: mutant '{m['name']}' does not compile (log: {log})\n{out[-2000:]}")
                return 2
            rc, out = run(ctest + ["--stop-on-failure"], args.scratch, log, env)
        finally:
            with open(path, "w") as f:
                f.write(original)
        caught = rc != 0
        by = first_failure(out) if caught else "-"
        results.append((m, caught, by))
        print(f"{'caught' if caught else 'NOT CAUGHT':10} {m['layer']:18} {m['name']}  [{by}] "
              f"({time.time() - t1:.0f} s)", flush=True)
    # Put the unmutated objects back, so a kept scratch copy is clean.
    run(["cmake", "--build", build, "-j", jobs], args.scratch, log)

    missed = [m for m, caught, _ in results if not caught]
    print(f"\n{len(results) - len(missed)} of {len(results)} mutants caught ({time.time() - t0:.0f} s)")
    for m in missed:
        print(f"  not caught: {m['name']} ({m['file']})")
    if not args.keep:
        shutil.rmtree(args.scratch, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
