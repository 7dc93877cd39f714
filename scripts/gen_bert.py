#!/usr/bin/env python3
"""Generate oar's BERT test models with PaddlePaddle (>= 3.0, legacy program API).

A BERT encoder written the way PaddleNLP's BertModel writes it, from paddle.nn layers:

    input_ids, token_type_ids   int64 [-1, -1] (batch, seq)
    position_ids = cumsum(ones_like(input_ids), -1) - ones_like(input_ids)
    x = LayerNorm(word(input_ids) + position(position_ids) + token_type(token_type_ids))
    mask = unsqueeze(cast(input_ids == 0) * -1e4, [1, 2])       (padding id 0)
    h = N x TransformerEncoderLayer(hidden, heads, ffn, gelu, dropout 0.1, post-norm)(x, mask)
    pooled = tanh(Linear(h[:, 0]))
    outputs: h, pooled

with fixed-seed random weights, exported in eval mode with paddle.jit.save (a legacy
program: FLAGS_enable_pir_api=0), and reference outputs from paddle.inference with IR
optimization off (cross-checked with it on), written as a case directory (see
scripts/gen_fixtures.py for the case.txt format).

Models:
    bert_base   tests/data/large/bert_base/   12 layers, hidden 768, 12 heads, ffn 3072,
                                              vocab 30522 (~440 MB; generated on demand)
    bert_tiny   tests/data/models/bert_tiny/  2 layers, hidden 64, 4 heads, ffn 64,
                                              vocab 64 (committed fixture, < 300 KB)

Run from the repository root:  python3 scripts/gen_bert.py [--only bert_tiny|bert_base ...]
scripts/gen_fixtures.py --large / --large-only also builds bert_base (gen_large below).
"""

import argparse
import contextlib
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_fixtures as gf  # noqa: E402  (sets FLAGS_enable_pir_api=0 before importing paddle)

np = gf.np
paddle = gf.paddle
nn = paddle.nn

# Model sizes, the test input's batch and seq, and the case tolerance.
CONFIGS = {
    "bert_base": dict(layers=12, hidden=768, heads=12, ffn=3072, vocab=30522, max_pos=512, types=2,
                      batch=1, seq=128, tol=(1e-3, 1e-4)),
    "bert_tiny": dict(layers=2, hidden=64, heads=4, ffn=64, vocab=64, max_pos=32, types=2,
                      batch=2, seq=12, tol=(1e-4, 1e-5)),
}
PAD_ID = 0


class Bert(nn.Layer):
    def __init__(self, c):
        super().__init__()
        h = c["hidden"]
        self.word = nn.Embedding(c["vocab"], h)
        self.position = nn.Embedding(c["max_pos"], h)
        self.token_type = nn.Embedding(c["types"], h)
        self.norm = nn.LayerNorm(h, epsilon=1e-12)
        self.dropout = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(h, c["heads"], c["ffn"], dropout=0.1, activation="gelu",
                                           normalize_before=False)
        self.encoder = nn.TransformerEncoder(layer, c["layers"])
        self.pooler = nn.Linear(h, h)

    def forward(self, input_ids, token_type_ids):
        ones = paddle.ones_like(input_ids)
        position_ids = paddle.cumsum(ones, axis=-1) - ones
        x = self.word(input_ids) + self.position(position_ids) + self.token_type(token_type_ids)
        x = self.dropout(self.norm(x))
        mask = paddle.unsqueeze((input_ids == PAD_ID).astype("float32") * -1e4, axis=[1, 2])
        h = self.encoder(x, mask)
        pooled = paddle.tanh(self.pooler(h[:, 0]))
        return h, pooled


def randomize(model, rng):
    """BERT-like initial values, scaled up a little so softmax and GELU see non-trivial
    inputs: weights N(0, 0.05), embeddings N(0, 0.5), biases N(0, 0.05), LayerNorm scale
    U(0.8, 1.2) and shift N(0, 0.1)."""
    for name, p in model.named_parameters():
        shape = tuple(p.shape)
        if ".norm" in name or "norm1" in name or "norm2" in name:
            value = rng.uniform(0.8, 1.2, shape) if name.endswith("weight") else rng.normal(0.0, 0.1, shape)
        elif name.startswith(("word", "position", "token_type")):
            value = rng.normal(0.0, 0.5, shape)
        else:
            value = rng.normal(0.0, 0.05, shape)
        p.set_value(value.astype(np.float32))


def _legacy_op(type, dygraph_fn, attrs_fn):
    """A paddle API function that appends legacy op `type` when traced into a legacy
    program. Paddle 3.3 implements paddle.matmul, paddle.tanh and F.gelu in C++ for
    dygraph and PIR only: given a legacy Variable they raise "must be Value"."""
    def fn(x, *args, **kwargs):
        if paddle.in_dynamic_mode():
            return dygraph_fn(x, *args, **kwargs)
        inputs, attrs = attrs_fn(x, *args, **kwargs)
        helper = paddle.base.layer_helper.LayerHelper(type)
        out = helper.create_variable_for_type_inference(dtype=x.dtype)
        helper.append_op(type=type, inputs=inputs, outputs={"Out": out}, attrs=attrs)
        return out
    return fn


class legacy_program_ops:
    """Within this context, paddle.matmul, paddle.tanh and F.gelu work in legacy programs
    (matmul_v2, tanh and gelu ops, as Paddle 2.x wrote them)."""
    # nn.layer.transformer calls both paddle.matmul and its own `tensor` module's matmul.
    SLOTS = ((paddle, "matmul"), (nn.layer.transformer.tensor, "matmul"), (paddle, "tanh"),
             (nn.functional, "gelu"))

    def __enter__(self):
        self.saved = [getattr(m, n) for m, n in self.SLOTS]
        matmul, tanh, gelu = self.saved[0], self.saved[2], self.saved[3]
        patched = [
            _legacy_op("matmul_v2", matmul, lambda x, y, transpose_x=False, transpose_y=False, name=None: (
                {"X": [x], "Y": [y]}, {"trans_x": transpose_x, "trans_y": transpose_y})),
            None,
            _legacy_op("tanh", tanh, lambda x, name=None: ({"X": [x]}, {})),
            _legacy_op("gelu", gelu, lambda x, approximate=False, name=None: (
                {"X": [x]}, {"approximate": bool(approximate)})),
        ]
        patched[1] = patched[0]
        for (m, n), f in zip(self.SLOTS, patched):
            setattr(m, n, f)
        return self

    def __exit__(self, *exc):
        for (m, n), f in zip(self.SLOTS, self.saved):
            setattr(m, n, f)
        return False


def strip_own_frames(path):
    """Drops this script's frames from the op_callstack attributes (gen_fixtures's
    strip_callstack_paths does the same for its own), so that editing this file does not
    change the fixture's bytes."""
    prog = gf.read_program(path)
    me = os.path.basename(__file__)
    for block in prog.blocks:
        for op in block.ops:
            for attr in op.attrs:
                if attr.name != "op_callstack":
                    continue
                kept, skip = [], False
                for frame in attr.strings:
                    if frame.lstrip().startswith("File "):
                        skip = ('/%s"' % me) in frame or ('"%s"' % me) in frame
                    if not skip:
                        kept.append(frame)
                del attr.strings[:]
                attr.strings.extend(kept)
    with open(path, "wb") as f:
        f.write(prog.SerializeToString(deterministic=True))


def export_bert(c, prefix, seed, legacy_ops=True):
    """legacy_ops=False in PIR mode (scripts/gen_pir_fixtures.py), where paddle.matmul and
    the others need no patching."""
    paddle.disable_static()
    try:
        with legacy_program_ops() if legacy_ops else contextlib.nullcontext():
            paddle.seed(seed)
            model = Bert(c)
            randomize(model, np.random.default_rng(seed))
            model.eval()
            spec = [paddle.static.InputSpec([None, None], "int64", "input_ids"),
                    paddle.static.InputSpec([None, None], "int64", "token_type_ids")]
            paddle.jit.save(paddle.jit.to_static(model, input_spec=spec, full_graph=True), prefix,
                            input_spec=spec)
    finally:
        paddle.enable_static()
    info = prefix + ".pdiparams.info"
    if os.path.exists(info):  # pickle for paddle.jit.load; not part of the inference model
        os.remove(info)
    if legacy_ops:
        strip_own_frames(prefix + ".pdmodel")


def make_inputs(name, c):
    """Random token ids in [1, vocab) with the tail of every row but the first padded with
    id 0 (so the attention mask matters), and token types 0 then 1."""
    rng = gf.case_rng(name)
    b, s = c["batch"], c["seq"]
    ids = rng.integers(1, c["vocab"], (b, s)).astype(np.int64)
    types = np.zeros((b, s), np.int64)
    for r in range(b):
        types[r, s // 2:] = 1
        if r > 0:
            ids[r, s - s // 4:] = PAD_ID
    return [("input_ids", ids), ("token_type_ids", types)]


def gen_bert(out_root, name):
    c = CONFIGS[name]
    start = time.time()
    seed = zlib.crc32(name.encode()) & 0xffff
    desc = ("scripts/gen_bert.py: %d x TransformerEncoderLayer(%d, %d, %d, gelu, post-norm), vocab %d, "
            "embeddings + LayerNorm, padding mask, pooler tanh(Linear(h[:, 0])); random weights, eval mode, "
            "paddle.jit.save"
            % (c["layers"], c["hidden"], c["heads"], c["ffn"], c["vocab"]))
    ops = gf.gen_model_with_layouts(out_root, name, lambda prefix: export_bert(c, prefix, seed),
                                    make_inputs(name, c), c["tol"], [desc], ())
    size = gf.dir_size(os.path.join(out_root, name))
    print("  %s: %.1f s, %.1f MB; ops: %s" % (name, time.time() - start, size / 1e6,
                                              " ".join(sorted(set(ops[name]) - {"feed", "fetch"}))))
    return ops


def gen_large(large_root, only):
    """The hook scripts/gen_fixtures.py calls for --large / --large-only."""
    if not gf.selected(only, "large", "bert_base"):
        return {}
    return gen_bert(large_root, "bert_base")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=sorted(CONFIGS), help="models to build (default: all)")
    parser.add_argument("--large-out", default=os.path.join(gf.REPO, "tests", "data", "large"),
                        help="where bert_base goes")
    parser.add_argument("--models-out", default=os.path.join(gf.REPO, "tests", "data", "models"),
                        help="where bert_tiny goes")
    args = parser.parse_args()
    for name in args.only or ("bert_tiny", "bert_base"):
        gen_bert(args.large_out if name == "bert_base" else args.models_out, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
