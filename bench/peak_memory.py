#!/usr/bin/env python3
"""Peak resident memory of one inference, engine by engine, each in a fresh
process: oar (the `oar` CLI), Paddle Inference (paddle.inference, with and
without oneDNN) and ONNX Runtime (when an .onnx file of the model is given).

For the Python engines the resident memory right after `import` (the
interpreter, numpy, the engine's own libraries) is also printed and
subtracted, so the "model" column compares what loading and running the
model costs in each engine.

usage: bench/peak_memory.py MODEL_DIR [--onnx FILE] [--oar PATH]
  MODEL_DIR  a case directory made by scripts/gen_fixtures.py or gen_bert.py
             (case.txt naming the model and its input .npy files); every
             engine runs once on exactly those inputs, at 1 thread.
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
engine, model_dir, onnx_path = sys.argv[1], sys.argv[2], sys.argv[3]
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
inputs, files = [], {}
for line in open(model_dir + "/case.txt"):
    w = line.split()
    if len(w) == 3 and w[0] == "input":
        inputs.append((w[1], np.load(model_dir + "/" + w[2])))
    elif len(w) == 2 and w[0] in ("model", "params"):
        files[w[0]] = model_dir + "/" + w[1]
if engine.startswith("paddle"):
    cfg = pi.Config(files["model"], files["params"])
    cfg.disable_gpu()
    cfg.set_cpu_math_library_num_threads(1)
    if engine == "paddle-onednn":
        cfg.enable_mkldnn()
    else:
        cfg.disable_mkldnn()
    cfg.disable_glog_info()
    p = pi.create_predictor(cfg)
    for name, x in inputs:
        h = p.get_input_handle(name)
        h.reshape(x.shape)
        h.copy_from_cpu(x)
    p.run()
    p.get_output_handle(p.get_output_names()[0]).copy_to_cpu()
else:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    s = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    s.run(None, dict(inputs))
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
    ap.add_argument("--oar", default=os.path.join(ROOT, "build", "bin", "oar"))
    a = ap.parse_args()
    rows = []
    oar_cmd = [a.oar, "run", a.model_dir, "--threads", "1"]
    for line in open(os.path.join(a.model_dir, "case.txt")):
        w = line.split()
        if len(w) == 3 and w[0] == "input":
            oar_cmd += ["--input", f"{w[1]}={os.path.join(a.model_dir, w[2])}"]
    rows.append(("oar", measure([sys.executable, "-c", OAR_CHILD] + oar_cmd)))
    for engine in ("paddle", "paddle-onednn"):
        try:
            rows.append((engine, measure([sys.executable, "-c", PY_CHILD, engine, a.model_dir, ""])))
        except subprocess.CalledProcessError as e:
            print(f"{engine}: failed: {e.stderr.strip().splitlines()[-1] if e.stderr else e}", file=sys.stderr)
    if a.onnx:
        rows.append(("onnxruntime", measure([sys.executable, "-c", PY_CHILD, "ort", a.model_dir, a.onnx])))
    print(f"peak resident memory, {os.path.basename(os.path.normpath(a.model_dir))}, its case inputs, 1 thread")
    print(f"{'engine':<15} {'peak MiB':>9} {'after import':>13} {'model MiB':>10}")
    for name, r in rows:
        model = (r["peak_kb"] - r["baseline_kb"]) / 1024
        print(f"{name:<15} {r['peak_kb'] / 1024:9.1f} {r['baseline_kb'] / 1024:13.1f} {model:10.1f}")


if __name__ == "__main__":
    main()
