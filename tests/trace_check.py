#!/usr/bin/env python3
"""`oar bench MODEL --trace FILE` writes valid Chrome trace JSON with one
complete ("X") event per profiled node, each naming its kernel, laid end to
end, and the events' durations add up to the profile's per-run node time.

usage: trace_check.py OAR MODEL_DIR TRACE_FILE
"""
import json
import re
import subprocess
import sys

oar, model, trace = sys.argv[1:4]
out = subprocess.run([oar, "bench", model, "--iters", "3", "--trace", trace],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
print(out.stdout)
if out.returncode != 0:
    sys.exit("FAIL: oar bench --trace exited with %d" % out.returncode)
m = re.search(r"^profile: (\d+) nodes, ([0-9.]+) ms per run in nodes \((\d+) runs\)", out.stdout, re.M)
if not m:
    sys.exit("FAIL: no profile line")
nodes, ms, runs = int(m.group(1)), float(m.group(2)), int(m.group(3))
with open(trace) as f:
    doc = json.load(f)
events = [e for e in doc["traceEvents"] if e.get("ph") == "X"]
if len(events) != nodes:
    sys.exit("FAIL: %d complete events, the profile has %d nodes" % (len(events), nodes))
if doc["otherData"]["runs"] != runs:
    sys.exit("FAIL: trace says %s runs, the profile %d" % (doc["otherData"]["runs"], runs))
end = 0.0
for e in events:
    if not e["args"].get("kernel") or not e["name"]:
        sys.exit("FAIL: event without a node name or kernel: %r" % e)
    if abs(e["ts"] - end) > 0.01 or e["dur"] < 0:
        sys.exit("FAIL: events not laid end to end at %r" % e)
    end = e["ts"] + e["dur"]
if abs(end / 1e3 - ms) > 0.01 + 1e-3 * ms:
    sys.exit("FAIL: events add up to %.3f ms, the profile says %.3f" % (end / 1e3, ms))
print("OK: %d events, %.3f ms per run" % (len(events), end / 1e3))
