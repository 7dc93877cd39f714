#!/usr/bin/env python3
"""Throughput and latency of `oar serve` with and without dynamic batching.

Starts the server once per configuration over a one-model repository (a
symlink to MODEL_DIR), drives it from C concurrent tritonclient[http]
clients (binary tensors, batch 1, the case's first input row) for S seconds
each, and prints requests/s, p50 and p99 latency, and the mean batch the
server ran (from /metrics). Then the one-op round trip: one client,
sequential requests to ops/elementwise_add_same, against `oar bench` of the
same model in process.

With --soak S: one run of S seconds with dynamic batching at --clients
clients that also samples the server's resident memory every 5 s, and
fails (exit 1) on any failed request or a resident size that grows by more
than 10% after the first minute.

usage: bench/serve_bench.py OAR MODEL_DIR [--clients 16] [--seconds 15]
       [--max-batch 8] [--delay-us 2000] [--instances 2] [--threads 1]
       [--soak S]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import numpy as np
import tritonclient.http as httpclient


def start(oar, repo):
    proc = subprocess.Popen([oar, "serve", "--model-repository", repo, "--http-port", "0", "--address", "127.0.0.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if "listening on" not in line:
        proc.kill()
        sys.exit(f"server did not start: {line!r}")
    return proc, int(line.rsplit(":", 1)[1])


def start_one(args, repo, config):
    """Starts the server on a repository holding args.model as model "m"."""
    os.makedirs(os.path.join(repo, "m"))
    os.symlink(os.path.abspath(args.model), os.path.join(repo, "m", "1"))
    with open(os.path.join(repo, "m", "config.json"), "w") as f:
        json.dump(config, f)
    return start(args.oar, repo)


def first_input(model_dir):
    for line in open(os.path.join(model_dir, "case.txt")):
        w = line.split()
        if w and w[0] == "input":
            x = np.load(os.path.join(model_dir, w[2]))
            return w[1], x[:1]
    sys.exit("no input in case.txt")


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    m = re.search(rf"^{name}\{{[^}}]*\}} ([0-9.e+]+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")


def load(port, name, x, clients, seconds):
    lat = []
    lock = threading.Lock()
    stop = time.time() + seconds
    errors = []

    def work():
        c = httpclient.InferenceServerClient(f"127.0.0.1:{port}")
        inp = httpclient.InferInput(name, list(x.shape), "FP32")
        inp.set_data_from_numpy(x, binary_data=True)
        mine = []
        try:
            while time.time() < stop:
                t0 = time.perf_counter()
                c.infer("m", [inp])
                mine.append(time.perf_counter() - t0)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
        with lock:
            lat.extend(mine)
        c.close()

    ts = [threading.Thread(target=work) for _ in range(clients)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.time() - t0
    if errors:
        print("errors:", errors[:3])
    lat = np.array(lat) * 1e3
    return len(lat) / wall, np.percentile(lat, 50), np.percentile(lat, 99), len(lat)


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def soak(args):
    config = {"instance_group": [{"count": args.instances}], "threads": args.threads,
              "max_batch_size": args.max_batch, "dynamic_batching": {"max_queue_delay_microseconds": args.delay_us}}
    with tempfile.TemporaryDirectory() as repo:
        proc, port = start_one(args, repo, config)
        samples = []
        done = threading.Event()

        def sampler():
            t0 = time.time()
            while not done.wait(5):
                samples.append((time.time() - t0, rss_kib(proc.pid)))

        th = threading.Thread(target=sampler)
        th.start()
        try:
            name, x = first_input(args.model)
            rps, p50, p99, n = load(port, name, x, args.clients, args.soak)
            failures = metric(port, "oar_inference_request_failure_total")
        finally:
            done.set()
            th.join()
            proc.terminate()
            rc = proc.wait()
    after = [kib for t, kib in samples if t >= 60] or [kib for _, kib in samples]
    growth = (max(after) - after[0]) / after[0] if after else 0.0
    print(f"soak {args.soak:g} s, {args.clients} clients: {n} requests, {rps:.1f} req/s, p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, {failures:.0f} failed; server RSS (MiB) " +
          " ".join(f"{kib / 1024:.1f}" for _, kib in samples[::max(1, len(samples) // 12)]) +
          f"; growth after the first minute {growth * 100:.1f}%; exit status {rc}")
    return 0 if failures == 0 and growth <= 0.10 and rc == 0 else 1


def run_config(args, label, config):
    with tempfile.TemporaryDirectory() as repo:
        proc, port = start_one(args, repo, config)
        try:
            name, x = first_input(args.model)
            load(port, name, x, args.clients, 2)  # warm-up: plans for every batch size
            e0, n0 = metric(port, "oar_inference_exec_count_total"), metric(port, "oar_inference_count_total")
            rps, p50, p99, n = load(port, name, x, args.clients, args.seconds)
            e1, n1 = metric(port, "oar_inference_exec_count_total"), metric(port, "oar_inference_count_total")
            mean_batch = (n1 - n0) / max(e1 - e0, 1)
            print(f"{label:<34} {rps:8.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  "
                  f"mean batch {mean_batch:5.2f}  ({n} requests)")
            return rps
        finally:
            proc.terminate()
            proc.wait()


def one_op(args):
    case = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "ops",
                        "elementwise_add_same")
    with tempfile.TemporaryDirectory() as repo:
        os.makedirs(os.path.join(repo, "add"))
        os.symlink(os.path.abspath(case), os.path.join(repo, "add", "1"))
        proc, port = start(args.oar, repo)
        try:
            c = httpclient.InferenceServerClient(f"127.0.0.1:{port}")
            ins = []
            for n in ("x", "y"):
                a = np.load(os.path.join(case, f"in_{n}.npy"))
                i = httpclient.InferInput(n, list(a.shape), "FP32")
                i.set_data_from_numpy(a, binary_data=True)
                ins.append(i)
            out = [httpclient.InferRequestedOutput("elementwise_add_1.out_0", binary_data=True)]
            for _ in range(200):
                c.infer("add", ins, outputs=out)
            lat = []
            for _ in range(2000):
                t0 = time.perf_counter()
                c.infer("add", ins, outputs=out)
                lat.append(time.perf_counter() - t0)
            lat = np.array(lat) * 1e6
            print(f"one-op (add 2x3x4) over HTTP, 1 client, binary: p50 {np.percentile(lat, 50):.0f} us  "
                  f"p99 {np.percentile(lat, 99):.0f} us  min {lat.min():.0f} us")
        finally:
            proc.terminate()
            proc.wait()
    bench = subprocess.run([args.oar, "bench", case, "--batch", "2", "--iters", "2000", "--warmup", "200"], capture_output=True,
                           text=True).stdout
    m = re.search(r"median ([0-9.e+-]+)\s+p90 ([0-9.e+-]+)\s+min ([0-9.e+-]+)", bench)
    print(f"one-op in process (oar bench, run only): median {float(m.group(1)) * 1e3:.1f} us  "
          f"min {float(m.group(3)) * 1e3:.1f} us")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("oar")
    ap.add_argument("model")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--max-batch", type=int, default=8)
    ap.add_argument("--delay-us", type=int, default=2000)
    ap.add_argument("--instances", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-one-op", action="store_true")
    ap.add_argument("--soak", type=float, default=0)
    args = ap.parse_args()
    if args.soak:
        sys.exit(soak(args))
    print(f"model {args.model}, {args.clients} clients, {args.seconds:g} s each, {args.instances} instance(s) x "
          f"{args.threads} thread(s), {os.cpu_count()} CPUs")
    base = {"instance_group": [{"count": args.instances}], "threads": args.threads}
    a = run_config(args, "no batching", dict(base))
    b = run_config(args, f"dynamic batching (<= {args.max_batch}, {args.delay_us} us)",
                   dict(base, max_batch_size=args.max_batch,
                        dynamic_batching={"max_queue_delay_microseconds": args.delay_us}))
    print(f"dynamic batching / none: {b / a:.2f}x")
    if not args.skip_one_op:
        one_op(args)


if __name__ == "__main__":
    main()
