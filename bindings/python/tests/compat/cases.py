"""The compatibility matrix: which program runs which configuration on which
fixture, and what Paddle Inference (the CPU paddlepaddle 3.3.1 wheel) does
with it.

A case is (program, scenario, fixture). ``SCENARIOS[program]`` maps a
scenario name to (settings, paddle), where settings are the program's own
switches (its command-line arguments upstream) and paddle says what CPU
Paddle does:

* ``None``: Paddle runs it, and its outputs are the fixture's references;
* ``("fails", reason)``: Paddle raises (the reason, a part of its message,
  is checked when paddle is installed), so oar may fail too;
* ``("low_precision", reason)``: Paddle runs it in bfloat16 (oneDNN), so its
  outputs are not compared with oar's (oar runs float32 and is compared
  with the float32 reference);
* ``("reinterprets", reason, [op texts])``: Paddle runs it but its output
  does not mean anything (a shape the network cannot take, read as
  another); oar may match Paddle, or fail with an error naming the op.

``FIXTURES[program]`` lists the fixtures each scenario runs on (paths under
tests/data; a missing large one is skipped); ``(fixture, "fails", reason)``
marks a fixture Paddle cannot load the way that program asks.
"""

import os

DATA = os.path.abspath(os.environ.get(
    "OAR_TEST_DATA",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "tests", "data"),
))

TRT_FAILS = ("fails", "compile with TENSORRT")
XPU_FAILS = ("fails", "WITH_XPU")
BF16 = ("low_precision", "enable_mkldnn_bfloat16: Paddle runs oneDNN in bfloat16")
# Paddle 3.3's Config(model_dir, prefix) looks for <prefix>.json only (PIR
# on by default): a .pdmodel program in that form is not found.
DIR_PREFIX_LEGACY = ("fails", ".json, please confirm whether the file is normal")
# Paddle 3.3.1 (CPU wheel): enable_memory_optim() on a PIR (.json) program
# fails at create_predictor, "(InvalidArgument) Not find predictor_id 0 and
# pass_name memory_optimize_pass" (also seen in
# PaddlePaddle/PaddleCustomDevice#1619), unless the config also has
# enable_new_ir() (PaddleOCR's CPU branch calls it). Every program here
# calls enable_memory_optim().
PIR_MEMORY_OPTIM = ("fails", "pass_name memory_optimize_pass")
# Paddle 3.3's PredictorPool has retrieve() only; the demo calls retrive().
NO_RETRIVE = ("fails", "no attribute 'retrive'")

SCENARIOS = {
    "paddleocr": {
        # tools/infer/utility.py's switches (init_args defaults: use_gpu True
        # upstream; these are the CPU runs of the docs, then the others).
        "det_cpu": (dict(mode="det", use_gpu=False, enable_mkldnn=None, cpu_threads=10), None),
        "rec_mkldnn": (dict(mode="rec", use_gpu=False, enable_mkldnn=True, rec_algorithm="SVTR_LCNet",
                            cpu_threads=4), None),
        "cls_no_mkldnn": (dict(mode="cls", use_gpu=False, enable_mkldnn=False, cpu_threads=2), None),
        "det_gpu": (dict(mode="det", use_gpu=True, gpu_mem=500, gpu_id=0), None),
        "rec_mkldnn_fp16": (dict(mode="rec", use_gpu=False, enable_mkldnn=True, precision="fp16"), BF16),
        # (PIR models take the TensorRT-from-inference.yml branch, left out)
        "det_gpu_tensorrt": (dict(mode="det", use_gpu=True, gpu_mem=500, gpu_id=0, use_tensorrt=True,
                                  precision="fp16", legacy_only=True), TRT_FAILS),
        "rec_xpu": (dict(mode="rec", use_gpu=False, use_xpu=True), XPU_FAILS),
        # Text detection feeds images of any size: the fixture's input grown
        # by 8 pixels in H and W (edge padding), against the export-time
        # shape in the model. No reference: oar is compared with Paddle.
        "det_cpu_other_size": (dict(mode="det", use_gpu=False, enable_mkldnn=False, cpu_threads=2, grow=8), None),
    },
    "paddledetection": {
        # load_predictor's keyword arguments (the command line of infer.py).
        "cpu": (dict(device="CPU", cpu_threads=1), None),
        "cpu_mkldnn_delete_shuffle": (dict(device="CPU", cpu_threads=4, enable_mkldnn=True,
                                           delete_shuffle_pass=True), None),
        "cpu_mkldnn_bf16": (dict(device="CPU", enable_mkldnn=True, enable_mkldnn_bfloat16=True), BF16),
        "gpu": (dict(device="GPU"), None),
        "gpu_trt_fp16_dynamic": (dict(device="GPU", run_mode="trt_fp16", use_dynamic_shape=True,
                                      collect_trt_shape_info=True), TRT_FAILS),
        # Paddle 3.3's Config has no lite_engine_enabled(), which this branch calls first.
        "xpu": (dict(device="XPU"), ("fails", "no attribute 'lite_engine_enabled'")),
    },
    "paddleclas": {
        # the Global section of PaddleClas' inference YAML.
        "cpu_mkldnn": (dict(enable_mkldnn=True, cpu_num_threads=4, ir_optim=True), None),
        "cpu_profile_no_ir_optim": (dict(enable_mkldnn=False, cpu_num_threads=1, ir_optim=False,
                                         enable_profile=True), None),
        "gpu": (dict(use_gpu=True, gpu_mem=8000, cpu_num_threads=2), None),
        "gpu_tensorrt_fp16": (dict(use_gpu=True, gpu_mem=8000, use_tensorrt=True, use_fp16=True), TRT_FAILS),
    },
    "paddleseg": {
        # deploy/python/infer.py's command line.
        "cpu_mkldnn": (dict(device="cpu", enable_mkldnn=True, cpu_threads=4), None),
        "cpu_argmax": (dict(device="cpu", enable_mkldnn=False, cpu_threads=1, with_argmax=True), None),
        "gpu": (dict(device="gpu", precision="fp32"), None),
        "gpu_trt": (dict(device="gpu", precision="fp32", use_trt=True), TRT_FAILS),
    },
    "demo_resnet50": {
        "combined": (dict(form="files", use_onnxruntime=0), None),
        # Paddle without ONNX Runtime logs an error and runs its own engine.
        "onnxruntime": (dict(form="files", use_onnxruntime=1), None),
        "model_dir": (dict(form="dir", use_onnxruntime=0), None),
    },
    "demo_yolov3": {
        "cpu": (dict(form="files", use_gpu=0), None),
        "gpu": (dict(form="files", use_gpu=1), None),
    },
    "demo_threads": {
        "pool4": (dict(form="files", thread_num=4, use_gpu=0), NO_RETRIVE),
        "model_dir_pool2": (dict(form="dir", thread_num=2, use_gpu=0), NO_RETRIVE),
    },
}

# Fixtures with one float input (the scripts feed one image batch).
IMAGE_FIXTURES = [
    "models/digits_cnn",
    "models/digits_cnn_pir",
    "ops/conv2d_basic",
    "ops/conv2d_basic_pir",
]
# Large models (tests/data/large, generated locally, not in git): only the
# first scenario of each program, and the other-size one, run them.
LARGE_FIXTURES = [
    "large/resnet50",
    "large/resnet50_pir",
    "large/mobilenet_v3_large",
    "large/mobilenet_v3_large_pir",
]


def _files(fixtures):
    """Programs naming the program and params files: PIR fails in Paddle."""
    return [(f, PIR_MEMORY_OPTIM if f.endswith("_pir") else None) for f in fixtures]


def _dir_prefix(fixtures):
    """Config(model_dir, prefix) programs: Paddle 3.3 finds only .json, and
    fails on PIR with memory optimization."""
    return [(f, PIR_MEMORY_OPTIM if f.endswith("_pir") else DIR_PREFIX_LEGACY) for f in fixtures]


FIXTURES = {
    "paddleocr": _files(IMAGE_FIXTURES),
    "paddledetection": _dir_prefix(IMAGE_FIXTURES),
    "paddleclas": _dir_prefix(IMAGE_FIXTURES),
    "paddleseg": _files(IMAGE_FIXTURES),
    "demo_resnet50": _files(IMAGE_FIXTURES),
    # several inputs / several outputs, and a program without params
    "demo_yolov3": _files(["ops/concat_axis1", "ops/concat_axis1_pir", "ops/split_num3_axis1",
                           "ops/split_num3_axis1_pir", "models/digits_cnn"]),
    "demo_threads": _files(["models/digits_cnn", "models/digits_cnn_pir"]),
}
LARGE = {
    "paddleocr": _files(LARGE_FIXTURES),
    "paddledetection": _dir_prefix(LARGE_FIXTURES),
    "paddleclas": _dir_prefix(LARGE_FIXTURES),
    "paddleseg": _files(LARGE_FIXTURES),
    "demo_resnet50": _files(LARGE_FIXTURES),
}
# Fixtures whose network cannot take another spatial size: digits_cnn
# flattens [8, C, 2, 2] into a fully connected layer of 64 inputs. Given
# 16x16 images, Paddle does not fail: its fc reads the [8, 256] activations
# as [32, 64] and returns 32 rows for 8 images. oar may do the same (it
# does for the PIR form: its matmul lowering reshapes to [-1, 64]) or refuse
# with an error naming the op (it does for the legacy mul), as issue 17
# asks; either passes, and a refusal must name the op.
REINTERPRETS = ("reinterprets", "Paddle's fc reads [8, 256] as [32, 64]", ["fc (op", "matmul (op", "mul (op"])
FIXED_SIZE = {
    "models/digits_cnn": REINTERPRETS,
    "models/digits_cnn_pir": REINTERPRETS,
}
# The legacy-directory form (Config(model_dir) on __model__ + one file per
# param) for the scenarios with form="dir".
DIR_FIXTURES = ["models/mnist_fc_legacy_dir"]


def fixture_path(fixture):
    return os.path.join(DATA, fixture)


def read_case(fixture):
    """case.txt: {model, params, inputs [(name, file)], outputs, rtol, atol}."""
    d = fixture_path(fixture)
    case = {"dir": d, "model": None, "params": None, "inputs": [], "outputs": [], "rtol": 1e-4, "atol": 1e-5}
    with open(os.path.join(d, "case.txt")) as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if words[0] in ("model", "params"):
                case[words[0]] = os.path.join(d, words[1])
            elif words[0] in ("input", "output"):
                case[words[0] + "s"].append((words[1], os.path.join(d, words[2])))
            elif words[0] == "tolerance":
                case["rtol"], case["atol"] = float(words[1]), float(words[2])
    return case


def all_cases(include_large=True):
    """[(case_id, program, scenario, settings, fixture, paddle)]: every case
    whose fixture is present."""
    out = []
    for program, scenarios in SCENARIOS.items():
        for i, (scenario, (settings, paddle)) in enumerate(scenarios.items()):
            if settings.get("form") == "dir":
                fixtures = [(f, None) for f in DIR_FIXTURES]
            else:
                fixtures = list(FIXTURES[program])
                if include_large and (i == 0 or settings.get("grow")):
                    fixtures += LARGE.get(program, [])
            for fixture, fixture_paddle in fixtures:
                if not os.path.exists(os.path.join(fixture_path(fixture), "case.txt")):
                    continue
                if settings.get("legacy_only") and fixture.endswith("_pir"):
                    continue
                case_id = "%s.%s.%s" % (program, scenario, fixture.replace("/", "."))
                if fixture_paddle == PIR_MEMORY_OPTIM and _enables_new_ir(program, settings):
                    fixture_paddle = None
                if settings.get("grow") and fixture in FIXED_SIZE:
                    fixture_paddle = FIXED_SIZE[fixture]
                args = {k: v for k, v in settings.items() if k != "legacy_only"}
                out.append((case_id, program, scenario, args, fixture, _combine(paddle, fixture_paddle)))
    return out


def _enables_new_ir(program, settings):
    """PaddleOCR's create_predictor calls enable_new_ir() in its CPU branch
    (neither use_gpu nor use_xpu)."""
    return program == "paddleocr" and not settings.get("use_gpu") and not settings.get("use_xpu")


def _combine(scenario, fixture):
    """What Paddle does with a scenario on a fixture: ("fails", [reasons])
    when either fails (either reason may be the one it gives),
    ("low_precision", reason), or None."""
    fails = [x[1] for x in (scenario, fixture) if x and x[0] == "fails"]
    if fails:
        return ("fails", fails)
    return scenario or fixture
