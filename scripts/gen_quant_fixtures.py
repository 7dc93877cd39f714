"""Quantized Paddle model fixtures (issue 14, item 1): the digits CNN of
tests/data/models/digits_cnn quantized by Paddle's own post-training quantization.

    digits_cnn_ptq_qdq   onnx_format=True  (quantize_linear / dequantize_linear, INT8 weights
                         stored under FP32 declarations, per-channel conv/fc weights)
    digits_cnn_ptq_fake  onnx_format=False (fake_quantize_* / fake_*dequantize_* ops, weights
                         as integer-valued FP32)

The reference is Paddle Inference with IR optimization OFF: every saved op runs as saved, so
the recorded numbers are Paddle's own simulated-int8 arithmetic (the same thing oar runs).
The IR-optimized run (CPU, oneDNN int8 not enabled) is also made and its largest difference
recorded in case.txt (0 for these models with Paddle 3.3.1).

Run from the repository root (after scripts/gen_fixtures.py made digits_cnn):
    python3 scripts/gen_quant_fixtures.py
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_fixtures as gf  # noqa: E402  (selects the legacy program API before importing paddle)
import numpy as np  # noqa: E402
import paddle  # noqa: E402

# Tighter than DEFAULT_TOL: the softmax outputs of the float model differ from the int8
# model's by only ~1e-4 (confident predictions), which DEFAULT_TOL would not tell apart.
TOL = (1e-5, 1e-7)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models")


def calibration_batches():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    x_train, x_test, _, y_test = train_test_split(images, labels, test_size=0.25, random_state=0,
                                                  stratify=labels)
    return x_train, x_test, y_test


def gen(name, onnx_format, algo):
    from paddle.static.quantization import PostTrainingQuantization
    x_train, x_test, y_test = calibration_batches()
    src = os.path.join(ROOT, "digits_cnn")
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        exe = paddle.static.Executor(paddle.CPUPlace())
        scope = paddle.static.global_scope()

        def batches():
            for i in range(4):  # 4 calibration batches of 16
                yield {"x": x_train[16 * i:16 * (i + 1)]}

        ptq = PostTrainingQuantization(
            executor=exe, model_dir=src, model_filename="model.pdmodel", params_filename="model.pdiparams",
            data_loader=batches, batch_size=16, batch_nums=4, algo=algo,
            quantizable_op_type=["conv2d", "mul"], weight_quantize_type="channel_wise_abs_max",
            onnx_format=onnx_format, scope=scope)
        ptq.quantize()
        ptq.save_quantized_model(tmp, model_filename="model.pdmodel",
                                 params_filename="model.pdiparams")
        os.makedirs(out)
        for f in ("model.pdmodel", "model.pdiparams"):
            shutil.copy(os.path.join(tmp, f), os.path.join(out, f))
    gf.strip_callstack_paths(os.path.join(out, "model.pdmodel"))
    m, p = os.path.join(out, "model.pdmodel"), os.path.join(out, "model.pdiparams")
    inputs = [("x", x_test[:32])]
    ref = gf.run_inference(m, p, inputs, ir_optim=False)
    opt = gf.run_inference(m, p, inputs, ir_optim=True)
    diff = max(float(np.abs(a - b).max()) for (_, a), (_, b) in zip(ref, opt))
    full = gf.run_inference(m, p, [("x", x_test)], ir_optim=False)[0][1]
    acc = float((full.argmax(1) == y_test).mean())
    comments = ["digits_cnn quantized by paddle.static.quantization.PostTrainingQuantization("
                "onnx_format=%s, algo=%s, channel_wise_abs_max weights, 4 calibration batches of 16)" %
                (onnx_format, algo),
                "reference: Paddle Inference, IR optimization off (every saved op runs as saved); the "
                "IR-optimized run differs by %.3g" % diff,
                "int8 test accuracy %.4f; inputs: first 32 test images" % acc]
    prog = os.path.join(out, "model.pdmodel")
    comments.append("ops: " + " ".join(sorted(set(gf.program_op_types(prog)))))
    gf.write_case(out, "model.pdmodel", "model.pdiparams", inputs, ref, TOL, comments,
                  generator="scripts/gen_quant_fixtures.py")
    f32 = gf.run_inference(os.path.join(src, "model.pdmodel"), os.path.join(src, "model.pdiparams"), inputs,
                           ir_optim=False)[0][1]
    r = ref[0][1]
    excess = float((np.abs(f32 - r) / (TOL[1] + TOL[0] * np.abs(r))).max())
    assert excess > 1, "%s: the float model is within tolerance (%.2f) of the int8 one" % (name, excess)
    print("%s: float model differs by %.1f x tolerance" % (name, excess))
    print("%s: accuracy %.4f, IR-optim-on differs by %.3g" % (name, acc, diff))


if __name__ == "__main__":
    gen("digits_cnn_ptq_qdq", True, "abs_max")
    gen("digits_cnn_ptq_fake", False, "abs_max")
