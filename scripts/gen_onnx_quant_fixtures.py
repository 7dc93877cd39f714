#!/usr/bin/env python3
"""ONNX models quantized by ONNX Runtime (issue 14, item 1): the QOperator ops and their
QDQ twins.

    digits_cnn_ort_qop   tests/data/models/digits_cnn (conv-bn-relu-maxpool x2 + fc + softmax,
                         trained on sklearn digits) exported by paddle2onnx, pre-processed by
                         onnxruntime.quantization.quant_pre_process (BN folded into the convs)
                         and quantized by quantize_static(quant_format=QOperator,
                         per_channel=True, uint8 activations, int8 weights): QLinearConv,
                         MaxPool on uint8, QLinearMatMul, QLinearAdd, QLinearSoftmax ...
    digits_cnn_ort_qdq   the same model quantized with quant_format=QDQ (the int8 pass's test)
    qop_mix_ort_qop      a small conv net built here (random weights, int8 activations where the
                         digits CNN has uint8) whose QOperator form holds the contrib ops the
                         digits CNN lacks: QLinearLeakyRelu, QLinearSigmoid,
                         QLinearConcat, QLinearMul, QLinearAveragePool, QLinearGlobalAveragePool,
                         QGemm
    qop_mix_ort_qdq      its QDQ twin

Calibration: a CalibrationDataReader over 64 sklearn digits training images (MinMax).
Reference: ONNX Runtime (CPU, 1 thread, graph optimizations off) on the quantized model itself;
ORT computes in integers and requantizes each op's output, oar in float between the Q/DQ
pairs, so outputs may differ by one quantization step of the model's output: the tolerance
is atol = the scale of the last QuantizeLinear / QLinear* output (rtol 0), times 1.001 so
that a difference of exactly one step, computed in float32, passes. (The QDQ twins round
ties of float ops such as AveragePool by a last bit differently from ORT, and so do differ
by one step in some outputs.) case.txt also records how far ORT with its graph optimizations
on lands from the reference: they fuse QDQ groups into integer kernels, as an int8 pass would
(2 steps on qop_mix_ort_qdq).

Run from the repository root (after scripts/gen_fixtures.py made digits_cnn):
    python3 scripts/gen_onnx_quant_fixtures.py
"""
import os
import shutil
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models")


def digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    d = load_digits()
    images = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = d.target.astype(np.int64)
    x_train, x_test, _, _ = train_test_split(images, labels, test_size=0.25, random_state=0, stratify=labels)
    return x_train, x_test


class Reader(CalibrationDataReader):
    def __init__(self, name, x):
        self.it = iter([{name: x[16 * i:16 * (i + 1)]} for i in range(4)])  # 4 batches of 16

    def get_next(self):
        return next(self.it, None)


def digits_float(tmp):
    import paddle2onnx
    src = os.path.join(ROOT, "digits_cnn")
    out = os.path.join(tmp, "digits_float.onnx")
    paddle2onnx.export(os.path.join(src, "model.pdmodel"), os.path.join(src, "model.pdiparams"), out,
                       opset_version=13, enable_onnx_checker=True, optimize_tool="None", verbose=False)
    return out


def mix_float(tmp):
    """x [N,1,8,8] -> Conv(6,3x3,pad 1) -> LeakyRelu -> {Conv(6,1x1) -> Sigmoid} * itself
    -> Concat -> AveragePool(2) -> Conv(8,3x3) -> GlobalAveragePool -> Flatten -> Gemm(10)."""
    rng = np.random.RandomState(14)

    def init(name, shape, scale):
        return numpy_helper.from_array(rng.uniform(-scale, scale, shape).astype(np.float32), name)

    inits = [init("w1", (6, 1, 3, 3), 0.6), init("b1", (6,), 0.2), init("w2", (6, 6, 1, 1), 0.5),
             init("b2", (6,), 0.2), init("w3", (8, 12, 3, 3), 0.3), init("b3", (8,), 0.1),
             init("wg", (10, 8), 0.8), init("bg", (10,), 0.1)]
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
        helper.make_node("LeakyRelu", ["c1"], ["l1"], alpha=0.1),
        helper.make_node("Conv", ["l1", "w2", "b2"], ["c2"]),
        helper.make_node("Sigmoid", ["c2"], ["s2"]),
        helper.make_node("Mul", ["s2", "l1"], ["m2"]),
        helper.make_node("Concat", ["l1", "m2"], ["cat"], axis=1),
        helper.make_node("AveragePool", ["cat"], ["ap"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["ap", "w3", "b3"], ["c3"], pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["c3"], ["gp"]),
        helper.make_node("Flatten", ["gp"], ["fl"]),
        helper.make_node("Gemm", ["fl", "wg", "bg"], ["y"], transB=1),
    ]
    graph = helper.make_graph(nodes, "qop_mix", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                              ["N", 1, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    out = os.path.join(tmp, "mix_float.onnx")
    onnx.save(model, out)
    return out


def ort_run(path, feeds, optimized=False):
    so = ort.SessionOptions()
    so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimized
                                   else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    so.intra_op_num_threads = 1
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    return s.get_outputs()[0].name, s.run(None, feeds)[0]


def output_step(model):
    """The scale of the quantized tensor the graph's output is dequantized from."""
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    out = model.graph.output[0].name
    prod = {o: n for n in model.graph.node for o in n.output}
    n = prod[out]
    assert n.op_type == "DequantizeLinear", n.op_type
    return float(inits[n.input[1]].max())


def gen(name, float_model, fmt, x_cal, x, act=QuantType.QUInt8):
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with tempfile.TemporaryDirectory() as tmp:
        pre = os.path.join(tmp, "pre.onnx")
        quant_pre_process(float_model, pre, skip_symbolic_shape=True)
        in_name = onnx.load(pre).graph.input[0].name
        path = os.path.join(out, "model.onnx")
        quantize_static(pre, path, Reader(in_name, x_cal), quant_format=fmt, per_channel=True,
                        activation_type=act, weight_type=QuantType.QInt8)
    model = onnx.load(path)
    step = output_step(model)
    out_name, ref = ort_run(path, {in_name: x})
    _, f32 = ort_run(float_model, {onnx.load(float_model).graph.input[0].name: x})
    # ORT's optimizer turns QDQ groups into its integer kernels: how far an engine computing in
    # integers lands from the float QDQ reference (what an int8 pass may see).
    _, fused = ort_run(path, {in_name: x}, optimized=True)
    fused_diff = float(np.abs(fused - ref).max())
    np.save(os.path.join(out, "in_x.npy"), x)
    np.save(os.path.join(out, "out_y.npy"), ref)
    ops = sorted({(n.domain + ":" if n.domain else "") + n.op_type for n in model.graph.node})
    with open(os.path.join(out, "case.txt"), "w") as f:
        f.write(f"# generated by scripts/gen_onnx_quant_fixtures.py (onnxruntime {ort.__version__})\n"
                f"# quantize_static(quant_format={fmt}, per_channel=True, {act} activations, QInt8 weights,"
                f" 4 calibration batches of 16 digits)\n"
                f"# reference: ONNX Runtime on the quantized model; tolerance: one step of the output"
                f" ({step:.6g}); the float model differs by {float(np.abs(f32 - ref).max()):.3g}\n"
                f"# ORT with graph optimizations on (integer kernels) differs by {fused_diff:.3g}"
                f" ({fused_diff / step:.3g} steps)\n"
                f"# onnx ops: {' '.join(ops)}\n"
                f"model model.onnx\ninput {in_name} in_x.npy\noutput {out_name} out_y.npy\n"
                f"tolerance 0 {step * 1.001:.9g}\n")
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    assert size < 200 * 1024, (name, size)
    print(f"== {name}: {size} bytes, step {step:.6g}, ops {' '.join(ops)}")


def main():
    x_train, x_test = digits()
    x_cal = x_train[:64]
    with tempfile.TemporaryDirectory() as tmp:
        d = digits_float(tmp)
        gen("digits_cnn_ort_qop", d, QuantFormat.QOperator, x_cal, x_test[:32])
        gen("digits_cnn_ort_qdq", d, QuantFormat.QDQ, x_cal, x_test[:32])
        m = mix_float(tmp)
        # int8 activations here (uint8 in the digits CNN): both kinds of every op.
        gen("qop_mix_ort_qop", m, QuantFormat.QOperator, x_cal, x_test[:8], QuantType.QInt8)
        gen("qop_mix_ort_qdq", m, QuantFormat.QDQ, x_cal, x_test[:8], QuantType.QInt8)


if __name__ == "__main__":
    main()
