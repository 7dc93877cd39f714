#!/usr/bin/env python3
"""Exports the large Paddle test models to ONNX, for the Paddle-vs-ONNX tests.

1. For each model directory under tests/data/large that holds a Paddle model
   (model.pdmodel + model.pdiparams, see case.txt) and is listed in --models,
   writes model.onnx beside it with paddle2onnx. The test
   large.onnx_vs_paddle.<model> (tests/onnx/onnx_vs_paddle.c) runs both forms
   in oar on the case's inputs and compares them.
2. Builds three small networks shaped like PP-OCR's det (DB: MobileNetV3
   blocks with SE and hard-swish, nearest upsampling, transposed convs,
   sigmoid), rec (CRNN: convs, a two-layer bidirectional LSTM, softmax) and
   cls (MobileNetV3-small head) with random weights, exports them with
   paddle.jit.save and paddle2onnx, and writes case directories
   ppocr_{det,rec,cls}_onnx whose model is the ONNX file and whose expected
   outputs are Paddle's dygraph forward in eval mode (the network object
   itself, not Paddle Inference on the saved program): run_case runs them as
   large.<name>.

Usage: scripts/gen_onnx_fixtures.py [--data tests/data/large] [--opset 13]
                                    [--models resnet50,mobilenet_v2,...] [--no-ppocr] [--force]
"""
import argparse
import os
import sys

DEFAULT_MODELS = ["resnet50", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small", "bert_base"]


def export(model_dir, opset):
    """Writes model_dir/model.onnx from model_dir/model.pdmodel."""
    pdmodel = os.path.join(model_dir, "model.pdmodel")
    params = os.path.join(model_dir, "model.pdiparams")
    out = os.path.join(model_dir, "model.onnx")
    try:
        import paddle2onnx
    except ImportError:
        sys.exit("paddle2onnx is not installed: pip install -r requirements-dev.txt")
    paddle2onnx.export(pdmodel, params, out, opset_version=opset, enable_onnx_checker=True,
                       optimize_tool="None", verbose=False)
    return out


def ppocr_like(data, opset, force):
    """Builds, exports and writes the three PP-OCR-shaped cases. Returns how many exist."""
    import numpy as np
    import paddle
    from paddle import nn

    class ConvBN(nn.Layer):
        def __init__(self, cin, cout, k, s=1, groups=1, act=None):
            super().__init__()
            self.conv = nn.Conv2D(cin, cout, k, s, (k - 1) // 2, groups=groups, bias_attr=False)
            self.bn = nn.BatchNorm2D(cout)
            self.act = act

        def forward(self, x):
            x = self.bn(self.conv(x))
            return self.act(x) if self.act else x

    class SE(nn.Layer):
        def __init__(self, c):
            super().__init__()
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.c1 = nn.Conv2D(c, c // 4, 1)
            self.c2 = nn.Conv2D(c // 4, c, 1)

        def forward(self, x):
            y = self.c2(nn.functional.relu(self.c1(self.pool(x))))
            return x * nn.functional.hardsigmoid(y, slope=0.2, offset=0.5)

    class Block(nn.Layer):  # MobileNetV3 inverted residual
        def __init__(self, cin, mid, cout, s, se):
            super().__init__()
            self.expand = ConvBN(cin, mid, 1, act=nn.Hardswish())
            self.dw = ConvBN(mid, mid, 3, s, groups=mid, act=nn.Hardswish())
            self.se = SE(mid) if se else None
            self.project = ConvBN(mid, cout, 1)
            self.residual = s == 1 and cin == cout

        def forward(self, x):
            y = self.dw(self.expand(x))
            if self.se:
                y = self.se(y)
            y = self.project(y)
            return x + y if self.residual else y

    class Det(nn.Layer):  # DBNet-like: backbone, FPN with nearest upsampling, DB head
        def __init__(self):
            super().__init__()
            self.stem = ConvBN(3, 8, 3, 2, act=nn.Hardswish())
            self.b1 = Block(8, 16, 16, 2, True)
            self.b2 = Block(16, 32, 24, 2, False)
            self.lat1, self.lat2 = nn.Conv2D(16, 16, 1), nn.Conv2D(24, 16, 1)
            self.head = ConvBN(16, 8, 3, act=nn.ReLU())
            self.t1 = nn.Conv2DTranspose(8, 8, 2, 2)
            self.bn = nn.BatchNorm2D(8)
            self.t2 = nn.Conv2DTranspose(8, 1, 2, 2)

        def forward(self, x):
            f1 = self.b1(self.stem(x))
            f2 = self.b2(f1)
            # nearest upsampling x2, by size: paddle2onnx 2.1 cannot export a PIR scale_factor
            p = self.lat1(f1) + nn.functional.interpolate(self.lat2(f2), size=f1.shape[2:], mode="nearest")
            y = nn.functional.relu(self.bn(self.t1(self.head(p))))
            return nn.functional.sigmoid(self.t2(y))

    class Rec(nn.Layer):  # CRNN-like: convs to height 1, BiLSTM, per-step classes
        def __init__(self):
            super().__init__()
            self.c1 = ConvBN(3, 16, 3, 1, act=nn.ReLU())
            self.p1 = nn.MaxPool2D(2, 2)
            self.c2 = ConvBN(16, 32, 3, 1, act=nn.ReLU())
            self.p2 = nn.MaxPool2D((2, 1), (2, 1))
            self.c3 = ConvBN(32, 32, 3, 1, act=nn.ReLU())
            self.p3 = nn.AvgPool2D((8, 1), (8, 1))
            self.lstm = nn.LSTM(32, 24, num_layers=2, direction="bidirect")
            self.fc = nn.Linear(48, 37)

        def forward(self, x):
            y = self.p3(self.c3(self.p2(self.c2(self.p1(self.c1(x))))))
            y = paddle.squeeze(y, axis=2).transpose([0, 2, 1])
            y, _ = self.lstm(y)
            return nn.functional.softmax(self.fc(y), axis=-1)

    class Cls(nn.Layer):  # text direction classifier: MobileNetV3-small-like
        def __init__(self):
            super().__init__()
            self.stem = ConvBN(3, 8, 3, 2, act=nn.Hardswish())
            self.b1 = Block(8, 16, 8, 1, True)
            self.b2 = Block(8, 24, 16, 2, True)
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.fc = nn.Linear(16, 2)

        def forward(self, x):
            y = self.pool(self.b2(self.b1(self.stem(x))))
            return nn.functional.softmax(self.fc(paddle.flatten(y, 1)), axis=-1)

    nets = [("ppocr_det_onnx", Det, [1, 3, 64, 64]), ("ppocr_rec_onnx", Rec, [1, 3, 32, 80]),
            ("ppocr_cls_onnx", Cls, [1, 3, 48, 96])]
    import onnx
    import paddle2onnx

    count = 0
    for name, cls, shape in nets:
        case_dir = os.path.join(data, name)
        if os.path.isfile(os.path.join(case_dir, "case.txt")) and not force:
            print(f"== {name}: exists")
            count += 1
            continue
        os.makedirs(case_dir, exist_ok=True)
        paddle.seed(1234 + count)
        rng = np.random.RandomState(1234 + count)
        net = cls()
        for p in net.parameters():
            p.set_value(rng.uniform(-0.5, 0.5, p.shape).astype("float32"))
        for layer in net.sublayers():  # random statistics too, so batch norm matters
            if isinstance(layer, nn.BatchNorm2D):
                layer._mean.set_value(rng.uniform(-0.2, 0.2, layer._mean.shape).astype("float32"))
                layer._variance.set_value(rng.uniform(0.5, 1.5, layer._variance.shape).astype("float32"))
        net.eval()
        prefix = os.path.join(case_dir, "net")
        paddle.jit.save(net, prefix, input_spec=[paddle.static.InputSpec(shape, "float32", "x")])
        program = prefix + (".json" if os.path.isfile(prefix + ".json") else ".pdmodel")
        x = np.random.RandomState(7).uniform(-1, 1, shape).astype("float32")
        with paddle.no_grad():
            ref = net(paddle.to_tensor(x)).numpy()  # Paddle's own result (eval mode)
        paddle2onnx.export(program, prefix + ".pdiparams", prefix + ".onnx", opset_version=opset,
                           enable_onnx_checker=True, optimize_tool="None", verbose=False)
        model = onnx.load(prefix + ".onnx")
        in_name, out_name = model.graph.input[0].name, model.graph.output[0].name
        ops = sorted({n.op_type for n in model.graph.node})
        np.save(os.path.join(case_dir, "in_x.npy"), x)
        np.save(os.path.join(case_dir, "out_y.npy"), ref)
        with open(os.path.join(case_dir, "case.txt"), "w") as f:
            f.write(f"# generated by scripts/gen_onnx_fixtures.py (PaddlePaddle {paddle.__version__}): "
                    f"{cls.__name__}, shaped like PP-OCR's, random weights;\n"
                    f"# paddle.jit.save + paddle2onnx (opset {opset}); expected output: Paddle's, eval mode\n"
                    f"# onnx ops: {' '.join(ops)}\n"
                    f"model net.onnx\ninput {in_name} in_x.npy\noutput {out_name} out_y.npy\n"
                    "tolerance 0.001 0.0001\n")
        print(f"== {name}: wrote {case_dir} (onnx ops: {' '.join(ops)})")
        count += 1
    return count


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "tests", "data", "large"))
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS))
    ap.add_argument("--force", action="store_true", help="re-export even when model.onnx exists")
    ap.add_argument("--no-ppocr", action="store_true", help="skip the PP-OCR-shaped networks")
    args = ap.parse_args()
    done = 0
    for name in [m for m in args.models.split(",") if m]:
        d = os.path.join(args.data, name)
        if not os.path.isfile(os.path.join(d, "model.pdmodel")):
            print(f"== {name}: no Paddle model in {d} (run scripts/gen_fixtures.py --large-only first); skipped")
            continue
        if os.path.isfile(os.path.join(d, "model.onnx")) and not args.force:
            print(f"== {name}: model.onnx exists")
            done += 1
            continue
        out = export(d, args.opset)
        print(f"== {name}: wrote {out} (opset {args.opset})")
        done += 1
    if not args.no_ppocr:
        done += ppocr_like(args.data, args.opset, args.force)
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
