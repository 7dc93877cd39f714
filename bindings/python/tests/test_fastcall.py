"""The compiled hot path (oar._fast) against the ctypes path: the same
outputs and the same errors on both, and clones running at once on several
threads with the GIL released during runs.

With OAR_REQUIRE_FAST=1 in the environment (bindings/test_all.sh under CI)
oar._fast must be built; otherwise the tests of the fast path are skipped
where it is not."""

import os
import threading
import time

import numpy as np
import pytest

import oar
import oar.inference as paddle_infer
from oar import _predictor
from conftest import assert_close

OPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "data", "ops")
FAST = _predictor._fast
PATHS = ["fast", "ctypes"]


def test_which_path_is_in_use():
    assert oar._fast is FAST
    if os.environ.get("OAR_REQUIRE_FAST") == "1":
        assert FAST is not None, "oar._fast was not built (Python's headers missing at `pip install .`?)"
    if FAST is not None:
        assert callable(FAST.run_arrays) and callable(FAST.feed) and callable(FAST.fetch)


def on_path(path, fn, *args):
    """fn(*args) with the hot path through oar._fast ("fast") or ctypes alone;
    returns its result, or the exception it raised."""
    if path == "fast" and FAST is None:
        pytest.skip("oar._fast is not built")
    saved = _predictor._fast
    _predictor._fast = FAST if path == "fast" else None
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001: compared between the paths
        return e
    finally:
        _predictor._fast = saved


def both(fn, *args):
    """fn(*args) on the ctypes path and, where built, on the fast path."""
    return {path: on_path(path, fn, *args) for path in PATHS if path == "ctypes" or FAST is not None}


def paddle_style(predictor, arrays):
    for name, array in zip(predictor.get_input_names(), arrays):
        predictor.get_input_handle(name).copy_from_cpu(array)
    assert predictor.run() is None
    return [predictor.get_output_handle(name).copy_to_cpu() for name in predictor.get_output_names()]


def shortest(predictor, arrays):
    return predictor.run(list(arrays))


def assert_same(results):
    """Every path gave equal arrays (dtype, shape, bits) or the same error."""
    ctypes_result = results["ctypes"]
    for path, got in results.items():
        if isinstance(ctypes_result, Exception):
            assert type(got) is type(ctypes_result), (path, got, ctypes_result)
            assert str(got) == str(ctypes_result), path
            assert getattr(got, "status", None) == getattr(ctypes_result, "status", None)
            continue
        assert not isinstance(got, Exception), (path, got)
        assert len(got) == len(ctypes_result)
        for a, b in zip(got, ctypes_result):
            assert a.dtype == b.dtype and a.shape == b.shape and a.flags.c_contiguous, path
            assert a.tobytes() == b.tobytes(), path


def op_case(name):
    """(predictor, [input arrays], [recorded outputs]) of a tests/data/ops fixture."""
    d = os.path.join(OPS, name)
    ins, outs, model = [], [], None
    with open(os.path.join(d, "case.txt")) as f:
        for line in f:
            words = line.split()
            if len(words) >= 2 and words[0] == "model":
                model = os.path.join(d, words[1])
            elif len(words) >= 3 and words[0] == "input":
                ins.append(np.load(os.path.join(d, words[2])))
            elif len(words) >= 3 and words[0] == "output":
                outs.append(np.load(os.path.join(d, words[2])))
    return paddle_infer.create_predictor(paddle_infer.Config(model)), ins, outs


@pytest.mark.parametrize(
    "case",
    [
        "relu",  # float32
        "argsort_axis0_int64",  # int64 in, two int64 out
        "meshgrid_int64",  # two inputs, two outputs
        "where",  # bool, float32, float32
        "max_pool2d_with_index",  # float32 and int32 out
        "unbind_bool",  # bool
        "cast_u8_to_f32",  # uint8
        "equal_i64",  # int64 in, bool out
    ],
)
@pytest.mark.parametrize("style", [paddle_style, shortest])
def test_op_fixtures_identical_on_both_paths(case, style):
    predictor, ins, want = op_case(case)
    results = both(style, predictor, ins)
    assert_same(results)
    for got, ref in zip(results["ctypes"], want):  # and right, against Paddle's outputs
        if ref.dtype.kind == "f":
            assert_close(got, ref)
        else:
            assert got.dtype == ref.dtype and np.array_equal(got, ref)


def onnx_predictor(graph, threads=1):
    """A predictor on an ONNX graph (opset 13), loaded from memory."""
    onnx = pytest.importorskip("onnx")
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    config = paddle_infer.Config()
    config.set_model_buffer(data, len(data), b"", 0)
    config.set_cpu_math_library_num_threads(threads)
    return paddle_infer.create_predictor(config)


def identity_model(dtype):
    """An ONNX model, two inputs (one of ``dtype``, one float32) passed through
    unchanged to two outputs, with variable dims."""
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"]), helper.make_node("Identity", ["z"], ["w"])],
        "identity",
        [helper.make_tensor_value_info("x", elem, [2, "n"]), helper.make_tensor_value_info("z", TensorProto.FLOAT, ["m"])],
        [helper.make_tensor_value_info("y", elem, [2, "n"]), helper.make_tensor_value_info("w", TensorProto.FLOAT, ["m"])],
    )
    return onnx_predictor(graph)


DTYPES = [np.float32, np.float64, np.float16, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]


def sample(dtype, shape, seed=0):
    values = np.random.default_rng(seed).standard_normal(shape) * 50
    return (values > 0) if dtype == np.bool_ else values.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("style", [paddle_style, shortest])
def test_every_dtype_identical_on_both_paths(dtype, style):
    predictor = identity_model(dtype)
    x, z = sample(dtype, (2, 7)), sample(np.float32, (5,), 1)
    results = both(style, predictor, [x, z])
    assert_same(results)
    assert np.array_equal(results["ctypes"][0], x) and results["ctypes"][0].dtype == x.dtype
    assert np.array_equal(results["ctypes"][1], z)
    # A new shape on the same predictor; every output a new array.
    x2 = sample(dtype, (2, 3), 2)
    again = both(style, predictor, [x2, z])
    assert_same(again)
    assert np.array_equal(again["ctypes"][0], x2)
    if "fast" in results:
        assert np.array_equal(results["fast"][0], x)  # not overwritten by the later run


@pytest.mark.parametrize(
    "view",
    [
        lambda a: a[:, ::2],  # strided
        lambda a: np.asfortranarray(a),  # column-major
        lambda a: a.T.copy().T,  # transposed view of a copy
        lambda a: a.tolist(),  # a list
        lambda a: a.astype(a.dtype.newbyteorder()).byteswap().view(a.dtype.newbyteorder()),  # big-endian: an error
    ],
    ids=["strided", "fortran", "transposed", "list", "big-endian"],
)
@pytest.mark.parametrize("style", [paddle_style, shortest])
def test_arrays_the_fast_path_cannot_take_fall_back(view, style):
    predictor = identity_model(np.float32)
    base = sample(np.float32, (2, 8))
    x, z = view(base), sample(np.float32, (3,), 1)
    results = both(style, predictor, [x, z])
    assert_same(results)
    if not isinstance(results["ctypes"], Exception):
        assert np.array_equal(results["ctypes"][0], np.asarray(x))


@pytest.mark.parametrize(
    "arrays",
    [
        lambda: [sample(np.float64, (2, 4)), sample(np.float32, (3,))],  # the model's dtype is float32
        lambda: [sample(np.float32, (2, 4, 1)), sample(np.float32, (3,))],  # wrong rank
        lambda: [sample(np.float32, (2, 4)).astype(np.uint16), sample(np.float32, (3,))],  # numpy dtype oar lacks
        lambda: [["a", "b"], sample(np.float32, (3,))],  # strings
        lambda: [sample(np.float32, (2, 4)), np.float32(1.5)],  # rank 0 for a rank-1 input
    ],
    ids=["dtype", "rank", "uint16", "strings", "scalar"],
)
@pytest.mark.parametrize("style", [paddle_style, shortest])
def test_errors_identical_on_both_paths(arrays, style):
    results = {}
    for path in PATHS:
        if path == "fast" and FAST is None:
            continue
        predictor = identity_model(np.float32)  # a fresh one each: nothing fed before
        results[path] = on_path(path, style, predictor, arrays())
    assert isinstance(results["ctypes"], Exception)
    assert_same(results)


def test_fetch_before_any_run_and_run_without_inputs_fail_alike():
    def fetch(predictor):
        return [predictor.get_output_handle("y").copy_to_cpu()]

    def run(predictor):
        return predictor.run()

    for fn in (fetch, run):
        results = {path: on_path(path, fn, identity_model(np.float32)) for path in PATHS if path == "ctypes" or FAST}
        assert isinstance(results["ctypes"], oar.OarError)
        assert_same(results)


def test_wrong_input_count_fails_alike():
    predictor = identity_model(np.float32)
    x = sample(np.float32, (2, 4))
    results = both(shortest, predictor, [x])
    assert isinstance(results["ctypes"], ValueError) and "2 inputs" in str(results["ctypes"])
    assert_same(results)


@pytest.mark.parametrize("path", PATHS)
def test_clones_on_threads_at_once(path):
    """A predictor and 3 clones, each run by its own thread on its own
    inputs 200 times at once; every output exact."""
    predictor = identity_model(np.float32)
    predictors = [predictor] + [predictor.clone() for _ in range(3)]
    failures = []

    def work(index, p):
        for i in range(200):
            x, z = sample(np.float32, (2, 5 + index), i), sample(np.float32, (index + 1,), i + 1)
            if i % 2:
                y, w = p.run([x, z])
            else:
                y, w = paddle_style(p, [x, z])
            if not (np.array_equal(y, x) and np.array_equal(w, z)):
                failures.append((index, i))

    def all_threads():
        threads = [threading.Thread(target=work, args=(k, p)) for k, p in enumerate(predictors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    error = on_path(path, all_threads)
    assert error is None and failures == []


def matmul_chain(n, depth):
    """An ONNX model: x @ w, depth times (a run long enough to watch)."""
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    nodes, prev = [], "x"
    for i in range(depth):
        nodes.append(helper.make_node("MatMul", [prev, "w"], ["h%d" % i]))
        prev = "h%d" % i
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, n]) for name in ("x", "w")],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [n, n])],
    )
    return onnx_predictor(graph, threads=1)


@pytest.mark.parametrize("path", PATHS)
def test_the_gil_is_released_during_runs(path):
    """While one thread is inside run(), another runs Python code. With the
    GIL held through a run, the other thread could only tick while it holds
    the GIL before the run starts or after it ends (a switch interval, more
    where the OS preempts it then): never in the middle half of a long run."""
    x = np.full((512, 512), 1.0 / 512, np.float32)
    depth = 16
    while True:  # runs of 100 ms or more, however fast the machine
        predictor = matmul_chain(512, depth)
        start = time.perf_counter()
        predictor.run([x, x])  # and plans the memory
        took = time.perf_counter() - start
        if took >= 0.1 or depth >= 512:
            break
        depth = min(512, int(depth * 0.12 / took) + 1)
    ticks, stop = [], threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())

    def timed_run():
        ticker = threading.Thread(target=tick)
        ticker.start()
        time.sleep(0.01)
        spans = []
        for _ in range(3):
            start = time.perf_counter()
            predictor.run([x, x])
            spans.append((start, time.perf_counter()))
        stop.set()
        ticker.join()
        return spans

    spans = on_path(path, timed_run)
    assert not isinstance(spans, Exception), spans
    shortest_run = min(end - start for start, end in spans)
    assert shortest_run > 0.04, "the run was too short to tell (%.1f ms)" % (shortest_run * 1e3)
    windows = [(start + (end - start) / 4, end - (end - start) / 4) for start, end in spans]
    inside = [sum(1 for t in ticks if lo < t < hi) for lo, hi in windows]
    assert sum(inside) > 10, "Python ticks in the middle half of %d runs of %.0f+ ms: %s" % (
        len(spans), shortest_run * 1e3, inside)
