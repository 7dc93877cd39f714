"""``paddle.inference`` on oar: the same names, the same calls.

Change ``import paddle.inference as paddle_infer`` to
``import oar.inference as paddle_infer`` (or ``from paddle.fluid.core import
AnalysisConfig`` to ``from oar.inference import AnalysisConfig``) and the rest
of a Paddle Inference script runs on oar. Every public name of Paddle 3.3's
``paddle.inference`` (its Config, Predictor, Tensor, PredictorPool, enums and
functions) is here, with Paddle's parameters and defaults, and the enums have
Paddle's values.

What oar does with the Config options:

* done by oar: the model (``Config(...)``, ``set_model``, ``set_prog_file``,
  ``set_params_file``, ``set_model_buffer``), ``set_cpu_math_library_num_threads``,
  ``switch_ir_optim``, ``enable_memory_optim``, ``delete_pass`` and
  ``pass_builder()`` (oar's own passes), ``enable_profile`` (per-node times
  in ``Predictor.profile()``), ``Config(other)`` copies, ``summary()``;
* not in this build, so recorded, warned once per process with
  :class:`oar.UnsupportedOptionWarning`, and the predictor runs on the CPU:
  GPU (``enable_use_gpu`` and the GPU-only ``exp_*`` / low-precision I/O),
  TensorRT (``enable_tensorrt_engine`` and every TensorRT setting,
  ``collect_shape_range_info``), oneDNN (``enable_mkldnn`` /
  ``enable_onednn`` and their settings), bfloat16 / int8 / half compute, XPU,
  IPU, custom devices, ONNX Runtime, OpenVINO, CINN, Paddle Lite, per-pass
  graph dumps (``switch_ir_debug``), saved optimized models, passes oar does
  not have. Queries answer what runs: ``use_gpu()``, ``mkldnn_enabled()``,
  ``tensorrt_engine_enabled()``, ``onnxruntime_enabled()``, ... stay False
  (as in a Paddle built without these), value queries read back what was set.
  Paddle scripts call ``enable_mkldnn()`` routinely, so this is a warning,
  not an error; ``warnings.simplefilter("error", oar.UnsupportedOptionWarning)``
  makes every such call raise, ``"ignore"`` silences them;
* recorded, no effect, no warning (nothing to honour: the result and the
  engine are the same either way): ``switch_use_feed_fetch_ops`` (oar binds
  inputs and outputs directly), ``switch_specify_input_names``,
  ``disable_glog_info`` (oar never logs), ``enable_new_ir`` /
  ``enable_new_executor`` (Paddle's internals; oar reads either program
  format), ``set_optimization_level``, ``set_optim_cache_dir``, the
  ``disable_*`` calls of things oar does not have.

Predictor: ``run()`` / ``run([arrays])``, ``clone()``, handles; hooks
(``register_input_hook`` / ``register_output_hook``) are called after each
run for the model's inputs / outputs only (oar has no per-op hooks; warned
once). Tensor: ``copy_from_cpu`` hands a C-contiguous numpy array straight to
the engine, which copies it once into its own buffer (other layouts are made
contiguous first); ``copy_to_cpu`` allocates the result array and the engine
copies into it once; every dtype oar has goes both ways (float32/64, float16,
int8/16/32/64, uint8, bool). The array's dtype must be the model's: nothing
is converted behind your back. ``share_external_data`` copies too (warned
once). Engine errors raise :class:`oar.OarError` with the engine's message.
The GIL is released while the engine runs.
"""

import os
import shutil
import sys

from . import _lib
from ._accelerators import InternalUtils, XpuConfig
from ._config import Config
from ._enums import DATATYPE_BYTES, DataType, PlaceType, PrecisionType
from ._predictor import Predictor, PredictorPool, Tensor, create_predictor
from ._unsupported import UnsupportedOptionWarning, warn_once

__all__ = [
    "AnalysisConfig",
    "Config",
    "DataType",
    "InternalUtils",
    "PlaceType",
    "PrecisionType",
    "Predictor",
    "PredictorPool",
    "Tensor",
    "UnsupportedOptionWarning",
    "XpuConfig",
    "convert_to_mixed_precision",
    "create_paddle_predictor",
    "create_predictor",
    "get_num_bytes_of_data_type",
    "get_trt_compile_version",
    "get_trt_runtime_version",
    "get_version",
]

# The names Paddle 1.8 / 2.0 used.
AnalysisConfig = Config
PaddleDType = DataType
PaddlePlace = PlaceType
create_paddle_predictor = create_predictor
ZeroCopyTensor = Tensor

for _cls in (Config, InternalUtils, XpuConfig, DataType, PlaceType, PrecisionType, Predictor, PredictorPool, Tensor,
             UnsupportedOptionWarning):
    _cls.__module__ = __name__
del _cls

# paddle.inference.wrapper is the module Paddle implements these names in;
# here it is this module.
wrapper = sys.modules[__name__]


def get_version():
    """The engine's version, in the shape of paddle.inference.get_version()."""
    return "version: %s\nengine: oar (paddle.inference API, CPU)" % _lib.version()


def get_num_bytes_of_data_type(dtype):
    """Bytes per element of a DataType. (Paddle 3.3 answers -1 for every
    type but float32, int64, int32 and uint8; oar gives the size.)"""
    return DATATYPE_BYTES[DataType(dtype)]


def get_trt_compile_version():
    """(0, 0, 0): this build has no TensorRT (as Paddle without TensorRT says)."""
    return (0, 0, 0)


def get_trt_runtime_version():
    """(0, 0, 0): this build has no TensorRT (as Paddle without TensorRT says)."""
    return (0, 0, 0)


def convert_to_mixed_precision(
    model_file,
    params_file,
    mixed_model_file,
    mixed_params_file,
    mixed_precision,
    backend,
    keep_io_types=True,
    black_list=set(),  # noqa: B006 (Paddle's default; not mutated)
    **kwargs
):
    """Paddle rewrites a float32 model to float16 / bfloat16. oar has no
    low-precision compute (and no model writer), so it copies the float32
    model and params to ``mixed_model_file`` / ``mixed_params_file`` (warned
    once): the script's next step, which loads them, runs in float32 on the
    CPU. A Float32 ``mixed_precision`` is a plain copy, with no warning."""
    if PrecisionType(mixed_precision) != PrecisionType.Float32:
        warn_once(
            "convert_to_mixed_precision",
            "convert_to_mixed_precision: oar has no %s compute and does not convert models; the float32 model is "
            "copied to %r, and the predictor loading it runs in float32 on the CPU"
            % (PrecisionType(mixed_precision).name, os.fspath(mixed_model_file)),
        )
    pairs = [(model_file, mixed_model_file)]
    if params_file and mixed_params_file:
        pairs.append((params_file, mixed_params_file))
    for src, dst in pairs:
        src, dst = os.fspath(src), os.fspath(dst)
        if os.path.dirname(dst):
            os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.abspath(src) != os.path.abspath(dst):
            shutil.copyfile(src, dst)
