"""oar.inference against paddle.inference's API, on the MNIST fc+softmax and
digits CNN fixtures (outputs recorded from Paddle Inference)."""

import os
import threading
import warnings

import numpy as np
import pytest

import oar
import oar.inference as paddle_infer
from conftest import MODELS, assert_close, model_case


def make_predictor(model_dir, **options):
    config = paddle_infer.Config(model_dir)
    for name, value in options.items():
        getattr(config, name)(value)
    return paddle_infer.create_predictor(config)


def test_version():
    assert oar.__version__ == oar.version()
    assert oar.__version__ in paddle_infer.get_version()


def test_the_paddle_2x_cycle(mnist):
    model_dir, x, want = mnist
    config = paddle_infer.Config(os.path.join(model_dir, "model.pdmodel"), os.path.join(model_dir, "model.pdiparams"))
    config.disable_gpu()
    config.set_cpu_math_library_num_threads(2)
    config.switch_ir_optim(True)
    config.enable_memory_optim()
    config.disable_glog_info()
    predictor = paddle_infer.create_predictor(config)

    assert predictor.get_input_names() == ["x"]
    assert predictor.get_output_names() == ["softmax_0.tmp_0"]
    handle = predictor.get_input_handle("x")
    assert handle.name() == "x" and handle.type() == paddle_infer.DataType.FLOAT32
    assert handle.shape() == [-1, 784]
    handle.reshape(x.shape)
    handle.copy_from_cpu(x)
    assert handle.shape() == [3, 784]
    assert predictor.run() is None
    out = predictor.get_output_handle("softmax_0.tmp_0")
    assert out.shape() == [3, 10] and out.type() == paddle_infer.DataType.FLOAT32
    assert_close(out.copy_to_cpu(), want)
    assert out.lod() == []
    assert predictor.try_shrink_memory() == 0
    predictor.clear_intermediate_tensor()


def test_run_with_a_list_returns_arrays(digits):
    model_dir, x, want = digits
    predictor = make_predictor(model_dir)
    outs = predictor.run([x])
    assert len(outs) == 1
    assert_close(outs[0], want)
    with pytest.raises(ValueError, match="1 inputs"):
        predictor.run([x, x])


def test_config_getters_and_model_forms(mnist, tmp_path):
    model_dir, x, want = mnist
    prog, params = os.path.join(model_dir, "model.pdmodel"), os.path.join(model_dir, "model.pdiparams")
    config = paddle_infer.Config()
    config.set_prog_file(prog)
    config.set_params_file(params)
    assert (config.prog_file(), config.params_file(), config.model_dir()) == (prog, params, "")
    config.set_cpu_math_library_num_threads(3)
    assert config.cpu_math_library_num_threads() == 3
    config.switch_ir_optim(False)
    assert not config.ir_optim()
    config.enable_memory_optim(False)
    assert not config.memory_optim_enabled()
    config.enable_profile()
    assert config.profile_enabled()
    assert "model_file" in config.summary() and prog in config.summary()
    predictor = paddle_infer.create_predictor(config)
    assert_close(predictor.run([x])[0], want)
    assert predictor.profile()["runs"] == 1

    # Paddle 3: Config(model_dir, file_prefix).
    assert_close(paddle_infer.create_predictor(paddle_infer.Config(model_dir, "model")).run([x])[0], want)
    # set_model(model_dir) and set_model(prog, params).
    c = paddle_infer.Config()
    c.set_model(model_dir)
    assert c.model_dir() == model_dir
    assert_close(paddle_infer.create_predictor(c).run([x])[0], want)


def test_model_buffer_forms(mnist):
    model_dir, x, want = mnist
    with open(os.path.join(model_dir, "model.pdmodel"), "rb") as f:
        prog = f.read()
    with open(os.path.join(model_dir, "model.pdiparams"), "rb") as f:
        params = f.read()
    for args in [(prog, len(prog), params, len(params)), (prog, params)]:
        config = paddle_infer.Config()
        config.set_model_buffer(*args)
        assert config.model_from_memory()
        assert_close(paddle_infer.create_predictor(config).run([x])[0], want)


def test_paddle3_pir_model_forms(tmp_path):
    """The same MNIST model exported by Paddle 3 as a PIR program (model.json + model.pdiparams):
    every way Paddle Inference takes it, with Paddle Inference's output names and values."""
    model_dir = os.path.join(MODELS, "mnist_fc_pir")
    x = np.load(os.path.join(model_dir, "in_x.npy"))
    want = np.load(os.path.join(model_dir, "out_fetch_name_0.npy"))
    prog, params = os.path.join(model_dir, "model.json"), os.path.join(model_dir, "model.pdiparams")
    with open(prog, "rb") as f:
        prog_bytes = f.read()
    with open(params, "rb") as f:
        params_bytes = f.read()
    buffer_config = paddle_infer.Config()
    buffer_config.set_model_buffer(prog_bytes, params_bytes)
    for config in [paddle_infer.Config(prog, params), paddle_infer.Config(model_dir),
                   paddle_infer.Config(model_dir, "model"), buffer_config]:
        predictor = paddle_infer.create_predictor(config)
        assert predictor.get_input_names() == ["x"]
        assert predictor.get_output_names() == ["fetch_name_0"]
        assert_close(predictor.run([x])[0], want)
    # A PIR program under another name is still read by its content.
    other = tmp_path / "weights"
    other.mkdir()
    (other / "program.txt").write_bytes(prog_bytes)
    (other / "params.bin").write_bytes(params_bytes)
    config = paddle_infer.Config(str(other / "program.txt"), str(other / "params.bin"))
    assert_close(paddle_infer.create_predictor(config).run([x])[0], want)


def test_unsupported_options_warn_and_run_on_the_cpu(mnist):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    calls = [
        (lambda: config.enable_use_gpu(100, 0), config.use_gpu, "CUDA"),
        (lambda: config.enable_tensorrt_engine(1 << 30, 1, 3, paddle_infer.PrecisionType.Half), config.tensorrt_engine_enabled, "TensorRT"),
        (config.enable_mkldnn, config.mkldnn_enabled, "oneDNN"),
    ]
    for call, enabled, word in calls:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        if not enabled():  # this build lacks it: a warning with the engine's reason
            assert len(caught) == 1 and caught[0].category is oar.UnsupportedOptionWarning
            assert word in str(caught[0].message), str(caught[0].message)
    assert_close(paddle_infer.create_predictor(config).run([x])[0], want)

    # Options oar has no backend for at all say so too.
    for call in (config.enable_xpu, config.enable_onnxruntime):
        with pytest.warns(oar.UnsupportedOptionWarning, match="not available in oar"):
            call()

    # Users who want a hard failure turn the warning into an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error", oar.UnsupportedOptionWarning)
        if not paddle_infer.Config().use_gpu():
            with pytest.raises(oar.UnsupportedOptionWarning):
                paddle_infer.Config().enable_use_gpu(100, 0)


def test_recorded_switches():
    config = paddle_infer.AnalysisConfig()
    # Paddle 3.3's defaults: no feed/fetch ops (oar never has them).
    assert not config.use_feed_fetch_ops_enabled() and not config.specify_input_name()
    config.switch_use_feed_fetch_ops(True)
    config.switch_specify_input_names(True)
    config.disable_glog_info()
    assert config.use_feed_fetch_ops_enabled() and config.specify_input_name() and config.glog_info_disabled()
    assert paddle_infer.AnalysisConfig.Precision.Float32 == paddle_infer.PrecisionType.Float32
    assert paddle_infer.PlaceType.CPU == 0 and paddle_infer.DataType.INT64 == 1


def test_delete_pass_never_raises_for_a_paddle_pass_name(mnist):
    model_dir, x, want = mnist
    config = paddle_infer.Config(model_dir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", oar.UnsupportedOptionWarning)
        config.delete_pass("conv_transpose_eltwiseadd_bn_fuse_pass")  # every PaddleOCR config does
    assert any("conv_transpose_eltwiseadd_bn_fuse_pass" in str(w.message) for w in caught)
    config.delete_pass("fuse_fc")  # one of oar's: deleted, no warning
    with pytest.raises(oar.OarError):
        config.delete_pass("")
    predictor = paddle_infer.create_predictor(config)
    handle = predictor.get_input_handle("x")
    handle.reshape(x.shape)
    handle.copy_from_cpu(x)
    predictor.run()
    assert_close(predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu(), want)


def test_engine_errors_raise_with_the_engine_message(mnist, tmp_path):
    model_dir, x, want = mnist
    missing = str(tmp_path / "no_model_here")
    with pytest.raises(oar.OarError) as e:
        paddle_infer.create_predictor(paddle_infer.Config(missing))
    assert e.value.status == 2 and missing in str(e.value) and e.value.status_name

    with pytest.raises(oar.OarError, match="no model set"):
        paddle_infer.create_predictor(paddle_infer.Config())

    predictor = make_predictor(model_dir)
    with pytest.raises(oar.OarError) as e:
        predictor.get_input_handle("nope")
    assert "nope" in str(e.value)

    handle = predictor.get_input_handle("x")
    with pytest.raises(oar.OarError, match="float"):
        handle.copy_from_cpu(x.astype(np.float64))  # nothing is converted silently
    with pytest.raises(oar.OarError):
        predictor.get_output_handle("softmax_0.tmp_0").copy_to_cpu()  # no run yet
    handle.copy_from_cpu(np.zeros((3, 100), np.float32))  # another size is taken, as in Paddle...
    with pytest.raises(oar.OarError, match=r"\(op #\d+.*784"):
        predictor.run()  # ...but this network cannot take it: the error names the op
    with pytest.raises(TypeError):
        handle.copy_from_cpu(np.zeros((1, 784), np.complex64))


def test_any_numpy_layout_goes_in(mnist):
    model_dir, x, want = mnist
    predictor = make_predictor(model_dir)
    fortran = np.asfortranarray(x)
    assert not fortran.flags.c_contiguous
    assert_close(predictor.run([fortran])[0], want)
    assert_close(predictor.run([x.tolist() and np.array(x.tolist(), np.float32)])[0], want)


def test_clone_and_pool_share_the_model_across_threads(mnist):
    model_dir, x, want = mnist
    pool = paddle_infer.PredictorPool(paddle_infer.Config(model_dir), 3)
    assert len(pool) == 3 and pool.retrive(0) is not pool.retrive(1)
    results, errors = {}, []

    def work(i):
        try:
            for _ in range(20):
                results[i] = pool.retrive(i).run([x])[0]
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(3):
        assert_close(results[i], want)
    clone = pool.retrive(0).clone()
    assert_close(clone.run([x])[0], want)


def test_tensor_handles_keep_their_predictor_alive(digits):
    model_dir, x, want = digits
    handle = make_predictor(model_dir).get_input_handle("x")
    handle.copy_from_cpu(x)  # the predictor has no other reference now
    predictor = handle._predictor
    predictor.zero_copy_run()
    assert_close(predictor.get_output_tensor("softmax_0.tmp_0").copy_to_cpu(), want)


def test_engine_calls_release_the_gil():
    # ctypes releases the GIL around calls into a CDLL, never a PyDLL.
    import ctypes

    from oar import _lib

    assert isinstance(_lib.lib, ctypes.CDLL) and not isinstance(_lib.lib, ctypes.PyDLL)
    assert not _lib.lib._func_flags_ & ctypes._FUNCFLAG_PYTHONAPI
