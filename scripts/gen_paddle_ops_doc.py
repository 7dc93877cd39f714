#!/usr/bin/env python3
"""Write docs/paddle-ops.md: every core Paddle op type, measured, not claimed.

For each of the 181 core op types (tests/paddle_core_ops.tsv) the table says which fixtures
hold the op (legacy program and Paddle 3 PIR twin, from the `# ops:` line that the fixture
generators write into every case.txt), whether oar runs those fixtures to Paddle's outputs
(build/bin/run_case, the same check as the op.* / model.* tests), and which kernel ran each
node made from the op (build/bin/oar run --profile on the fixture's own inputs, at the AVX2
level on every host: OAR_ISA=avx2): "fast" when
every node ran an optimized kernel, "reference" when every one ran the reference kernel,
"mixed" in between, "folded" when the passes folded the op into a neighbour or a constant.

    python3 scripts/gen_paddle_ops_doc.py [--build build]          rewrite docs/paddle-ops.md
    python3 scripts/gen_paddle_ops_doc.py [--build build] --check  fail when it is out of date

The check (CTest meta.paddle_ops_doc) compares everything but the per-machine kernel names,
so the table cannot drift from the code and the fixtures. Needs only python3 and a build.
"""

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORE_OPS = os.path.join(REPO, "tests", "paddle_core_ops.tsv")
SPEC = os.path.join(REPO, "..", "shared", "spec", "paddle-op-universe.md")
DOC = os.path.join(REPO, "docs", "paddle-ops.md")
FIXTURE_ROOTS = ("ops", "models")  # committed fixtures only: the table must not depend on generated ones

# Ops whose outputs need a shape known only at run time, or a sub-block: issue 12's.
NOTES = {
    "conditional_block": "control flow: its sub-block (PIR: pd_op.if's branches) runs as a child plan",
    "while": "control flow (PIR: pd_op.while): the body's plan is made once per shape and reused",
    "select_input": "control flow: picks the branch that ran",
    "lod_array_length": "tensor array (PIR: pd_op.array_length)",
    "tensor_array_to_tensor": "tensor array (PIR: pd_op.array_to_tensor)",
    "write_to_array": "tensor array (PIR: pd_op.array_write_)",
    "feed": "framework I/O: every fixture",
    "fetch": "framework I/O: every fixture",
}


# Older ops that Paddle 3.3 cannot write as PIR (paddle.pir.translate_to_pir fails: "Op <type>
# should have corresponding OpInfo pd_op.<name>"): no model holds them in that form.
NO_PIR_FORM = {"top_k": "pd_op.topk_v1", "expand": "pd_op.legacy_expand", "flatten2": "pd_op.flatten2",
               # issue 11, batch A
               "nearest_interp": "pd_op.legacy_nearest_interp", "bilinear_interp": "pd_op.legacy_bilinear_interp",
               "fill_zeros_like": "pd_op.fill_zeros_like"}


def read_core_ops():
    ops = []
    with open(CORE_OPS) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            group, op = line.rstrip("\n").split("\t")
            ops.append((group, op))
    return ops


def spec_core_ops():
    """The op types of section 6 of the spec, or None where the spec is not beside the repo."""
    if not os.path.exists(SPEC):
        return None
    text = open(SPEC).read()
    section = text[text.index("## 6."):text.index("## 7.")]
    found = []
    for line in section.splitlines():
        if line.startswith("* "):
            body = line.split("):", 1)[1] if "):" in line else line.split(":", 1)[1]
            found += [o for o in re.findall(r"`([a-z0-9_]+)`", body) if o not in found]
    return found


def read_case(case_dir):
    """The case.txt manifest: ops (execution order) and the inputs."""
    ops, inputs, params, model = [], [], None, None
    with open(os.path.join(case_dir, "case.txt")) as f:
        for line in f:
            words = line.split()
            if line.startswith("# ops:"):
                ops = words[2:]
            elif words[:1] == ["input"]:
                inputs.append((words[1], os.path.join(case_dir, words[2])))
            elif words[:1] == ["params"]:
                params = os.path.join(case_dir, words[1])
            elif words[:1] == ["model"]:
                model = os.path.join(case_dir, words[1])
    return {"ops": ops, "inputs": inputs, "params": params, "model": model}


def find_cases():
    cases = {}
    for root in FIXTURE_ROOTS:
        base = os.path.join(REPO, "tests", "data", root)
        for name in sorted(os.listdir(base)):
            d = os.path.join(base, name)
            if os.path.exists(os.path.join(d, "case.txt")):
                cases[root + "/" + name] = dict(read_case(d), dir=d)
    return cases


# Which kernels run depends on the CPU (AVX-512 hosts run a few more nodes on optimized kernels),
# so the table is measured at one level that every x86-64 machine we test on reaches: the check
# then gives the same verdict on any of them. OAR_ISA caps the level (src/base/cpu.c).
MEASURED_ISA = "avx2"


def run(cmd):
    env = dict(os.environ, OAR_ISA=MEASURED_ISA)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env)
    return p.returncode, p.stdout


PROFILE_LINE = re.compile(r"^\s+[0-9.]+ ms\s+[0-9.]+%\s+(\S+) \(op #(\d+), output .*\)\s+\[(.*)\]$")


def node_kernels(build, case):
    """(paddle op index, kernel) of every node of the fixture's plan."""
    cmd = [os.path.join(build, "bin", "oar"), "run", case["model"], "--profile"]
    if case["params"]:
        cmd += ["--params", case["params"]]
    for name, path in case["inputs"]:
        cmd += ["--input", "%s=%s" % (name, path)]
    rc, out = run(cmd)
    if rc != 0:
        return None
    return [(int(m.group(2)), m.group(3)) for m in map(PROFILE_LINE.match, out.splitlines()) if m]


def measure(build, cases):
    """Per case: passes run_case; per legacy case also the kernels of its nodes."""
    run_case = os.path.join(build, "bin", "run_case")

    def one(key):
        case = cases[key]
        passed = run(["sh", "-c", '"$0" "$1" >/dev/null 2>&1', run_case, case["dir"]])[0] == 0
        kernels = node_kernels(build, case) if passed and not key.endswith("_pir") else None
        return key, passed, kernels

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return {key: (passed, kernels) for key, passed, kernels in pool.map(one, sorted(cases))}


def legacy_ops(cases, key):
    """Legacy op types of a case; a PIR twin's are its legacy original's."""
    if key.endswith("_pir"):
        original = cases.get(key[: -len("_pir")])
        return original["ops"] if original else []
    return cases[key]["ops"]


def kernel_class(op, fixtures, cases, results):
    """fast / reference / mixed / folded over every node made from `op` in its passing fixtures."""
    kinds, examples = set(), []
    for key in fixtures:
        passed, kernels = results[key]
        if not passed or kernels is None:
            continue
        ops = cases[key]["ops"]
        mine = [k for index, k in kernels if index < len(ops) and ops[index] == op]
        if not mine:
            kinds.add("folded")
        for k in mine:
            kinds.add("reference" if k == "reference" else "fast")
            if k != "reference" and k not in examples:
                examples.append(k)
    if not kinds:
        return "", []
    if kinds == {"folded"}:
        return "folded", []
    kinds.discard("folded")
    return (kinds.pop() if len(kinds) == 1 else "mixed"), examples


def fixture_cell(keys, results):
    if not keys:
        return "none"
    passing = [k for k in keys if results[k][0]]
    first = (passing or keys)[0]
    return "%s (%d/%d pass)" % (first, len(passing), len(keys))


def build_rows(build):
    core = read_core_ops()
    cases = find_cases()
    results = measure(build, cases)
    rows = []
    for group, op in core:
        holding = [k for k in cases if op in legacy_ops(cases, k)]  # ops/ fixtures first
        legacy = [k for k in holding if not k.endswith("_pir")]
        pir = [k for k in holding if k.endswith("_pir")]
        if op in ("feed", "fetch"):
            legacy, pir = legacy[:1], pir[:1]
        if op in NO_PIR_FORM and pir:
            sys.exit("%s has a PIR fixture (%s): take it out of NO_PIR_FORM" % (op, pir[0]))
        kind, examples = kernel_class(op, legacy, cases, results)
        if op in ("feed", "fetch"):
            kind, examples = "", []
        rows.append({
            "op": op,
            "group": group,
            "legacy_ok": any(results[k][0] for k in legacy),
            "pir_ok": any(results[k][0] for k in pir) or op in NO_PIR_FORM,
            "legacy": fixture_cell(legacy, results),
            "pir": ("n/a: Paddle 3.3 has no %s" % NO_PIR_FORM[op]) if op in NO_PIR_FORM else fixture_cell(pir, results),
            "kernel": kind,
            "examples": examples,
            "note": NOTES.get(op, ""),
        })
    return rows


def render(rows, with_kernel_names=True):
    n = len(rows)
    legacy = sum(r["legacy_ok"] for r in rows)
    pir = sum(r["pir_ok"] for r in rows)
    both = sum(r["legacy_ok"] and r["pir_ok"] for r in rows)
    fast = sum(r["kernel"] in ("fast", "folded") for r in rows)
    lines = [
        "# Paddle core ops in oar",
        "",
        "Generated by `python3 scripts/gen_paddle_ops_doc.py` from the code and the fixtures; do not",
        "edit by hand (CTest `meta.paddle_ops_doc` fails when this file is out of date). The core set",
        "is the 181 legacy op types of shared/spec/paddle-op-universe.md section 6",
        "(tests/paddle_core_ops.tsv).",
        "",
        "- **legacy** / **PIR**: the first fixture under tests/data that holds the op in a legacy",
        "  program / a Paddle 3 PIR program, and how many such fixtures oar runs to Paddle's outputs",
        "  (`run_case`, the check of the `op.*` and `model.*` tests).",
        "- **kernel**: what ran for the nodes made from the op in its passing legacy fixtures",
        "  (`oar run --profile` at the AVX2 level, `OAR_ISA=avx2`, so that every x86-64 host measures",
        "  the same): *fast* (an optimized kernel every time), *reference* (the reference kernel every",
        "  time), *mixed*, or *folded* (into a neighbouring op or a constant).",
        "",
        "| | ops |",
        "|---|---|",
        "| core op types | %d |" % n,
        "| run from a legacy fixture | %d |" % legacy,
        "| run from a PIR fixture (or Paddle writes no PIR form) | %d |" % pir,
        "| both forms | %d |" % both,
        "| with a fast kernel or folded away | %d |" % fast,
        "",
        "| op | group | legacy | PIR | kernel | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        kernel = r["kernel"]
        if with_kernel_names and r["examples"]:
            kernel += ": " + "; ".join(r["examples"][:2])
        mark = lambda ok: "yes" if ok else "**no**"
        if r["op"] in NO_PIR_FORM:
            mark_pir = ""
        else:
            mark_pir = mark(r["pir_ok"])
        lines.append("| `%s` | %s | %s %s | %s %s | %s | %s |" % (
            r["op"], r["group"], mark(r["legacy_ok"]), r["legacy"], mark_pir, r["pir"],
            kernel.replace("|", "/"), r["note"]))
    return "\n".join(lines) + "\n"


def strip_kernel_names(text):
    """The doc without the machine-dependent kernel names (kept: fast / reference / ...)."""
    out = []
    for line in text.splitlines():
        cells = line.split(" | ")
        if line.startswith("| `") and len(cells) == 6:
            cells[4] = cells[4].split(":", 1)[0]
            line = " | ".join(cells)
        out.append(line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--check", action="store_true", help="fail if docs/paddle-ops.md is out of date")
    args = ap.parse_args()

    spec = spec_core_ops()
    listed = [op for _, op in read_core_ops()]
    if spec is not None and spec != listed:
        sys.exit("tests/paddle_core_ops.tsv differs from %s section 6" % SPEC)
    text = render(build_rows(os.path.abspath(args.build)))
    if args.check:
        old = open(DOC).read() if os.path.exists(DOC) else ""
        if strip_kernel_names(old) != strip_kernel_names(text):
            import difflib

            diff = difflib.unified_diff(strip_kernel_names(old).splitlines(), strip_kernel_names(text).splitlines(),
                                        "docs/paddle-ops.md", "measured now", lineterm="", n=0)
            print("\n".join(diff))
            sys.exit("docs/paddle-ops.md is out of date: run python3 scripts/gen_paddle_ops_doc.py")
        print("docs/paddle-ops.md matches the code and the fixtures")
        return
    with open(DOC, "w") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(DOC, REPO))


if __name__ == "__main__":
    main()
