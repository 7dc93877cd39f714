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
# Also available: oar-bf16 (oar with precision bfloat16 on the Paddle files),
# paddle-onednn-int8 (Paddle Inference with oneDNN's int8 passes, for
# quantized Paddle models).
EXTRA_ENGINES = ["oar-bf16", "paddle-onednn-int8"]


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


def export_onnx(model, params, onnx_path, name):
    """paddle2onnx export of a Paddle model, cached at onnx_path. It runs in a
    child process: paddle2onnx aborts the process on some ops it cannot
    export (prior_box). A failure only removes the ONNX engines for the
    model, and is printed."""
    if not os.path.exists(onnx_path):
        # onnxoptimizer rather than the default polygraphy, which pip-installs
        # onnx_graphsurgeon from NVIDIA's index on first use.
        code = ("import sys, paddle2onnx; paddle2onnx.export(sys.argv[1], sys.argv[2], sys.argv[3], opset_version=13, "
                "enable_onnx_checker=True, optimize_tool='onnxoptimizer')")
        r = subprocess.run([sys.executable, "-c", code, model, params, onnx_path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode != 0 or not os.path.exists(onnx_path):
            lines = [l for l in r.stdout.splitlines() if "error" in l.lower() or "not supported" in l.lower()]
            print("  paddle2onnx failed for %s (exit %d): %s" % (name, r.returncode, lines[-1][:200] if lines else "?"))
            if os.path.exists(onnx_path):
                os.remove(onnx_path)
    return onnx_path


def save_layer(model, specs, feeds, out_dir, name):
    """paddle.jit.save of a dygraph layer as a legacy inference program, its
    inputs as .npy files, and the paddle2onnx export: the spec of a model."""
    import numpy as np
    import paddle

    prefix = os.path.join(out_dir, "model")
    if not os.path.exists(prefix + ".pdiparams"):
        os.makedirs(out_dir, exist_ok=True)
        model.eval()
        paddle.jit.save(paddle.jit.to_static(model, input_spec=specs, full_graph=True), prefix, input_spec=specs)
        if os.path.exists(prefix + ".pdiparams.info"):
            os.remove(prefix + ".pdiparams.info")
        for k, x in feeds.items():
            np.save(os.path.join(out_dir, "in_%s.npy" % k), x)
    inputs = [(sp.name, os.path.join(out_dir, "in_%s.npy" % sp.name)) for sp in specs]
    onnx = export_onnx(prefix + ".pdmodel", prefix + ".pdiparams", os.path.join(out_dir, "model.onnx"), name)
    return {"model": prefix + ".pdmodel", "params": prefix + ".pdiparams", "onnx": onnx, "inputs": inputs}


def export_model(name, out_dir, seed=7):
    """A torchvision-style ImageNet CNN (paddle.vision.models) or PP-LCNet."""
    import numpy as np
    import paddle

    paddle.disable_static()
    paddle.seed(seed)
    model = pp_lcnet_x1_0() if name == "pp_lcnet" else getattr(paddle.vision.models, name)()
    rng = np.random.default_rng(seed)
    if not os.path.exists(os.path.join(out_dir, "model.pdiparams")):
        # Random BN scale/shift and statistics of a random batch, so that
        # activations keep a realistic range through the depth.
        for bn in [m for m in model.sublayers() if isinstance(m, paddle.nn.layer.norm._BatchNormBase)]:
            bn.weight.set_value(rng.uniform(0.5, 1.5, bn.weight.shape).astype(np.float32))
            bn.bias.set_value(rng.normal(0.0, 0.2, bn.bias.shape).astype(np.float32))
            bn._momentum = 0.0
        model.train()
        with paddle.no_grad():
            model(paddle.to_tensor(rng.standard_normal((8, 3, 224, 224)).astype(np.float32)))
    spec = [paddle.static.InputSpec([None, 3, 224, 224], "float32", "x")]
    feeds = {"x": rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}
    return save_layer(model, spec, feeds, out_dir, name)


def mlp_model(out_dir, seed=7):
    """The tiny MLP of issue 13: 784-512-512-10 with ReLU, batch 1."""
    import numpy as np
    import paddle
    from paddle import nn

    paddle.disable_static()
    paddle.seed(seed)
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    spec = [paddle.static.InputSpec([None, 784], "float32", "x")]
    feeds = {"x": np.random.default_rng(seed).standard_normal((1, 784)).astype(np.float32)}
    return save_layer(model, spec, feeds, out_dir, "mlp")


def audio_mel_model(out_dir, seed=7):
    """An audio front-end: log-mel spectrogram of 1 s of 16 kHz audio, the STFT
    as a 1-D convolution with the 400-tap windowed DFT basis (stride 160, 201
    bins, real and imaginary), power, an 80-band mel matrix and power-law
    compression (x ** 0.3; paddle.jit.save of Paddle 3.3.1 fails on log and
    the other unary math ops in the legacy form); [N, T, 80]."""
    import numpy as np
    import paddle
    from paddle import nn

    n_fft, hop, bins, mels = 400, 160, 201, 80
    t = np.arange(n_fft)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * t / n_fft)
    k = np.arange(bins)[:, None]
    basis = np.concatenate([np.cos(2 * np.pi * k * t / n_fft), -np.sin(2 * np.pi * k * t / n_fft)]) * window
    freqs = np.linspace(0, 8000, bins)
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    edges = 700 * (10 ** (np.linspace(mel(0), mel(8000), mels + 2) / 2595) - 1)
    fb = np.zeros((mels, bins))
    for m in range(mels):
        lo, c, hi = edges[m], edges[m + 1], edges[m + 2]
        fb[m] = np.clip(np.minimum((freqs - lo) / (c - lo), (hi - freqs) / (hi - c)), 0, None)

    class LogMel(nn.Layer):
        def __init__(self):
            super().__init__()
            self.stft = nn.Conv1D(1, 2 * bins, n_fft, stride=hop, bias_attr=False)
            self.stft.weight.set_value(basis[:, None, :].astype(np.float32))
            self.fb = nn.Linear(bins, mels, bias_attr=False)
            self.fb.weight.set_value(fb.T.astype(np.float32))

        def forward(self, wav):
            spec = self.stft(wav)
            re, im = paddle.split(spec, 2, axis=1)
            power = re * re + im * im
            return paddle.pow(self.fb(paddle.transpose(power, [0, 2, 1])) + 1e-6, 0.3)

    paddle.disable_static()
    spec = [paddle.static.InputSpec([None, 1, 16000], "float32", "wav")]
    feeds = {"wav": (0.1 * np.random.default_rng(seed).standard_normal((1, 1, 16000))).astype(np.float32)}
    return save_layer(LogMel(), spec, feeds, out_dir, "audio_mel")


def case_model(case_dir, out_dir, name):
    """A test case directory (tests/data/{zoo,large}/<case>/case.txt): its
    Paddle files and inputs; the ONNX form is the case's model.onnx where it
    has one, else a paddle2onnx export cached in out_dir."""
    spec = {"inputs": [], "params": None}
    with open(os.path.join(case_dir, "case.txt")) as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and w[0] in ("model", "params"):
                spec[w[0]] = os.path.join(case_dir, w[1])
            elif len(w) >= 3 and w[0] == "input":
                spec["inputs"].append((w[1], os.path.join(case_dir, w[2])))
    onnx = os.path.join(case_dir, "model.onnx")
    if not os.path.exists(onnx) and spec["params"] is None:
        raise OSError("%s: no model.onnx and no Paddle parameters" % case_dir)
    if not os.path.exists(onnx):
        os.makedirs(out_dir, exist_ok=True)
        onnx = export_onnx(spec["model"], spec["params"], os.path.join(out_dir, "model.onnx"), name)
    spec["onnx"] = onnx
    return spec


# The zoo's models for bench/compare: each in its legacy form where the zoo
# has one, else its PIR form. CNNs are also timed at batch 8.
ZOO_DIR = os.path.join(ROOT, "tests", "data", "zoo")
LARGE_DIR = os.path.join(ROOT, "tests", "data", "large")
QUANT_DIR = os.path.join(ROOT, "tests", "data", "quant")
CNNS = {"blazeface", "picodet_lcnet_s", "pp_hgnetv2_b0", "pp_lcnet_x0_5", "pp_liteseg_stdc1", "ppocr_det_db",
        "ppyoloe_s", "resnet18_vd", "textline_ori_lcnet_x0_25", "unet", "resnet50", "mobilenet_v2",
        "mobilenet_v3_large", "mobilenet_v3_small", "pp_lcnet"}


def zoo_names():
    if not os.path.isdir(ZOO_DIR):
        return []
    cases = sorted(d for d in os.listdir(ZOO_DIR) if os.path.exists(os.path.join(ZOO_DIR, d, "case.txt")))
    return ["zoo:" + c for c in cases if not (c.endswith("_pir") and c[:-4] in cases)]


def quant_names():
    """The quantized zoo (scripts/gen_quant_zoo.py), each after the float model it came from."""
    if not os.path.isdir(QUANT_DIR):
        return []
    names = []
    for c in sorted(d for d in os.listdir(QUANT_DIR) if os.path.exists(os.path.join(QUANT_DIR, d, "case.txt"))):
        src = "large:" + c.split("_ort_")[0].split("_paddle_")[0]
        if src not in names:
            names.append(src)
        names.append("quant:" + c)
    return names


def model_spec(name, work):
    """name: an ImageNet model, 'mlp', 'audio_mel', 'zoo:<case>' or
    'large:<case>' (tests/data/large, e.g. large:bert_base)."""
    out = os.path.join(work, name.replace(":", "_"))
    if name.startswith("zoo:"):
        return case_model(os.path.join(ZOO_DIR, name[4:]), out, name)
    if name.startswith("large:"):
        return case_model(os.path.join(LARGE_DIR, name[6:]), out, name)
    if name.startswith("quant:"):
        return case_model(os.path.join(QUANT_DIR, name[6:]), out, name)
    if name == "mlp":
        return mlp_model(out)
    if name == "audio_mel":
        return audio_mel_model(out)
    return export_model(name, out)


# ---- engines (each in its own process) ------------------------------------------


class OarEngine:
    """oar through its C API (ctypes on liboar.so)."""

    DTYPES = {"float32": 1, "int32": 2, "int64": 3, "uint8": 4, "int8": 5, "bool": 7, "float64": 8}

    def __init__(self, lib_path, model, params, threads, bf16=False):
        L = ctypes.CDLL(lib_path)
        self.L = L
        vp = ctypes.c_void_p
        L.oar_config_create.argtypes = [ctypes.POINTER(vp)]
        L.oar_config_set_model.argtypes = [vp, ctypes.c_char_p, ctypes.c_char_p]
        L.oar_config_set_num_threads.argtypes = [vp, ctypes.c_int]
        L.oar_predictor_create.argtypes = [vp, ctypes.POINTER(vp)]
        L.oar_predictor_output_name.argtypes = [vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)]
        L.oar_predictor_get_input.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(vp)]
        L.oar_predictor_get_output.argtypes = [vp, ctypes.c_char_p, ctypes.POINTER(vp)]
        L.oar_predictor_run.argtypes = [vp]
        L.oar_tensor_reshape.argtypes = [vp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int64)]
        L.oar_tensor_copy_from_host.argtypes = [vp, ctypes.c_int, vp, ctypes.c_size_t]
        L.oar_tensor_shape.argtypes = [vp, ctypes.POINTER(ctypes.c_size_t), ctypes.POINTER(ctypes.c_int64),
                                       ctypes.c_size_t]
        L.oar_tensor_dtype.argtypes = [vp, ctypes.POINTER(ctypes.c_int)]
        L.oar_tensor_copy_to_host.argtypes = [vp, vp, ctypes.c_size_t]
        L.oar_last_error.restype = ctypes.c_char_p
        cfg, pred = vp(), vp()
        self._ok(L.oar_config_create(ctypes.byref(cfg)))
        self._ok(L.oar_config_set_model(cfg, model.encode(), params.encode() if params else None))
        self._ok(L.oar_config_set_num_threads(cfg, threads))
        if bf16:
            L.oar_config_set_precision.argtypes = [vp, ctypes.c_int]
            self._ok(L.oar_config_set_precision(cfg, 2))  # OAR_PRECISION_BFLOAT16
        self._ok(L.oar_predictor_create(cfg, ctypes.byref(pred)))
        self.pred = pred
        self.inputs = {}
        name = ctypes.c_char_p()
        self._ok(L.oar_predictor_output_name(pred, 0, ctypes.byref(name)))
        self.out = vp()
        self._ok(L.oar_predictor_get_output(pred, name.value, ctypes.byref(self.out)))

    def _ok(self, st):
        if st != 0:
            raise RuntimeError("oar: " + (self.L.oar_last_error() or b"?").decode())

    def run(self, feeds):
        import numpy as np

        for name, x in feeds.items():
            t = self.inputs.get(name)
            if t is None:
                t = self.inputs[name] = ctypes.c_void_p()
                self._ok(self.L.oar_predictor_get_input(self.pred, name.encode(), ctypes.byref(t)))
            dims = (ctypes.c_int64 * x.ndim)(*x.shape)
            self._ok(self.L.oar_tensor_reshape(t, x.ndim, dims))
            self._ok(self.L.oar_tensor_copy_from_host(t, self.DTYPES[str(x.dtype)], x.ctypes.data, x.nbytes))
        self._ok(self.L.oar_predictor_run(self.pred))
        rank = ctypes.c_size_t()
        odims = (ctypes.c_int64 * 8)()
        self._ok(self.L.oar_tensor_shape(self.out, ctypes.byref(rank), odims, 8))
        code = ctypes.c_int()
        self._ok(self.L.oar_tensor_dtype(self.out, ctypes.byref(code)))
        dtype = {v: k for k, v in self.DTYPES.items()}.get(code.value, "float32")
        y = np.empty([odims[i] for i in range(rank.value)], dtype=dtype)
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

    def run(self, feeds):
        return self.s.run(None, feeds)[0]


class PaddleEngine:
    def __init__(self, model, params, threads, onednn, int8=False):
        import paddle.inference as pi

        cfg = pi.Config(model, params)
        cfg.disable_gpu()
        cfg.set_cpu_math_library_num_threads(threads)
        if onednn:
            cfg.enable_mkldnn()
            if int8:
                cfg.enable_mkldnn_int8()
        else:
            cfg.disable_mkldnn()
        cfg.disable_glog_info()
        cfg.switch_ir_optim(True)
        self.p = pi.create_predictor(cfg)
        self.out = self.p.get_output_handle(self.p.get_output_names()[0])

    def run(self, feeds):
        for name, x in feeds.items():
            h = self.p.get_input_handle(name)
            h.reshape(x.shape)
            h.copy_from_cpu(x)
        self.p.run()
        return self.out.copy_to_cpu()


def load_feeds(spec, batch):
    """{input name: array}: the spec's .npy inputs; for batch > 1 the first
    sample repeated along the first dimension."""
    import numpy as np

    feeds = {}
    for name, path in spec["inputs"]:
        x = np.load(path)
        if batch > 1:
            x = np.ascontiguousarray(np.repeat(x[:1], batch, axis=0))
        feeds[name] = x
    return feeds


def worker(conn, engine, spec, lib, threads, batch):
    """Loads one engine, then answers commands: ('check',) -> output,
    ('time', n) -> n latencies in seconds, ('stop',)."""
    try:
        if engine in ("oar", "oar-bf16"):
            e = OarEngine(lib, spec["model"], spec.get("params"), threads, bf16=engine == "oar-bf16")
        elif engine == "oar-onnx":
            e = OarEngine(lib, spec["onnx"], None, threads)
        elif engine == "ort":
            e = OrtEngine(spec["onnx"], threads)
        elif spec["model"].endswith(".onnx"):
            raise RuntimeError("no Paddle files (an ONNX-only model)")
        elif engine == "paddle":
            e = PaddleEngine(spec["model"], spec["params"], threads, False)
        else:
            e = PaddleEngine(spec["model"], spec["params"], threads, True, int8=engine == "paddle-onednn-int8")
        x = load_feeds(spec, batch)
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


def bench_config(args, lib, name, spec, batch, threads):
    import numpy as np

    ctx = mp.get_context("spawn")
    onnx_path = spec["onnx"]
    engines = [e for e in args.engines if not (e in ("ort", "oar-onnx") and not os.path.exists(onnx_path))]
    procs, conns, alive, notes = {}, {}, [], {}
    for e in engines:
        parent, child = ctx.Pipe()
        p = ctx.Process(target=worker, args=(child, e, spec, lib, threads, batch), daemon=True)
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


def geomeans(rows):
    """Lines of geometric means of oar / engine per (engine, batch, threads)."""
    import math

    groups = {}
    for (m, b, t, e, med, p90, ratio, agree, note) in rows:
        if e != "oar" and ratio:
            groups.setdefault((e, b, t), []).append(ratio)
    out = []
    for (e, b, t), rs in sorted(groups.items()):
        g = math.exp(sum(math.log(r) for r in rs) / len(rs))
        out.append("geometric mean oar / %s, batch %d, %d thread%s: %.2f over %d models (worst %.2f)"
                   % (e, b, t, "" if t == 1 else "s", g, len(rs), max(rs)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="resnet50,mobilenet_v2", help="comma list of names, 'all' (%s), 'zoo' (the model zoo, large:bert_base, audio_mel, mlp), "
                    "'quant' (the quantized zoo with the float models they came from), "
                    "zoo:<case>, large:<case>, quant:<case>, mlp, audio_mel" % ",".join(ALL_MODELS))
    ap.add_argument("--engines", default=",".join(ALL_ENGINES),
                    help="comma list of " + ",".join(ALL_ENGINES + EXTRA_ENGINES))
    ap.add_argument("--batch", default="1,8")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=6, help="rounds of every engine, in rotating order")
    ap.add_argument("--iters", type=int, default=5, help="timed runs per engine per round")
    ap.add_argument("--pause", type=float, default=0.3, help="seconds of idle before each engine's block of runs")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="oar build directory")
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "bench"), help="where models are cached")
    ap.add_argument("--markdown", help="also write the table as markdown to this file")
    args = ap.parse_args()
    models = []
    for m in args.models.split(","):
        if m == "all":
            models += ALL_MODELS
        elif m == "zoo":  # the zoo, BERT-base, the audio front-end, the MLP
            models += zoo_names() + ["large:bert_base", "audio_mel", "mlp"]
        elif m == "quant":  # the quantized zoo, each after its float model
            models += quant_names()
        elif m:
            models.append(m)
    args.models = models
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
        try:
            spec = model_spec(name, args.work)
        except OSError as e:  # a zoo or large case not generated here (scripts/test.sh makes them)
            print("  skipped: %s" % e)
            continue
        batches = [int(b) for b in args.batch.split(",")]
        if name.split(":")[-1] not in CNNS:
            batches = [b for b in batches if b == 1] or batches[:1]
        for batch in batches:
            for threads in [int(t) for t in args.threads.split(",")]:
                r = bench_config(args, lib, name, spec, batch, threads)
                print(fmt_rows(r, False).split("\n", 1)[1])
                sys.stdout.flush()
                rows += r
    print()
    print(header)
    print(fmt_rows(rows, False))
    means = geomeans(rows)
    print("\n".join(means))
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(header + "\n\n" + fmt_rows(rows, True) + "\n\n" + "".join("- %s\n" % m for m in means))


if __name__ == "__main__":
    main()
