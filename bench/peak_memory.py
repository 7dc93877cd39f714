#!/usr/bin/env python3
"""Peak resident memory of one inference, engine by engine, each in a fresh
process: oar (the `oar` CLI), Paddle Inference (paddle.inference, with and
without oneDNN) and ONNX Runtime (when an .onnx file of the model is given).

For the Python engines the resident memory right after `import` (the
interpreter, numpy, the engine's own libraries) is also printed and
subtracted, so the "model" column compares what loading and running the
model costs in each engine.

usage: bench/peak_memory.py MODEL_DIR [--onnx FILE] [--batch N] [--oar PATH]
  MODEL_DIR  a case directory made by scripts/gen_fixtures.py (case.txt,
             model.pdmodel/.pdiparams, in_*.npy)
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Runs in a fresh interpreter: prints {"baseline_kb", "peak_kb"}.
PY_CHILD = r'''
import json, resource, sys
engine, model_dir, batch, onnx_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
import numpy as np
def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
if engine.startswith("paddle"):
    import os
    os.environ.setdefault("GLOG_minloglevel", "3")
    import paddle.inference as pi
elif engine == "ort":
    import onnxruntime as ort
baseline = rss_kb()
import glob
x = np.load(sorted(glob.glob(model_dir + "/in_*.npy"))[0])
x = np.repeat(x[:1], batch, axis=0)
if engine.startswith("paddle"):
    cfg = pi.Config(model_dir + "/model.pdmodel", model_dir + "/model.pdiparams")
    cfg.disable_gpu()
    cfg.set_cpu_math_library_num_threads(1)
    if engine == "paddle-onednn":
        cfg.enable_mkldnn()
    else:
        cfg.disable_mkldnn()
    cfg.disable_glog_info()
    p = pi.create_predictor(cfg)
    h = p.get_input_handle(p.get_input_names()[0])
    h.reshape(x.shape)
    h.copy_from_cpu(x)
    p.run()
    p.get_output_handle(p.get_output_names()[0]).copy_to_cpu()
else:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    s.run(None, {s.get_inputs()[0].name: x})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"baseline_kb": baseline, "peak_kb": peak}))
'''

# Runs the oar CLI as the only child of a fresh interpreter and reports the
# child's peak (RUSAGE_CHILDREN covers only that one child).
OAR_CHILD = r'''
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(json.dumps({"baseline_kb": 0, "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
'''


def measure(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model_dir")
    ap.add_argument("--onnx")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--oar", default=os.path.join(ROOT, "build", "bin", "oar"))
    a = ap.parse_args()
    rows = []
    oar_cmd = [a.oar, "bench", a.model_dir, "--batch", str(a.batch), "--warmup", "0", "--iters", "1",
               "--threads", "1"]
    rows.append(("oar", measure([sys.executable, "-c", OAR_CHILD] + oar_cmd)))
    for engine in ("paddle", "paddle-onednn"):
        try:
            rows.append((engine, measure([sys.executable, "-c", PY_CHILD, engine, a.model_dir, str(a.batch), ""])))
        except subprocess.CalledProcessError as e:
            print(f"{engine}: failed: {e.stderr.strip().splitlines()[-1] if e.stderr else e}", file=sys.stderr)
    if a.onnx:
        rows.append(("onnxruntime", measure([sys.executable, "-c", PY_CHILD, "ort", a.model_dir, str(a.batch),
                                             a.onnx])))
    print(f"peak resident memory, {os.path.basename(os.path.normpath(a.model_dir))}, batch {a.batch}, 1 thread")
    print(f"{'engine':<15} {'peak MiB':>9} {'after import':>13} {'model MiB':>10}")
    for name, r in rows:
        model = (r["peak_kb"] - r["baseline_kb"]) / 1024
        print(f"{name:<15} {r['peak_kb'] / 1024:9.1f} {r['baseline_kb'] / 1024:13.1f} {model:10.1f}")


if __name__ == "__main__":
    main()
