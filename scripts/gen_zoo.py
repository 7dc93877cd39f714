#!/usr/bin/env python3
"""Generate oar's model zoo: real architectures that Paddle users deploy, with random weights.

Each network is written out from the model code of the Paddle model-zoo packages
(PaddleClas, PaddleSeg, PaddleDetection, PaddleOCR, PaddleNLP, PaddleSpeech; the file each
comes from is named in its class), at reduced width, depth or input size where the full
one would make CI slow, keeping the architecture's ops and structure. The packages
themselves are not imported: under paddlepaddle 3.3.1 their wheels pull in opencv, tqdm,
visualdl and the like at import time (ppcls, paddleseg) or are thin clients of PaddleX
that download the model code (paddleocr 3), and CI should not depend on that tree.

Weights: Paddle's initializers under a fixed seed, batch-norm scale / shift drawn at
random and batch-norm statistics calibrated on a random batch (momentum 0: the running
mean / variance are the calibration batch's), layer-norm scale / shift and zero biases
drawn at random, so activations keep a realistic range through the depth.

Every model becomes two case directories (scripts/gen_fixtures.py's format, case.txt):
    <out>/<model>/       legacy program (model.pdmodel + model.pdiparams), written by
                         paddle.jit.save with FLAGS_enable_pir_api=0 in its own process;
                         where Paddle 3.3 cannot write the legacy form for the model, the
                         directory is absent and the PIR case's comments say why
    <out>/<model>_pir/   Paddle 3 PIR program (model.json + model.pdiparams), written by
                         paddle.jit.save with FLAGS_enable_pir_api=1 in another process;
                         its outputs must match the legacy case's within the tolerance
Reference outputs come from paddle.inference (IR optimization off, cross-checked with it
on: scripts/gen_fixtures.py reference_outputs).

Run from the repository root:
    python3 scripts/gen_zoo.py --out DIR [--only NAME...] [--list]
scripts/test.sh runs it into the model cache (scripts/model_cache.py) and links
tests/data/zoo there.
"""

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODE = os.environ.get("OAR_ZOO_MODE")  # "legacy" or "pir" in the worker processes
SUFFIX = "_pir"
LEGACY_FAILURES = ".legacy_failures.json"
TIMES = ".times.json"

# name: (family, one-line description). The builders are registered below under the same names.
MODELS = {}


TOL = (1e-4, 1e-5)
# Detectors output box corners in input pixels (up to ~700 for a 320-pixel input), each the
# difference of an anchor point and a predicted distance of that scale: float32 rounding in
# another summation order moves them by a few 1e-3 pixels (Paddle's own IR-optimized
# predictor differs from its plain run by up to 8.5e-3), which no relative tolerance covers
# near zero. 2e-2 pixels is 1/16000 of the image; the scores share the case tolerance.
DETECTION_TOL = ((1e-4, 2e-2), "atol 2e-2: box corners are input pixels up to ~700, differences of anchor "
                 "points and distances of that scale; float32 rounding moves them by a few 1e-3 px (Paddle's "
                 "IR-optimized run differs from its plain run by up to 8.5e-3 px)")


# Segmentation logits (up to ~36 here) at full input resolution, through 20-30 conv layers,
# attention-weighted fusions and upsamplings: near-zero logits carry absolute rounding
# errors of ~1e-5 of the largest (Paddle's own IR-optimized predictor differs from its plain
# run by 2.4e-4 on pp_liteseg, 2.2e-5 on unet; oar's kernel levels by 2.2e-4 to 4.3e-4).
SEG_TOL = ((1e-4, 1e-3), "atol 1e-3: full-resolution logits up to ~36 after 20-30 layers; near-zero ones carry "
           "absolute rounding errors of ~1e-5 of the largest (Paddle's IR-optimized run differs from its plain run "
           "by up to 2.4e-4)")


def zoo_model(name, family, desc, tol=None):
    """tol: (rtol, atol), reason; default TOL."""
    def register(fn):
        MODELS[name] = (family, desc, fn, tol)
        return fn
    return register


def selected(only, name):
    return not only or any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(MODELS[name][0], p) for p in only)


# ----------------------------------------------------------------------------------------
# Driver (no paddle import): one worker process per program form
# ----------------------------------------------------------------------------------------


def driver(args):
    os.makedirs(args.out, exist_ok=True)
    names = [n for n in MODELS if selected(args.only, n)]
    if not names:
        print("no model matches %s" % args.only)
        return 1
    start = time.time()
    for mode in ("legacy", "pir"):
        env = dict(os.environ, OAR_ZOO_MODE=mode)
        cmd = [sys.executable, os.path.abspath(__file__), "--out", args.out, "--only"] + names
        subprocess.run(cmd, check=True, env=env)
    times = {}
    for mode in ("legacy", "pir"):
        path = os.path.join(args.out, "%s.%s" % (TIMES, mode))
        if os.path.exists(path):
            with open(path) as f:
                times[mode] = json.load(f)
    print("\ngeneration time per model (s): legacy + PIR")
    total = 0.0
    for n in names:
        a, b = times.get("legacy", {}).get(n, 0.0), times.get("pir", {}).get(n, 0.0)
        total += a + b
        print("  %-28s %6.1f + %6.1f = %6.1f" % (n, a, b, a + b))
    print("zoo: %d models in %.1f s (%.1f s in the builders)" % (len(names), time.time() - start, total))
    return 0


# ----------------------------------------------------------------------------------------
# Worker: builds, exports and references the models in one program form
# ----------------------------------------------------------------------------------------

if MODE:
    if MODE == "pir":
        os.environ["OAR_GEN_PIR"] = "1"
    sys.path.insert(0, HERE)
    import gen_fixtures as gf  # noqa: E402  (imports paddle with FLAGS_enable_pir_api set from OAR_GEN_PIR)
    import gen_bert  # noqa: E402  (legacy_program_ops: paddle.matmul & co. in legacy programs)

    if MODE == "pir":
        import gen_pir_fixtures as gpf  # noqa: E402

        gpf.GENERATOR = "scripts/gen_zoo.py"  # the name export_case writes into case.txt
    np = gf.np
    paddle = gf.paddle
    nn = paddle.nn
    F = nn.functional
    Layer = nn.Layer
else:
    Layer = object  # the classes below are only instantiated by the workers
    nn = F = paddle = None


def make_divisible(v, divisor=8, min_value=None):
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


# ---- image classification: PaddleClas ---------------------------------------------------


class ConvBNAct(Layer):
    """conv (no bias) + BatchNorm2D + activation, the ConvBNLayer of PaddleClas / PaddleOCR."""

    def __init__(self, cin, cout, k, stride=1, groups=1, act="relu", padding=None):
        super().__init__()
        pad = (k - 1) // 2 if padding is None else padding
        self.conv = nn.Conv2D(cin, cout, k, stride, padding=pad, groups=groups, bias_attr=False)
        self.bn = nn.BatchNorm2D(cout)
        self.act = act

    def forward(self, x):
        x = self.bn(self.conv(x))
        return act_fn(self.act, x)


def act_fn(act, x):
    if act is None:
        return x
    if act == "relu":
        return F.relu(x)
    if act == "hardswish":
        return F.hardswish(x)
    if act == "swish":
        return F.swish(x)
    if act == "sigmoid":
        return F.sigmoid(x)
    raise ValueError(act)


class SEModule(Layer):
    """ppcls/arch/backbone/legendary_models/pp_lcnet.py SEModule (hardsigmoid, paddle.multiply);
    ocr=True: ppocr/modeling/backbones/det_mobilenet_v3.py's (hardsigmoid with slope 0.2 and
    offset 0.5, x * s)."""

    def __init__(self, c, reduction=4, ocr=False):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.conv1 = nn.Conv2D(c, c // reduction, 1)
        self.conv2 = nn.Conv2D(c // reduction, c, 1)
        self.ocr = ocr

    def forward(self, x):
        s = self.conv2(F.relu(self.conv1(self.pool(x))))
        if self.ocr:
            return x * F.hardsigmoid(s, slope=0.2, offset=0.5)
        return paddle.multiply(x=x, y=F.hardsigmoid(s))


class DepthwiseSeparable(Layer):
    """pp_lcnet.py DepthwiseSeparable: depthwise k x k (+ SE) + pointwise, BN, hardswish; also
    ppocr/modeling/backbones/rec_mv1_enhance.py's (ocr_se: the OCR SE module)."""

    def __init__(self, cin, cout, stride, k, use_se, ocr_se=False):
        super().__init__()
        self.dw = ConvBNAct(cin, cin, k, stride, groups=cin, act="hardswish")
        self.se = SEModule(cin, ocr=ocr_se) if use_se else None
        self.pw = ConvBNAct(cin, cout, 1, act="hardswish")

    def forward(self, x):
        x = self.dw(x)
        if self.se is not None:
            x = self.se(x)
        return self.pw(x)


LCNET_CONFIG = {  # [k, in_c, out_c, s, use_se]
    "blocks2": [[3, 16, 32, 1, False]],
    "blocks3": [[3, 32, 64, 2, False], [3, 64, 64, 1, False]],
    "blocks4": [[3, 64, 128, 2, False], [3, 128, 128, 1, False]],
    "blocks5": [[3, 128, 256, 2, False]] + [[5, 256, 256, 1, False]] * 5,
    "blocks6": [[5, 256, 512, 2, True], [5, 512, 512, 1, True]],
}


class PPLCNet(Layer):
    """ppcls/arch/backbone/legendary_models/pp_lcnet.py PPLCNet (stride_list as in the
    PP-LCNet_x0_25_textline_ori config), with PaddleClas's export softmax.
    features=True returns the blocks4/5/6 maps (PicoDet's LCNet backbone)."""

    def __init__(self, scale=1.0, class_num=1000, stride_list=(2, 2, 2, 2, 2), class_expand=1280,
                 dropout_prob=0.2, features=False):
        super().__init__()
        cfg = {k: [list(b) for b in v] for k, v in LCNET_CONFIG.items()}
        for i, s in enumerate(stride_list[1:]):
            cfg["blocks%d" % (i + 3)][0][3] = s
        self.features = features
        self.conv1 = ConvBNAct(3, make_divisible(16 * scale), 3, stride_list[0], act="hardswish")
        self.stages = nn.LayerList()
        for k in ("blocks2", "blocks3", "blocks4", "blocks5", "blocks6"):
            self.stages.append(nn.Sequential(*[
                DepthwiseSeparable(make_divisible(ci * scale), make_divisible(co * scale), s, kk, se)
                for kk, ci, co, s, se in cfg[k]]))
        self.out_channels = [make_divisible(cfg[k][-1][2] * scale) for k in ("blocks4", "blocks5", "blocks6")]
        if not features:
            self.pool = nn.AdaptiveAvgPool2D(1)
            self.last_conv = nn.Conv2D(self.out_channels[-1], class_expand, 1, bias_attr=False)
            self.dropout = nn.Dropout(p=dropout_prob, mode="downscale_in_infer")
            self.flatten = nn.Flatten(start_axis=1, stop_axis=-1)
            self.fc = nn.Linear(class_expand, class_num)

    def forward(self, x):
        x = self.conv1(x)
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i >= 2:
                outs.append(x)
        if self.features:
            return outs
        x = self.dropout(F.hardswish(self.last_conv(self.pool(x))))
        return F.softmax(self.fc(self.flatten(x)))


class LearnableAffineBlock(Layer):
    """ppcls/arch/backbone/legendary_models/pp_hgnet_v2.py: scale * x + bias (1-element params)."""

    def __init__(self):
        super().__init__()
        self.scale = self.create_parameter([1], default_initializer=nn.initializer.Constant(1.0))
        self.bias = self.create_parameter([1], default_initializer=nn.initializer.Constant(0.0))

    def forward(self, x):
        return self.scale * x + self.bias


class HGConvBNAct(Layer):
    def __init__(self, cin, cout, k=3, stride=1, padding=1, groups=1, use_act=True, use_lab=False):
        super().__init__()
        self.conv = nn.Conv2D(cin, cout, k, stride, padding=padding if isinstance(padding, str) else (k - 1) // 2,
                              groups=groups, bias_attr=False)
        self.bn = nn.BatchNorm2D(cout)
        self.use_act = use_act
        self.lab = LearnableAffineBlock() if use_act and use_lab else None

    def forward(self, x):
        x = self.bn(self.conv(x))
        if self.use_act:
            x = F.relu(x)
            if self.lab is not None:
                x = self.lab(x)
        return x


class HGLightConvBNAct(Layer):
    def __init__(self, cin, cout, k, use_lab):
        super().__init__()
        self.conv1 = HGConvBNAct(cin, cout, 1, use_act=False, use_lab=use_lab)
        self.conv2 = HGConvBNAct(cout, cout, k, groups=cout, use_act=True, use_lab=use_lab)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class HGStem(Layer):
    def __init__(self, cin, mid, cout, use_lab):
        super().__init__()
        self.stem1 = HGConvBNAct(cin, mid, 3, 2, use_lab=use_lab)
        self.stem2a = HGConvBNAct(mid, mid // 2, 2, 1, padding="SAME", use_lab=use_lab)
        self.stem2b = HGConvBNAct(mid // 2, mid, 2, 1, padding="SAME", use_lab=use_lab)
        self.stem3 = HGConvBNAct(mid * 2, mid, 3, 2, use_lab=use_lab)
        self.stem4 = HGConvBNAct(mid, cout, 1, 1, use_lab=use_lab)
        self.pool = nn.MaxPool2D(kernel_size=2, stride=1, ceil_mode=True, padding="SAME")

    def forward(self, x):
        x = self.stem1(x)
        x2 = self.stem2b(self.stem2a(x))
        x1 = self.pool(x)
        x = paddle.concat([x1, x2], 1)
        return self.stem4(self.stem3(x))


class HGBlock(Layer):
    def __init__(self, cin, mid, cout, k, layer_num, identity, light_block, use_lab):
        super().__init__()
        self.identity = identity
        self.layers = nn.LayerList()
        for i in range(layer_num):
            c = cin if i == 0 else mid
            self.layers.append(HGLightConvBNAct(c, mid, k, use_lab) if light_block
                               else HGConvBNAct(c, mid, k, use_lab=use_lab))
        total = cin + layer_num * mid
        self.squeeze = HGConvBNAct(total, cout // 2, 1, use_lab=use_lab)
        self.excite = HGConvBNAct(cout // 2, cout, 1, use_lab=use_lab)

    def forward(self, x):
        identity = x
        out = [x]
        for layer in self.layers:
            x = layer(x)
            out.append(x)
        x = self.excite(self.squeeze(paddle.concat(out, axis=1)))
        if self.identity:
            x += identity
        return x


class PPHGNetV2(Layer):
    """ppcls/arch/backbone/legendary_models/pp_hgnet_v2.py PPHGNetV2, B0's configuration
    (stem 3-16-16, use_lab), with PaddleClas's export softmax."""

    STAGES_B0 = [  # cin, mid, cout, blocks, downsample, light, k, layers
        [16, 16, 64, 1, False, False, 3, 3],
        [64, 32, 256, 1, True, False, 3, 3],
        [256, 64, 512, 2, True, True, 5, 3],
        [512, 128, 1024, 1, True, True, 5, 3],
    ]

    def __init__(self, class_num=1000, class_expand=2048, use_lab=True):
        super().__init__()
        self.stem = HGStem(3, 16, 16, use_lab)
        self.stages = nn.LayerList()
        for cin, mid, cout, blocks, down, light, k, n in self.STAGES_B0:
            layers = []
            if down:
                layers.append(HGConvBNAct(cin, cin, 3, 2, groups=cin, use_act=False, use_lab=use_lab))
            for i in range(blocks):
                layers.append(HGBlock(cin if i == 0 else cout, mid, cout, k, n, i > 0, light, use_lab))
            self.stages.append(nn.Sequential(*layers))
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.last_conv = nn.Conv2D(1024, class_expand, 1, bias_attr=False)
        self.lab = LearnableAffineBlock() if use_lab else None
        self.dropout = nn.Dropout(p=0.0, mode="downscale_in_infer")
        self.flatten = nn.Flatten(start_axis=1, stop_axis=-1)
        self.fc = nn.Linear(class_expand, class_num)

    def forward(self, x):
        x = self.stem(x)
        for stage in self.stages:
            x = stage(x)
        x = F.relu(self.last_conv(self.pool(x)))
        if self.lab is not None:
            x = self.lab(x)
        return F.softmax(self.fc(self.flatten(self.dropout(x))))


class VdConvBN(Layer):
    """ppcls/arch/backbone/legendary_models/resnet.py ConvBNLayer with is_vd_mode: a 2x2
    average pool (ceil_mode) before the 1x1 shortcut conv instead of a strided conv."""

    def __init__(self, cin, cout, k, stride=1, act=None, is_vd_mode=False):
        super().__init__()
        self.avg_pool = nn.AvgPool2D(kernel_size=2, stride=2, padding=0, ceil_mode=True) if is_vd_mode else None
        self.conv = ConvBNAct(cin, cout, k, stride, act=act)

    def forward(self, x):
        if self.avg_pool is not None:
            x = self.avg_pool(x)
        return self.conv(x)


class VdBasicBlock(Layer):
    """num_seg: PaddleVideo's ResNetTweaksTSM BasicBlock, the temporal shift (1/8 of the
    channels one segment back, 1/8 forward) on the input of the first conv."""

    def __init__(self, cin, cout, stride, shortcut, if_first, num_seg=0):
        super().__init__()
        self.num_seg = num_seg
        self.conv0 = VdConvBN(cin, cout, 3, stride, act="relu")
        self.conv1 = VdConvBN(cout, cout, 3, act=None)
        # the first block of a stage: 1x1 conv shortcut, after a 2x2 average pool except in stage 1
        self.short = None if shortcut else VdConvBN(cin, cout, 1, 1, is_vd_mode=not if_first)

    def forward(self, x):
        y = F.temporal_shift(x, self.num_seg, 1.0 / 8) if self.num_seg else x
        y = self.conv1(self.conv0(y))
        s = x if self.short is None else self.short(x)
        return F.relu(paddle.add(y, s))


class ResNetVd(Layer):
    """ppcls/arch/backbone/legendary_models/resnet.py ResNet18_vd: the three-conv 3x3 stem,
    BasicBlocks [2, 2, 2, 2], vd shortcuts, with PaddleClas's export softmax."""

    def __init__(self, depth=(2, 2, 2, 2), class_num=1000, num_seg=0):
        super().__init__()
        self.num_seg = num_seg
        self.stem = nn.Sequential(ConvBNAct(3, 32, 3, 2), ConvBNAct(32, 32, 3, 1), ConvBNAct(32, 64, 3, 1))
        self.max_pool = nn.MaxPool2D(kernel_size=3, stride=2, padding=1)
        blocks, cin = [], 64
        for stage, n in enumerate(depth):
            cout = 64 * 2 ** stage
            for i in range(n):
                blocks.append(VdBasicBlock(cin, cout, 2 if i == 0 and stage > 0 else 1, i > 0, stage == 0 and i == 0,
                                           num_seg))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.flatten = nn.Flatten(start_axis=1, stop_axis=-1)
        self.fc = nn.Linear(512, class_num)

    def forward(self, x):
        x = self.blocks(self.max_pool(self.stem(x)))
        return F.softmax(self.fc(self.flatten(self.pool(x))))


class PPTSM(ResNetVd):
    """PaddleVideo PP-TSM (paddlevideo/modeling/backbones/resnet_tweaks_tsm.py with depth 18,
    heads/pptsm_head.py): the clip [N, T, 3, H, W] as N * T images, ResNet18-vd with the
    temporal shift in every block, average pool, the segments averaged (reshape to
    [N, T, C], mean), fc + softmax. 8 segments of 112 x 112 instead of 224 x 224, 400
    classes (Kinetics-400)."""

    def __init__(self, num_seg=8, class_num=400):
        super().__init__(class_num=class_num, num_seg=num_seg)
        self.dropout = nn.Dropout(p=0.5)

    def forward(self, x):
        x = paddle.reshape(x, [-1] + x.shape[2:])
        x = self.dropout(self.pool(self.blocks(self.max_pool(self.stem(x)))))
        x = paddle.mean(paddle.reshape(x, [-1, self.num_seg, x.shape[1]]), axis=1)
        return F.softmax(self.fc(paddle.reshape(x, [-1, 512])))


class ViTAttention(Layer):
    """ppcls/arch/backbone/model_zoo/vision_transformer.py Attention."""

    def __init__(self, dim, num_heads, qkv_bias=True, fixed_len=True):
        super().__init__()
        self.fixed_len = fixed_len
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias_attr=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        N, C = x.shape[1:]
        if self.fixed_len:  # PaddleClas's form (fixed token count)
            qkv = self.qkv(x).reshape((-1, N, 3, self.num_heads, C // self.num_heads))
        else:  # PaddleOCR's (ppocr/modeling/backbones/rec_svtrnet.py Attention): dynamic length
            qkv = self.qkv(x).reshape((0, -1, 3, self.num_heads, C // self.num_heads))
        qkv = qkv.transpose((2, 0, 3, 1, 4))
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q.matmul(k.transpose((0, 1, 3, 2)))) * self.scale
        attn = F.softmax(attn, axis=-1)
        x = (attn.matmul(v)).transpose((0, 2, 1, 3)).reshape((-1, N, C) if self.fixed_len else (0, -1, C))
        return self.proj(x)


class ViTMlp(Layer):
    def __init__(self, dim, hidden, act="gelu"):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.act = act

    def forward(self, x):
        x = self.fc1(x)
        x = F.gelu(x) if self.act == "gelu" else F.swish(x)
        return self.fc2(x)


class ViTBlock(Layer):
    """Pre-norm transformer block (ViT / DeiT); prenorm=True is SVTR's post-norm variant."""

    def __init__(self, dim, heads, mlp_ratio=4.0, qkv_bias=True, eps=1e-6, act="gelu", prenorm=False,
                 fixed_len=True):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, epsilon=eps)
        self.attn = ViTAttention(dim, heads, qkv_bias, fixed_len)
        self.norm2 = nn.LayerNorm(dim, epsilon=eps)
        self.mlp = ViTMlp(dim, int(dim * mlp_ratio), act)
        self.prenorm = prenorm

    def forward(self, x):
        if self.prenorm:
            x = self.norm1(x + self.attn(x))
            return self.norm2(x + self.mlp(x))
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DeiTDistilled(Layer):
    """ppcls/arch/backbone/model_zoo/distilled_vision_transformer.py DistilledVisionTransformer
    (DeiT-tiny distilled: patch 16, dim 192, 3 heads; depth 4 instead of 12): class and
    distillation tokens, position embedding, eval output (head(cls) + head_dist(dist)) / 2,
    with PaddleClas's export softmax."""

    def __init__(self, img=224, patch=16, dim=192, depth=4, heads=3, class_num=1000):
        super().__init__()
        self.patch_embed = nn.Conv2D(3, dim, patch, patch)
        n = (img // patch) ** 2
        init = nn.initializer.TruncatedNormal(std=0.02)
        self.cls_token = self.create_parameter([1, 1, dim], default_initializer=init)
        self.dist_token = self.create_parameter([1, 1, dim], default_initializer=init)
        self.pos_embed = self.create_parameter([1, n + 2, dim], default_initializer=init)
        self.blocks = nn.LayerList([ViTBlock(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, epsilon=1e-6)
        self.head = nn.Linear(dim, class_num)
        self.head_dist = nn.Linear(dim, class_num)

    def forward(self, x):
        B = paddle.shape(x)[0]
        x = self.patch_embed(x).flatten(2).transpose((0, 2, 1))
        cls_tokens = self.cls_token.expand((B, -1, -1))
        dist_token = self.dist_token.expand((B, -1, -1))
        x = paddle.concat((cls_tokens, dist_token, x), axis=1)
        x = x + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        x = (self.head(x[:, 0]) + self.head_dist(x[:, 1])) / 2
        return F.softmax(x)


def window_partition(x, w):
    _, H, W, C = x.shape
    x = x.reshape([-1, H // w, w, W // w, w, C])
    return x.transpose([0, 1, 3, 2, 4, 5]).reshape([-1, w, w, C])


def window_reverse(windows, w, H, W, C):
    x = windows.reshape([-1, H // w, W // w, w, w, C])
    return x.transpose([0, 1, 3, 2, 4, 5]).reshape([-1, H, W, C])


class SwinBlock(Layer):
    """ppcls/arch/backbone/model_zoo/swin_transformer.py SwinTransformerBlock and
    WindowAttention: (shifted) window attention with the relative position bias looked up
    from its table (index_select), the shift mask, paddle.roll."""

    def __init__(self, dim, res, heads, window, shift):
        super().__init__()
        if res <= window:
            window, shift = res, 0
        self.dim, self.res, self.heads, self.window, self.shift = dim, res, heads, window, shift
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.scale = (dim // heads) ** -0.5
        self.bias_table = self.create_parameter([(2 * window - 1) ** 2, heads],
                                                default_initializer=nn.initializer.TruncatedNormal(std=0.02))
        coords = np.stack(np.meshgrid(np.arange(window), np.arange(window), indexing="ij")).reshape(2, -1)
        rel = (coords[:, :, None] - coords[:, None, :]).transpose(1, 2, 0) + (window - 1)
        index = rel[:, :, 0] * (2 * window - 1) + rel[:, :, 1]
        self.register_buffer("relative_position_index", paddle.to_tensor(index.reshape(-1).astype(np.int64)),
                             persistable=True)
        if shift:
            img = np.zeros((1, res, res, 1), np.float32)
            cnt = 0
            for hs in (slice(0, -window), slice(-window, -shift), slice(-shift, None)):
                for ws in (slice(0, -window), slice(-window, -shift), slice(-shift, None)):
                    img[:, hs, ws, :] = cnt
                    cnt += 1
            mw = img.reshape(1, res // window, window, res // window, window, 1).transpose(0, 1, 3, 2, 4, 5)
            mw = mw.reshape(-1, window * window)
            mask = mw[:, None, :] - mw[:, :, None]
            mask = np.where(mask != 0, -100.0, 0.0).astype(np.float32)
            self.register_buffer("attn_mask", paddle.to_tensor(mask), persistable=True)
        else:
            self.attn_mask = None
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = ViTMlp(dim, 4 * dim)

    def attention(self, x):
        N, C = x.shape[1:]
        qkv = self.qkv(x).reshape([-1, N, 3, self.heads, C // self.heads]).transpose([2, 0, 3, 1, 4])
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = paddle.mm(q, k.transpose([0, 1, 3, 2]))
        bias = paddle.index_select(self.bias_table, self.relative_position_index.reshape([-1]))
        attn = attn + bias.reshape([N, N, -1]).transpose([2, 0, 1]).unsqueeze(0)
        if self.attn_mask is not None:
            nw = self.attn_mask.shape[0]
            attn = attn.reshape([-1, nw, self.heads, N, N]) + self.attn_mask.unsqueeze(1).unsqueeze(0)
            attn = attn.reshape([-1, self.heads, N, N])
        attn = F.softmax(attn, axis=-1)
        return self.proj(paddle.mm(attn, v).transpose([0, 2, 1, 3]).reshape([-1, N, C]))

    def forward(self, x):
        H = W = self.res
        C = self.dim
        shortcut = x
        x = self.norm1(x).reshape([-1, H, W, C])
        if self.shift:
            x = paddle.roll(x, shifts=(-self.shift, -self.shift), axis=(1, 2))
        w = self.window
        x = self.attention(window_partition(x, w).reshape([-1, w * w, C]))
        x = window_reverse(x.reshape([-1, w, w, C]), w, H, W, C)
        if self.shift:
            x = paddle.roll(x, shifts=(self.shift, self.shift), axis=(1, 2))
        x = shortcut + x.reshape([-1, H * W, C])
        return x + self.mlp(self.norm2(x))


class SwinPatchMerging(Layer):
    def __init__(self, res, dim):
        super().__init__()
        self.res = res
        self.norm = nn.LayerNorm(4 * dim)
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias_attr=False)

    def forward(self, x):
        H = W = self.res
        C = x.shape[-1]
        x = x.reshape([-1, H, W, C])
        x = paddle.concat([x[:, 0::2, 0::2, :], x[:, 1::2, 0::2, :], x[:, 0::2, 1::2, :], x[:, 1::2, 1::2, :]], -1)
        return self.reduction(self.norm(x.reshape([-1, H * W // 4, 4 * C])))


class SwinTransformer(Layer):
    """ppcls/arch/backbone/model_zoo/swin_transformer.py SwinTransformer, the tiny layout
    (patch 4, window 7, heads 3 6 12 24) at embed dim 48 instead of 96 and depths 2 2 2 2
    instead of 2 2 6 2, with PaddleClas's export softmax."""

    def __init__(self, img=224, embed=48, depths=(2, 2, 2, 2), heads=(3, 6, 12, 24), window=7, class_num=1000):
        super().__init__()
        self.patch_embed = nn.Conv2D(3, embed, 4, 4)
        self.patch_norm = nn.LayerNorm(embed)
        self.layers = nn.LayerList()
        res, dim = img // 4, embed
        for i, (d, h) in enumerate(zip(depths, heads)):
            blocks = [SwinBlock(dim, res, h, window, 0 if j % 2 == 0 else window // 2) for j in range(d)]
            if i < len(depths) - 1:
                blocks.append(SwinPatchMerging(res, dim))
                res, dim = res // 2, dim * 2
            self.layers.append(nn.Sequential(*blocks))
        self.norm = nn.LayerNorm(dim)
        self.pool = nn.AdaptiveAvgPool1D(1)
        self.head = nn.Linear(dim, class_num)

    def forward(self, x):
        x = self.patch_norm(self.patch_embed(x).flatten(2).transpose([0, 2, 1]))
        for layer in self.layers:
            x = layer(x)
        x = self.pool(self.norm(x).transpose([0, 2, 1]))
        return F.softmax(self.head(paddle.flatten(x, 1)))


# ---- segmentation: PaddleSeg ------------------------------------------------------------


class SegConvBNReLU(Layer):
    """paddleseg/models/layers/layer_libs.py ConvBNReLU (padding 'same' by default; the
    SyncBatchNorm there is BatchNorm2D on CPU)."""

    def __init__(self, cin, cout, k, padding="same", stride=1, act=True, groups=1):
        super().__init__()
        self.conv = nn.Conv2D(cin, cout, k, stride, padding=padding, groups=groups, bias_attr=False)
        self.bn = nn.BatchNorm2D(cout)
        self.act = act

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.act else x


class UNet(Layer):
    """paddleseg/models/unet.py UNet (bilinear upsampling, use_deconv=False), channels / 4."""

    def __init__(self, num_classes=2, w=16):
        super().__init__()
        self.double_conv = nn.Sequential(SegConvBNReLU(3, w, 3), SegConvBNReLU(w, w, 3))
        down = [[w, 2 * w], [2 * w, 4 * w], [4 * w, 8 * w], [8 * w, 8 * w]]
        self.down = nn.LayerList([nn.Sequential(nn.MaxPool2D(2, 2), SegConvBNReLU(a, b, 3), SegConvBNReLU(b, b, 3))
                                  for a, b in down])
        up = [[8 * w, 4 * w], [4 * w, 2 * w], [2 * w, w], [w, w]]
        self.up = nn.LayerList([nn.Sequential(SegConvBNReLU(2 * a, b, 3), SegConvBNReLU(b, b, 3)) for a, b in up])
        self.cls = nn.Conv2D(w, num_classes, 3, 1, padding=1)

    def forward(self, x):
        x = self.double_conv(x)
        short_cuts = []
        for d in self.down:
            short_cuts.append(x)
            x = d(x)
        for i, u in enumerate(self.up):
            s = short_cuts[-(i + 1)]
            x = F.interpolate(x, paddle.shape(s)[2:], mode="bilinear", align_corners=False)
            x = u(paddle.concat([x, s], axis=1))
        return self.cls(x)


class STDCCatBottleneck(Layer):
    """paddleseg/models/backbones/stdcnet.py CatBottleneck (block_num 4)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.convs = nn.LayerList([SegConvBNReLU(cin, cout // 2, 1, padding=0),
                                   SegConvBNReLU(cout // 2, cout // 4, 3, padding=1),
                                   SegConvBNReLU(cout // 4, cout // 8, 3, padding=1),
                                   SegConvBNReLU(cout // 8, cout // 8, 3, padding=1)])
        if stride == 2:
            self.avd = nn.Sequential(nn.Conv2D(cout // 2, cout // 2, 3, 2, 1, groups=cout // 2, bias_attr=False),
                                     nn.BatchNorm2D(cout // 2))
            self.skip = nn.AvgPool2D(kernel_size=3, stride=2, padding=1)

    def forward(self, x):
        out1 = self.convs[0](x)
        outs = []
        out = out1
        for idx, conv in enumerate(self.convs[1:]):
            if idx == 0 and self.stride == 2:
                out = conv(self.avd(out1))
            else:
                out = conv(out)
            outs.append(out)
        if self.stride == 2:
            out1 = self.skip(out1)
        return paddle.concat([out1] + outs, axis=1)


class PPLiteSeg(Layer):
    """paddleseg/models/pp_liteseg.py PPLiteSeg on STDC1 (paddleseg/models/backbones/stdcnet.py,
    base 32 instead of 64): SPPM context (bins 1, 2, 4), three UAFM_SpAtten fusion modules
    (mean / max over channels of both inputs, conv, sigmoid attention), the first seg head,
    bilinear resize to the input size. Output: the logits (PaddleSeg's export with
    --output_op none; the default appends argmax)."""

    def __init__(self, num_classes=19, base=32, arm_out=(32, 48, 64), cm_out=64, head_mid=32):
        super().__init__()
        self.stem = nn.Sequential(SegConvBNReLU(3, base // 2, 3, padding=1, stride=2),
                                  SegConvBNReLU(base // 2, base, 3, padding=1, stride=2))
        chans = [base * 4, base * 8, base * 16]
        self.stages = nn.LayerList()
        cin = base
        for c in chans:
            self.stages.append(nn.Sequential(STDCCatBottleneck(cin, c, 2), STDCCatBottleneck(c, c, 1)))
            cin = c
        self.sppm_stages = nn.LayerList([nn.Sequential(nn.AdaptiveAvgPool2D(b), SegConvBNReLU(chans[-1], cm_out, 1))
                                         for b in (1, 2, 4)])
        self.sppm_out = SegConvBNReLU(cm_out, cm_out, 3, padding=1)
        self.arms = nn.LayerList()
        for i in range(3):
            high = cm_out if i == 2 else arm_out[i + 1]
            self.arms.append(nn.LayerDict({
                "conv_x": SegConvBNReLU(chans[i], high, 3, padding=1),
                "conv_out": SegConvBNReLU(high, arm_out[i], 3, padding=1),
                "atten1": SegConvBNReLU(4, 2, 3, padding=1),
                "atten2": SegConvBNReLU(2, 1, 3, padding=1, act=False)}))
        self.seg_head = nn.Sequential(SegConvBNReLU(arm_out[0], head_mid, 3, padding=1),
                                      nn.Conv2D(head_mid, num_classes, 1, bias_attr=False))

    def sppm(self, x):
        out = None
        for stage in self.sppm_stages:
            y = F.interpolate(stage(x), paddle.shape(x)[2:], mode="bilinear", align_corners=False)
            out = y if out is None else out + y
        return self.sppm_out(out)

    def uafm(self, arm, x, y):
        x = arm["conv_x"](x)
        y = F.interpolate(y, paddle.shape(x)[2:], mode="bilinear", align_corners=False)
        atten = paddle.concat([paddle.mean(x, axis=1, keepdim=True), paddle.max(x, axis=1, keepdim=True),
                               paddle.mean(y, axis=1, keepdim=True), paddle.max(y, axis=1, keepdim=True)], axis=1)
        atten = F.sigmoid(arm["atten2"](arm["atten1"](atten)))
        return arm["conv_out"](x * atten + y * (1 - atten))

    def forward(self, x):
        hw = paddle.shape(x)[2:]
        f = self.stem(x)
        feats = []
        for stage in self.stages:
            f = stage(f)
            feats.append(f)
        high = self.sppm(feats[-1])
        for i in reversed(range(3)):
            high = self.uafm(self.arms[i], feats[i], high)
        logit = self.seg_head(high)
        return F.interpolate(logit, hw, mode="bilinear", align_corners=False)


# ---- detection: PaddleDetection ---------------------------------------------------------


class PicoDWConv(Layer):
    """ppdet/modeling/heads/pico_head.py ConvNormLayer pair: depthwise k x k + pointwise, BN, hardswish."""

    def __init__(self, cin, cout, k=5, stride=1):
        super().__init__()
        self.dw = ConvBNAct(cin, cin, k, stride, groups=cin, act="hardswish")
        self.pw = ConvBNAct(cin, cout, 1, act="hardswish")

    def forward(self, x):
        return self.pw(self.dw(x))


class PicoCSP(Layer):
    """ppdet/modeling/necks/csp_pan.py CSPLayer: two 1x1 branches, depthwise blocks on one, concat, 1x1."""

    def __init__(self, cin, cout, k=5, blocks=1):
        super().__init__()
        mid = cout // 2
        self.main = ConvBNAct(cin, mid, 1, act="hardswish")
        self.short = ConvBNAct(cin, mid, 1, act="hardswish")
        self.blocks = nn.Sequential(*[nn.Sequential(ConvBNAct(mid, mid, 1, act="hardswish"), PicoDWConv(mid, mid, k))
                                      for _ in range(blocks)])
        self.final = ConvBNAct(2 * mid, cout, 1, act="hardswish")

    def forward(self, x):
        return self.final(paddle.concat([self.blocks(self.main(x)), self.short(x)], axis=1))


class PicoDet(Layer):
    """PicoDet (ppdet/modeling/architectures/picodet.py) with the LCNet x0.75 backbone of
    picodet_s_320_coco_lcnet, the LCPAN / CSP-PAN neck (ppdet/modeling/necks/lc_pan.py,
    csp_pan.py: 1x1 channel reduction, nearest upsampling top-down, depthwise stride-2
    downsampling bottom-up, an extra stride-64 level) and the PicoHeadV2 GFL head
    (ppdet/modeling/heads/pico_head.py: depthwise feature convs, ESE attention on the class
    branch, sigmoid scores, distribution regression with softmax over reg_max + 1 bins and
    the integral projection, anchor points from arange / meshgrid, distance2bbox).
    Exported without NMS (export.nms=False): boxes [N, A, 4] in input pixels and scores
    [N, num_classes, A]."""

    def __init__(self, num_classes=80, ch=96, reg_max=7, strides=(8, 16, 32, 64)):
        super().__init__()
        self.backbone = PPLCNet(scale=0.75, features=True)
        self.strides = strides
        self.reg_max = reg_max
        self.num_classes = num_classes
        self.reduce = nn.LayerList([ConvBNAct(c, ch, 1, act="hardswish") for c in self.backbone.out_channels])
        self.top_down = nn.LayerList([PicoCSP(2 * ch, ch) for _ in range(2)])
        self.downs = nn.LayerList([PicoDWConv(ch, ch, 5, 2) for _ in range(2)])
        self.bottom_up = nn.LayerList([PicoCSP(2 * ch, ch) for _ in range(2)])
        self.extra_in = PicoDWConv(ch, ch, 5, 2)
        self.extra_out = PicoDWConv(ch, ch, 5, 2)
        self.head_feat = nn.LayerList([nn.Sequential(PicoDWConv(ch, ch), PicoDWConv(ch, ch)) for _ in strides])
        self.se_fc = nn.LayerList([nn.Conv2D(ch, ch, 1) for _ in strides])
        self.se_conv = nn.LayerList([ConvBNAct(ch, ch, 1, act="hardswish") for _ in strides])
        self.cls = nn.LayerList([nn.Conv2D(ch, num_classes, 1) for _ in strides])
        self.reg = nn.LayerList([nn.Conv2D(ch, 4 * (reg_max + 1), 1) for _ in strides])
        self.register_buffer("project", paddle.linspace(0, reg_max, reg_max + 1), persistable=True)

    def forward(self, x):
        c3, c4, c5 = [r(f) for r, f in zip(self.reduce, self.backbone(x))]
        # top-down
        p5 = c5
        p4 = self.top_down[0](paddle.concat([F.interpolate(p5, scale_factor=2, mode="nearest"), c4], axis=1))
        p3 = self.top_down[1](paddle.concat([F.interpolate(p4, scale_factor=2, mode="nearest"), c3], axis=1))
        # bottom-up
        n4 = self.bottom_up[0](paddle.concat([self.downs[0](p3), p4], axis=1))
        n5 = self.bottom_up[1](paddle.concat([self.downs[1](n4), p5], axis=1))
        n6 = self.extra_in(p5) + self.extra_out(n5)
        boxes, scores = [], []
        for i, (feat, stride) in enumerate(zip([p3, n4, n5, n6], self.strides)):
            h = paddle.shape(feat)[2]
            w = paddle.shape(feat)[3]
            feat = self.head_feat[i](feat)
            weight = F.sigmoid(self.se_fc[i](F.adaptive_avg_pool2d(feat, (1, 1))))
            cls_feat = self.se_conv[i](feat * weight)
            score = F.sigmoid(self.cls[i](cls_feat)).flatten(2)  # [N, C, h*w]
            reg = self.reg[i](feat).flatten(2).transpose([0, 2, 1])  # [N, h*w, 4*(reg_max+1)]
            dist = F.softmax(reg.reshape([0, -1, 4, self.reg_max + 1]), axis=-1)
            dist = F.linear(dist, self.project.reshape([-1, 1])).squeeze(-1) * stride  # [N, h*w, 4]
            sx = (paddle.arange(end=w, dtype="float32") + 0.5) * stride
            sy = (paddle.arange(end=h, dtype="float32") + 0.5) * stride
            yy, xx = paddle.meshgrid(sy, sx)
            points = paddle.stack([xx, yy], axis=-1).reshape([-1, 2])
            lt, rb = paddle.split(dist, 2, axis=-1)
            boxes.append(paddle.concat([points - lt, points + rb], axis=-1))
            scores.append(score)
        return paddle.concat(boxes, axis=1), paddle.concat(scores, axis=-1)


class YoloConvBN(Layer):
    """ppdet/modeling/backbones/cspresnet.py ConvBNLayer (swish)."""

    def __init__(self, cin, cout, k=3, stride=1, act="swish"):
        super().__init__()
        self.conv = ConvBNAct(cin, cout, k, stride, act=act)

    def forward(self, x):
        return self.conv(x)


class RepVggDeploy(Layer):
    """cspresnet.py RepVggBlock after convert_to_deploy (what tools/export_model.py saves):
    one 3x3 conv with bias, then the activation."""

    def __init__(self, cin, cout, act="relu"):
        super().__init__()
        self.conv = nn.Conv2D(cin, cout, 3, 1, padding=1)
        self.act = act

    def forward(self, x):
        return act_fn(self.act, self.conv(x))


class YoloBasicBlock(Layer):
    def __init__(self, cin, cout, act="swish", shortcut=True):
        super().__init__()
        self.conv1 = YoloConvBN(cin, cout, 3, act=act)
        self.conv2 = RepVggDeploy(cout, cout, act=act)
        self.shortcut = shortcut

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return paddle.add(x, y) if self.shortcut else y


class EffectiveSE(Layer):
    """cspresnet.py EffectiveSELayer: x * hardsigmoid(fc(mean(x)))."""

    def __init__(self, c):
        super().__init__()
        self.fc = nn.Conv2D(c, c, 1)

    def forward(self, x):
        return x * F.hardsigmoid(self.fc(x.mean((2, 3), keepdim=True)))


class CSPResStage(Layer):
    def __init__(self, cin, cout, n, stride, act="swish"):
        super().__init__()
        mid = (cin + cout) // 2
        self.conv_down = YoloConvBN(cin, mid, 3, stride, act) if stride == 2 else None
        self.conv1 = YoloConvBN(mid, mid // 2, 1, act=act)
        self.conv2 = YoloConvBN(mid, mid // 2, 1, act=act)
        self.blocks = nn.Sequential(*[YoloBasicBlock(mid // 2, mid // 2, act) for _ in range(n)])
        self.attn = EffectiveSE(mid)
        self.conv3 = YoloConvBN(mid, cout, 1, act=act)

    def forward(self, x):
        if self.conv_down is not None:
            x = self.conv_down(x)
        y = paddle.concat([self.conv1(x), self.blocks(self.conv2(x))], axis=1)
        return self.conv3(self.attn(y))


class YoloSPP(Layer):
    def __init__(self, cin, cout, pools=(5, 9, 13)):
        super().__init__()
        self.pools = nn.LayerList([nn.MaxPool2D(k, 1, k // 2, ceil_mode=False) for k in pools])
        self.conv = YoloConvBN(cin, cout, 1)

    def forward(self, x):
        return self.conv(paddle.concat([x] + [p(x) for p in self.pools], axis=1))


class CSPStage(Layer):
    """ppdet/modeling/necks/custom_pan.py CSPStage (neck BasicBlocks without shortcut, SPP in the deepest)."""

    def __init__(self, cin, cout, n, spp=False):
        super().__init__()
        mid = cout // 2
        self.conv1 = YoloConvBN(cin, mid, 1)
        self.conv2 = YoloConvBN(cin, mid, 1)
        layers = []
        for i in range(n):
            layers.append(YoloBasicBlock(mid, mid, shortcut=False))
            if i == (n - 1) // 2 and spp:
                layers.append(YoloSPP(mid * 4, mid))
        self.convs = nn.Sequential(*layers)
        self.conv3 = YoloConvBN(mid * 2, cout, 1)

    def forward(self, x):
        return self.conv3(paddle.concat([self.conv1(x), self.convs(self.conv2(x))], axis=1))


class PPYOLOE(Layer):
    """PP-YOLOE-s (configs/ppyoloe/ppyoloe_crn_s_300e_coco.yml): CSPResNet backbone
    (ppdet/modeling/backbones/cspresnet.py, width 0.5, depth 0.33, large stem, RepVgg blocks
    in their deployed form, effective SE), CustomCSPPAN neck (necks/custom_pan.py: SPP,
    nearest upsampling, stride-2 conv downsampling) and PPYOLOEHead (heads/ppyoloe_head.py:
    ESE attention on both branches, sigmoid class scores, distribution focal regression with
    reg_max 16 through softmax and the fixed 1x1 projection conv, anchor points precomputed
    for the export size as eval_size does, batch_distance2bbox * stride). Exported without
    NMS and without the scale_factor input: boxes [N, A, 4] in input pixels, scores
    [N, 80, A]."""

    def __init__(self, img=320, num_classes=80, reg_max=16):
        super().__init__()
        ch = [32, 64, 128, 256, 512]
        self.stem = nn.Sequential(YoloConvBN(3, ch[0] // 2, 3, 2), YoloConvBN(ch[0] // 2, ch[0] // 2, 3),
                                  YoloConvBN(ch[0] // 2, ch[0], 3))
        self.stages = nn.LayerList([CSPResStage(ch[i], ch[i + 1], n, 2) for i, n in enumerate([1, 2, 2, 1])])
        outs = [192, 96, 48]  # neck widths, deepest first: [768, 384, 192] x 0.5 ... x 0.25 (reduced)
        ins = [512, 256, 128]
        self.fpn_stages, self.fpn_routes = nn.LayerList(), nn.LayerList()
        for i in range(3):
            cin = ins[i] + (outs[i - 1] // 2 if i > 0 else 0)
            self.fpn_stages.append(CSPStage(cin, outs[i], 1, spp=(i == 0)))
            if i < 2:
                self.fpn_routes.append(YoloConvBN(outs[i], outs[i] // 2, 1))
        self.pan_stages, self.pan_routes = nn.LayerList(), nn.LayerList()
        for i in reversed(range(2)):
            self.pan_routes.append(YoloConvBN(outs[i + 1], outs[i + 1], 3, 2))
            self.pan_stages.append(CSPStage(outs[i] + outs[i + 1], outs[i], 1))
        self.strides = [32, 16, 8]
        self.reg_max = reg_max
        self.num_classes = num_classes
        self.stem_cls = nn.LayerList()
        self.stem_reg = nn.LayerList()
        self.pred_cls = nn.LayerList()
        self.pred_reg = nn.LayerList()
        for c in outs:
            for lst in (self.stem_cls, self.stem_reg):
                lst.append(nn.LayerDict({"fc": nn.Conv2D(c, c, 1), "conv": YoloConvBN(c, c, 1)}))
            self.pred_cls.append(nn.Conv2D(c, num_classes, 3, padding=1))
            self.pred_reg.append(nn.Conv2D(c, 4 * (reg_max + 1), 3, padding=1))
        self.proj_conv = nn.Conv2D(reg_max + 1, 1, 1, bias_attr=False)
        self.proj_conv.weight.set_value(paddle.linspace(0, reg_max, reg_max + 1).reshape([1, reg_max + 1, 1, 1]))
        self.proj_conv.weight.stop_gradient = True
        points, strides = [], []
        for st in self.strides:
            n = img // st
            sx = np.arange(n, dtype=np.float32) + 0.5
            yy, xx = np.meshgrid(sx, sx, indexing="ij")
            points.append(np.stack([xx, yy], -1).reshape(-1, 2))
            strides.append(np.full((n * n, 1), st, np.float32))
        self.register_buffer("anchor_points", paddle.to_tensor(np.concatenate(points)), persistable=True)
        self.register_buffer("stride_tensor", paddle.to_tensor(np.concatenate(strides)), persistable=True)

    def ese(self, m, feat, avg):
        return m["conv"](feat * F.sigmoid(m["fc"](avg)))

    def forward(self, x):
        x = self.stem(x)
        feats = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i >= 1:
                feats.append(x)
        feats = feats[::-1]
        fpn = []
        route = None
        for i, f in enumerate(feats):
            if i > 0:
                f = paddle.concat([route, f], axis=1)
            route = self.fpn_stages[i](f)
            fpn.append(route)
            if i < 2:
                route = F.interpolate(self.fpn_routes[i](route), scale_factor=2.0, mode="nearest")
        pan = [fpn[-1]]
        route = fpn[-1]
        for k, i in enumerate(reversed(range(2))):
            route = self.pan_stages[k](paddle.concat([self.pan_routes[k](route), fpn[i]], axis=1))
            pan.append(route)
        pan = pan[::-1]  # strides 32, 16, 8
        scores, dists = [], []
        for i, feat in enumerate(pan):
            h, w = paddle.shape(feat)[2], paddle.shape(feat)[3]
            avg = F.adaptive_avg_pool2d(feat, (1, 1))
            cls_logit = self.pred_cls[i](self.ese(self.stem_cls[i], feat, avg) + feat)
            reg = self.pred_reg[i](self.ese(self.stem_reg[i], feat, avg))
            reg = reg.reshape([-1, 4, self.reg_max + 1, h * w]).transpose([0, 2, 3, 1])
            dists.append(self.proj_conv(F.softmax(reg, axis=1)).squeeze(1))
            scores.append(F.sigmoid(cls_logit).reshape([-1, self.num_classes, h * w]))
        dist = paddle.concat(dists, axis=1)
        lt, rb = paddle.split(dist, 2, -1)
        boxes = paddle.concat([self.anchor_points - lt, self.anchor_points + rb], -1) * self.stride_tensor
        return boxes, paddle.concat(scores, axis=-1)


class BlazeBlock(Layer):
    """ppdet/modeling/backbones/blazenet.py BlazeBlock (5x5 depthwise + pointwise, optionally
    twice; on stride 2 a ceil-mode max-pool + 1x1 conv shortcut)."""

    def __init__(self, cin, out1, out2, double=None, stride=1):
        super().__init__()
        self.dw = ConvBNAct(cin, out1, 5, stride, groups=out1, act="relu")
        self.pw = ConvBNAct(out1, out2, 1, act=None if double else "relu")
        self.second = None
        if double:
            self.second = nn.Sequential(ConvBNAct(out2, out2, 5, groups=out2, act="relu"),
                                        ConvBNAct(out2, double, 1, act=None))
        self.shortcut = None
        if stride != 1:
            self.shortcut = nn.Sequential(nn.MaxPool2D(stride, stride, ceil_mode=True),
                                          ConvBNAct(cin, double or out2, 1, act="relu"))

    def forward(self, x):
        y = self.pw(self.dw(x))
        if self.second is not None:
            y = self.second(y)
        if self.shortcut is not None:
            x = self.shortcut(x)
        return F.relu(paddle.add(x, y))


class BlazeFace(Layer):
    """PaddleDetection BlazeFace (configs/face_detection/blazeface_1000e.yml): BlazeNet
    (ppdet/modeling/backbones/blazenet.py, 5x5 kernels), FaceHead (heads/face_head.py: a 3x3
    box and score conv per level), anchors by prior_box (AnchorGeneratorSSD: min sizes
    16 24 and 32 48 64 80 96 128, steps 8 and 16, offset 0.5) and the SSD decoding by
    box_coder (decode_center_size, variances 0.1 0.1 0.2 0.2), scores by softmax; no NMS:
    boxes [N, 896, 4] normalized to the image, scores [N, 896, 2]."""

    MIN_SIZES = [[16.0, 24.0], [32.0, 48.0, 64.0, 80.0, 96.0, 128.0]]
    STEPS = [8.0, 16.0]

    def __init__(self):
        super().__init__()
        self.conv1 = ConvBNAct(3, 24, 3, 2, act="relu")
        blocks = [BlazeBlock(24, 24, 24), BlazeBlock(24, 24, 24), BlazeBlock(24, 24, 48, stride=2),
                  BlazeBlock(48, 48, 48), BlazeBlock(48, 48, 48), BlazeBlock(48, 48, 24, 96, 2),
                  BlazeBlock(96, 96, 24, 96), BlazeBlock(96, 96, 24, 96)]
        self.stage1 = nn.Sequential(*blocks)
        self.stage2 = nn.Sequential(BlazeBlock(96, 96, 24, 96, 2), BlazeBlock(96, 96, 24, 96),
                                    BlazeBlock(96, 96, 24, 96))
        self.box = nn.LayerList([nn.Conv2D(96, len(m) * 4, 3, padding=1) for m in self.MIN_SIZES])
        self.score = nn.LayerList([nn.Conv2D(96, len(m) * 2, 3, padding=1) for m in self.MIN_SIZES])

    def forward(self, image):
        f1 = self.stage1(self.conv1(image))
        feats = [f1, self.stage2(f1)]
        boxes, scores, priors, variances = [], [], [], []
        for i, f in enumerate(feats):
            boxes.append(self.box[i](f).transpose([0, 2, 3, 1]).reshape([0, -1, 4]))
            scores.append(self.score[i](f).transpose([0, 2, 3, 1]).reshape([0, -1, 2]))
            prior, var = paddle.vision.ops.prior_box(f, image, self.MIN_SIZES[i], aspect_ratios=[1.0],
                                                     variance=[0.1, 0.1, 0.2, 0.2], steps=[self.STEPS[i]] * 2,
                                                     offset=0.5)
            priors.append(prior.reshape([-1, 4]))
            variances.append(var.reshape([-1, 4]))
        decoded = paddle.vision.ops.box_coder(paddle.concat(priors), paddle.concat(variances),
                                              paddle.concat(boxes, axis=1), code_type="decode_center_size",
                                              box_normalized=True)
        return decoded, F.softmax(paddle.concat(scores, axis=1), axis=-1)


# ---- OCR: PaddleOCR ---------------------------------------------------------------------


class OCRResidualUnit(Layer):
    def __init__(self, cin, mid, cout, k, stride, use_se, act):
        super().__init__()
        self.shortcut = stride == 1 and cin == cout
        self.expand = ConvBNAct(cin, mid, 1, act=act)
        self.dw = ConvBNAct(mid, mid, k, stride, groups=mid, act=act)
        self.se = SEModule(mid, ocr=True) if use_se else None
        self.linear = ConvBNAct(mid, cout, 1, act=None)

    def forward(self, x):
        y = self.dw(self.expand(x))
        if self.se is not None:
            y = self.se(y)
        y = self.linear(y)
        return paddle.add(x, y) if self.shortcut else y


class OCRMobileNetV3(Layer):
    """ppocr/modeling/backbones/det_mobilenet_v3.py MobileNetV3 'large', scale 0.5,
    disable_se=True (PP-OCRv3 det): the four stage outputs at strides 4, 8, 16, 32."""

    CFG = [  # k, exp, c, se, act, s
        [3, 16, 16, False, "relu", 1], [3, 64, 24, False, "relu", 2], [3, 72, 24, False, "relu", 1],
        [5, 72, 40, True, "relu", 2], [5, 120, 40, True, "relu", 1], [5, 120, 40, True, "relu", 1],
        [3, 240, 80, False, "hardswish", 2], [3, 200, 80, False, "hardswish", 1],
        [3, 184, 80, False, "hardswish", 1], [3, 184, 80, False, "hardswish", 1],
        [3, 480, 112, True, "hardswish", 1], [3, 672, 112, True, "hardswish", 1],
        [5, 672, 160, True, "hardswish", 2], [5, 960, 160, True, "hardswish", 1],
        [5, 960, 160, True, "hardswish", 1]]

    def __init__(self, scale=0.5, disable_se=True):
        super().__init__()
        inplanes = make_divisible(16 * scale)
        self.conv = ConvBNAct(3, inplanes, 3, 2, act="hardswish")
        self.stages = nn.LayerList()
        self.out_channels = []
        blocks = []
        for i, (k, exp, c, se, act, s) in enumerate(self.CFG):
            if s == 2 and i > 2:
                self.out_channels.append(inplanes)
                self.stages.append(nn.Sequential(*blocks))
                blocks = []
            blocks.append(OCRResidualUnit(inplanes, make_divisible(scale * exp), make_divisible(scale * c), k, s,
                                          se and not disable_se, act))
            inplanes = make_divisible(scale * c)
        blocks.append(ConvBNAct(inplanes, make_divisible(scale * 960), 1, act="hardswish"))
        self.stages.append(nn.Sequential(*blocks))
        self.out_channels.append(make_divisible(scale * 960))

    def forward(self, x):
        x = self.conv(x)
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs


class RSELayer(Layer):
    """ppocr/modeling/necks/db_fpn.py RSELayer: conv (no BN) + SE, with the shortcut."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv2D(cin, cout, k, padding=k // 2, bias_attr=False)
        self.se = SEModule(cout, ocr=True)

    def forward(self, x):
        x = self.conv(x)
        return x + self.se(x)


class PPOCRDetDB(Layer):
    """PP-OCRv3 text detection (configs/det/PP-OCRv3/PP-OCRv3_mobile_det.yml, student):
    OCRMobileNetV3 + RSEFPN (ppocr/modeling/necks/db_fpn.py, out_channels 96, nearest
    upsampling, shortcut) + DBHead (ppocr/modeling/heads/det_db_head.py: conv-BN-ReLU,
    two conv-transpose 2x2 stride 2, sigmoid). Inference output: the shrink map [N, 1, H, W]."""

    def __init__(self, out_channels=96):
        super().__init__()
        self.backbone = OCRMobileNetV3()
        self.ins = nn.LayerList([RSELayer(c, out_channels, 1) for c in self.backbone.out_channels])
        self.inp = nn.LayerList([RSELayer(out_channels, out_channels // 4, 3) for _ in range(4)])
        c = out_channels
        self.head = nn.Sequential(nn.Conv2D(c, c // 4, 3, padding=1, bias_attr=False), nn.BatchNorm2D(c // 4),
                                  nn.ReLU(), nn.Conv2DTranspose(c // 4, c // 4, 2, 2), nn.BatchNorm2D(c // 4),
                                  nn.ReLU(), nn.Conv2DTranspose(c // 4, 1, 2, 2))

    def forward(self, x):
        c2, c3, c4, c5 = self.backbone(x)
        in5, in4, in3, in2 = self.ins[3](c5), self.ins[2](c4), self.ins[1](c3), self.ins[0](c2)
        out4 = in4 + F.upsample(in5, scale_factor=2, mode="nearest")
        out3 = in3 + F.upsample(out4, scale_factor=2, mode="nearest")
        out2 = in2 + F.upsample(out3, scale_factor=2, mode="nearest")
        p5 = F.upsample(self.inp[3](in5), scale_factor=8, mode="nearest")
        p4 = F.upsample(self.inp[2](out4), scale_factor=4, mode="nearest")
        p3 = F.upsample(self.inp[1](out3), scale_factor=2, mode="nearest")
        p2 = self.inp[0](out2)
        fuse = paddle.concat([p5, p4, p3, p2], axis=1)
        return F.sigmoid(self.head(fuse))


class MobileNetV1Enhance(Layer):
    """ppocr/modeling/backbones/rec_mv1_enhance.py MobileNetV1Enhance (PP-OCRv3 rec), scale
    0.5: strides (2, 1) in the late stages, 5x5 blocks with SE at the end, a 2x2 average
    pool: [N, 3, 48, W] -> [N, 512 * scale, 1, W / 4]."""

    def __init__(self, scale=0.5):
        super().__init__()
        s = lambda c: int(c * scale)  # noqa: E731
        cfg = [(32, 64, 1, 3, False), (64, 128, 1, 3, False), (128, 128, 1, 3, False), (128, 256, (2, 1), 3, False),
               (256, 256, 1, 3, False), (256, 512, (2, 1), 3, False)] + [(512, 512, 1, 5, False)] * 5 + [
            (512, 1024, (2, 1), 5, True), (1024, 1024, 1, 5, True)]
        self.conv1 = ConvBNAct(3, s(32), 3, 2, act="hardswish")
        self.blocks = nn.Sequential(*[DepthwiseSeparable(s(a), s(b), st, k, se, ocr_se=True) for a, b, st, k, se in cfg])
        self.pool = nn.AvgPool2D(kernel_size=2, stride=2, padding=0)
        self.out_channels = s(1024)

    def forward(self, x):
        return self.pool(self.blocks(self.conv1(x)))


class PPOCRRecSVTR(Layer):
    """PP-OCRv3 text recognition (configs/rec/PP-OCRv3/en_PP-OCRv3_rec.yml, the CTC branch
    exported for inference): MobileNetV1Enhance, the SVTR sequence encoder
    (ppocr/modeling/necks/rnn.py EncoderWithSVTR: conv, swish, two global-attention
    transformer blocks over a sequence of dynamic length, conv back, concat with the
    shortcut, conv) and the CTC head (ppocr/modeling/heads/rec_ctc_head.py: fc + softmax).
    97 classes (the English dictionary + blank) instead of 6625."""

    def __init__(self, dims=64, hidden=120, depth=2, num_classes=97):
        super().__init__()
        self.backbone = MobileNetV1Enhance()
        cin = self.backbone.out_channels
        self.enc1 = ConvBNAct(cin, cin // 8, 3, act="swish")
        self.enc2 = ConvBNAct(cin // 8, hidden, 1, act="swish")
        self.svtr = nn.LayerList([ViTBlock(hidden, 8, mlp_ratio=2.0, eps=1e-5, act="swish", fixed_len=False)
                                  for _ in range(depth)])
        self.norm = nn.LayerNorm(hidden, epsilon=1e-6)
        self.enc3 = ConvBNAct(hidden, cin, 1, act="swish")
        self.enc4 = ConvBNAct(2 * cin, cin // 8, 3, act="swish")
        self.enc5 = ConvBNAct(cin // 8, dims, 1, act="swish")
        self.fc = nn.Linear(dims, num_classes)
        self.hidden = hidden

    def forward(self, x):
        x = self.backbone(x)
        h = x
        z = self.enc2(self.enc1(x))
        H = z.shape[2]
        z = z.flatten(2).transpose([0, 2, 1])
        for blk in self.svtr:
            z = blk(z)
        z = self.norm(z)
        z = z.reshape([0, H, -1, self.hidden]).transpose([0, 3, 1, 2])
        z = self.enc3(z)
        z = self.enc5(self.enc4(paddle.concat((h, z), axis=1)))
        seq = z.squeeze(axis=2).transpose([0, 2, 1])  # Im2Seq
        return F.softmax(self.fc(seq), axis=2)


class PPOCRRecCRNN(Layer):
    """CRNN text recognition as PaddleOCR builds it (configs/rec/rec_mv3_none_bilstm_ctc.yml
    with the MobileNetV1Enhance backbone): Im2Seq (ppocr/modeling/necks/rnn.py), the 'rnn'
    sequence encoder (EncoderWithRNN: 2-layer bidirectional nn.LSTM, hidden 48), CTC head
    (fc + softmax), 97 classes."""

    def __init__(self, hidden=48, num_classes=97):
        super().__init__()
        self.backbone = MobileNetV1Enhance()
        self.lstm = nn.LSTM(self.backbone.out_channels, hidden, direction="bidirectional", num_layers=2)
        self.fc = nn.Linear(2 * hidden, num_classes)

    def forward(self, x):
        x = self.backbone(x)
        seq = x.squeeze(axis=2).transpose([0, 2, 1])  # Im2Seq
        seq, _ = self.lstm(seq)
        return F.softmax(self.fc(seq), axis=2)


# ---- NLP: PaddleNLP ---------------------------------------------------------------------


class Ernie3(Layer):
    """paddlenlp/transformers/ernie/modeling.py ErnieForSequenceClassification with the
    ernie-3.0-tiny-mini-v2 configuration (hidden 384, 4 layers, 12 heads, ffn 1536, GELU,
    post-norm, type vocabulary 4, task-type embedding with task id 0) but a 4000-token
    vocabulary instead of 40000 (the embedding table would be 60 MB): word + position
    (cumsum of ones - 1) + token type + task type embeddings, LayerNorm, padding mask
    (input_ids == 0) * -1e4, nn.TransformerEncoder, pooler tanh(Linear(h[:, 0])),
    classifier Linear -> logits [N, 2]."""

    def __init__(self, vocab=4000, hidden=384, layers=4, heads=12, ffn=1536, max_pos=2048, types=4, tasks=3,
                 num_classes=2):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden, padding_idx=0)
        self.position = nn.Embedding(max_pos, hidden)
        self.token_type = nn.Embedding(types, hidden)
        self.task_type = nn.Embedding(tasks, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.dropout = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(hidden, heads, ffn, dropout=0.1, activation="gelu", attn_dropout=0.1,
                                           act_dropout=0, normalize_before=False)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, num_classes)

    def forward(self, input_ids, token_type_ids):
        ones = paddle.ones_like(input_ids, dtype="int64")
        position_ids = paddle.cumsum(ones, axis=-1) - ones
        task_type_ids = paddle.zeros_like(input_ids, dtype="int64")
        x = (self.word(input_ids) + self.position(position_ids) + self.token_type(token_type_ids)
             + self.task_type(task_type_ids))
        x = self.dropout(self.norm(x))
        mask = paddle.unsqueeze((input_ids == 0).astype(self.pooler.weight.dtype) * -1e4, axis=[1, 2])
        h = self.encoder(x, mask)
        pooled = paddle.tanh(self.pooler(h[:, 0]))
        return self.classifier(self.dropout(pooled))


class GPT(Layer):
    """paddlenlp/transformers/gpt/modeling.py GPTForCausalLM, a GPT-2-small layout at 4 layers of
    256 (8 heads, ffn 1024, GELU, pre-norm), vocabulary 5000: word + position (cumsum of ones
    - 1) embeddings, the causal mask triu(ones(S, S) * -1e4, 1) built from the run-time
    sequence length, decoder layers (self-attention only: nn.TransformerEncoderLayer with
    normalize_before and that mask), final LayerNorm, logits by the tied word embedding
    (matmul with transpose_y)."""

    def __init__(self, vocab=5000, hidden=256, layers=4, heads=8, ffn=1024, max_pos=1024):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(max_pos, hidden)
        self.dropout = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(hidden, heads, ffn, dropout=0.1, activation="gelu", attn_dropout=0.1,
                                           act_dropout=0.0, normalize_before=True)
        self.decoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(hidden))

    def forward(self, input_ids):
        ones = paddle.ones_like(input_ids, dtype="int64")
        position_ids = paddle.cumsum(ones, axis=-1) - ones
        x = self.dropout(self.word(input_ids) + self.position(position_ids))
        s = paddle.shape(input_ids)[-1]
        causal = paddle.triu(paddle.ones([s, s], dtype="float32") * -1e4, diagonal=1)
        h = self.decoder(x, causal)
        return paddle.matmul(h, self.word.weight, transpose_y=True)


# ---- speech: PaddleSpeech ---------------------------------------------------------------


class DeepSpeech2(Layer):
    """paddlespeech/s2t/models/ds2/deepspeech2.py DeepSpeech2Model (offline, LSTM):
    Conv2dSubsampling4Pure (two 3x3 stride-2 convs with ReLU on [N, 1, T, D], then
    [N, T', C * D']), stacked nn.LSTM layers each followed by LayerNorm, and the CTC
    decoder's projection with softmax. 80 fbank features instead of 161, 2 layers of 256
    instead of 5 of 1024 (ds2 online conf sizes are 2-3 x 1024); 64 output tokens."""

    def __init__(self, feat=80, conv_ch=32, rnn_size=256, layers=2, vocab=64):
        super().__init__()
        self.conv1 = nn.Conv2D(1, conv_ch, 3, 2)
        self.conv2 = nn.Conv2D(conv_ch, conv_ch, 3, 2)
        d = conv_ch * (((feat - 1) // 2 - 1) // 2)
        self.rnns = nn.LayerList()
        self.norms = nn.LayerList()
        for i in range(layers):
            self.rnns.append(nn.LSTM(d if i == 0 else rnn_size, rnn_size, num_layers=1, direction="forward"))
            self.norms.append(nn.LayerNorm(rnn_size))
        self.ctc_lo = nn.Linear(rnn_size, vocab)

    def forward(self, audio):
        x = F.relu(self.conv2(F.relu(self.conv1(audio.unsqueeze(1)))))  # [N, C, T', D']
        x = x.transpose([0, 2, 1, 3]).reshape([0, 0, -1])
        for rnn, norm in zip(self.rnns, self.norms):
            x, _ = rnn(x)
            x = norm(x)
        return F.softmax(self.ctc_lo(x), axis=2)


class ConformerLayer(Layer):
    """paddlespeech/s2t/modules/encoder_layer.py ConformerEncoderLayer (macaron FFN, pre-norm)
    with RelPositionMultiHeadedAttention (modules/attention.py: linear_pos, pos_bias_u / v,
    matrix_ac + matrix_bd) and ConvolutionModule (modules/conformer_convolution.py: pointwise
    conv, GLU, depthwise conv1d k 15, BatchNorm1D, swish, pointwise conv)."""

    def __init__(self, d, heads, ffn, kernel=15):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.norm_ff_macaron, self.norm_mha, self.norm_conv, self.norm_ff, self.norm_final = [
            nn.LayerNorm(d, epsilon=1e-12) for _ in range(5)]
        for i, n in enumerate(("norm_ff_macaron", "norm_mha", "norm_conv", "norm_ff", "norm_final")):
            self.add_sublayer(n, getattr(self, n))
        self.ff_macaron = nn.Sequential(nn.Linear(d, ffn), nn.Swish(), nn.Linear(ffn, d))
        self.ff = nn.Sequential(nn.Linear(d, ffn), nn.Swish(), nn.Linear(ffn, d))
        self.linear_q, self.linear_k, self.linear_v, self.linear_out = [nn.Linear(d, d) for _ in range(4)]
        for n in ("linear_q", "linear_k", "linear_v", "linear_out"):
            self.add_sublayer(n, getattr(self, n))
        self.linear_pos = nn.Linear(d, d, bias_attr=False)
        init = nn.initializer.XavierUniform()
        self.pos_bias_u = self.create_parameter([heads, self.dk], default_initializer=init)
        self.pos_bias_v = self.create_parameter([heads, self.dk], default_initializer=init)
        self.pointwise_conv1 = nn.Conv1D(d, 2 * d, 1)
        self.depthwise_conv = nn.Conv1D(d, d, kernel, padding=(kernel - 1) // 2, groups=d)
        self.conv_norm = nn.BatchNorm1D(d)
        self.pointwise_conv2 = nn.Conv1D(d, d, 1)

    def heads_of(self, x):
        return x.reshape([0, -1, self.h, self.dk])  # (batch, time, head, d_k)

    def forward(self, x, pos_emb):
        x = x + 0.5 * self.ff_macaron(self.norm_ff_macaron(x))
        y = self.norm_mha(x)
        q = self.heads_of(self.linear_q(y))
        k = self.heads_of(self.linear_k(y)).transpose([0, 2, 1, 3])
        v = self.heads_of(self.linear_v(y)).transpose([0, 2, 1, 3])
        p = self.heads_of(self.linear_pos(pos_emb)).transpose([0, 2, 1, 3])
        ac = paddle.matmul((q + self.pos_bias_u).transpose([0, 2, 1, 3]), k, transpose_y=True)
        bd = paddle.matmul((q + self.pos_bias_v).transpose([0, 2, 1, 3]), p, transpose_y=True)
        attn = F.softmax((ac + bd) / self.dk ** 0.5, axis=-1)
        att = paddle.matmul(attn, v).transpose([0, 2, 1, 3]).reshape([0, -1, self.h * self.dk])
        x = x + self.linear_out(att)
        y = self.norm_conv(x).transpose([0, 2, 1])
        y = F.glu(self.pointwise_conv1(y), axis=1)
        y = F.swish(self.conv_norm(self.depthwise_conv(y)))
        x = x + self.pointwise_conv2(y).transpose([0, 2, 1])
        x = x + 0.5 * self.ff(self.norm_ff(x))
        return self.norm_final(x)


class Conformer(Layer):
    """paddlespeech/s2t/models/u2 ConformerEncoder + CTC (the attention-rescoring decoder is
    not part of the CTC export): global CMVN, Conv2dSubsampling4 (modules/subsampling.py),
    RelPositionalEncoding (modules/embedding.py: x * sqrt(d), the sinusoid table sliced to
    the input length), ConformerLayers, after-norm, CTC projection with log_softmax. d 144,
    4 heads, ffn 576, 2 blocks instead of 256 / 4 / 2048 / 12; every frame valid (no
    padding mask)."""

    def __init__(self, feat=80, d=144, heads=4, ffn=576, blocks=2, vocab=128, max_len=500):
        super().__init__()
        self.register_buffer("cmvn_mean", paddle.zeros([feat]), persistable=True)
        self.register_buffer("cmvn_istd", paddle.ones([feat]), persistable=True)
        self.conv1 = nn.Conv2D(1, d, 3, 2)
        self.conv2 = nn.Conv2D(d, d, 3, 2)
        self.out = nn.Linear(d * (((feat - 1) // 2 - 1) // 2), d)
        pos = np.arange(max_len, dtype=np.float32)[:, None]
        div = np.exp(np.arange(0, d, 2, dtype=np.float32) * -(np.log(10000.0) / d))
        pe = np.zeros((1, max_len, d), np.float32)
        pe[0, :, 0::2] = np.sin(pos * div)
        pe[0, :, 1::2] = np.cos(pos * div)
        self.register_buffer("pe", paddle.to_tensor(pe), persistable=True)
        self.layers = nn.LayerList([ConformerLayer(d, heads, ffn) for _ in range(blocks)])
        self.after_norm = nn.LayerNorm(d, epsilon=1e-12)
        self.ctc_lo = nn.Linear(d, vocab)
        self.d = d

    def forward(self, feats):
        x = (feats - self.cmvn_mean) * self.cmvn_istd
        x = F.relu(self.conv2(F.relu(self.conv1(x.unsqueeze(1)))))
        x = self.out(x.transpose([0, 2, 1, 3]).reshape([0, 0, -1]))
        x = x * self.d ** 0.5
        pos_emb = self.pe[:, :paddle.shape(x)[1]]
        for layer in self.layers:
            x = layer(x, pos_emb)
        return F.log_softmax(self.ctc_lo(self.after_norm(x)), axis=2)


class HiFiGAN(Layer):
    """paddlespeech/t2s/models/hifigan/hifigan.py HiFiGANGenerator (the vocoder of the
    PaddleSpeech TTS pipelines), weight norm removed as at export: conv1d 7 in, per
    upsampling stage leaky_relu(0.1) + Conv1DTranspose(k = 2 r, stride r) and the
    multi-receptive-field residual blocks (kernels 3, 7, 11, dilations 1, 3, 5, averaged),
    leaky_relu (0.01), conv1d 7 out, tanh. Channels 64 instead of 512, upsample scales
    (8, 8, 2, 2) as in the CSMSC config: mel [N, 80, T] -> wave [N, 1, 256 T]."""

    def __init__(self, mels=80, ch=64, scales=(8, 8, 2, 2), kernels=(3, 7, 11), dilations=(1, 3, 5)):
        super().__init__()
        self.input_conv = nn.Conv1D(mels, ch, 7, padding=3)
        self.ups = nn.LayerList()
        self.blocks = nn.LayerList()
        c = ch
        for r in scales:
            self.ups.append(nn.Conv1DTranspose(c, c // 2, 2 * r, r, padding=r // 2 + r % 2, output_padding=r % 2))
            c //= 2
            for k in kernels:
                self.blocks.append(nn.LayerList([
                    nn.LayerList([nn.Conv1D(c, c, k, dilation=d, padding=(k - 1) // 2 * d),
                                  nn.Conv1D(c, c, k, padding=(k - 1) // 2)]) for d in dilations]))
        self.output_conv = nn.Conv1D(c, 1, 7, padding=3)
        self.nk = len(kernels)

    def forward(self, c):
        c = self.input_conv(c)
        for i, up in enumerate(self.ups):
            c = up(F.leaky_relu(c, 0.1))
            cs = 0.0
            for j in range(self.nk):
                x = c
                for conv1, conv2 in self.blocks[i * self.nk + j]:
                    x = x + conv2(F.leaky_relu(conv1(F.leaky_relu(x, 0.1)), 0.1))
                cs += x
            c = cs / self.nk
        return paddle.tanh(self.output_conv(F.leaky_relu(c)))


class DeepFM(Layer):
    """PaddleRec models/rank/deepfm (net.py DeepFMLayer) on Criteo-shaped input: 26 sparse
    slot ids (int64) and 13 dense features; first-order FM (1-d embeddings + dense weights),
    second-order FM 0.5 ((sum e)^2 - sum e^2), a 400-400-400 ReLU DNN on the concatenated
    embeddings, sigmoid of the sum: CTR [N, 1]. 10000 sparse ids instead of 1000001."""

    def __init__(self, sparse_num=10000, dim=9, fields=26, dense=13, layers=(400, 400, 400)):
        super().__init__()
        # PaddleRec's initializers: TruncatedNormal(0.1 / sqrt(dim)) and Normal(1 / sqrt(fan_in))
        init = nn.initializer.TruncatedNormal(std=0.1 / dim ** 0.5)
        self.emb1 = nn.Embedding(sparse_num, 1, sparse=True, weight_attr=paddle.ParamAttr(initializer=init))
        self.dense_w1 = self.create_parameter([1, dense], default_initializer=init)
        self.emb = nn.Embedding(sparse_num, dim, sparse=True, weight_attr=paddle.ParamAttr(initializer=init))
        self.dense_w = self.create_parameter([1, dense, dim], default_initializer=init)
        sizes = [(fields + dense) * dim] + list(layers) + [1]
        self.fcs = nn.LayerList([nn.Linear(a, b, weight_attr=paddle.ParamAttr(
            initializer=nn.initializer.Normal(std=1.0 / a ** 0.5))) for a, b in zip(sizes[:-1], sizes[1:])])
        self.dim = dim

    def forward(self, sparse, dense):
        # first order
        y1 = paddle.sum(self.emb1(sparse), axis=1) + paddle.sum(dense * self.dense_w1, axis=1, keepdim=True)
        # second order
        e = paddle.concat([self.emb(sparse), dense.unsqueeze(2) * self.dense_w], axis=1)  # [N, 39, dim]
        sum_sq = paddle.square(paddle.sum(e, axis=1))
        sq_sum = paddle.sum(paddle.square(e), axis=1)
        y2 = 0.5 * paddle.sum(sum_sq - sq_sum, axis=1, keepdim=True)
        # DNN
        h = paddle.reshape(e, [-1, e.shape[1] * self.dim])
        for i, fc in enumerate(self.fcs):
            h = fc(h)
            if i < len(self.fcs) - 1:
                h = F.relu(h)
        return F.sigmoid(y1 + y2 + h)


# ----------------------------------------------------------------------------------------
# The zoo: builder functions return (model, input specs, test inputs, calibration inputs)
# ----------------------------------------------------------------------------------------


def image_spec(h, w, name="x"):
    return [paddle.static.InputSpec([None, 3, h, w], "float32", name)]


def image_inputs(name, n, h, w):
    rng = gf.case_rng(name)
    return [("x", rng.standard_normal((n, 3, h, w)).astype(np.float32))]


def image_model(model, name, h, w, spec_hw=None, batch=1):
    """A model fed one NCHW float image; spec_hw (None dims allowed) as deployed."""
    sh, sw = spec_hw or (h, w)
    calib = gf.case_rng(name + "/calibration").standard_normal((4, 3, h, w)).astype(np.float32)
    return model, image_spec(sh, sw), image_inputs(name, batch, h, w), [calib]


@zoo_model("pp_lcnet_x0_5", "classification", "PP-LCNet x0.5, ImageNet head, 224x224")
def _(name):
    return image_model(PPLCNet(scale=0.5), name, 224, 224)


@zoo_model("pp_hgnetv2_b0", "classification", "PP-HGNetV2-B0 (learnable affine blocks), 224x224")
def _(name):
    return image_model(PPHGNetV2(), name, 224, 224)


@zoo_model("resnet18_vd", "classification", "ResNet18-vd, 224x224")
def _(name):
    return image_model(ResNetVd(), name, 224, 224)


@zoo_model("deit_tiny_distilled", "classification", "DeiT-tiny distilled (depth 4 of 12), 224x224")
def _(name):
    return image_model(DeiTDistilled(), name, 224, 224)


@zoo_model("textline_ori_lcnet_x0_25", "ocr", "PP-LCNet x0.25 text-line orientation classifier, 80x160")
def _(name):
    return image_model(PPLCNet(scale=0.25, class_num=2, stride_list=(2, (2, 1), (2, 1), (2, 1), (2, 1))), name,
                       80, 160, batch=2)


@zoo_model("pp_liteseg_stdc1", "segmentation", "PP-LiteSeg on STDC1 (half width), 19 classes, 256x256", SEG_TOL)
def _(name):
    return image_model(PPLiteSeg(), name, 256, 256, spec_hw=(None, None))


@zoo_model("unet", "segmentation", "PaddleSeg U-Net (channels / 4), 2 classes, 128x128", SEG_TOL)
def _(name):
    return image_model(UNet(), name, 128, 128, spec_hw=(None, None))


@zoo_model("picodet_lcnet_s", "detection", "PicoDet-S with LCNet x0.75, CSP-PAN, GFL head, no NMS, 320x320",
           DETECTION_TOL)
def _(name):
    return image_model(PicoDet(), name, 320, 320)


@zoo_model("blazeface", "detection", "BlazeFace (BlazeNet, SSD head, prior_box + box_coder decoding, no NMS), 128x128")
def _(name):
    return image_model(BlazeFace(), name, 128, 128)


@zoo_model("ppocr_det_db", "ocr", "PP-OCRv3 DB text detection (MobileNetV3 x0.5, RSEFPN, DBHead), 320x320")
def _(name):
    return image_model(PPOCRDetDB(), name, 320, 320, spec_hw=(None, None))


@zoo_model("ppocr_rec_svtr", "ocr", "PP-OCRv3 SVTR-LCNet text recognition (MobileNetV1Enhance + SVTR + CTC), 48x320")
def _(name):
    return image_model(PPOCRRecSVTR(), name, 48, 320, spec_hw=(48, None))


@zoo_model("ppyoloe_s", "detection", "PP-YOLOE-s (CSPResNet, CustomCSPPAN, ET-head, no NMS), 320x320",
           DETECTION_TOL)
def _(name):
    return image_model(PPYOLOE(), name, 320, 320)


@zoo_model("ppocr_rec_crnn", "ocr", "CRNN text recognition (MobileNetV1Enhance + 2-layer BiLSTM + CTC), 48x320")
def _(name):
    return image_model(PPOCRRecCRNN(), name, 48, 320, spec_hw=(48, None))


@zoo_model("swin_tiny", "classification", "Swin-T layout (embed 48, depths 2 2 2 2, window 7), 224x224")
def _(name):
    return image_model(SwinTransformer(), name, 224, 224)


@zoo_model("pptsm_r18", "video", "PP-TSM (ResNet18-vd with temporal shift), 8 segments of 112x112, 400 classes")
def _(name):
    spec = [paddle.static.InputSpec([None, 8, 3, 112, 112], "float32", "data_batch")]
    x = gf.case_rng(name).standard_normal((1, 8, 3, 112, 112)).astype(np.float32)
    calib = gf.case_rng(name + "/calibration").standard_normal((2, 8, 3, 112, 112)).astype(np.float32)
    return PPTSM(), spec, [("data_batch", x)], [calib]


@zoo_model("ernie3_tiny", "nlp", "ERNIE 3.0 tiny-mini (4 x 384, vocab 4000) sequence classification, seq 32")
def _(name):
    vocab, batch, seq = 4000, 2, 32
    rng = gf.case_rng(name)
    ids = rng.integers(1, vocab, (batch, seq)).astype(np.int64)
    ids[1, seq - seq // 4:] = 0  # padding: the mask matters
    types = np.zeros((batch, seq), np.int64)
    types[:, seq // 2:] = 1
    spec = [paddle.static.InputSpec([None, None], "int64", "input_ids"),
            paddle.static.InputSpec([None, None], "int64", "token_type_ids")]
    return Ernie3(vocab=vocab), spec, [("input_ids", ids), ("token_type_ids", types)], None


@zoo_model("gpt_tiny", "nlp", "GPT causal LM (4 x 256, vocab 5000, run-time causal mask, tied head), seq 24")
def _(name):
    ids = gf.case_rng(name).integers(0, 5000, (2, 24)).astype(np.int64)
    spec = [paddle.static.InputSpec([None, None], "int64", "input_ids")]
    return GPT(), spec, [("input_ids", ids)], None


@zoo_model("deepspeech2", "speech", "DeepSpeech2 (conv subsampling + 2 x LSTM 256 + CTC softmax), 100 x 80 fbank")
def _(name):
    spec = [paddle.static.InputSpec([None, None, 80], "float32", "audio")]
    x = gf.case_rng(name).standard_normal((1, 100, 80)).astype(np.float32)
    return DeepSpeech2(), spec, [("audio", x)], None


@zoo_model("conformer", "speech", "U2 Conformer encoder + CTC (d 144, 2 blocks), 64 x 80 fbank")
def _(name):
    spec = [paddle.static.InputSpec([None, None, 80], "float32", "feats")]
    x = gf.case_rng(name).standard_normal((1, 64, 80)).astype(np.float32)
    return Conformer(), spec, [("feats", x)], [gf.case_rng(name + "/calibration").standard_normal((2, 64, 80))
                                               .astype(np.float32)]


@zoo_model("hifigan", "speech", "HiFiGAN vocoder (channels 64, upsampling 8 8 2 2), 80 x 24 mel frames")
def _(name):
    spec = [paddle.static.InputSpec([None, 80, None], "float32", "logmel")]
    x = gf.case_rng(name).standard_normal((1, 80, 24)).astype(np.float32)
    return HiFiGAN(), spec, [("logmel", x)], None


@zoo_model("deepfm", "recommendation", "PaddleRec DeepFM (26 sparse slots, 13 dense, DNN 400x3), batch 4")
def _(name):
    rng = gf.case_rng(name)
    sparse = rng.integers(0, 10000, (4, 26)).astype(np.int64)
    dense = rng.uniform(0.0, 1.0, (4, 13)).astype(np.float32)
    spec = [paddle.static.InputSpec([None, 26], "int64", "sparse"),
            paddle.static.InputSpec([None, 13], "float32", "dense")]
    return DeepFM(), spec, [("sparse", sparse), ("dense", dense)], None


# ----------------------------------------------------------------------------------------
# Weights, export, cases
# ----------------------------------------------------------------------------------------


def randomize(model, seed, calib):
    """BN scale/shift random, LN scale/shift random, zero biases random; BN statistics of
    the calibration batch (momentum 0, train-mode forward)."""
    rng = np.random.default_rng(seed)
    bns = []
    for layer in model.sublayers(include_self=True):
        if isinstance(layer, nn.layer.norm._BatchNormBase):
            layer.weight.set_value(rng.uniform(0.5, 1.5, layer.weight.shape).astype(np.float32))
            layer.bias.set_value(rng.normal(0.0, 0.2, layer.bias.shape).astype(np.float32))
            layer._momentum = 0.0
            bns.append(layer)
        elif isinstance(layer, nn.LayerNorm):
            layer.weight.set_value(rng.uniform(0.8, 1.2, layer.weight.shape).astype(np.float32))
            layer.bias.set_value(rng.normal(0.0, 0.1, layer.bias.shape).astype(np.float32))
        elif isinstance(layer, LearnableAffineBlock):
            layer.scale.set_value(rng.uniform(0.8, 1.2, [1]).astype(np.float32))
            layer.bias.set_value(rng.normal(0.0, 0.1, [1]).astype(np.float32))
    for pname, p in model.named_parameters():
        if pname.endswith("bias") and p.shape and not np.any(p.numpy()):
            p.set_value(rng.normal(0.0, 0.05, p.shape).astype(np.float32))
    if bns and calib:
        model.train()
        with paddle.no_grad():
            model(*[paddle.to_tensor(a) for a in calib])
    model.eval()


def build(name):
    """The model (Paddle's initializers under the model's seed), its input specs, the test
    inputs and the calibration inputs, in dygraph mode."""
    seed = gf.zlib.crc32(name.encode()) & 0xffff
    paddle.disable_static()
    try:
        paddle.seed(seed)
        return MODELS[name][2](name) + (seed,)
    finally:
        paddle.enable_static()


class legacy_zoo_ops(gen_bert.legacy_program_ops if MODE else object):
    """gen_bert's legacy_program_ops (paddle.matmul, tanh, gelu) and the other paddle APIs the
    zoo calls that Paddle 3.3 implements for dygraph and PIR only (given a legacy Variable
    they raise "must be Value"): each appends the legacy op Paddle 2.x wrote for it."""

    def __enter__(self):
        super().__enter__()
        V = paddle.base.framework.Variable
        mm = gen_bert._legacy_op("matmul_v2", paddle.matmul, lambda x, y, transpose_x=False, transpose_y=False,
                                 name=None: ({"X": [x], "Y": [y]}, {"trans_x": transpose_x, "trans_y": transpose_y}))
        self.extra = [
            (paddle, "multiply", gen_bert._legacy_op("elementwise_mul", paddle.multiply, lambda x, y, name=None: (
                {"X": [x], "Y": [y]}, {"axis": -1}))),
            (F, "sigmoid", gen_bert._legacy_op("sigmoid", F.sigmoid, lambda x, name=None: ({"X": [x]}, {}))),
            (V, "matmul", mm),
            (paddle, "sum", gen_bert._legacy_op("reduce_sum", paddle.sum, lambda x, axis=None, dtype=None,
                                                keepdim=False, name=None: (
                {"X": [x]}, {"dim": [axis] if isinstance(axis, int) else list(axis or [0]), "keep_dim": keepdim,
                             "reduce_all": axis is None}))),
            (paddle, "square", gen_bert._legacy_op("square", paddle.square, lambda x, name=None: ({"X": [x]}, {}))),
            (paddle, "roll", gen_bert._legacy_op("roll", paddle.roll, lambda x, shifts, axis=None, name=None: (
                {"X": [x]}, {"shifts": list(shifts), "axis": list(axis)}))),
            (paddle, "triu", gen_bert._legacy_op("tril_triu", paddle.triu, lambda x, diagonal=0, name=None: (
                {"X": [x]}, {"diagonal": diagonal, "lower": False}))),
        ]
        # F.glu's sigmoid, looked up in its own module
        act = nn.functional.activation
        self.extra.append((act, "sigmoid", gen_bert._legacy_op("sigmoid", act.sigmoid,
                                                               lambda x, name=None: ({"X": [x]}, {}))))
        self.extra_saved = [(m, n, getattr(m, n)) for m, n, _ in self.extra]
        for m, n, f in self.extra:
            setattr(m, n, f)
        return self

    def __exit__(self, *exc):
        for m, n, f in self.extra_saved:
            setattr(m, n, f)
        return super().__exit__(*exc)


def export(name, prefix):
    """Builds model `name`, calibrates it, saves it with paddle.jit.save in this process's
    program form (the legacy one with gen_bert's legacy_program_ops: paddle.matmul, tanh and
    gelu append their legacy ops)."""
    with legacy_zoo_ops() if MODE == "legacy" else gen_bert.contextlib.nullcontext():
        # built inside: nn.TransformerEncoderLayer looks its activation up when constructed
        model, spec, _, calib, seed = build(name)
        paddle.disable_static()
        try:
            randomize(model, seed, calib)
            static = paddle.jit.to_static(model, input_spec=spec, full_graph=True)
            paddle.jit.save(static, prefix, input_spec=spec)
        finally:
            paddle.enable_static()
    info = prefix + ".pdiparams.info"
    if os.path.exists(info):  # pickle for paddle.jit.load; not part of the inference model
        os.remove(info)


def ir_optim_check(label, model, params, inputs, outputs, tol):
    """gen_fixtures's reference_outputs cross-check, reported instead of raised: the
    reference is Paddle Inference with IR optimization off (every saved op as saved);
    returns a comment when Paddle's IR-optimized run differs from it beyond tol."""
    opt = gf.run_inference(model, params, inputs, ir_optim=True)
    notes = []
    for (n, a), (_, b) in zip(outputs, opt):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise RuntimeError("%s: IR-optimized run disagrees on output %s: %s/%s %s/%s"
                               % (label, n, a.shape, b.shape, a.dtype, b.dtype))
        if a.size and a.dtype == np.float32:
            err = np.abs(a.astype(np.float64) - b)
            excess = err / (tol[1] + tol[0] * np.abs(a.astype(np.float64)))
            if excess.max() > 1.0:
                notes.append("NOTE: Paddle's IR-optimized predictor differs from its plain run on output %s by "
                             "%.1f x the tolerance (max abs diff %.3g, max |value| %.3g); the reference is the "
                             "plain run" % (n, excess.max(), err.max(), np.abs(a).max()))
                print("  %s: %s" % (label, notes[-1]))
    return notes


def legacy_case(root, name, inputs, comments, tol):
    """root/name/: model.pdmodel + model.pdiparams written in legacy mode, case.txt."""
    import shutil

    case_dir = os.path.join(root, name)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    prefix = os.path.join(case_dir, "model")
    export(name, prefix)
    gf.strip_callstack_paths(prefix + ".pdmodel")
    m, p = prefix + ".pdmodel", prefix + ".pdiparams"
    outputs = gf.run_inference(m, p, inputs, ir_optim=False)
    notes = ir_optim_check(name, m, p, inputs, outputs, tol)
    ops = sorted(set(gf.program_op_types(m)))
    gf.write_case(case_dir, "model.pdmodel", "model.pdiparams", inputs, outputs, tol,
                  comments + notes + ["ops: " + " ".join(ops)], generator="scripts/gen_zoo.py")


# What the errors Paddle raises while writing a legacy program mean, where known.
KNOWN_LEGACY_ERRORS = {
    "Unknown place type": "paddle.jit.save in legacy mode fails on nn.LSTM / nn.GRU: their flattened weight "
                          "buffer has an undefined place, which converting it to a static Variable rejects",
    "must be Value, but got Variable": "a paddle API this model calls is implemented for dygraph and PIR only",
}


def first_error_line(e):
    lines = [r.strip() for r in str(e).strip().splitlines() if r.strip()] or [type(e).__name__]
    line = next((r for r in lines if "Error" in r or "error" in r), lines[-1])
    why = next((v + ": " for k, v in KNOWN_LEGACY_ERRORS.items() if k in line), "")
    return why + ("%s: %s" % (type(e).__name__, line))[:300]


def worker(args):
    import shutil

    names = [n for n in MODELS if selected(args.only, n)]
    failures_path = os.path.join(args.out, LEGACY_FAILURES)
    failures = {}
    if os.path.exists(failures_path):
        with open(failures_path) as f:
            failures = json.load(f)
    times, pir_failures = {}, {}
    for name in names:
        start = time.time()
        family, desc, _, tol_reason = MODELS[name]
        tol = tol_reason[0] if tol_reason else TOL
        model, _, inputs, _, _ = build(name)
        comments = ["%s (%s): %s" % (name, family, desc), " ".join(type(model).__doc__.split()),
                    "scripts/gen_zoo.py: random weights, BN statistics calibrated on a random batch, eval mode, "
                    "paddle.jit.save (%s)" % ("legacy program" if MODE == "legacy" else "PIR")]
        del model
        if tol_reason:
            comments.append("tolerance %g %g: %s" % (tol + (tol_reason[1],)))
        if MODE == "legacy":
            try:
                legacy_case(args.out, name, inputs, comments, tol)
                failures.pop(name, None)
            except Exception as e:  # noqa: BLE001 (Paddle raises many kinds; each is a reason)
                if os.environ.get("OAR_GEN_VERBOSE"):
                    import traceback
                    traceback.print_exc()
                shutil.rmtree(os.path.join(args.out, name), ignore_errors=True)
                failures[name] = first_error_line(e)
                print("  %s: no legacy form: %s" % (name, failures[name]))
        else:
            legacy = gpf.legacy_outputs_of(os.path.join(args.out, name))
            if name in failures:
                comments.append("no legacy twin: Paddle %s cannot write this model as a legacy program (%s)"
                                % (paddle.__version__, failures[name]))
            try:
                gpf.export_case(args.out, name + SUFFIX, lambda prefix: export(name, prefix), inputs, tol,
                                comments, legacy)
            except Exception as e:  # noqa: BLE001
                import traceback
                traceback.print_exc()
                shutil.rmtree(os.path.join(args.out, name + SUFFIX), ignore_errors=True)
                pir_failures[name] = first_error_line(e)
                print("  %s: NO PIR FORM: %s" % (name, pir_failures[name]))
        times[name] = time.time() - start
        print("  %s (%s): %.1f s" % (name, MODE, times[name]))
    if MODE == "legacy":
        with open(failures_path, "w") as f:
            json.dump(failures, f, indent=1, sort_keys=True)
    path = os.path.join(args.out, "%s.%s" % (TIMES, MODE))
    old = {}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
    old.update(times)
    with open(path, "w") as f:
        json.dump(old, f, indent=1, sort_keys=True)
    for name, why in sorted(pir_failures.items()):
        print("FAILED: %s: %s" % (name, why))
    return 1 if pir_failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "tests", "data", "zoo"),
                        help="where the case directories go (default: tests/data/zoo)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="model or family names; shell globs allowed")
    parser.add_argument("--list", action="store_true", help="list the models and exit")
    args = parser.parse_args()
    if args.list:
        for n, (family, desc, _, _) in MODELS.items():
            print("%-28s %-15s %s" % (n, family, desc))
        return 0
    args.out = os.path.abspath(args.out)
    return worker(args) if MODE else driver(args)


if __name__ == "__main__":
    sys.exit(main())
