"""The compatibility suite: every program of this folder, run on oar and on
Paddle Inference, compared with each other and with the fixtures.

    python3 run_compat.py [--no-paddle] [--keep DIR] [CASE_ID ...]

Each engine runs in its own process (drive.py, OAR_COMPAT_ENGINE=oar then
=paddle; paddle only when it is importable and --no-paddle is not given).
A case passes when:

* oar runs it, unless cases.py records that Paddle fails on it ("oar may
  fail only where Paddle fails");
* oar's outputs have the fixture's output names, shapes and dtypes and
  match its reference outputs within case.txt's tolerance
  (|oar - ref| <= atol + rtol |ref|; integers exactly);
* with paddle: Paddle does what cases.py says (runs, or fails with the
  recorded reason), and where both run, oar's outputs match Paddle's
  within the same tolerance (not for the bfloat16 scenarios, where Paddle
  runs oneDNN bf16; oar, which runs its own bf16 kernels on AVX512-BF16
  CPUs, is held to rtol 2e-2 and atol 1e-2 of the output's scale there);
* the thread-pool program's threads all got identical outputs.

Prints one line per case and a summary; exits 1 when a case fails. Used by
test_compat.py (pytest, bindings/test_all.sh) and runnable alone.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402


def paddle_available():
    if os.environ.get("OAR_COMPAT_PADDLE", "1") == "0":
        return False
    return importlib.util.find_spec("paddle") is not None


def drive(engine, out_dir, case_ids):
    """Runs drive.py for one engine; {case_id: record}. A crash of the
    process leaves the cases it had not reached without a record."""
    env = dict(os.environ, OAR_COMPAT_ENGINE=engine, GLOG_minloglevel="3", FLAGS_call_stack_level="0")
    log = os.path.join(out_dir, "drive.log")
    with open(log, "w") as f:
        proc = subprocess.run([sys.executable, os.path.join(HERE, "drive.py"), out_dir] + list(case_ids),
                              stdout=f, stderr=subprocess.STDOUT, env=env, timeout=1800)
    records = {}
    path = os.path.join(out_dir, "results.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                records[r["case"]] = r
    if proc.returncode != 0:
        with open(log) as f:
            error = "the %s process exited with %d: %s" % (engine, proc.returncode, f.read()[-2000:])
        for case_id in case_ids or [c[0] for c in cases.all_cases()]:
            records.setdefault(case_id, {"case": case_id, "ok": False, "crashed": True, "error": error})
    return records


def outputs_of(out_dir, case_id):
    with np.load(os.path.join(out_dir, case_id + ".npz")) as z:
        return [z["arr_%d" % i] for i in range(len(z.files))]


def compare(got, want, rtol, atol):
    """None when got matches want, else what differs."""
    if got.shape != want.shape or got.dtype != want.dtype:
        return "%s %s, expected %s %s" % (got.dtype, list(got.shape), want.dtype, list(want.shape))
    if got.dtype.kind in "fc":
        bound = atol + rtol * np.abs(want)
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        bad = ~(diff <= bound)
        if bad.any():
            i = int(np.argmax(np.where(bad, diff - bound, -np.inf)))
            return "%d of %d elements out of tolerance (rtol %g, atol %g); worst at %d: %r vs %r" % (
                int(bad.sum()), got.size, rtol, atol, i, got.flat[i], want.flat[i])
        return None
    if not np.array_equal(got, want):
        return "%d of %d elements differ" % (int((got != want).sum()), got.size)
    return None


def max_err(got, want):
    if got.dtype.kind not in "fc" or got.size == 0:
        return 0.0
    return float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64))))


def references(program, settings, case, names):
    """The fixture's reference arrays for the outputs a program returned
    (by name), after the program's own post-processing."""
    refs = {name: np.load(path) for name, path in case["outputs"]}
    missing = [n for n in names if n not in refs]
    if missing:
        raise KeyError("output names %s are not the fixture's %s" % (missing, list(refs)))
    want = [refs[n] for n in names]
    if program == "paddleseg" and settings.get("with_argmax"):
        want = [np.argmax(w, axis=1) for w in want]
    return want


def judge(case_row, oar, paddle, oar_dir, paddle_dir):
    """(passed, text) for one case."""
    case_id, program, _scenario, settings, fixture, expect = case_row
    case = cases.read_case(fixture)
    rtol, atol = case["rtol"], case["atol"]
    problems, notes = [], []
    # enable_mkldnn_bfloat16: oar honours it where the CPU has AVX512-BF16
    # (8-bit mantissas, ~0.4 % per product, float32 sums; docs/quantization.md),
    # so its outputs are held to a bfloat16 tolerance there.
    bf16 = bool(settings.get("enable_mkldnn_bfloat16")) or "bf16" in _scenario or (
        expect is not None and expect[0] == "low_precision")
    paddle_fails = expect is not None and expect[0] == "fails"

    if paddle is not None:
        said = (paddle.get("error") or "") + " " + (paddle.get("printed") or "")
        if paddle_fails and paddle["ok"]:
            problems.append("cases.py says Paddle fails (%s), but it ran" % " | ".join(expect[1]))
        elif paddle_fails and not any(reason in said for reason in expect[1]):
            problems.append("Paddle failed otherwise than cases.py says (%s): %s"
                            % (" | ".join(expect[1]), said.strip()[:300]))
        elif not paddle_fails and not paddle["ok"]:
            problems.append("Paddle failed: %s" % said.strip()[:300])
        elif paddle_fails:
            notes.append("Paddle fails (%s)" % paddle["error"].splitlines()[0][:120])

    if oar is None or not oar["ok"]:
        error = "no result" if oar is None else oar["error"]
        if expect is not None and expect[0] == "reinterprets" and any(t in error for t in expect[2]):
            notes.append("oar refuses, naming the op (%s), where %s" % (error.splitlines()[0][:160], expect[1]))
        elif paddle_fails:
            notes.append("oar fails too: %s" % error.splitlines()[0][:160])
        else:
            problems.append("oar failed: %s" % error[:500])
        return not problems, "; ".join(problems + notes)

    got = outputs_of(oar_dir, case_id)
    try:
        want = references(program, settings, case, oar["names"])
    except KeyError as e:
        problems.append(str(e))
        want = []
    if settings.get("grow"):
        want = []  # an input of another size: no reference, Paddle is the judge
        notes.append("input grown by %d: no reference" % settings["grow"])
    if len(want) == len(got):
        if bf16:
            scale = max(float(np.max(np.abs(w))) if np.size(w) and np.issubdtype(np.asarray(w).dtype, np.floating)
                        else 0.0 for w in want)
            rtol, atol = max(rtol, 2e-2), max(atol, 1e-2 * scale)
            notes.append("bfloat16: rtol %.2g, atol %.2g" % (rtol, atol))
        diffs = [(n, compare(g, w, rtol, atol)) for n, g, w in zip(oar["names"], got, want)]
        problems += ["oar vs reference, output %s: %s" % (n, d) for n, d in diffs if d]
        if not any(d for _, d in diffs):
            notes.append("oar = reference (max |err| %.2g)" % max(max_err(g, w) for g, w in zip(got, want)))
    elif want:
        problems.append("oar returned %d outputs, the fixture has %d" % (len(got), len(want)))
    elif paddle is None and not paddle_fails:
        notes.append("oar ran; not compared (paddle not run)")
    if program == "demo_threads" and not oar.get("threads_identical"):
        problems.append("the %s threads' outputs differ" % oar.get("threads"))
    if oar.get("warnings"):
        notes.append("oar warned %d×" % len(oar["warnings"]))

    if paddle is not None and paddle["ok"]:
        if expect is not None and expect[0] == "low_precision":
            notes.append("Paddle ran in bfloat16: not compared")
        else:
            pgot = outputs_of(paddle_dir, case_id)
            if paddle["names"] != oar["names"] or len(pgot) != len(got):
                problems.append("output names: oar %s, Paddle %s" % (oar["names"], paddle["names"]))
            else:
                diffs = [(n, compare(g, p, rtol, atol)) for n, g, p in zip(oar["names"], got, pgot)]
                problems += ["oar vs Paddle, output %s: %s" % (n, d) for n, d in diffs if d]
                if not any(d for _, d in diffs):
                    notes.append("oar = Paddle (max |err| %.2g)" % max(max_err(g, p) for g, p in zip(got, pgot)))
    elif paddle_fails:
        notes.append("oar runs where Paddle fails")
    return not problems, "; ".join(problems + notes)


def run_all(case_ids=(), with_paddle=None, keep=None):
    """Runs the suite; [(case_row, passed, text)], and whether paddle ran."""
    if with_paddle is None:
        with_paddle = paddle_available()
    rows = [c for c in cases.all_cases() if not case_ids or c[0] in case_ids]
    ids = [c[0] for c in rows] if case_ids else []
    base = keep or tempfile.mkdtemp(prefix="oar-compat-")
    oar_dir, paddle_dir = os.path.join(base, "oar"), os.path.join(base, "paddle")
    os.makedirs(oar_dir, exist_ok=True)
    oar = drive("oar", oar_dir, ids)
    paddle = {}
    if with_paddle:
        os.makedirs(paddle_dir, exist_ok=True)
        paddle = drive("paddle", paddle_dir, ids)
    out = []
    for row in rows:
        p = paddle.get(row[0]) if with_paddle else None
        if with_paddle and p is None:
            p = {"case": row[0], "ok": False, "error": "no result from the paddle process"}
        passed, text = judge(row, oar.get(row[0]), p, oar_dir, paddle_dir)
        out.append((row, passed, text))
    return out, with_paddle


def main(argv):
    args = [a for a in argv[1:]]
    with_paddle = None
    keep = None
    if "--no-paddle" in args:
        args.remove("--no-paddle")
        with_paddle = False
    if "--keep" in args:
        i = args.index("--keep")
        keep = args[i + 1]
        del args[i:i + 2]
    results, ran_paddle = run_all(args, with_paddle, keep)
    failed = 0
    for row, passed, text in results:
        failed += not passed
        print("%s %s: %s" % ("PASS" if passed else "FAIL", row[0], text))
    print("compat: %d cases, %d passed, %d failed (%s)" % (
        len(results), len(results) - failed, failed,
        "oar and Paddle Inference" if ran_paddle
        else "oar only: paddle not installed, or --no-paddle / OAR_COMPAT_PADDLE=0"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
