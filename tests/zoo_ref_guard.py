#!/usr/bin/env python3
"""The guard against performance cliffs (issue 13, item 5).

Runs one model-zoo case (tests/data/zoo/<case>/case.txt) with `oar run
--profile --repeat N` on the case's own inputs and fails when a node on a
reference kernel takes more than LIMIT percent of the model's node time,
naming the model, the node and its share.

Cliffs known today are allow-listed, per model and op type, in
tests/zoo_ref_guard_allow.txt with the reason. The test also fails when an
allow-listed cliff is gone (no node of that op type on a reference kernel
above half the limit: a band against timing noise), so the list only shrinks:
remove the line when the fast kernel lands. Ten runs by default: with three,
the cold first run and a shared machine pushed swin_tiny's transposes over 5%.

usage: zoo_ref_guard.py OAR CASE_DIR ALLOW_FILE [--repeat N] [--limit PERCENT]
"""
import argparse
import os
import re
import subprocess
import sys

ROW = re.compile(r"^\s+([0-9.]+) ms\s+([0-9.]+)%  (.*)  \[([^\]]*)\]$")


def read_case(case_dir):
    model = params = None
    inputs = []
    with open(os.path.join(case_dir, "case.txt")) as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] == "model":
                model = os.path.join(case_dir, words[1])
            elif words[0] == "params":
                params = os.path.join(case_dir, words[1])
            elif words[0] == "input":
                inputs.append((words[1], os.path.join(case_dir, words[2])))
    return model, params, inputs


def read_allow(path):
    """{(case, op type): reason} from lines 'CASE OP_TYPE REASON...'."""
    allow = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split(None, 2)
            if len(words) < 3:
                sys.exit("%s:%d: want 'CASE OP_TYPE REASON', got '%s'" % (path, n, line))
            allow[(words[0], words[1])] = words[2]
    return allow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oar")
    ap.add_argument("case_dir")
    ap.add_argument("allow")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--limit", type=float, default=5.0)
    a = ap.parse_args()
    case = os.path.basename(os.path.normpath(a.case_dir))
    model, params, inputs = read_case(a.case_dir)
    cmd = [a.oar, "run", model]
    if params:
        cmd += ["--params", params]
    for name, path in inputs:
        cmd += ["--input", "%s=%s" % (name, path)]
    cmd += ["--repeat", str(a.repeat), "--profile"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if out.returncode != 0:
        print(out.stdout)
        sys.exit("FAIL %s: oar run exited with %d" % (case, out.returncode))
    lines = out.stdout.splitlines()
    start = [i for i, l in enumerate(lines) if l.startswith("profile: ")]
    if not start:
        print(out.stdout)
        sys.exit("FAIL %s: no profile in the output" % case)
    rows = []
    for l in lines[start[0] + 1:]:
        m = ROW.match(l)
        if not m:
            break
        rows.append((float(m.group(2)), m.group(3), m.group(4)))
    summary = [l for l in lines if l.startswith("reference kernels:")]
    print(lines[start[0]])
    if summary:
        print(summary[0])
    if not rows:
        sys.exit("FAIL %s: the profile lists no nodes" % case)
    allow = read_allow(a.allow)
    over = {}  # op type -> [(share, node)]
    worst = {}  # op type -> its largest share on a reference kernel
    for share, node, kernel in rows:
        if kernel != "reference":
            continue
        op = node.split(" ", 1)[0]
        worst[op] = max(worst.get(op, 0.0), share)
        if share > a.limit:
            over.setdefault(op, []).append((share, node))
    failures = []
    for op, nodes in sorted(over.items()):
        for share, node in nodes:
            known = allow.get((case, op))
            tag = "allowed (%s)" % known if known else "NEW CLIFF"
            print("%s: %s on the reference kernel takes %.1f%% of node time (limit %.1f%%): %s"
                  % (case, node, share, a.limit, tag))
            if not known:
                failures.append("%s: %s %.1f%%" % (case, node, share))
    for (c, op), reason in sorted(allow.items()):
        if c == case and worst.get(op, 0.0) <= a.limit / 2:
            print("%s: allow-listed %s (%s) is down to %.1f%% on a reference kernel (at most %.1f%%): "
                  "remove it from %s" % (case, op, reason, worst.get(op, 0.0), a.limit / 2, a.allow))
            failures.append("%s: %s fixed, still allow-listed" % (case, op))
    if failures:
        sys.exit("FAIL " + "; ".join(failures))
    print("OK %s: no node on a reference kernel over %.1f%% beyond the allow-list" % (case, a.limit))


if __name__ == "__main__":
    main()
