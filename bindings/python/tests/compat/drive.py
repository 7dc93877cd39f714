"""Runs compatibility cases on one engine, in this process.

    OAR_COMPAT_ENGINE=oar|paddle python3 drive.py OUT_DIR [CASE_ID ...]

For each case (all of cases.all_cases() when none is named) it stages the
fixture the way the program expects its model directory, calls the
program's own functions with the scenario's switches and the fixture's
inputs, and writes OUT_DIR/<case_id>.npz (the outputs, in the program's
order) and one line of OUT_DIR/results.jsonl: {"case", "ok", "error",
"warnings", "names", "threads_identical", "printed"}. A case that raises (SystemExit
included) is recorded as failed and the next one runs.

This file is the caller the upstream scripts' __main__ would be: what it
does (model staging, argument namespaces, feeding the fixture's arrays) is
not part of the restated code.
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import traceback
import types
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cases  # noqa: E402
import engine  # noqa: E402


class _Logger:
    def __init__(self):
        self.lines = []

    def info(self, msg):
        self.lines.append(str(msg))

    warning = info


class AttrDict(dict):
    """PaddleClas' AttrDict: a dict read as attributes."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key)


def stage(case, dst, prefix):
    """dst/<prefix>.pdmodel or .json and dst/<prefix>.pdiparams, linked to
    the fixture's files."""
    os.makedirs(dst, exist_ok=True)
    ext = ".json" if case["model"].endswith(".json") else ".pdmodel"
    os.symlink(case["model"], os.path.join(dst, prefix + ext))
    if case["params"]:
        os.symlink(case["params"], os.path.join(dst, prefix + ".pdiparams"))
    return dst


def load_inputs(case):
    return {name: np.load(path) for name, path in case["inputs"]}


def only_input(case):
    (array,) = load_inputs(case).values()
    return array


def run_paddleocr(settings, case, work):
    import paddleocr_infer

    args = types.SimpleNamespace(
        use_gpu=False, use_xpu=False, use_npu=False, use_mlu=False, use_metax_gpu=False, use_gcu=False,
        use_onnx=False, ir_optim=True, use_tensorrt=False, min_subgraph_size=15, precision="fp32",
        gpu_mem=500, gpu_id=0, max_batch_size=10, enable_mkldnn=None, cpu_threads=10, rec_algorithm="SVTR_LCNet",
        det_model_dir=None, rec_model_dir=None, cls_model_dir=None,
    )
    settings = dict(settings)
    mode = settings.pop("mode")
    grow = settings.pop("grow", 0)
    for k, v in settings.items():
        setattr(args, k, v)
    setattr(args, mode + "_model_dir", stage(case, os.path.join(work, "model"), "inference"))
    logger = _Logger()
    program = {"det": paddleocr_infer.TextDetector, "rec": paddleocr_infer.TextRecognizer,
               "cls": paddleocr_infer.TextClassifier}[mode](args, logger)
    x = only_input(case)
    if grow:  # an image of another size: H and W grown, edge pixels repeated
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(0, grow), (0, grow)], mode="edge")
    out = program(x)
    outputs = out if isinstance(out, list) else [out]
    names = program.predictor.get_output_names()  # (Paddle's Tensor has no name())
    if mode == "rec" and "softmax_0.tmp_0" in names:
        names = ["softmax_0.tmp_0"]  # what get_output_tensors picks for SVTR_LCNet
    return outputs, names, {}


def run_paddledetection(settings, case, work):
    import paddledetection_infer

    settings = dict(settings)
    collect = settings.pop("collect_trt_shape_info", False)
    paddledetection_infer.FLAGS = types.SimpleNamespace(
        collect_trt_shape_info=collect, tuned_trt_shape_file=os.path.join(work, "shape_range_info.pbtxt"))
    model_dir = stage(case, os.path.join(work, "model"), "model")
    mask = len(case["outputs"]) >= 3
    detector = paddledetection_infer.Detector(model_dir, "YOLO", mask=mask, **settings)
    inputs = load_inputs(case)
    if "x" in inputs:
        inputs["image"] = inputs["x"]
    detector.set_inputs(inputs)
    result = detector.predict()
    names = detector.predictor.get_output_names()
    outputs = [result["boxes"]]
    if len(names) > 1:
        outputs.append(result["boxes_num"])
    if mask:
        outputs.append(result["masks"])
    return outputs, names[: len(outputs)], {}


def run_paddleclas(settings, case, work):
    import paddleclas_predictor

    glob = AttrDict(use_gpu=False, use_fp16=False, use_tensorrt=False, enable_mkldnn=False, cpu_num_threads=1,
                    enable_profile=False, ir_optim=True, batch_size=1, gpu_mem=8000)
    glob.update(settings)
    glob["inference_model_dir"] = stage(case, os.path.join(work, "model"), "inference")
    predictor = paddleclas_predictor.ClsPredictor(AttrDict(Global=glob))
    out = predictor.predict(only_input(case))
    return [out], predictor.predictor.get_output_names()[:1], {}


def run_paddleseg(settings, case, work):
    import paddleseg_infer

    model_dir = stage(case, os.path.join(work, "model"), "model")
    ext = ".json" if case["model"].endswith(".json") else ".pdmodel"
    with open(os.path.join(model_dir, "deploy.yaml"), "w") as f:
        f.write("Deploy:\n  model: model%s\n  params: model.pdiparams\n  transforms:\n  - type: Normalize\n" % ext)
    args = types.SimpleNamespace(cfg=os.path.join(model_dir, "deploy.yaml"), print_detail=False, device="cpu",
                                 enable_mkldnn=False, cpu_threads=1, precision="fp32", use_trt=False,
                                 min_subgraph_size=3, with_argmax=False)
    for k, v in settings.items():
        setattr(args, k, v)
    predictor = paddleseg_infer.Predictor(args)
    x = only_input(case)
    results = predictor.run([x, x])  # two batches: reshape + copy_from_cpu each time
    name = predictor.predictor.get_output_names()[0]
    return results, [name, name], {}


def _demo_args(settings, case):
    if settings.get("form") == "dir":
        return dict(model_dir=case["model"], model_file="", params_file="")
    return dict(model_dir="", model_file=case["model"], params_file=case["params"] or "")


def _ordered_inputs(predictor, case):
    inputs = load_inputs(case)
    return [inputs[name] for name in predictor.get_input_names()]


def run_demo_resnet50(settings, case, work):
    import inference_demo_resnet50 as demo

    args = types.SimpleNamespace(use_onnxruntime=settings["use_onnxruntime"], **_demo_args(settings, case))
    predictor = demo.init_predictor(args)
    results = demo.run(predictor, _ordered_inputs(predictor, case))
    return results, predictor.get_output_names(), {}


def run_demo_yolov3(settings, case, work):
    import inference_demo_yolov3 as demo

    args = types.SimpleNamespace(use_gpu=settings["use_gpu"], **_demo_args(settings, case))
    predictor = demo.init_predictor(args)
    results = demo.run(predictor, _ordered_inputs(predictor, case))
    return results, predictor.get_output_names(), {}


def run_demo_threads(settings, case, work):
    import inference_demo_threads as demo

    kw = _demo_args(settings, case)
    if settings.get("form") == "dir":
        kw.update(model_file=None, params_file=None)
    else:
        kw.update(model_dir=None)
    args = types.SimpleNamespace(use_gpu=settings["use_gpu"], thread_num=settings["thread_num"], **kw)
    blob = [np.load(path) for _, path in case["inputs"]]
    per_thread = demo.run_threads(args, blob)
    names = list(per_thread[0].keys())
    first = [per_thread[0][n] for n in names]
    identical = all(
        list(r.keys()) == names and all(np.array_equal(r[n], a) for n, a in zip(names, first)) for r in per_thread
    )
    return first, names, {"threads_identical": identical, "threads": len(per_thread)}


RUNNERS = {
    "paddleocr": run_paddleocr,
    "paddledetection": run_paddledetection,
    "paddleclas": run_paddleclas,
    "paddleseg": run_paddleseg,
    "demo_resnet50": run_demo_resnet50,
    "demo_yolov3": run_demo_yolov3,
    "demo_threads": run_demo_threads,
}


def _reset_oar_warnings():
    if engine.ENGINE == "oar":
        from oar import _unsupported

        _unsupported.reset()


def main(argv):
    out_dir = os.path.abspath(argv[1])
    wanted = set(argv[2:])
    os.makedirs(out_dir, exist_ok=True)
    todo = [c for c in cases.all_cases() if not wanted or c[0] in wanted]
    with open(os.path.join(out_dir, "results.jsonl"), "w") as results, tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # what the engines write to the working directory (Paddle's profile.log) lands here
        for case_id, program, _scenario, settings, fixture, _paddle in todo:
            record = {"case": case_id, "ok": False, "error": None, "warnings": [], "names": []}
            _reset_oar_warnings()
            printed = io.StringIO()
            with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(printed):
                warnings.simplefilter("always")
                try:
                    outputs, names, extra = RUNNERS[program](settings, cases.read_case(fixture),
                                                             os.path.join(tmp, case_id))
                    np.savez(os.path.join(out_dir, case_id + ".npz"), *[np.asarray(o) for o in outputs])
                    record.update(ok=True, names=list(names), **extra)
                except BaseException as e:  # noqa: B902 (SystemExit from the scripts' exit() too)
                    if isinstance(e, KeyboardInterrupt):
                        raise
                    msg = str(e).strip() or traceback.format_exc(limit=2)
                    if isinstance(e, SystemExit):  # PaddleSeg prints the error, then exit()
                        msg = "exit() after printing: " + printed.getvalue().strip()
                    record["error"] = "%s: %s" % (type(e).__name__, msg)
            record["printed"] = printed.getvalue()
            record["warnings"] = sorted({str(w.message) for w in caught
                                         if w.category.__name__ == "UnsupportedOptionWarning"})
            results.write(json.dumps(record) + "\n")
            results.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
