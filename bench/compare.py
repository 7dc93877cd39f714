#!/usr/bin/env python3
"""Side-by-side latency of oar, ONNX Runtime and Paddle Inference on the same
models, inputs and machine (see bench/README.md).

    python3 bench/compare.py                      # defaults: ResNet-50, MobileNetV2; batch 1, 8; 1, 2 threads
    python3 bench/compare.py --models all --markdown BENCHMARKS.table.md

What it does, in order:
  1. builds oar (cmake, Release) into --build unless its liboar.so is there;
  2. builds each model with paddlepaddle (paddle.vision.models, or PP-LCNet
     written out here), random weights with calibrated batch-norm statistics,
     saved as a legacy inference program, and exports it to ONNX with
     paddle2onnx; both are cached under --work;
  3. for every (model, batch, threads): starts one worker process per engine
     (oar on the Paddle files, oar on the ONNX file, ONNX Runtime, Paddle
     Inference without and with oneDNN), checks that their outputs agree, then
     times them in rounds, rotating the order of the engines every round, so
     that the noise of a shared machine hits every engine alike;
  4. prints median and p90 latency per engine and the ratio oar / engine.

Each engine runs in its own process and a short pause (--pause) precedes
every block of runs, so no engine's idle threads (ONNX Runtime's
spin-waiting pool) steal cycles from another's run. A timed run includes
feeding the input and fetching the output, for every engine.
"""
import argparse
import ctypes
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("FLAGS_enable_pir_api", "0")  # paddle.jit.save writes a legacy .pdmodel

ALL_MODELS = ["resnet50", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "pp_lcnet"]
ALL_ENGINES = ["oar", "oar-onnx", "ort", "paddle", "paddle-onednn"]


# ---- models ------------------------------------------------------------------


def pp_lcnet_x1_0():
    """PP-LCNet x1.0 (PaddleClas), written out: depthwise-separable blocks with
    hard_swish, squeeze-excitation in the last two, a 1280-wide 1x1 head."""
    import paddle
    from paddle import nn

    def conv_bn(cin, cout, k, stride, groups=1):
        return nn.Sequential(nn.Conv2D(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias_attr=False),
                             nn.BatchNorm2D(cout), nn.Hardswish())

    class SE(nn.Layer):
        def __init__(self, c):
            super().__init__()
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.conv1 = nn.Conv2D(c, c // 4, 1)
            self.relu = nn.ReLU()
            self.conv2 = nn.Conv2D(c // 4, c, 1)
            self.gate = nn.Hardsigmoid()

        def forward(self, x):
            return x * self.gate(self.conv2(self.relu(self.conv1(self.pool(x)))))

    class Block(nn.Layer):
        def __init__(self, k, cin, cout, stride, se):
            super().__init__()
            self.dw = conv_bn(cin, cin, k, stride, groups=cin)
            self.se = SE(cin) if se else None
            self.pw = conv_bn(cin, cout, 1, 1)

        def forward(self, x):
            x = self.dw(x)
            if self.se is not None:
                x = self.se(x)
            return self.pw(x)

    cfg = [[3, 16, 32, 1, False], [3, 32, 64, 2, False], [3, 64, 64, 1, False], [3, 64, 128, 2, False],
           [3, 128, 128, 1, False], [3, 128, 256, 2, False]] + [[5, 256, 256, 1, False]] * 5 + \
          [[5, 256, 512, 2, True], [5, 512, 512, 1, True]]

    class LCNet(nn.Layer):
        def __init__(self):
            super().__init__()
            self.stem = conv_bn(3, 16, 3, 2)
            self.blocks = nn.Sequential(*[Block(*c) for c in cfg])
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.last = nn.Conv2D(512, 1280, 1)
            self.act = nn.Hardswish()
            self.fc = nn.Linear(1280, 1000)

        def forward(self, x):
            x = self.act(self.last(self.pool(self.blocks(self.stem(x)))))
            return self.fc(paddle.flatten(x, 1))

    return LCNet()


def export_model(name, out_dir, seed=7):
    """Paddle inference files (model.pdmodel / .pdiparams) and model.onnx."""
    import numpy as np
    import paddle

    prefix = os.path.join(out_dir, "model")
    if not os.path.exists(prefix + ".pdiparams"):
        os.makedirs(out_dir, exist_ok=True)
        paddle.disable_static()
        paddle.seed(seed)
        model = pp_lcnet_x1_0() if name == "pp_lcnet" else getattr(paddle.vision.models, name)()
        rng = np.random.default_rng(seed)
        # Random BN scale/shift and statistics of a random batch, so that
        # activations keep a realistic range through the depth.
        for bn in [m for m in model.sublayers() if isinstance(m, paddle.nn.layer.norm._BatchNormBase)]:
            bn.weight.set_value(rng.uniform(0.5, 1.5, bn.weight.shape).astype(np.float32))
            bn.bias.set_value(rng.normal(0.0, 0.2, bn.bias.shape).astype(np.float32))
            bn._momentum = 0.0
        model.train()
        with paddle.no_grad():
            model(paddle.to_tensor(rng.standard_normal((8, 3, 224, 224)).astype(np.float32)))
        model.eval()
        spec = [paddle.static.InputSpec([None, 3, 224, 224], "float32", "x")]
        paddle.jit.save(paddle.jit.to_static(model, input_spec=spec, full_graph=True), prefix, input_spec=spec)
        if os.path.exists(prefix + ".pdiparams.info"):
            os.remove(prefix + ".pdiparams.info")
    onnx_path = os.path.join(out_dir, "model.onnx")
    if not os.path.exists(onnx_path):
        try:
            import paddle2onnx

            # onnxoptimizer rather than the default polygraphy, which pip-installs
            # onnx_graphsurgeon from NVIDIA's index on first use.
            paddle2onnx.export(prefix + ".pdmodel", prefix + ".pdiparams", onnx_path, opset_version=13,
                               enable_onnx_checker=True, optimize_tool="onnxoptimizer")
        except Exception as e:  # noqa: BLE001 - any exporter failure only removes the ONNX engines
            print("  paddle2onnx failed for %s: %s" % (name, e))
    return prefix, onnx_path


# ---- engines (each in its own process) ------------------------------------------


class OarEngine:
    """oar through its C API (ctypes on liboar.so)."""

    def __init__(self, lib_path, model, threads):
        L = ctypes.CDLL(lib_path)
        self.L = L
        vp = ctypes.c_void_p
        L.oar_config_create.argtypes = [ctypes.POINTER(vp)]
        L.oar_config_set_model.argtypes = [vp, ctypes.c_char_p, ctypes.c_char_p]
        L.oar_config_set_num_threads.argtypes = [vp, ctypes.c_int]
        L.oar_predictor_create.argtypes = [vp, ctypes.POINTER(vp)]
        L.oar_predictor_input_name.argtypes = [vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)]
        L.oar_predictor_output_name.argtypes = [vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)]
        L.oar_predictor_get_input.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(vp)]
        L.oar_predictor_get_output.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(vp)]
        L.oar_predictor_run.argtypes = [vp]
        L.oar_tensor_reshape.argtypes = [vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int64)]
        L.oar_tensor_copy_from_host.argtypes = [vp, ctypes.c_int, vp, ctypes.c_size_t]
        L.oar_tensor_shape.argtypes = [vp, ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_int64),
                                       ctypes.c_size_t]
        L.oar_tensor_copy_to_host.argtypes = [vp, vp, ctypes.c_size_t]
        L.oar_last_error.restype = ctypes.c_char_p
        cfg, pred = vp(), vp()
        self._ok(L.oar_config_create(ctypes.byref(cfg)))
        self._ok(L.oar_config_set_model(cfg, model.encode(), None))
        self._ok(L.oar_config_set_num_threads(cfg, threads))
        self._ok(L.oar_predictor_create(cfg, ctypes.byref(pred)))
        self.pred = pred
        name = ctypes.c_char_p()
        self._ok(L.oar_predictor_input_name(pred, 0, ctypes.byref(name)))
        self.inp = vp()
        self._ok(L.oar_predictor_get_input(pred, name.value, ctypes.byref(self.inp)))
        self._ok(L.oar_predictor_output_name(pred, 0, ctypes.byref(name)))
        self.out = vp()
        self._ok(L.oar_predictor_get_output(pred, name.value, ctypes.byref(self.out)))

    def _ok(self, st):
        if st != 0:
            raise RuntimeError("oar: " + (self.L.oar_last_error() or b"?").decode())

    def run(self, x):
        import numpy as np

        dims = (ctypes.c_int64 * x.ndim)(*x.shape)
        self._ok(self.L.oar_tensor_reshape(self.inp, x.ndim, dims))
        self._ok(self.L.oar_tensor_copy_from_host(self.inp, 1, x.ctypes.data, x.nbytes))
        self._ok(self.L.oar_predictor_run(self.pred))
        rank = ctypes.c_size_t()
        odims = (ctypes.c_int64 * 8)()
        self._ok(self.L.oar_tensor_shape(self.out, ctypes.byref(rank), odims, 8))
        y = np.empty([odims[i] for i in range(rank.value)], dtype=np.float32)
        self._ok(self.L.oar_tensor_copy_to_host(self.out, y.ctypes.data, y.nbytes))
        return y


class OrtEngine:
    def __init__(self, onnx_path, threads):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.s = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
        self.name = self.s.get_inputs()[0].name

    def run(self, x):
        return self.s.run(None, {self.name: x})[0]


class PaddleEngine:
    def __init__(self, prefix, threads, onednn):
        import paddle.inference as pi

        cfg = pi.Config(prefix + ".pdmodel", prefix + ".pdiparams")
        cfg.disable_gpu()
        cfg.set_cpu_math_library_num_threads(threads)
        if onednn:
            cfg.enable_mkldnn()
        else:
            cfg.disable_mkldnn()
        cfg.disable_glog_info()
        cfg.switch_ir_optim(True)
        self.p = pi.create_predictor(cfg)
        self.inp = self.p.get_input_handle(self.p.get_input_names()[0])
        self.out = self.p.get_output_handle(self.p.get_output_names()[0])

    def run(self, x):
        self.inp.reshape(x.shape)
        self.inp.copy_from_cpu(x)
        self.p.run()
        return self.out.copy_to_cpu()


def worker(conn, engine, prefix, onnx_path, lib, threads, batch, seed):
    """Loads one engine, then answers commands: ('check',) -> output,
    ('time', n) -> n latencies in seconds, ('stop',)."""
    import numpy as np

    try:
        if engine == "oar":
            e = OarEngine(lib, os.path.dirname(prefix), threads)
        elif engine == "oar-onnx":
            e = OarEngine(lib, onnx_path, threads)
        elif engine == "ort":
            e = OrtEngine(onnx_path, threads)
        elif engine == "paddle":
            e = PaddleEngine(prefix, threads, False)
        else:
            e = PaddleEngine(prefix, threads, True)
        x = np.random.default_rng(seed).standard_normal((batch, 3, 224, 224)).astype(np.float32)
        for _ in range(3):
            e.run(x)
        conn.send(("ready", None))
    except Exception as ex:  # noqa: BLE001 - reported to the parent, which skips the engine
        conn.send(("error", "%s: %s" % (type(ex).__name__, str(ex).splitlines()[0] if str(ex) else "")))
        return
    while True:
        cmd = conn.recv()
        if cmd[0] == "check":
            conn.send(e.run(x))
        elif cmd[0] == "time":
            t = []
            for _ in range(cmd[1]):
                t0 = time.perf_counter()
                e.run(x)
                t.append(time.perf_counter() - t0)
            conn.send(t)
        else:
            return


# ---- driver ------------------------------------------------------------------------


def ensure_oar(build):
    lib = os.path.join(build, "lib", "liboar.so")
    if not os.path.exists(lib):
        print("== building oar into %s" % build)
        subprocess.check_call(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                               "-DOAR_BUILD_TESTS=OFF"])
        subprocess.check_call(["cmake", "--build", build, "-j%d" % (os.cpu_count() or 2), "--target", "oar_shared"])
    return lib


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def bench_config(args, lib, name, prefix, onnx_path, batch, threads):
    import numpy as np

    ctx = mp.get_context("spawn")
    engines = [e for e in args.engines if not (e in ("ort", "oar-onnx") and not os.path.exists(onnx_path))]
    procs, conns, alive, notes = {}, {}, [], {}
    for e in engines:
        parent, child = ctx.Pipe()
        p = ctx.Process(target=worker, args=(child, e, prefix, onnx_path, lib, threads, batch, 1234), daemon=True)
        p.start()
        procs[e], conns[e] = p, parent
        # Load one at a time: loading is not what is measured.
        status, msg = parent.recv()
        if status == "ready":
            alive.append(e)
        else:
            notes[e] = msg
            p.join()
    # Outputs must agree before any time is worth reporting.
    ref = None
    agree = {}
    for e in alive:
        conns[e].send(("check",))
        y = conns[e].recv()
        if ref is None:
            ref = y
        err = float(np.max(np.abs(y.astype(np.float64) - ref))) / max(1e-6, float(np.max(np.abs(ref))))
        agree[e] = err
    times = {e: [] for e in alive}
    for r in range(args.rounds):
        order = alive[r % len(alive):] + alive[:r % len(alive)] if alive else []
        for e in order:
            # A pause first: an engine's threads may spin-wait for a while
            # after its last run (OpenMP's default block time in Paddle is
            # 200 ms; ONNX Runtime's pool spins too), on the core the next
            # engine is about to use.
            time.sleep(args.pause)
            conns[e].send(("time", args.iters))
            times[e] += conns[e].recv()
    for e in alive:
        conns[e].send(("stop",))
        procs[e].join()
    rows = []
    oar_med = percentile(times["oar"], 0.5) if "oar" in times else None
    for e in engines:
        if e not in times:
            rows.append((name, batch, threads, e, None, None, None, None, notes.get(e, "")))
            continue
        med, p90 = percentile(times[e], 0.5) * 1e3, percentile(times[e], 0.9) * 1e3
        ratio = oar_med * 1e3 / med if oar_med is not None else None
        rows.append((name, batch, threads, e, med, p90, ratio, agree[e], ""))
    return rows


def fmt_rows(rows, markdown):
    head = ["model", "batch", "threads", "engine", "median ms", "p90 ms", "oar / engine", "max rel diff"]
    out = []
    if markdown:
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
    else:
        out.append("%-20s %5s %7s %-14s %10s %10s %12s %12s" % tuple(head))
    for (m, b, t, e, med, p90, ratio, agree, note) in rows:
        if med is None:
            cells = [m, str(b), str(t), e, "n/a", "", "", note[:60]]
        else:
            cells = [m, str(b), str(t), e, "%.2f" % med, "%.2f" % p90, "%.2f" % ratio if ratio else "",
                     "%.1e" % agree]
        if markdown:
            out.append("| " + " | ".join(cells) + " |")
        else:
            out.append("%-20s %5s %7s %-14s %10s %10s %12s %12s" % tuple(cells))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="resnet50,mobilenet_v2", help="comma list, or 'all' (%s)" % ",".join(ALL_MODELS))
    ap.add_argument("--engines", default=",".join(ALL_ENGINES), help="comma list of " + ",".join(ALL_ENGINES))
    ap.add_argument("--batch", default="1,8")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=6, help="rounds of every engine, in rotating order")
    ap.add_argument("--iters", type=int, default=5, help="timed runs per engine per round")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds of idle before each engine's block of runs")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="oar build directory")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"), help="where models are cached")
    ap.add_argument("--markdown", help="also write the table as markdown to this file")
    args = ap.parse_args()
    args.models = ALL_MODELS if args.models == "all" else args.models.split(",")
    args.engines = [e for e in args.engines.split(",") if e]
    if "oar" in args.engines:
        args.engines.remove("oar")
    args.engines = ["oar"] + args.engines  # the reference of the ratios, and the first to load

    lib = ensure_oar(os.path.abspath(args.build))
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    header = "date %s, CPU %s (%d logical), commit %s" % (time.strftime("%Y-%m-%d"), cpu_name(), os.cpu_count() or 0,
                                                        commit)
    print(header)
    rows = []
    for name in args.models:
        print("== %s: exporting (cached in %s)" % (name, args.work))
        prefix, onnx_path = export_model(name, os.path.join(args.work, name))
        for batch in [int(b) for b in args.batch.split(",")]:
            for threads in [int(t) for t in args.threads.split(",")]:
                r = bench_config(args, lib, name, prefix, onnx_path, batch, threads)
                print(fmt_rows(r, False).split("\n", 1)[1])
                sys.stdout.flush()
                rows += r
    print()
    print(header)
    print(fmt_rows(rows, False))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header + "\n\n" + fmt_rows(rows, True) + "\n")


if __name__ == "__main__":
    main()
