"""`oar quantize` on real labeled data (CTest: cli.quantize.digits).

    python3 tests/quantize_test.py OAR DATA_DIR SCRATCH_DIR

DATA_DIR is tests/data/cli/quantize (scripts/gen_quantize_fixtures.py): the digits CNN as ONNX,
64 calibration images, the 450 test images and their labels. For each method (minmax,
percentile 99.99, kl; and minmax with --per-tensor-weights):

  - `oar quantize` writes a QDQ model: checked by onnx.checker, every Conv and MatMul reads
    DequantizeLinear outputs, the weights are int8 per output channel (Conv axis 0, MatMul B
    [K, N] axis 1) with zero point 0, activations uint8;
  - oar's accuracy on the 450 test images with the int8 model is within 0.5 points of its fp32
    accuracy (with the engine's ISA as picked, and with OAR_ISA=generic);
  - ONNX Runtime loads the same file; its outputs and oar's agree: argmax on >= 99% of the
    images, and max |difference| of the softmax probabilities <= 2/255 (two steps of a uint8
    quantization of [0, 1]). On a CPU without VNNI, ONNX Runtime's own int8 kernels saturate
    (see ort_probs): there the comparison is with its QDQ float simulation.

With minmax, the scales, zero points and int8 weights must equal those of ONNX Runtime's own
quantize_static(QuantFormat.QDQ, per_channel=True) on the same 64 samples.
Prints the measured numbers (the README's table comes from them).
"""
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

oar, data, scratch = sys.argv[1:4]
os.makedirs(scratch, exist_ok=True)
x = np.load(os.path.join(data, "test_x.npy"))
y = np.load(os.path.join(data, "test_y.npy"))
fp32_model = os.path.join(data, "digits_cnn.onnx")
calib = os.path.join(data, "calib")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def oar_probs(model, tag, env=None):
    out = os.path.join(scratch, "out_" + tag)
    subprocess.run([oar, "run", model, "--input", os.path.join(data, "test_x.npy"), "--output-dir", out],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    (path,) = glob.glob(os.path.join(out, "*.npy"))
    return np.load(path)


def accuracy(probs):
    return float((probs.argmax(1) == y).mean())


def structure(path, per_channel):
    m = onnx.load(path)
    onnx.checker.check_model(m)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    producer = {o: n for n in m.graph.node for o in n.output}
    ok = True
    for n in m.graph.node:
        if n.op_type not in ("Conv", "MatMul"):
            continue
        act, w = (producer.get(i) for i in n.input[:2])
        ok &= act is not None and act.op_type == "DequantizeLinear"
        ok &= w is not None and w.op_type == "DequantizeLinear"
        if not ok:
            break
        q = producer.get(act.input[0])
        ok &= q is not None and q.op_type == "QuantizeLinear" and inits[act.input[2]].dtype == np.uint8
        wq, ws, wz = (inits[i] for i in w.input)
        axis = {a.name: a.i for a in w.attribute}.get("axis", 1)
        ok &= wq.dtype == np.int8 and wz.dtype == np.int8 and not wz.any() and wq.min() >= -127
        if per_channel:
            want_axis = 0 if n.op_type == "Conv" else 1
            ok &= axis == want_axis and ws.shape == (wq.shape[want_axis],)
        else:
            ok &= ws.shape == ()
    return ok and sum(n.op_type == "QuantizeLinear" for n in m.graph.node) == 3


def host_has_vnni():
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags


# ONNX Runtime's u8 x s8 kernels on CPUs without VNNI add pairs of products in int16
# (vpmaddubsw) and saturate with full-range int8 weights (ORT's docs advise reduce_range there),
# so on such hosts the reference is its QDQ float simulation (graph optimizations off: each
# DequantizeLinear, then the float op), which is what the ONNX spec computes.
ORT_INT8_EXACT = host_has_vnni()


def ort_probs(path):
    so = ort.SessionOptions()
    if not ORT_INT8_EXACT:
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


fp32 = oar_probs(fp32_model, "fp32")
fp32_acc = accuracy(fp32)
print("fp32: oar accuracy %.4f on %d test images" % (fp32_acc, len(y)))
check(fp32_acc > 0.95, "fp32 accuracy %.4f > 0.95 (the model is trained)" % fp32_acc)

runs = [("minmax", []), ("percentile", ["--method", "percentile", "--percentile", "99.99"]),
        ("kl", ["--method", "kl"]), ("minmax_per_tensor", ["--per-tensor-weights"])]
for tag, extra in runs:
    out = os.path.join(scratch, "digits_%s.onnx" % tag)
    r = subprocess.run([oar, "quantize", fp32_model, "--calibration", calib, "-o", out] + extra,
                       capture_output=True, text=True)
    check(r.returncode == 0, "%s: oar quantize exit %d %s" % (tag, r.returncode, r.stderr.strip()))
    if r.returncode != 0:
        continue
    check(structure(out, "--per-tensor-weights" not in extra), "%s: QDQ structure" % tag)
    q = oar_probs(out, tag)
    q_generic = oar_probs(out, tag + "_generic", dict(os.environ, OAR_ISA="generic"))
    acc, acc_generic = accuracy(q), accuracy(q_generic)
    ref = ort_probs(out)
    agree = float((ref.argmax(1) == q.argmax(1)).mean())
    diff = float(np.abs(ref - q).max())
    print("%s: int8 accuracy oar %.4f (generic ISA %.4f), ORT %.4f; oar vs ORT argmax agreement %.4f, "
          "max |diff| %.3g" % (tag, acc, acc_generic, accuracy(ref), agree, diff))
    check(acc >= fp32_acc - 0.005, "%s: int8 accuracy %.4f within 0.5 points of fp32 %.4f" % (tag, acc, fp32_acc))
    check(acc_generic >= fp32_acc - 0.005, "%s: int8 accuracy (OAR_ISA=generic) %.4f" % (tag, acc_generic))
    check(agree >= 0.99, "%s: argmax agreement with ONNX Runtime %.4f >= 0.99" % (tag, agree))
    check(diff <= 2 / 255, "%s: max |oar - ORT| %.3g <= 2/255" % (tag, diff))

# minmax against ONNX Runtime's own quantizer on the same samples.
try:
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)
except ImportError:
    quantize_static = None
if quantize_static is not None:
    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter({"x": np.load(f)} for f in sorted(glob.glob(os.path.join(calib, "*.npy"))))

        def get_next(self):
            return next(self.it, None)

    ort_out = os.path.join(scratch, "digits_ort_quantize_static.onnx")
    quantize_static(fp32_model, ort_out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    op_types_to_quantize=["Conv", "MatMul"])
    theirs = {t.name: numpy_helper.to_array(t) for t in onnx.load(ort_out).graph.initializer}
    ours = {t.name: numpy_helper.to_array(t) for t in onnx.load(os.path.join(scratch, "digits_minmax.onnx")).graph.initializer}
    keys = [k for k in ours if k.endswith(("_scale", "_zero_point", "_quantized"))]
    same = bool(keys) and all(
        k in theirs and theirs[k].dtype == ours[k].dtype and theirs[k].shape == ours[k].shape and
        np.allclose(theirs[k].astype(np.float64), ours[k].astype(np.float64), rtol=1e-6, atol=0) for k in keys)
    check(same, "minmax: %d scales, zero points and int8 weights equal ORT quantize_static's" % len(keys))

if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
print("ok")
