"""Fixtures of `oar quantize` (issue 14, item 4): tests/data/cli/quantize/

    digits_cnn.onnx      tests/data/models/digits_cnn (the small CNN trained on scikit-learn
                         digits by scripts/gen_fixtures.py) converted by paddle2onnx, opset 13
    calib/train_NN.npy   64 calibration samples: the first 64 training images, [1, 1, 8, 8] each
    test_x.npy           the 450 test images [450, 1, 8, 8] float32
    test_y.npy           their labels [450] int64
    relu.onnx            a model with nothing to quantize (one Relu)
    two_inputs.onnx      a two-input model (Add, then MatMul by a constant): the multi-input layout
    two_inputs_calib/sN/{a,b}.npy  its calibration samples, one subdirectory per sample
    constant_weight.onnx a MatMul whose B is a Constant node's value (input a, as two_inputs.onnx)
    external.onnx        two_inputs.onnx with its weight in external.onnx.data (refused)
    bad_shape/x.npy      a [1, 1, 9, 9] sample: does not fit the digits input [-1, 1, 8, 8]
    wrong_name/s0/image.npy  a sample directory without x.npy

The split is gen_fixtures.py's: sklearn train_test_split(test_size=0.25, random_state=0,
stratify=labels), images / 16.0. tests/quantize_test.py uses them.

Run from the repository root (after scripts/gen_fixtures.py made digits_cnn):
    python3 scripts/gen_quantize_fixtures.py
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(REPO, "tests", "data", "cli", "quantize")
SRC = os.path.join(REPO, "tests", "data", "models", "digits_cnn")


def digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    x_train, x_test, _, y_test = train_test_split(images, labels, test_size=0.25, random_state=0,
                                                  stratify=labels)
    return x_train, x_test, y_test


def convert_digits(dst):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "model.onnx")
        # The paddle2onnx command line (its own process: paddle prints much on import).
        subprocess.run(["paddle2onnx", "--model_dir", SRC, "--model_filename", "model.pdmodel",
                        "--params_filename", "model.pdiparams", "--save_file", out, "--opset_version", "13"],
                       check=True, stdout=subprocess.DEVNULL)
        model = onnx.load(out)
    model.producer_name = "paddle2onnx (scripts/gen_quantize_fixtures.py)"
    onnx.checker.check_model(model)
    onnx.save(model, dst)


def relu_model(dst):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), dst)


def two_inputs_model(dst):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 4])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) / 10, "w")
    graph = helper.make_graph([helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("MatMul", ["s", "w"], ["y"])],
                              "two_inputs", [a, b], [y], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), dst)


def constant_weight_model(dst):
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3) / 10 - 0.5, "w_value")
    graph = helper.make_graph([helper.make_node("Constant", [], ["w"], value=w),
                               helper.make_node("MatMul", ["a", "w"], ["y"])], "constant_weight", [a], [y])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), dst)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(os.path.join(OUT, "calib"))
    convert_digits(os.path.join(OUT, "digits_cnn.onnx"))
    x_train, x_test, y_test = digits_split()
    for i in range(64):
        np.save(os.path.join(OUT, "calib", "train_%02d.npy" % i), x_train[i:i + 1])
    np.save(os.path.join(OUT, "test_x.npy"), x_test)
    np.save(os.path.join(OUT, "test_y.npy"), y_test)
    relu_model(os.path.join(OUT, "relu.onnx"))
    two_inputs_model(os.path.join(OUT, "two_inputs.onnx"))
    constant_weight_model(os.path.join(OUT, "constant_weight.onnx"))
    model = onnx.load(os.path.join(OUT, "two_inputs.onnx"))
    onnx.save(model, os.path.join(OUT, "external.onnx"), save_as_external_data=True,
              location="external.onnx.data", size_threshold=0)
    rng = np.random.default_rng(0)
    for s in range(3):
        os.makedirs(os.path.join(OUT, "two_inputs_calib", "s%d" % s))
        for name in ("a", "b"):
            np.save(os.path.join(OUT, "two_inputs_calib", "s%d" % s, name + ".npy"),
                    rng.standard_normal((1, 4)).astype(np.float32))
    os.makedirs(os.path.join(OUT, "bad_shape"))
    np.save(os.path.join(OUT, "bad_shape", "x.npy"), np.zeros((1, 1, 9, 9), np.float32))
    os.makedirs(os.path.join(OUT, "wrong_name", "s0"))
    np.save(os.path.join(OUT, "wrong_name", "s0", "image.npy"), x_train[:1])
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print("wrote %s (%d bytes)" % (OUT, total))


if __name__ == "__main__":
    sys.exit(main())
