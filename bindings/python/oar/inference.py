"""``paddle.inference`` on oar: the same names, the same calls.

Change ``import paddle.inference as paddle_infer`` to
``import oar.inference as paddle_infer`` (or ``from paddle.fluid.core import
AnalysisConfig`` to ``from oar.inference import AnalysisConfig``) and the rest
of a Paddle Inference script runs on oar.

What oar does with each Config option:

* the model (``Config(...)``, ``set_model``, ``set_prog_file``,
  ``set_params_file``, ``set_model_buffer``), ``set_cpu_math_library_num_threads``,
  ``switch_ir_optim``, ``enable_memory_optim`` and ``delete_pass`` go to
  oar's config (oar.h);
* ``enable_use_gpu``, ``enable_tensorrt_engine``, ``enable_mkldnn`` (and the
  bf16/int8 and other device switches) are asked of the engine; where this
  build cannot honour one, a :class:`oar.UnsupportedOptionWarning` carries
  the engine's reason, the getter (``use_gpu()``, ...) answers False and the
  predictor runs on the CPU in float32. Paddle scripts call
  ``enable_mkldnn()`` routinely, so this is a warning, not an error;
  ``warnings.simplefilter("error", oar.UnsupportedOptionWarning)`` makes it one;
* ``switch_use_feed_fetch_ops``: accepted and recorded. oar never runs feed
  and fetch ops: inputs and outputs are always bound directly (Paddle's
  zero-copy mode), so either value behaves the same;
* ``switch_specify_input_names``: accepted and recorded; oar always
  addresses inputs by name;
* ``disable_glog_info``: accepted and recorded; oar's library never logs;
* ``enable_profile``: each predictor then times its runs;
  ``Predictor.profile()`` returns the count and the wall times (oar has no
  per-op profiler behind this API).

Data: ``copy_from_cpu`` hands a C-contiguous numpy array straight to the
engine, which copies it once into its own buffer (other layouts are made
contiguous first); ``copy_to_cpu`` allocates the result array and the engine
copies into it once. The array's dtype must be the model's: nothing is
converted behind your back. Engine errors raise :class:`oar.OarError` with
the engine's message. The GIL is released while the engine runs.
"""

import enum
import os
import time
import warnings
from ctypes import byref, c_char_p, c_int, c_int64, c_size_t, c_void_p

import numpy as np

from . import _lib
from ._lib import OarError, check, encode, lib

__all__ = [
    "AnalysisConfig",
    "Config",
    "DataType",
    "PlaceType",
    "PrecisionType",
    "Predictor",
    "PredictorPool",
    "Tensor",
    "UnsupportedOptionWarning",
    "create_paddle_predictor",
    "create_predictor",
    "get_version",
]


class UnsupportedOptionWarning(UserWarning):
    """A Config option this build of oar cannot honour; the predictor runs
    on the CPU without it. The message is the engine's."""


class DataType(enum.IntEnum):
    """Element types, with paddle_infer::DataType's values."""

    FLOAT32 = 0
    INT64 = 1
    INT32 = 2
    UINT8 = 3
    INT8 = 4
    FLOAT16 = 5
    BOOL = 6
    FLOAT64 = 7
    INT16 = 100  # oar only: Paddle Inference has no int16 tensors


class PlaceType(enum.IntEnum):
    UNK = -1
    CPU = 0
    GPU = 1
    XPU = 2
    CUSTOM = 3


class PrecisionType(enum.IntEnum):
    Float32 = 0
    Int8 = 1
    Half = 2
    Bfloat16 = 3


# The names Paddle 1.8 / 2.0 used for the same enums.
PaddleDType = DataType
PaddlePlace = PlaceType

_NUMPY_TO_OAR = {
    np.dtype(np.float32): _lib.DTYPE_FLOAT32,
    np.dtype(np.int32): _lib.DTYPE_INT32,
    np.dtype(np.int64): _lib.DTYPE_INT64,
    np.dtype(np.uint8): _lib.DTYPE_UINT8,
    np.dtype(np.int8): _lib.DTYPE_INT8,
    np.dtype(np.float16): _lib.DTYPE_FLOAT16,
    np.dtype(np.bool_): _lib.DTYPE_BOOL,
    np.dtype(np.float64): _lib.DTYPE_FLOAT64,
    np.dtype(np.int16): _lib.DTYPE_INT16,
}
_OAR_TO_NUMPY = {code: dtype for dtype, code in _NUMPY_TO_OAR.items()}
_OAR_TO_DATATYPE = {
    _lib.DTYPE_FLOAT32: DataType.FLOAT32,
    _lib.DTYPE_INT32: DataType.INT32,
    _lib.DTYPE_INT64: DataType.INT64,
    _lib.DTYPE_UINT8: DataType.UINT8,
    _lib.DTYPE_INT8: DataType.INT8,
    _lib.DTYPE_FLOAT16: DataType.FLOAT16,
    _lib.DTYPE_BOOL: DataType.BOOL,
    _lib.DTYPE_FLOAT64: DataType.FLOAT64,
    _lib.DTYPE_INT16: DataType.INT16,
}
_PRECISION_TO_OAR = {
    PrecisionType.Float32: _lib.PRECISION_FLOAT32,
    PrecisionType.Half: _lib.PRECISION_FLOAT16,
    PrecisionType.Bfloat16: _lib.PRECISION_BFLOAT16,
    PrecisionType.Int8: _lib.PRECISION_INT8,
}


def get_version():
    """The engine's version, in the shape of paddle.inference.get_version()."""
    return "version: %s\nengine: oar (paddle.inference API, CPU)" % _lib.version()


def _warn_unsupported(message, stacklevel=3):
    warnings.warn(message, UnsupportedOptionWarning, stacklevel=stacklevel)


def _ask(status, stacklevel=4):
    """True when the engine honours an option; a warning when the build
    cannot (OAR_ERR_UNSUPPORTED); OarError for anything else."""
    if status == _lib.OK:
        return True
    if status == _lib.ERR_UNSUPPORTED:
        _warn_unsupported(_lib.last_error() + "; continuing on the CPU", stacklevel)
        return False
    check(status)
    return False


class Config:
    """paddle.inference.Config. Construct with nothing, a model directory,
    a program file and a params file, or (Paddle 3) a directory and a file
    prefix: ``Config("model_dir", "inference")``."""

    Precision = PrecisionType  # AnalysisConfig.Precision in Paddle 1.8 / 2.0

    def __init__(self, model=None, params=None):
        handle = c_void_p()
        check(lib.oar_config_create(byref(handle)))
        self._handle = handle
        self._model_dir = ""
        self._prog_file = ""
        self._params_file = ""
        self._from_memory = False
        self._use_gpu = False
        self._gpu_device_id = 0
        self._memory_pool_mb = 0
        self._mkldnn = False
        self._tensorrt = False
        self._feed_fetch_ops = True
        self._specify_input_names = False
        self._profile = False
        self._glog_disabled = False
        self._ir_debug = False
        self._optim_cache_dir = ""
        self._mkldnn_cache_capacity = 0
        if model is not None and params is not None:
            self.set_model(model, params)
        elif model is not None:
            self.set_model(model)

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle is not None and lib is not None:
            lib.oar_config_destroy(handle)
            self._handle = None

    # ---- model --------------------------------------------------------------

    def set_model(self, model, params=None):
        """``set_model(model_dir)`` or ``set_model(prog_file, params_file)``
        (also Paddle 3's ``set_model(model_dir, prefix)``)."""
        model = os.fspath(model)
        if params is None:
            self._model_dir, self._prog_file, self._params_file = model, "", ""
        else:
            params = os.fspath(params)
            if os.path.isdir(model) and not os.path.exists(params):
                # Paddle 3: a directory and the file prefix of its model.
                for ext in (".pdmodel", ".json"):
                    prog = os.path.join(model, params + ext)
                    if os.path.exists(prog):
                        model, params = prog, os.path.join(os.path.dirname(prog), params + ".pdiparams")
                        break
            self._model_dir, self._prog_file, self._params_file = "", model, params
        self._from_memory = False

    def set_prog_file(self, prog_file):
        self._prog_file = os.fspath(prog_file)
        self._model_dir = ""
        self._from_memory = False

    def set_params_file(self, params_file):
        self._params_file = os.fspath(params_file)
        self._from_memory = False

    def set_model_buffer(self, prog_buffer, prog_buffer_size=None, params_buffer=None, params_buffer_size=None):
        """``set_model_buffer(prog, prog_size, params, params_size)`` as in
        Paddle, or ``set_model_buffer(prog, params)`` with bytes. Copied."""
        if params_buffer is None and prog_buffer_size is not None and not isinstance(prog_buffer_size, int):
            prog_buffer_size, params_buffer = None, prog_buffer_size  # the two-argument form
        prog = prog_buffer.encode("latin-1") if isinstance(prog_buffer, str) else bytes(prog_buffer)
        params = b""
        if params_buffer is not None:
            params = params_buffer.encode("latin-1") if isinstance(params_buffer, str) else bytes(params_buffer)
        prog_size = len(prog) if prog_buffer_size is None else int(prog_buffer_size)
        params_size = len(params) if params_buffer_size is None else int(params_buffer_size)
        if prog_size > len(prog) or params_size > len(params):
            raise ValueError(
                "set_model_buffer: a size is larger than its buffer (program %d of %d bytes, params %d of %d)"
                % (prog_size, len(prog), params_size, len(params))
            )
        check(lib.oar_config_set_model_buffer(self._handle, prog, prog_size, params or None, params_size))
        self._from_memory = True
        self._model_dir = self._prog_file = self._params_file = ""

    def model_from_memory(self):
        return self._from_memory

    def model_dir(self):
        return self._model_dir

    def prog_file(self):
        return self._prog_file

    def params_file(self):
        return self._params_file

    def _apply_model(self):
        """Hands the model to the engine (Paddle names program and params in
        separate calls, so this waits for create_predictor)."""
        if self._from_memory:
            return
        if self._prog_file:
            check(lib.oar_config_set_model(self._handle, encode(self._prog_file), encode(self._params_file or None)))
        elif self._model_dir:
            check(lib.oar_config_set_model(self._handle, encode(self._model_dir), None))
        elif self._params_file:
            raise OarError(_lib.ERR_MISUSE, "Config: a params file (%s) but no program file" % self._params_file)
        else:
            raise OarError(_lib.ERR_MISUSE, "Config: no model set: use Config(model_dir), set_model or set_model_buffer")

    # ---- CPU --------------------------------------------------------------------

    def set_cpu_math_library_num_threads(self, num_threads):
        check(lib.oar_config_set_num_threads(self._handle, int(num_threads)))

    def cpu_math_library_num_threads(self):
        n = c_int()
        check(lib.oar_config_num_threads(self._handle, byref(n)))
        return n.value

    def enable_mkldnn(self):
        self._mkldnn = _ask(lib.oar_config_enable_onednn(self._handle))

    def disable_mkldnn(self):
        self._mkldnn = False

    def mkldnn_enabled(self):
        return self._mkldnn

    def set_mkldnn_cache_capacity(self, capacity):
        self._mkldnn_cache_capacity = int(capacity)

    def enable_mkldnn_bfloat16(self):
        _ask(lib.oar_config_set_precision(self._handle, _lib.PRECISION_BFLOAT16))

    def enable_mkldnn_int8(self, *args, **kwargs):
        _ask(lib.oar_config_set_precision(self._handle, _lib.PRECISION_INT8))

    # ---- graph --------------------------------------------------------------------

    def switch_ir_optim(self, x=True):
        check(lib.oar_config_set_ir_optim(self._handle, 1 if x else 0))

    def ir_optim(self):
        v = c_int()
        check(lib.oar_config_ir_optim(self._handle, byref(v)))
        return bool(v.value)

    def switch_ir_debug(self, x=True):
        self._ir_debug = bool(x)

    def delete_pass(self, pass_name):
        """Removes an oar pass. A Paddle pass name oar does not have is
        already not run: a warning says so."""
        status = lib.oar_config_delete_pass(self._handle, encode(pass_name))
        if status == _lib.ERR_NOT_FOUND:
            _warn_unsupported("delete_pass: oar has no pass %r, nothing to delete (%s)" % (pass_name, _lib.last_error()))
            return
        check(status)

    def enable_memory_optim(self, x=True):
        check(lib.oar_config_set_memory_optim(self._handle, 1 if x else 0))

    def memory_optim_enabled(self):
        v = c_int()
        check(lib.oar_config_memory_optim(self._handle, byref(v)))
        return bool(v.value)

    def set_optim_cache_dir(self, path):
        self._optim_cache_dir = str(path)

    # ---- accelerators ----------------------------------------------------------------

    def enable_use_gpu(self, memory_pool_init_size_mb, device_id=0, precision_mode=PrecisionType.Float32):
        self._use_gpu = _ask(lib.oar_config_enable_gpu(self._handle, int(device_id), int(memory_pool_init_size_mb)))
        if self._use_gpu:
            self._gpu_device_id = int(device_id)
            self._memory_pool_mb = int(memory_pool_init_size_mb)
            if PrecisionType(precision_mode) != PrecisionType.Float32:
                _ask(lib.oar_config_set_precision(self._handle, _PRECISION_TO_OAR[PrecisionType(precision_mode)]))

    def disable_gpu(self):
        self._use_gpu = False

    def use_gpu(self):
        return self._use_gpu

    def gpu_device_id(self):
        return self._gpu_device_id

    def memory_pool_init_size_mb(self):
        return self._memory_pool_mb

    def enable_tensorrt_engine(
        self,
        workspace_size=1 << 30,
        max_batch_size=1,
        min_subgraph_size=3,
        precision_mode=PrecisionType.Float32,
        use_static=False,
        use_calib_mode=True,
        *args,
        **kwargs
    ):
        precision = _PRECISION_TO_OAR[PrecisionType(precision_mode)]
        self._tensorrt = _ask(lib.oar_config_enable_tensorrt(self._handle, precision))

    def tensorrt_engine_enabled(self):
        return self._tensorrt

    def _not_in_oar(self, what):
        _warn_unsupported("%s is not available in oar; the predictor runs on the CPU" % what, 4)

    def enable_xpu(self, *args, **kwargs):
        self._not_in_oar("Kunlun XPU")

    def enable_custom_device(self, device_type="", *args, **kwargs):
        self._not_in_oar("custom device %r" % device_type)

    def enable_onnxruntime(self):
        self._not_in_oar("ONNX Runtime")

    def enable_lite_engine(self, *args, **kwargs):
        self._not_in_oar("the Paddle Lite subgraph engine")

    # ---- switches oar records ---------------------------------------------------------

    def switch_use_feed_fetch_ops(self, x=True):
        """Recorded only: oar binds inputs and outputs directly either way."""
        self._feed_fetch_ops = bool(x)

    def use_feed_fetch_ops_enabled(self):
        return self._feed_fetch_ops

    def switch_specify_input_names(self, x=True):
        """Recorded only: oar always addresses inputs by name."""
        self._specify_input_names = bool(x)

    def specify_input_name(self):
        return self._specify_input_names

    def enable_profile(self):
        """Predictors made from this config time their runs (Predictor.profile())."""
        self._profile = True

    def profile_enabled(self):
        return self._profile

    def disable_glog_info(self):
        """Recorded only: oar's library never logs."""
        self._glog_disabled = True

    def glog_info_disabled(self):
        return self._glog_disabled

    def is_valid(self):
        return True

    def summary(self):
        rows = [
            ("engine", "oar %s (paddle.inference API)" % _lib.version()),
            ("model_dir", self._model_dir or "-"),
            ("prog_file", self._prog_file or ("(memory buffer)" if self._from_memory else "-")),
            ("params_file", self._params_file or "-"),
            ("cpu_math_threads", self.cpu_math_library_num_threads()),
            ("ir_optim", self.ir_optim()),
            ("memory_optim", self.memory_optim_enabled()),
            ("use_gpu", self._use_gpu),
            ("use_mkldnn (oneDNN)", self._mkldnn),
            ("use_tensorrt", self._tensorrt),
            ("use_feed_fetch_ops", self._feed_fetch_ops),
            ("specify_input_names", self._specify_input_names),
            ("enable_profile", self._profile),
            ("glog_info_disabled", self._glog_disabled),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join("%-*s  %s" % (width, k, v) for k, v in rows) + "\n"

    def __repr__(self):
        return "<oar.inference.Config model=%r>" % (self._prog_file or self._model_dir or None)


AnalysisConfig = Config


class Tensor:
    """A handle on one input or output of a predictor (paddle.inference.Tensor).
    Keeps its predictor alive."""

    def __init__(self, predictor, handle, is_input):
        self._predictor = predictor
        self._handle = handle
        self._is_input = is_input

    def name(self):
        name = c_char_p()
        check(lib.oar_tensor_name(self._handle, byref(name)))
        return name.value.decode()

    def _dtype_code(self):
        code = c_int()
        check(lib.oar_tensor_dtype(self._handle, byref(code)))
        return code.value

    def type(self):
        """The element type as a DataType."""
        code = self._dtype_code()
        if code not in _OAR_TO_DATATYPE:
            raise OarError(_lib.ERR_UNSUPPORTED, "tensor %r has dtype %d, which DataType lacks" % (self.name(), code))
        return _OAR_TO_DATATYPE[code]

    def shape(self):
        """The current shape; -1 marks a dimension not known yet."""
        rank = c_size_t()
        dims = (c_int64 * _lib.MAX_RANK)()
        check(lib.oar_tensor_shape(self._handle, byref(rank), dims, _lib.MAX_RANK))
        return [int(dims[i]) for i in range(min(rank.value, _lib.MAX_RANK))]

    def reshape(self, shape):
        shape = [int(d) for d in shape]
        dims = (c_int64 * max(len(shape), 1))(*shape)
        check(lib.oar_tensor_reshape(self._handle, len(shape), dims))

    def copy_from_cpu(self, data):
        """Sets an input to a numpy array (its shape and data; one copy)."""
        array = np.asarray(data)
        code = _NUMPY_TO_OAR.get(array.dtype)
        if code is None:
            raise TypeError("copy_from_cpu: tensor %r: numpy dtype %s is not supported" % (self.name(), array.dtype))
        if not array.flags.c_contiguous:
            array = np.ascontiguousarray(array)
        self.reshape(array.shape)
        check(lib.oar_tensor_copy_from_host(self._handle, code, c_void_p(array.ctypes.data), array.nbytes))

    def copy_to_cpu(self):
        """The tensor as a new numpy array (one copy)."""
        data = c_void_p()
        check(lib.oar_tensor_data(self._handle, byref(data)))  # no data yet: the engine says why
        code = self._dtype_code()
        dtype = _OAR_TO_NUMPY.get(code)
        if dtype is None:
            raise OarError(_lib.ERR_UNSUPPORTED, "tensor %r has dtype %d, which numpy lacks" % (self.name(), code))
        out = np.empty(self.shape(), dtype=dtype)
        check(lib.oar_tensor_copy_to_host(self._handle, c_void_p(out.ctypes.data), out.nbytes))
        return out

    def lod(self):
        """oar's ops take no LoD: always []."""
        return []

    def set_lod(self, lod):
        if any(len(level) for level in lod):
            _warn_unsupported("set_lod: oar's ops take no LoD; tensor %r ignores it" % self.name())

    def __repr__(self):
        return "<oar.inference.Tensor %r shape=%s>" % (self.name(), self.shape())


ZeroCopyTensor = Tensor


class Predictor:
    """A loaded model (paddle.inference.Predictor). One thread at a time;
    clone() for more threads (clones share the weights)."""

    def __init__(self, handle, profile=False):
        self._handle = handle
        self._profile_on = profile
        self._runs = 0
        self._total_s = 0.0
        self._last_s = 0.0

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle is not None and lib is not None:
            lib.oar_predictor_destroy(handle)
            self._handle = None

    def _names(self, count_fn, name_fn):
        count = c_size_t()
        check(count_fn(self._handle, byref(count)))
        names = []
        for i in range(count.value):
            name = c_char_p()
            check(name_fn(self._handle, i, byref(name)))
            names.append(name.value.decode())
        return names

    def get_input_names(self):
        return self._names(lib.oar_predictor_input_count, lib.oar_predictor_input_name)

    def get_output_names(self):
        return self._names(lib.oar_predictor_output_count, lib.oar_predictor_output_name)

    def get_input_handle(self, name):
        handle = c_void_p()
        check(lib.oar_predictor_get_input(self._handle, encode(name), byref(handle)))
        return Tensor(self, handle, True)

    def get_output_handle(self, name):
        handle = c_void_p()
        check(lib.oar_predictor_get_output(self._handle, encode(name), byref(handle)))
        return Tensor(self, handle, False)

    # Paddle 1.8 / 2.0 names.
    get_input_tensor = get_input_handle
    get_output_tensor = get_output_handle

    def run(self, inputs=None):
        """``run()`` runs on the inputs set through the handles and returns
        None. ``run([array, ...])`` sets the inputs in get_input_names()
        order, runs, and returns the outputs as numpy arrays."""
        if inputs is not None:
            names = self.get_input_names()
            if len(inputs) != len(names):
                raise ValueError("run: the model has %d inputs %s, %d arrays given" % (len(names), names, len(inputs)))
            for name, array in zip(names, inputs):
                self.get_input_handle(name).copy_from_cpu(array)
        start = time.perf_counter() if self._profile_on else 0.0
        check(lib.oar_predictor_run(self._handle))  # the GIL is released during the call
        if self._profile_on:
            self._last_s = time.perf_counter() - start
            self._total_s += self._last_s
            self._runs += 1
        if inputs is not None:
            return [self.get_output_handle(name).copy_to_cpu() for name in self.get_output_names()]
        return None

    def zero_copy_run(self):
        """Paddle 1.8 / 2.0: runs on the inputs set through the handles."""
        self.run()
        return True

    def clone(self):
        handle = c_void_p()
        check(lib.oar_predictor_clone(self._handle, byref(handle)))
        return Predictor(handle, self._profile_on)

    def clear_intermediate_tensor(self):
        """oar keeps its planned working memory; nothing to clear."""

    def try_shrink_memory(self):
        """oar plans its working memory once per input shape; releases nothing, returns 0."""
        return 0

    def profile(self):
        """With Config.enable_profile(): runs so far and their wall times in ms."""
        return {
            "enabled": self._profile_on,
            "runs": self._runs,
            "total_ms": self._total_s * 1e3,
            "last_ms": self._last_s * 1e3,
        }


def create_predictor(config):
    """Loads the model the config names (paddle.inference.create_predictor)."""
    if not isinstance(config, Config):
        raise TypeError("create_predictor: expected an oar.inference.Config, got %s" % type(config).__name__)
    config._apply_model()
    handle = c_void_p()
    status = lib.oar_predictor_create(config._handle, byref(handle))
    check(status)
    return Predictor(handle, config._profile)


create_paddle_predictor = create_predictor


class PredictorPool:
    """``size`` predictors sharing one loaded model (paddle.inference.PredictorPool)."""

    def __init__(self, config, size=1):
        if size < 1:
            raise ValueError("PredictorPool: size must be >= 1, got %d" % size)
        first = create_predictor(config)
        self._predictors = [first] + [first.clone() for _ in range(size - 1)]

    def retrive(self, idx):  # Paddle's spelling
        return self._predictors[idx]

    retrieve = retrive

    def __len__(self):
        return len(self._predictors)
