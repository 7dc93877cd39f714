#!/usr/bin/env python3
"""Write oar's test models ALSO as Paddle 3 PIR programs (model.json + model.pdiparams).

Paddle 3.x saves PIR JSON programs by default, but only when FLAGS_enable_pir_api is set
before paddle is imported; scripts/gen_fixtures.py sets it to 0 for the legacy
fixtures, so this script runs in its own process (gen_fixtures.py calls it) with it set
to 1 and reuses gen_fixtures's helpers (OAR_GEN_PIR=1 makes its import keep PIR on).

Families:
    ops      tests/data/ops/<case>_pir/    the PIR twin of every legacy op case: its
                                           program translated by Paddle's own
                                           translator (paddle.pir.translate_to_pir, as
                                           paddle.static.load_inference_model does),
                                           the feed ops made pd_op.data in feed order,
                                           saved by paddle.static.save_inference_model
    models   tests/data/models/<m>_pir/    mnist_fc and digits_cnn the same way;
                                           bert_tiny exported with paddle.jit.save in
                                           PIR mode (scripts/gen_bert.py's model), and
                                           rnn_jit_pir (nn.LSTM + nn.GRU, PIR only)
    large    tests/data/large/<m>_pir/     resnet50, mobilenet_v2, mobilenet_v3_large
                                           (paddle.vision, same seeds and calibration as
                                           gen_fixtures.py) and bert_base, exported with
                                           paddle.jit.save in PIR mode (only with --large)

Each case keeps the legacy case's inputs; its outputs are what paddle.inference computes
on the PIR program (IR optimization off, cross-checked with it on), and they are checked
against the legacy case's outputs (same op, same values) within the case tolerance.
A case Paddle cannot translate, save or run is skipped with the reason, and listed at the
end (exit status 0: which cases have a twin is a fact about Paddle, not a failure).

Run from the repository root:  python scripts/gen_pir_fixtures.py [--large] [--only NAME...]
"""

import argparse
import json
import os
import re
import shutil
import struct
import sys
import time
import traceback

os.environ["OAR_GEN_PIR"] = "1"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_fixtures as gf  # noqa: E402  (imports paddle with FLAGS_enable_pir_api=1)

np = gf.np
paddle = gf.paddle
GENERATOR = "scripts/gen_pir_fixtures.py"
SUFFIX = "_pir"

# VarType.Type -> numpy dtype, for the parameter records this script reads.
RECORD_DTYPES = {0: np.bool_, 2: np.int32, 3: np.int64, 5: np.float32, 6: np.float64, 20: np.uint8,
                 21: np.int8}


# ----------------------------------------------------------------------------------------
# Reading legacy cases
# ----------------------------------------------------------------------------------------


def read_manifest(case_dir):
    """case.txt -> dict(model, params, inputs [(name, file)], outputs [(name, file)], tol)."""
    m = {"params": None, "inputs": [], "outputs": [], "tol": gf.DEFAULT_TOL, "comments": []}
    with open(os.path.join(case_dir, "case.txt")) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                m["comments"].append(line[1:].strip())
                continue
            key, _, rest = line.partition(" ")
            if key in ("model", "params"):
                m[key] = rest
            elif key in ("input", "output"):
                name, _, fname = rest.partition(" ")
                m[key + "s"].append((name, fname))
            elif key == "tolerance":
                m["tol"] = tuple(float(v) for v in rest.split())
    return m


def read_params(path, names):
    """The records of a combined parameter file, in `names` order (= sorted names)."""
    data = open(path, "rb").read() if path else b""
    out, pos = {}, 0
    for name in names:
        pos += 4  # lod tensor version
        (levels,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        for _ in range(levels):
            (n,) = struct.unpack_from("<Q", data, pos)
            pos += 8 + n
        pos += 4  # tensor version
        (desc_size,) = struct.unpack_from("<i", data, pos)
        pos += 4
        desc = gf.framework_pb2.VarType.TensorDesc.FromString(data[pos:pos + desc_size])
        pos += desc_size
        dtype = np.dtype(RECORD_DTYPES[desc.data_type])
        count = int(np.prod(desc.dims)) if len(desc.dims) else 1
        out[name] = np.frombuffer(data, dtype, count, pos).reshape(list(desc.dims)).copy()
        pos += count * dtype.itemsize
    if pos != len(data):
        raise RuntimeError("%s: %d bytes left after %d records" % (path, len(data) - pos, len(names)))
    return out


def legacy_param_dir_values(model_dir, names):
    """One file per parameter (legacy dir layout)."""
    out = {}
    for name in names:
        out.update(read_params(os.path.join(model_dir, name), [name]))
    return out


# ----------------------------------------------------------------------------------------
# Translating a legacy program and saving it as PIR
# ----------------------------------------------------------------------------------------


def translate_and_save(program_path, params_path, param_dir, dst_prefix):
    """Legacy ProgramDesc -> PIR program (Paddle's translator) -> prefix.json/.pdiparams."""
    desc = paddle.base.core.ProgramDesc(open(program_path, "rb").read())
    program = paddle.pir.translate_to_pir(desc)
    block = program.global_block()
    names = sorted((op.attrs()["parameter_name"] for op in block.ops if op.name() == "builtin.parameter"),
                   key=lambda s: s.encode())
    values = legacy_param_dir_values(param_dir, names) if param_dir else read_params(params_path, names)
    scope = paddle.static.global_scope()
    for name, arr in values.items():
        scope.var(name).get_tensor().set(arr, paddle.CPUPlace())

    # Feed ops become pd_op.data (what PIR exports have), placed in feed order before the
    # first feed: the predictor numbers PIR inputs in block order.
    feeds = sorted((op for op in block.ops if op.name() == "pd_op.feed"), key=lambda op: op.attrs()["col"])
    anchor = next((op for op in block.ops if op.name() == "pd_op.feed"), None)
    data_values = []
    for op in feeds:
        old = op.result(0)
        with paddle.static.program_guard(program), block:
            new = paddle.static.data(name=op.attrs()["name"], shape=old.shape, dtype=old.dtype)
        old.replace_all_uses_with(new)
        new.get_defining_op().move_before(anchor)
        data_values.append(new)
    for op in feeds:
        block.remove_op(op)
    fetches = sorted((op for op in block.ops if op.name() == "pd_op.fetch"), key=lambda op: op.attrs()["col"])
    fetch_values = [op.operand_source(0) for op in fetches]
    exe = paddle.static.Executor(paddle.CPUPlace())
    paddle.static.save_inference_model(dst_prefix, data_values, fetch_values, exe, program=program)


def pir_op_names(json_path):
    """Op names of the top block in program order, dialect prefixes expanded."""
    with open(json_path) as f:
        prog = json.load(f)
    names = []
    for op in prog["program"]["regions"][0]["blocks"][0]["ops"]:
        n = op["#"]
        n = "builtin.parameter" if n == "p" else re.sub(r"^0\.", "builtin.", re.sub(r"^1\.", "pd_op.", n))
        names.append(n)
    return names


def fetch_names(json_path):
    """The `name` of each pd_op.fetch, in col order."""
    with open(json_path) as f:
        prog = json.load(f)
    cols = []
    for op in prog["program"]["regions"][0]["blocks"][0]["ops"]:
        if op["#"] == "1.fetch":
            attrs = {a["N"]: a["AT"]["D"] for a in op["A"]}
            cols.append((attrs["col"], attrs["name"]))
    return [n for _, n in sorted(cols)]


def check_against(label, got, want, tol):
    """PIR outputs (by position) against the legacy case's: same dtype, shape and values."""
    if len(got) != len(want):
        raise RuntimeError("%s: %d outputs, legacy case has %d" % (label, len(got), len(want)))
    for (name, a), b in zip(got, want):
        if a.dtype != b.dtype or a.shape != b.shape:
            raise RuntimeError("%s: output %s is %s%s, legacy %s%s" % (label, name, a.dtype, a.shape, b.dtype,
                                                                     b.shape))
        np.testing.assert_allclose(a, b, rtol=tol[0], atol=tol[1], err_msg=label + " vs the legacy case")


def twin_case(src_dir, dst_dir, comments):
    """Writes the PIR twin of legacy case src_dir into dst_dir. Returns its op names."""
    m = read_manifest(src_dir)
    model = os.path.join(src_dir, m["model"])
    shutil.rmtree(dst_dir, ignore_errors=True)
    os.makedirs(dst_dir)
    prefix = os.path.join(dst_dir, "model")
    if os.path.isdir(model):
        translate_and_save(os.path.join(model, "__model__"), None, model, prefix)
    else:
        params = os.path.join(src_dir, m["params"]) if m["params"] else None
        translate_and_save(model, params, None, prefix)
    has_params = os.path.exists(prefix + ".pdiparams") and os.path.getsize(prefix + ".pdiparams") > 0
    if os.path.exists(prefix + ".pdiparams") and not has_params:
        os.remove(prefix + ".pdiparams")
    inputs = [(name, np.load(os.path.join(src_dir, fname))) for name, fname in m["inputs"]]
    legacy_out = [np.load(os.path.join(src_dir, fname)) for _, fname in m["outputs"]]
    if os.path.basename(src_dir) in gf.RETYPE_AFTER_RUN:
        # issue 11, batch A: Paddle translates the op but has no CPU kernel to run it; the outputs are the
        # legacy case's (Paddle's, computed with the registered twin op), by fetch column.
        outputs = list(zip(fetch_names(prefix + ".json"), legacy_out))
    else:
        outputs, _ = gf.reference_outputs(prefix + ".json", prefix + ".pdiparams" if has_params else None,
                                          inputs, m["tol"], dst_dir)
    check_against(os.path.basename(dst_dir), outputs, legacy_out, m["tol"])
    ops = pir_op_names(prefix + ".json")
    notes = [c for c in m["comments"] if c.startswith("NOTE:")]
    gf.write_case(dst_dir, "model.json", "model.pdiparams" if has_params else None, inputs, outputs, m["tol"],
                  comments + notes + ["ops: " + " ".join(ops)], generator=GENERATOR)
    return ops


# ----------------------------------------------------------------------------------------
# Families
# ----------------------------------------------------------------------------------------


def legacy_cases(root):
    """Case directories under root that are legacy programs (not PIR twins)."""
    if not os.path.isdir(root):
        return []
    return sorted(n for n in os.listdir(root)
                  if not n.endswith(SUFFIX) and os.path.exists(os.path.join(root, n, "case.txt")))


def gen_twins(root, names, comment_fn, skipped, budget=50 * 1024):
    ops = {}
    for name in names:
        dst = os.path.join(root, name + SUFFIX)
        try:
            ops[name + SUFFIX] = twin_case(os.path.join(root, name), dst, comment_fn(name))
        except Exception as e:  # noqa: BLE001 (Paddle raises many kinds; each is a reason)
            shutil.rmtree(dst, ignore_errors=True)
            lines = str(e).strip().splitlines() or [type(e).__name__]
            if isinstance(e, AssertionError):  # numpy's report: say what differed and by how much
                reason = "outputs differ from the legacy case's (%s)" % "; ".join(
                    r.strip() for r in lines if r.startswith("Max absolute") or r.lstrip().startswith("[0]"))
            else:
                reason = next((r for r in lines if "Error" in r or "error" in r), lines[0])
            skipped[name] = "%s: %s" % (type(e).__name__, reason.strip()[:300])
            if os.environ.get("OAR_GEN_VERBOSE"):
                traceback.print_exc()
            print("  %s: no PIR twin (%s)" % (name, skipped[name]))
            continue
        size = gf.dir_size(dst)
        if size > budget:
            raise RuntimeError("%s: case is %d bytes, over the %d KB budget" % (dst, size, budget // 1024))
    return ops


# issue 11, batch B: op cases whose legacy program Paddle's translator cannot take (an output
# the inference saver pruned that the PIR op declares non-optional): the twin is the same op
# built directly in a PIR program (pd_op.*), fed the legacy case's inputs. name -> fn(feeds)
# returning the fetched values.
DIRECT_PIR = {
    "norm_axis1": lambda x: [paddle._C_ops.norm(x, 1, 1e-10, True)[0]],
    "norm_axis_last": lambda x: [paddle._C_ops.norm(x, -1, 1e-6, True)[0]],
    "norm_axis0": lambda x: [paddle._C_ops.norm(x, 0, 1e-10, True)[0]],
}


# issue 12: the translator turns the legacy conditional_block + select_input pattern into a
# select_input it then rejects ("The numel of Input(Mask) ... must be 1"): those twins are written
# with Paddle 3's own control flow (pd_op.if, pd_op.while). tensor_array_concat has no PIR twin:
# Paddle 3's array_to_tensor refuses elements of unequal shapes ("The dims of input in
# ArrayToTensor must be equal"), which is what that case concatenates.
def _cond_direct(x, y):
    return [paddle.static.nn.cond(paddle.sum(x) > 0, lambda: x * 2 + y, lambda: x - y)]


def _while_nested_cond_direct(x):
    src = os.path.join(gf.REPO, "tests", "data", "ops", "while_nested_cond", "model.pdiparams")
    w = paddle.assign(read_params(src, ["w"])["w"])
    i = paddle.full([1], 0, "int64")
    n = paddle.full([1], 12, "int64")

    def body(i, x):
        pred = paddle.mean(x) > 0.1
        x = paddle.static.nn.cond(pred, lambda: paddle.tanh(paddle.matmul(x, w)) - 0.3, lambda: x * 1.2 + 0.2)
        return [i + 1, x]
    _, x = paddle.static.nn.while_loop(lambda i, x: i < n, body, [i, paddle.assign(x)])
    return [x]


DIRECT_PIR.update({
    "conditional_block_true": _cond_direct,
    "conditional_block_false": _cond_direct,
    "while_nested_cond": _while_nested_cond_direct,
})


def gen_direct(root, name, skipped):
    """The PIR twin of legacy case `name` built by DIRECT_PIR[name]."""
    src = os.path.join(root, name)
    m = read_manifest(src)
    inputs = [(n, np.load(os.path.join(src, f))) for n, f in m["inputs"]]

    def export(prefix):
        main, startup = paddle.static.Program(), paddle.static.Program()
        with paddle.static.program_guard(main, startup):
            feeds = [paddle.static.data(n, [-1] + list(a.shape[1:]), str(a.dtype)) for n, a in inputs]
            outs = DIRECT_PIR[name](*feeds)
            exe = paddle.static.Executor(paddle.CPUPlace())
            exe.run(startup)
            paddle.static.save_inference_model(prefix, feeds, outs, exe, program=main)

    comments = ["PIR twin of ops/%s, built directly in a PIR program (Paddle's translator cannot take "
                "the legacy program: %s)" % (name, skipped.pop(name, "?"))]
    return export_case(root, name + SUFFIX, export, inputs, m["tol"], comments, legacy_outputs_of(src))


def op_comment(name):
    return ["PIR twin of ops/%s: its program translated by paddle.pir.translate_to_pir, feeds made "
            "pd_op.data, saved by paddle.static.save_inference_model (PIR)" % name]


def model_comment(name):
    return ["PIR twin of models/%s: translated by paddle.pir.translate_to_pir, saved by "
            "paddle.static.save_inference_model (PIR)" % name]


def export_case(root, name, export_fn, inputs, tol, comments, legacy_outputs=None):
    """export_fn(prefix) writes prefix.json/.pdiparams in root/name/; references from
    paddle.inference; compared with the legacy model's outputs when given."""
    case_dir = os.path.join(root, name)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    prefix = os.path.join(case_dir, "model")
    export_fn(prefix)
    info = prefix + ".pdiparams.info"
    if os.path.exists(info):  # pickle for paddle.jit.load; not part of the inference model
        os.remove(info)
    has_params = os.path.exists(prefix + ".pdiparams")  # a program without parameters has none
    outputs, worst = gf.reference_outputs(prefix + ".json", prefix + ".pdiparams" if has_params else None,
                                          inputs, tol, name)
    if legacy_outputs is not None:
        check_against(name, outputs, legacy_outputs, tol)
    ops = pir_op_names(prefix + ".json")
    gf.write_case(case_dir, "model.json", "model.pdiparams" if has_params else None, inputs, outputs, tol,
                  comments + ["ops: " + " ".join(sorted(set(ops)))], generator=GENERATOR)
    print("  %s: IR-optimized vs plain run: %.3f of tolerance, %.1f MB" % (name, worst,
                                                                           gf.dir_size(case_dir) / 1e6))
    return ops


def legacy_outputs_of(case_dir):
    """The outputs of an existing legacy case, or None when it is not there."""
    if not os.path.exists(os.path.join(case_dir, "case.txt")):
        return None
    m = read_manifest(case_dir)
    return [np.load(os.path.join(case_dir, fname)) for _, fname in m["outputs"]]


def gen_bert_pir(root, name):
    import gen_bert

    c = gen_bert.CONFIGS[name]
    seed = gf.zlib.crc32(name.encode()) & 0xffff
    comments = ["scripts/gen_bert.py's %s (same seed and weights), exported with paddle.jit.save in PIR mode"
                % name]
    return export_case(root, name + SUFFIX, lambda prefix: gen_bert.export_bert(c, prefix, seed, legacy_ops=False),
                       gen_bert.make_inputs(name, c), c["tol"], comments,
                       legacy_outputs_of(os.path.join(root, name)))


def gen_rnn_jit_pir(root, name="rnn_jit"):
    """A 2-layer nn.LSTM then a bidirectional nn.GRU exported by paddle.jit.save in PIR mode, as
    PaddleOCR's CRNN and PaddleSpeech's DeepSpeech2 are: PIR only (Paddle 3.3 cannot save
    them as legacy programs), with each rnn's dropout state a non-persistable
    builtin.parameter that has no data in the params file."""

    class Net(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.lstm = paddle.nn.LSTM(4, 6, num_layers=2)
            self.gru = paddle.nn.GRU(6, 5, direction="bidirectional")

        def forward(self, x):
            y, _ = self.lstm(x)
            z, _ = self.gru(y)
            return z

    def export(prefix):
        paddle.disable_static()
        try:
            paddle.seed(gf.zlib.crc32(name.encode()) & 0xffff)
            net = Net()
            net.eval()
            spec = [paddle.static.InputSpec([None, None, 4], "float32", "x")]
            paddle.jit.save(paddle.jit.to_static(net, input_spec=spec, full_graph=True), prefix, input_spec=spec)
        finally:
            paddle.enable_static()

    x = gf.case_rng(name).standard_normal((2, 5, 4)).astype(np.float32)
    return export_case(root, name + SUFFIX, export, [("x", x)], gf.DEFAULT_TOL,
                       [" ".join(gen_rnn_jit_pir.__doc__.split())])


LARGE_VISION = [("resnet50", "resnet50"), ("mobilenet_v2", "mobilenet_v2"),
                ("mobilenet_v3_large", "mobilenet_v3_large")]


def gen_large(large_root, only):
    ops = {}
    for name, ctor in LARGE_VISION:
        if not (gf.selected(only, "large", name) or gf.selected(only, "large", name + SUFFIX)):
            continue
        start = time.time()
        x = gf.case_rng(name).standard_normal((1, 3, 224, 224)).astype(np.float32)
        seed = gf.zlib.crc32(name.encode()) & 0xffff
        comments = ["paddle.vision.models.%s(), random weights (gen_fixtures.py's seed and calibration), eval "
                    "mode, paddle.jit.save in PIR mode" % ctor]
        ops[name + SUFFIX] = export_case(large_root, name + SUFFIX,
                                         lambda prefix: gf.export_vision_model(ctor, prefix, seed), [("x", x)],
                                         (1e-3, 1e-4), comments, legacy_outputs_of(os.path.join(large_root, name)))
        print("  %s: %.1f s" % (name + SUFFIX, time.time() - start))
    if gf.selected(only, "large", "bert_base") or gf.selected(only, "large", "bert_base" + SUFFIX):
        start = time.time()
        ops["bert_base" + SUFFIX] = gen_bert_pir(large_root, "bert_base")
        print("  bert_base%s: %.1f s" % (SUFFIX, time.time() - start))
    return ops


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(gf.REPO, "tests", "data"),
                        help="root holding ops/ and models/ (default: tests/data)")
    parser.add_argument("--large-out", help="where the large models go (default: <data>/large)")
    parser.add_argument("--large", action="store_true", help="also export the large models")
    parser.add_argument("--large-only", action="store_true", help="export only the large models")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="legacy case names, PIR case names (<case>_pir) or families (ops, models, "
                        "mnist, digits, bert, large); shell globs allowed")
    args = parser.parse_args()
    start = time.time()
    skipped, ops = {}, {}

    def chosen(families, name):
        return any(gf.selected(args.only, f, name) or gf.selected(args.only, f, name + SUFFIX) for f in families)

    if not args.large_only:
        ops_root = os.path.join(args.data, "ops")
        names = [n for n in legacy_cases(ops_root) if chosen(("ops",), n)]
        if names:
            print("ops: %d PIR twins -> %s" % (len(names), ops_root))
            ops.update(gen_twins(ops_root, names, op_comment, skipped))
            for n in names:  # issue 11, batch B
                if n in DIRECT_PIR and n in skipped:
                    ops[n + SUFFIX] = gen_direct(ops_root, n, skipped)
        models_root = os.path.join(args.data, "models")
        # gen_fixtures.py's family names (mnist, digits) select them too
        names = [n for n, f in (("mnist_fc", "mnist"), ("digits_cnn", "digits"), ("digits_cnn_ptq_qdq", "quant"),
                                  ("digits_cnn_ptq_fake", "quant")) if chosen(("models", f), n)]
        if names:
            print("models: %s -> %s" % (" ".join(n + SUFFIX for n in names), models_root))
            ops.update(gen_twins(models_root, names, model_comment, skipped, budget=400 * 1024))
        if chosen(("models", "bert"), "bert_tiny"):
            ops["bert_tiny" + SUFFIX] = gen_bert_pir(models_root, "bert_tiny")
        if chosen(("models", "rnn"), "rnn_jit"):
            ops["rnn_jit" + SUFFIX] = gen_rnn_jit_pir(models_root)
    if args.large or args.large_only:
        large_root = args.large_out or os.path.join(args.data, "large")
        print("large -> " + large_root)
        ops.update(gen_large(large_root, args.only))

    print("\nPIR ops per case")
    for n, names in sorted(ops.items()):
        print("  %-44s %s" % (n, " ".join(t for t in dict.fromkeys(names) if t not in ("pd_op.data", "pd_op.fetch",
                                                                                       "builtin.parameter"))))
    seen = sorted({t for names in ops.values() for t in names})
    print("\n%d PIR cases, %d skipped; PIR ops seen: %s" % (len(ops), len(skipped), " ".join(seen)))
    for n, why in sorted(skipped.items()):
        print("  no PIR twin: %-36s %s" % (n, why))
    print("done in %.1f s" % (time.time() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
