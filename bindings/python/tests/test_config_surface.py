"""What oar.inference does with each part of Paddle 3.3's Config, Predictor
and Tensor surface: options oar honours change the engine; options this
build cannot honour warn once and the predictor still runs, on the CPU, with
Paddle Inference's outputs; queries tell what runs; every dtype goes in and
out. (test_paddle_surface.py checks the names against paddle itself.)"""

import os
import warnings

import numpy as np
import pytest

import oar
import oar.inference as paddle_infer
from conftest import assert_close
from oar import _lib

PT = paddle_infer.PrecisionType


def _bf16_runs():
    """Whether this host runs bfloat16 (AVX512-BF16), asked of the C
    library so that no warning is spent."""
    import ctypes

    handle = ctypes.c_void_p()
    _lib.check(_lib.lib.oar_config_create(ctypes.byref(handle)))
    try:
        return _lib.lib.oar_config_set_precision(handle, _lib.PRECISION_BFLOAT16) == 0
    finally:
        _lib.lib.oar_config_destroy(handle)


BF16 = _bf16_runs()


def unsupported(caught):
    return [w for w in caught if issubclass(w.category, oar.UnsupportedOptionWarning)]


def run_model(config, x):
    predictor = paddle_infer.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.copy_from_cpu(x)
    predictor.run()
    return predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu()


# Every call this build cannot honour, with a word its warning must contain
# and the queries that must stay False after it.
UNSUPPORTED = [
    ("enable_use_gpu", lambda c: c.enable_use_gpu(256, 0, PT.Half), "CUDA", ["use_gpu"]),
    ("enable_low_precision_io", lambda c: c.enable_low_precision_io(True), "CUDA", ["use_gpu"]),
    ("exp_enable_mixed_precision_ops", lambda c: c.exp_enable_mixed_precision_ops({"conv2d"}), "CUDA", []),
    ("exp_disable_mixed_precision_ops", lambda c: c.exp_disable_mixed_precision_ops({"softmax"}), "CUDA", []),
    ("exp_enable_use_cutlass", lambda c: c.exp_enable_use_cutlass(), "CUTLASS", []),
    ("exp_sparse_conv_using_buffer", lambda c: c.exp_sparse_conv_using_buffer([[3, 3]], [[1, 1]]), "sparse", []),
    ("enable_tensorrt_engine", lambda c: c.enable_tensorrt_engine(1 << 30, 4, 3, PT.Half, False, False),
     "TensorRT", ["tensorrt_engine_enabled"]),
    ("set_trt_dynamic_shape_info",
     lambda c: c.set_trt_dynamic_shape_info({"x": [1, 784]}, {"x": [8, 784]}, {"x": [4, 784]}),
     "TensorRT", ["tensorrt_dynamic_shape_enabled"]),
    ("enable_tuned_tensorrt_dynamic_shape", lambda c: c.enable_tuned_tensorrt_dynamic_shape("shape.pbtxt", True),
     "TensorRT", ["tuned_tensorrt_dynamic_shape", "trt_allow_build_at_runtime"]),
    ("enable_tensorrt_dla", lambda c: c.enable_tensorrt_dla(1), "TensorRT", ["tensorrt_dla_enabled"]),
    ("enable_tensorrt_varseqlen", lambda c: c.enable_tensorrt_varseqlen(), "TensorRT", ["tensorrt_varseqlen_enabled"]),
    ("enable_tensorrt_inspector", lambda c: c.enable_tensorrt_inspector(True), "TensorRT",
     ["tensorrt_inspector_enabled"]),
    ("enable_tensorrt_explicit_quantization", lambda c: c.enable_tensorrt_explicit_quantization(), "TensorRT",
     ["tensorrt_explicit_quantization_enabled"]),
    ("enable_tensorrt_memory_optim", lambda c: c.enable_tensorrt_memory_optim(True, 1), "TensorRT", []),
    ("set_tensorrt_optimization_level", lambda c: c.set_tensorrt_optimization_level(5), "TensorRT", []),
    ("mark_trt_engine_outputs", lambda c: c.mark_trt_engine_outputs(["fc_0.tmp_2"]), "TensorRT", []),
    ("exp_disable_tensorrt_ops", lambda c: c.exp_disable_tensorrt_ops(["softmax"]), "TensorRT", []),
    ("exp_disable_tensorrt_subgraph", lambda c: c.exp_disable_tensorrt_subgraph(["x"]), "TensorRT", []),
    ("exp_disable_tensorrt_dynamic_shape_ops", lambda c: c.exp_disable_tensorrt_dynamic_shape_ops(True),
     "TensorRT", []),
    ("exp_specify_tensorrt_subgraph_precision",
     lambda c: c.exp_specify_tensorrt_subgraph_precision(["a"], ["b"], ["c"]), "TensorRT", []),
    ("InternalUtils.disable_tensorrt_half_ops",
     lambda c: paddle_infer.InternalUtils.disable_tensorrt_half_ops(c, {"softmax"}), "TensorRT", []),
    ("InternalUtils.set_transformer_posid", lambda c: paddle_infer.InternalUtils.set_transformer_posid(c, "pos"),
     "TensorRT", []),
    ("InternalUtils.set_transformer_maskid", lambda c: paddle_infer.InternalUtils.set_transformer_maskid(c, "mask"),
     "TensorRT", []),
    ("collect_shape_range_info", lambda c: c.collect_shape_range_info("shape.pbtxt"), "shape ranges",
     ["shape_range_info_collected"]),
    ("enable_mkldnn", lambda c: c.enable_mkldnn(), "oneDNN", ["mkldnn_enabled", "onednn_enabled"]),
    ("enable_onednn", lambda c: c.enable_onednn(), "oneDNN", ["mkldnn_enabled", "onednn_enabled"]),
    ("set_mkldnn_cache_capacity", lambda c: c.set_mkldnn_cache_capacity(10), "oneDNN", ["mkldnn_enabled"]),
    ("set_onednn_cache_capacity", lambda c: c.set_onednn_cache_capacity(10), "oneDNN", ["onednn_enabled"]),
    ("set_mkldnn_op", lambda c: c.set_mkldnn_op({"conv2d"}), "oneDNN", []),
    ("set_onednn_op", lambda c: c.set_onednn_op({"conv2d"}), "oneDNN", []),
] + ([] if BF16 else [
    ("enable_mkldnn_bfloat16", lambda c: c.enable_mkldnn_bfloat16(), "bfloat16", ["mkldnn_bfloat16_enabled"]),
    ("enable_onednn_bfloat16", lambda c: c.enable_onednn_bfloat16(), "bfloat16", ["onednn_bfloat16_enabled"]),
]) + [
    ("set_bfloat16_op", lambda c: c.set_bfloat16_op({"conv2d"}), "bfloat16", []),
    ("enable_mkldnn_int8", lambda c: c.enable_mkldnn_int8({"conv2d"}), "precision",
     ["mkldnn_int8_enabled", "onednn_int8_enabled"]),
    ("enable_onednn_int8", lambda c: c.enable_onednn_int8(), "precision", ["onednn_int8_enabled"]),
    ("enable_xpu", lambda c: c.enable_xpu(), "XPU", ["use_xpu"]),
    ("set_xpu_device_id", lambda c: c.set_xpu_device_id(1), "XPU", ["use_xpu"]),
    ("set_xpu_config", lambda c: c.set_xpu_config(paddle_infer.XpuConfig()), "XPU", ["use_xpu"]),
    ("enable_ipu", lambda c: c.enable_ipu(2, 1, False, 1), "IPU", []),
    ("set_ipu_config", lambda c: c.set_ipu_config(True), "IPU", []),
    ("set_ipu_custom_info", lambda c: c.set_ipu_custom_info([["op", "domain", "1"]], {"pattern": True}), "IPU", []),
    ("load_ipu_config", lambda c: c.load_ipu_config("ipu.cfg"), "IPU", []),
    ("enable_custom_device", lambda c: c.enable_custom_device("npu", 0), "custom device", []),
    ("enable_onnxruntime", lambda c: c.enable_onnxruntime(), "ONNX Runtime", ["onnxruntime_enabled"]),
    ("enable_ort_optimization", lambda c: c.enable_ort_optimization(), "ONNX Runtime", ["onnxruntime_enabled"]),
    ("enable_openvino_engine", lambda c: c.enable_openvino_engine(PT.Half), "OpenVINO", ["openvino_engine_enabled"]),
    ("enable_cinn", lambda c: c.enable_cinn(), "CINN", []),
    ("enable_lite_engine", lambda c: c.enable_lite_engine(PT.Float32), "Lite", []),
    ("switch_ir_debug", lambda c: c.switch_ir_debug(True, ["fc_fuse_pass"]), "graph dumps", []),
    ("enable_save_optim_model", lambda c: c.enable_save_optim_model(True), "optimized models", []),
    ("use_optimized_model", lambda c: c.use_optimized_model(True), "optimized models", []),
    ("enable_custom_passes", lambda c: c.enable_custom_passes(["my_pass"], False), "my_pass", []),
    ("pass_builder.append_pass", lambda c: c.pass_builder().append_pass("fc_fuse_pass"), "fc_fuse_pass", []),
    ("pass_builder.insert_pass", lambda c: c.pass_builder().insert_pass(0, "fc_fuse_pass"), "fc_fuse_pass", []),
    ("pass_builder.append_analysis_pass", lambda c: c.pass_builder().append_analysis_pass("ir_graph_build_pass"),
     "analysis", []),
    ("delete_pass", lambda c: c.delete_pass("conv_transpose_eltwiseadd_bn_fuse_pass"), "nothing to delete", []),
]


@pytest.mark.parametrize("name,call,word,queries", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_unsupported_option_warns_once_and_the_predictor_runs(mnist, name, call, word, queries):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(config)
        call(config)  # the same call again: no second warning
        call(paddle_infer.Config(model_dir))  # nor on another config
    said = unsupported(caught)
    assert len(said) == 1, [str(w.message) for w in said]
    assert word in str(said[0].message), str(said[0].message)
    assert said[0].filename == __file__, "the warning should point at the caller's line, not oar's"
    for query in queries:
        assert getattr(config, query)() is False, query
    assert not config.use_gpu() and not config.tensorrt_engine_enabled() and not config.mkldnn_enabled()
    if name != "delete_pass" and not name.startswith("pass_builder"):
        assert "not available" in config.summary()
    assert_close(run_model(config, x), want)
    assert_close(run_model(paddle_infer.Config(config), x), want)  # a copy keeps the request and still runs


@pytest.mark.skipif(not BF16, reason="this CPU has no AVX512-BF16: bfloat16 warns (test above)")
@pytest.mark.parametrize("call", ["enable_mkldnn_bfloat16", "enable_onednn_bfloat16"])
def test_bfloat16_runs_silently_close_to_float32(mnist, call):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        getattr(config, call)()
    assert not unsupported(caught), [str(w.message) for w in caught]
    assert config.mkldnn_bfloat16_enabled() and config.onednn_bfloat16_enabled()
    got = run_model(config, x)
    # bf16 operands (8 mantissa bits), float32 sums: mnist_fc's softmax
    # outputs move by ~1e-3 (tests/unit/test_bf16.c, README).
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-2)
    assert np.abs(got - want).max() > 0, "bfloat16 gave float32's outputs bit for bit: did it run?"
    assert_close(run_model(paddle_infer.Config(config), x), got)  # a copy keeps bfloat16


# Calls that change nothing oar runs and say nothing: Paddle-internal
# choices, caches oar does not have, disabling what oar does not have.
SILENT = [
    lambda c: c.switch_use_feed_fetch_ops(True),
    lambda c: c.switch_specify_input_names(True),
    lambda c: c.disable_glog_info(),
    lambda c: c.enable_new_ir(True),
    lambda c: c.enable_new_executor(True),
    lambda c: c.set_optimization_level(3),
    lambda c: c.set_optim_cache_dir("cache"),
    lambda c: c.enable_save_optim_model(False),
    lambda c: c.use_optimized_model(False),
    lambda c: c.switch_ir_debug(False),
    lambda c: c.enable_low_precision_io(False),
    lambda c: c.enable_custom_passes([], False),
    lambda c: c.disable_gpu(),
    lambda c: c.disable_mkldnn(),
    lambda c: c.disable_onednn(),
    lambda c: c.disable_mkldnn_fc_passes(),
    lambda c: c.disable_onednn_fc_passes(),
    lambda c: c.disable_onnxruntime(),
]


def test_switches_without_effect_are_recorded_silently(mnist):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error", oar.UnsupportedOptionWarning)
        for call in SILENT:
            call(config)
    assert config.use_feed_fetch_ops_enabled() and config.specify_input_name() and config.glog_info_disabled()
    assert config.new_ir_enabled()
    assert "not available" not in config.summary()
    assert_close(run_model(config, x), want)


def test_disabling_withdraws_the_request():
    config = paddle_infer.Config()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", oar.UnsupportedOptionWarning)
        config.enable_use_gpu(100, 0)
        config.enable_mkldnn()
        config.enable_onnxruntime()
    assert "enable_use_gpu" in config.summary() and "enable_mkldnn" in config.summary()
    config.disable_gpu()
    config.disable_mkldnn()
    config.disable_onnxruntime()
    assert "not available" not in config.summary()


def test_enum_values_are_paddle_3_3s():
    D, P = paddle_infer.DataType, paddle_infer.PlaceType
    assert {m.name: int(m) for m in D if m is not D.INT16} == {
        "FLOAT32": 0, "INT64": 1, "INT32": 2, "UINT8": 3, "INT8": 4, "FLOAT16": 5, "BOOL": 6, "FLOAT64": 7,
        "BFLOAT16": 8,
    }
    assert {m.name: int(m) for m in P} == {"UNK": -1, "CPU": 0, "GPU": 1, "XPU": 2, "CUSTOM": 4}
    assert {m.name: int(m) for m in PT} == {"Float32": 0, "Int8": 1, "Half": 2, "Bfloat16": 3}
    C = paddle_infer.Config
    assert (C.Float32, C.Int8, C.Half, C.Bfloat16) == (PT.Float32, PT.Int8, PT.Half, PT.Bfloat16)
    assert C.Precision is PT and paddle_infer.AnalysisConfig is C
    assert D.FLOAT32.name == "FLOAT32" and D.FLOAT32.value == 0 and hasattr(D, "name") and hasattr(D, "value")
    assert paddle_infer.PaddleDType is D and paddle_infer.PaddlePlace is P
    assert str(D.FLOAT32) == "DataType.FLOAT32" and D(7) is D.FLOAT64 and P["CUSTOM"] == 4


def test_warnings_once_per_process_but_every_time_under_an_error_filter(mnist):
    model_dir, x, want = mnist
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):  # PaddleOCR: det, cls, rec configs
            c = paddle_infer.Config(model_dir)
            c.enable_mkldnn()
            c.set_mkldnn_cache_capacity(10)
            c.enable_use_gpu(500, 0)
    assert len(unsupported(caught)) == 2  # oneDNN once, GPU once
    # The "error" filter applies even to what was already said.
    with warnings.catch_warnings():
        warnings.simplefilter("error", oar.UnsupportedOptionWarning)
        for _ in range(2):
            with pytest.raises(oar.UnsupportedOptionWarning, match="oneDNN"):
                paddle_infer.Config(model_dir).enable_mkldnn()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", oar.UnsupportedOptionWarning)
        paddle_infer.Config(model_dir).enable_xpu()
    assert not caught


def test_mkldnn_stays_false_and_the_warning_says_so():
    config = paddle_infer.Config()
    assert not config.mkldnn_enabled()  # oar runs no oneDNN, unlike Paddle 3.3's default
    with pytest.warns(oar.UnsupportedOptionWarning, match=r"mkldnn_enabled\(\) stays False"):
        config.enable_mkldnn()
    assert not config.mkldnn_enabled() and not config.onednn_enabled()


def test_lite_engine_query_of_paddle_2(mnist):
    """PaddleDetection's XPU branch asks lite_engine_enabled() (Paddle 2.x;
    Paddle 3.3 dropped it) before enable_xpu: False, and the predictor runs."""
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    assert config.lite_engine_enabled() is False
    with pytest.warns(oar.UnsupportedOptionWarning, match="enable_xpu"):
        config.enable_xpu(10 * 1024 * 1024)
    assert not config.lite_engine_enabled()
    (got,) = paddle_infer.create_predictor(config).run([x])
    assert_close(got, want)


def test_value_queries_read_back_what_was_set():
    config = paddle_infer.Config()
    assert config.memory_pool_init_size_mb() == 100 and config.gpu_device_id() == 0  # Paddle's defaults
    assert config.fraction_of_gpu_memory_for_pool() == 0.0
    assert config.tensorrt_optimization_level() == 3 and config.tensorrt_precision_mode() == PT.Float32
    assert config.shape_range_info_path() == "" and config.xpu_device_id() == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", oar.UnsupportedOptionWarning)
        config.enable_tensorrt_engine(precision_mode=PT.Int8)
        config.set_tensorrt_optimization_level(5)
        config.collect_shape_range_info("ranges.pbtxt")
        config.set_xpu_device_id(2)
        xpu = paddle_infer.XpuConfig()
        xpu.l3_size = 1 << 20
        config.set_xpu_config(xpu)
    assert config.tensorrt_precision_mode() == PT.Int8 and config.tensorrt_optimization_level() == 5
    assert config.shape_range_info_path() == "ranges.pbtxt" and not config.shape_range_info_collected()
    assert config.xpu_device_id() == 2 and config.xpu_config().l3_size == 1 << 20 and not config.use_xpu()
    config.set_optimization_level(1)
    config.enable_new_ir(True)
    assert config.new_ir_enabled()
    native = config.to_native_config()
    assert native.use_gpu is False and native.cpu_math_library_num_threads() == 1


def test_xpu_config_has_paddles_fields():
    xpu = paddle_infer.XpuConfig()
    assert xpu.device_id == 0 and xpu.l3_size == 0 and xpu.context_gm_size == -1 and xpu.l3_ptr is None
    assert xpu.quant_post_dynamic_op_types == [] and xpu.gemm_compute_precision == 1


def test_config_copy_is_independent(mnist):
    model_dir, x, want = mnist
    with open(os.path.join(model_dir, "model.pdmodel"), "rb") as f:
        prog = f.read()
    with open(os.path.join(model_dir, "model.pdiparams"), "rb") as f:
        params = f.read()
    config = paddle_infer.Config()
    config.set_model_buffer(prog, len(prog), params, len(params))
    config.set_cpu_math_library_num_threads(3)
    config.switch_ir_optim(False)
    config.enable_memory_optim(False)
    config.delete_pass("fuse_fc")
    config.enable_profile()
    copy = paddle_infer.Config(config)
    assert copy.model_from_memory() and copy.cpu_math_library_num_threads() == 3
    assert not copy.ir_optim() and not copy.memory_optim_enabled() and copy.profile_enabled()
    assert "fuse_fc" not in copy.pass_builder().all_passes()
    copy.set_cpu_math_library_num_threads(1)
    copy.switch_ir_optim(True)
    assert config.cpu_math_library_num_threads() == 3 and not config.ir_optim()
    del config  # the copy owns its model bytes
    assert_close(run_model(copy, x), want)


def test_pass_builder_is_oars_pipeline(digits):
    model_dir, x, want = digits
    config = paddle_infer.Config(model_dir)
    builder = config.pass_builder()
    everything = builder.all_passes()
    assert "fuse_conv_bn" in everything and builder.analysis_passes() == []
    builder.delete_pass("fuse_conv_bn")
    assert "fuse_conv_bn" not in config.pass_builder().all_passes()
    assert "fuse_conv_bn" in builder.debug_string() and "deleted" in builder.debug_string()
    assert_close(run_model(config, x), want)
    builder.append_pass("fuse_conv_bn")  # oar's own pass: back, in its place
    assert config.pass_builder().all_passes() == everything
    assert_close(run_model(config, x), want)

    builder.set_passes(["fold_constants", "fuse_conv_bn"])
    assert config.pass_builder().all_passes() == ["fold_constants", "fuse_conv_bn"]
    assert_close(run_model(config, x), want)
    builder.set_passes([])
    assert config.pass_builder().all_passes() == []
    assert_close(run_model(config, x), want)
    config.enable_custom_passes(["fuse_conv_bn"], True)
    assert config.pass_builder().all_passes() == ["fuse_conv_bn"]
    assert_close(run_model(config, x), want)


def test_profile_has_a_kernel_per_node(digits):
    model_dir, x, want = digits
    config = paddle_infer.Config(model_dir)
    config.enable_profile()
    predictor = paddle_infer.Predictor(config)  # Paddle's constructor form
    for _ in range(2):
        assert_close(predictor.run([x])[0], want)
    profile = predictor.profile()
    assert profile["runs"] == 2 and profile["node_runs"] == 2 and profile["nodes"]
    assert any("conv2d" in n["node"] for n in profile["nodes"])
    assert all(n["kernel"] and n["ms"] >= 0 for n in profile["nodes"])
    assert paddle_infer.create_predictor(paddle_infer.Config(model_dir)).profile()["nodes"] == []


# ---- every dtype in and out ----------------------------------------------------------------
# A one-op ONNX model (Identity on x: [n, 3]) of each element type, written
# here byte by byte (ModelProto), so the test needs no onnx package.

ONNX_TYPES = {  # numpy dtype -> onnx TensorProto.DataType
    np.float32: 1, np.uint8: 2, np.int8: 3, np.int16: 5, np.int32: 6, np.int64: 7, np.bool_: 9, np.float16: 10,
    np.float64: 11,
}


def _varint(n):
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number, value):
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    value = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def identity_onnx(elem_type, shape=("n", 3)):
    """y = Identity(x), x and y of the given element type and shape (ints, or names for variable dims)."""
    dims = b"".join(_field(1, _field(2, d) if isinstance(d, str) else _field(1, d)) for d in shape)
    tensor = _field(1, _field(1, elem_type) + _field(2, dims))  # TypeProto.tensor_type

    def value_info(name):
        return _field(1, name) + _field(2, tensor)

    node = _field(1, "x") + _field(2, "y") + _field(4, "Identity")
    graph = _field(1, node) + _field(2, "identity") + _field(11, value_info("x")) + _field(12, value_info("y"))
    return _field(1, 7) + _field(7, graph) + _field(8, _field(1, "") + _field(2, 13))  # ir 7, opset 13


@pytest.mark.parametrize("dtype", list(ONNX_TYPES), ids=[np.dtype(t).name for t in ONNX_TYPES])
def test_every_dtype_goes_in_and_out(tmp_path, dtype):
    path = tmp_path / "identity.onnx"
    path.write_bytes(identity_onnx(ONNX_TYPES[dtype]))
    predictor = paddle_infer.create_predictor(paddle_infer.Config(str(path)))
    x = (np.arange(12).reshape(4, 3) * 37 % 11).astype(dtype)
    handle = predictor.get_input_handle("x")
    handle.copy_from_cpu(x)
    predictor.run()
    out = predictor.get_output_handle("y")
    got = out.copy_to_cpu()
    assert got.dtype == x.dtype and got.shape == (4, 3) and np.array_equal(got, x)
    assert handle.type() == out.type()
    assert paddle_infer.get_num_bytes_of_data_type(out.type()) == np.dtype(dtype).itemsize
    assert out.type().name == {"bool": "BOOL"}.get(np.dtype(dtype).name, np.dtype(dtype).name.upper())
    shared = np.empty((4, 3), dtype)
    with pytest.warns(oar.UnsupportedOptionWarning, match="copies"):
        out.share_external_data(shared)  # the output lands in this array after each run
    handle.share_external_data(x[::-1].copy())
    predictor.run()
    assert np.array_equal(shared, x[::-1])


def test_tensor_surface(mnist):
    model_dir, x, want = mnist
    predictor = paddle_infer.create_predictor(paddle_infer.Config(model_dir))
    handle = predictor.get_input_handle("x")
    handle.reshape([1, 784])
    assert handle.shape() == [1, 784]
    with pytest.raises(oar.OarError):
        handle.reshape(784)  # Paddle's int form is the shape [784]: rank 1, which this input refuses
    with pytest.raises(TypeError, match="string"):
        handle.copy_from_cpu(["a", "b"])
    with pytest.raises(oar.OarError, match="share_external_data_by_ptr_name"):
        handle.share_external_data_by_ptr_name("ptr", [1, 784], paddle_infer.DataType.FLOAT32,
                                               paddle_infer.PlaceType.CPU)
    with pytest.warns(oar.UnsupportedOptionWarning, match="LoD"):
        handle.set_lod([[0, 1, 3]])
    assert handle.lod() == []
    handle.copy_from_cpu(x)
    predictor.run()
    out = predictor.get_output_handle("softmax_0.tmp_0")
    with pytest.raises(TypeError, match="writable numpy array"):
        out.share_external_data([0.0])
    assert_close(out.copy_to_cpu(), want)


def test_reshape_takes_an_int(tmp_path):
    path = tmp_path / "vector.onnx"
    path.write_bytes(identity_onnx(1, ("n",)))
    predictor = paddle_infer.create_predictor(paddle_infer.Config(str(path)))
    handle = predictor.get_input_handle("x")
    handle.reshape(5)
    assert handle.shape() == [5]
    handle.copy_from_cpu(np.arange(5, dtype=np.float32))
    predictor.run()
    assert predictor.get_output_handle("y").copy_to_cpu().tolist() == [0, 1, 2, 3, 4]


def test_hooks_see_the_model_inputs_and_outputs(mnist):
    model_dir, x, want = mnist
    predictor = paddle_infer.create_predictor(paddle_infer.Config(model_dir))
    seen = []
    with pytest.warns(oar.UnsupportedOptionWarning, match="per-op hooks"):
        predictor.register_input_hook(lambda op, name, t: seen.append((op, name, t)))
        predictor.register_output_hook(lambda op, name, t: seen.append((op, name, t)))
    predictor.run([x])
    assert [(op, name) for op, name, _ in seen] == [("feed", "x"), ("fetch", "softmax_0.tmp_0")]
    assert np.array_equal(seen[0][2], x)
    assert_close(seen[1][2], want)


def test_pool_retrieve_and_module_functions(mnist, tmp_path):
    model_dir, x, want = mnist
    pool = paddle_infer.PredictorPool(paddle_infer.Config(model_dir), 2)
    assert pool.retrieve(1) is pool.retrive(1)
    assert_close(pool.retrieve(1).run([x])[0], want)
    assert paddle_infer.get_trt_compile_version() == (0, 0, 0) == paddle_infer.get_trt_runtime_version()
    assert paddle_infer.get_num_bytes_of_data_type(paddle_infer.DataType.BFLOAT16) == 2
    assert paddle_infer.wrapper.Config is paddle_infer.Config

    mixed_model, mixed_params = tmp_path / "fp16" / "model.pdmodel", tmp_path / "fp16" / "model.pdiparams"
    with pytest.warns(oar.UnsupportedOptionWarning, match="float32 model is copied"):
        paddle_infer.convert_to_mixed_precision(
            os.path.join(model_dir, "model.pdmodel"), os.path.join(model_dir, "model.pdiparams"),
            str(mixed_model), str(mixed_params), PT.Half, paddle_infer.PlaceType.GPU, True, {"softmax"},
            white_list={"fc"},
        )
    assert_close(run_model(paddle_infer.Config(str(mixed_model), str(mixed_params)), x), want)


def test_summary_says_what_runs(mnist):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    config.set_cpu_math_library_num_threads(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", oar.UnsupportedOptionWarning)
        config.enable_use_gpu(100, 0)
        config.enable_tensorrt_engine()
        config.delete_pass("fc_fuse_pass")
    config.delete_pass("fuse_fc")
    text = config.summary()
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in text.splitlines() if line.startswith("|")}
    assert rows["cpu_math_thread"] == "2" and rows["use_gpu"] == "false" and rows["use_tensorrt"] == "false"
    assert rows["enable_mkldnn"] == "false" and rows["deleted_passes"] == "fuse_fc"
    assert rows["passes_oar_lacks"] == "fc_fuse_pass" and "oar" in rows["engine"]
    assert "enable_use_gpu(100, 0" in text and "enable_tensorrt_engine(" in text
