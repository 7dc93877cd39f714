#!/usr/bin/env python3
"""Per-call cost of a one-op model from Python: oar vs ONNX Runtime.

Side by side in one process, interleaved: every round times a batch of calls
of each way to run the same model, and the table gives each way's median
per-call time over the rounds, in microseconds.

  oar paddle-style   in.copy_from_cpu(x); predictor.run(); out.copy_to_cpu()
                     (handles looked up once, as Paddle's demos do)
  oar + handles      the same with get_input_handle / get_output_handle in
                     every call
  oar run([x])       predictor.run([x]): oar's shortest path
  ORT run            InferenceSession.run(None, {"x": x})

Every oar row is measured twice: through the compiled module oar._fast
("fast") and through ctypes alone ("ctypes", as with OAR_NO_FAST=1). The
model is one ReLU on a [2, 3, 4, 5] float32 input, built with onnx.helper and
loaded by both engines (oar's ONNX frontend), and the Paddle fixture
tests/data/ops/relu for oar's Paddle frontend.

Usage: bench/python_call_bench.py [--threads 1,2] [--rounds 31] [--calls 2000] [--shape 2,3,4,5]
Needs oar importable (`pip install .`, or PYTHONPATH / OAR_LIBRARY pointing
at a build), onnx and onnxruntime.
"""

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

import oar
import oar.inference as paddle_infer
from oar import _predictor

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
def relu_onnx(path, shape):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "relu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)


def oar_predictor(model, threads):
    config = paddle_infer.Config(model)
    config.set_cpu_math_library_num_threads(threads)
    return paddle_infer.create_predictor(config)


def oar_ways(predictor, x, label):
    """{name: callable running one call} for an oar predictor."""
    in_name, out_name = predictor.get_input_names()[0], predictor.get_output_names()[0]
    h_in, h_out = predictor.get_input_handle(in_name), predictor.get_output_handle(out_name)

    def paddle_style():
        h_in.copy_from_cpu(x)
        predictor.run()
        return h_out.copy_to_cpu()

    def with_handles():
        predictor.get_input_handle(in_name).copy_from_cpu(x)
        predictor.run()
        return predictor.get_output_handle(out_name).copy_to_cpu()

    def shortest():
        return predictor.run([x])[0]

    return {
        "oar %s paddle-style" % label: paddle_style,
        "oar %s + handles" % label: with_handles,
        "oar %s run([x])" % label: shortest,
    }


def per_call_us(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--rounds", type=int, default=31, help="timed rounds (the median is taken over them)")
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--shape", default="2,3,4,5", help="the input's shape (default 2,3,4,5)")
    args = parser.parse_args()

    fast = getattr(_predictor, "_fast", None)  # None: ctypes only (or a build before oar._fast)
    print("oar %s; oar._fast: %s" % (oar.version(), "built" if fast is not None else "None (ctypes only)"))
    print("onnxruntime %s; numpy %s" % (ort.__version__, np.__version__))
    shape = [int(d) for d in args.shape.split(",")]
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    want = np.maximum(x, 0)
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = os.path.join(tmp, "relu.onnx")
        relu_onnx(onnx_path, shape)
        paddle_model = os.path.join(ROOT, "tests", "data", "ops", "relu", "model.pdmodel")
        for threads in [int(t) for t in args.threads.split(",")]:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
            ways = {"ORT run": lambda: session.run(None, {"x": x})[0]}
            models = [("onnx", onnx_path)]
            if os.path.exists(paddle_model) and len(shape) == 4:  # the fixture's rank
                models.append(("paddle", paddle_model))
            for form, model in models:
                predictor = oar_predictor(model, threads)
                for path in (["fast"] if fast is not None else []) + ["ctypes"]:
                    label = "%s/%s" % (form, path)
                    for name, fn in oar_ways(predictor, x, label).items():
                        # The module global decides the path: set it around each call batch.
                        ways[name] = (fn, fast if path == "fast" else None)
            times = {name: [] for name in ways}
            for name, way in ways.items():  # warm up and check every way's output
                fn, module = way if isinstance(way, tuple) else (way, fast)
                _predictor._fast = module
                got = fn()
                if not np.array_equal(got, want):
                    raise SystemExit("%s: wrong output" % name)
            for _ in range(args.rounds):
                for name, way in ways.items():
                    fn, module = way if isinstance(way, tuple) else (way, fast)
                    _predictor._fast = module
                    times[name].append(per_call_us(fn, args.calls))
            _predictor._fast = fast
            ort_us = statistics.median(times["ORT run"])
            print("\n%d thread%s, input %s: median of %d rounds of %d calls, us per call" % (
                threads, "" if threads == 1 else "s", "x".join(map(str, shape)), args.rounds, args.calls))
            print("%-34s %9s %9s %8s" % ("way", "median", "min", "/ ORT"))
            for name, ts in times.items():
                med = statistics.median(ts)
                print("%-34s %9.2f %9.2f %7.2fx" % (name, med, min(ts), med / ort_us))


if __name__ == "__main__":
    main()
