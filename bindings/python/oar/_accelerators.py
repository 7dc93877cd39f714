"""The Config options of devices, back ends and precisions this build of
oar does not have (GPU, TensorRT, oneDNN, int8 as a switch for float models, bfloat16 without AVX512-BF16, XPU, IPU, custom
devices, ONNX Runtime, OpenVINO, CINN, Paddle Lite): each is recorded, warns
once per process and leaves its queries False; value settings read back.
Config inherits them from AcceleratorOptions; XpuConfig and InternalUtils
belong to them too."""

import copy
import os

from . import _lib
from ._enums import PRECISION_TO_OAR, PrecisionType
from ._lib import lib

_ON_CPU = "recorded; the predictor runs on the CPU"


class XpuConfig:
    """paddle.inference.XpuConfig: the settings of Config.set_xpu_config.
    oar has no XPU backend; the values are kept and read back, nothing more."""

    device_id = 0
    l3_size = 0
    l3_ptr = None
    l3_autotune_size = 0
    context_gm_size = -1
    context = None
    stream = None
    conv_autotune_level = 0
    conv_autotune_file = ""
    conv_autotune_file_writeback = False
    fc_autotune_level = 0
    fc_autotune_file = ""
    fc_autotune_file_writeback = False
    gemm_compute_precision = 1
    transformer_softmax_optimize_level = 0
    transformer_encoder_adaptive_seqlen = True
    quant_post_static_gelu_out_threshold = 10.0
    quant_post_dynamic_activation_method = 0
    quant_post_dynamic_weight_precision = 1
    quant_post_dynamic_op_types = ()

    def __init__(self):
        self.quant_post_dynamic_op_types = []

    def __repr__(self):
        return "<oar.inference.XpuConfig device_id=%d (oar has no XPU backend)>" % self.device_id


class AcceleratorOptions:
    """The accelerator half of Config (see the module docstring). Uses
    Config's _ask, _ask_precision, _unsupported, _withdraw and _handle."""

    # ---- oneDNN --------------------------------------------------------------------------

    # oneDNN (MKLDNN). A Paddle built without oneDNN logs an error and
    # answers mkldnn_enabled() False after enable_mkldnn(); oar, which has no
    # oneDNN, does the same: the warning says so, and the query stays
    # truthful (Paddle 3.3's x86 wheels, which have oneDNN, answer True,
    # even by default). oar's own AVX2/AVX-512 kernels run either way.

    def enable_mkldnn(self):
        """No oneDNN in oar: warns once; mkldnn_enabled() stays False (as in
        a Paddle built without oneDNN) and oar's own CPU kernels run."""
        self._onednn = self._ask(
            lib.oar_config_enable_onednn(self._handle),
            "onednn",
            "enable_mkldnn",
            after="recorded; mkldnn_enabled() stays False, as in a Paddle built without oneDNN",
        )

    def enable_onednn(self):
        """enable_mkldnn's Paddle 3 name."""
        self._onednn = self._ask(
            lib.oar_config_enable_onednn(self._handle),
            "onednn",
            "enable_onednn",
            after="recorded; onednn_enabled() stays False, as in a Paddle built without oneDNN",
        )

    def disable_mkldnn(self):
        self._onednn = False
        self._withdraw("enable_mkldnn", "enable_onednn")

    def disable_onednn(self):
        self.disable_mkldnn()

    def mkldnn_enabled(self):
        """Whether oneDNN runs: False in oar (see enable_mkldnn)."""
        return self._onednn

    def onednn_enabled(self):
        return self._onednn

    def _onednn_setting(self, call, args):
        if not self._onednn:
            self._unsupported("onednn", call, "this build of oar has no oneDNN backend", args,
                              after="recorded, no effect")

    def set_mkldnn_cache_capacity(self, capacity=0):
        self._onednn_cache_capacity = int(capacity)
        self._onednn_setting("set_mkldnn_cache_capacity", (capacity,))

    def set_onednn_cache_capacity(self, capacity=0):
        self._onednn_cache_capacity = int(capacity)
        self._onednn_setting("set_onednn_cache_capacity", (capacity,))

    def set_mkldnn_op(self, op_list):
        self._onednn_setting("set_mkldnn_op", (set(op_list),))

    def set_onednn_op(self, op_list):
        self._onednn_setting("set_onednn_op", (set(op_list),))

    def disable_mkldnn_fc_passes(self):
        """oar has no oneDNN fc passes: nothing runs that this would disable."""

    def disable_onednn_fc_passes(self):
        """oar has no oneDNN fc passes: nothing runs that this would disable."""

    def enable_mkldnn_bfloat16(self):
        """bfloat16 compute (oar's own AVX512-BF16 kernels, no oneDNN):
        convolutions and fc / matmul on constant weights multiply in
        bfloat16 and accumulate in float32. On a CPU without AVX512-BF16
        warns once and runs in float32."""
        self._ask_precision(PrecisionType.Bfloat16, "bfloat16", "enable_mkldnn_bfloat16")

    def enable_onednn_bfloat16(self):
        self._ask_precision(PrecisionType.Bfloat16, "bfloat16", "enable_onednn_bfloat16")

    def mkldnn_bfloat16_enabled(self):
        return self._precision == _lib.PRECISION_BFLOAT16

    def onednn_bfloat16_enabled(self):
        return self.mkldnn_bfloat16_enabled()

    def set_bfloat16_op(self, op_list):
        if self._precision != _lib.PRECISION_BFLOAT16:
            self._unsupported("bfloat16", "set_bfloat16_op", "bfloat16 is not enabled (enable_mkldnn_bfloat16)",
                              (set(op_list),), after="recorded, no effect; every op runs in float32")

    def enable_mkldnn_int8(self, mkldnn_int8_enabled_op_types=set()):  # noqa: B006 (Paddle's default; not mutated)
        """Not a switch in oar: quantized models (QDQ, Paddle's quantize_linear)
        run in int8 without it, float models stay float32; warns once, saying so."""
        self._ask_precision(PrecisionType.Int8, "int8", "enable_mkldnn_int8", (set(mkldnn_int8_enabled_op_types),))

    def enable_onednn_int8(self, onednn_int8_enabled_op_types=set()):  # noqa: B006
        self._ask_precision(PrecisionType.Int8, "int8", "enable_onednn_int8", (set(onednn_int8_enabled_op_types),))

    def mkldnn_int8_enabled(self):
        return self._precision == _lib.PRECISION_INT8

    def onednn_int8_enabled(self):
        return self.mkldnn_int8_enabled()

    # ---- GPU and precisions --------------------------------------------------------------

    def enable_use_gpu(self, memory_pool_init_size_mb, device_id=0, precision_mode=PrecisionType.Float32):
        """No GPU backend in this build: warns once, use_gpu() stays False,
        the predictor runs on the CPU."""
        args = (memory_pool_init_size_mb, device_id, PrecisionType(precision_mode))
        status = lib.oar_config_enable_gpu(self._handle, int(device_id), int(memory_pool_init_size_mb))
        self._use_gpu = self._ask(status, "gpu", "enable_use_gpu", args)
        if self._use_gpu:
            self._gpu_device_id = int(device_id)
            self._memory_pool_mb = int(memory_pool_init_size_mb)
            self._ask_precision(precision_mode, "precision", "enable_use_gpu", args)

    def disable_gpu(self):
        self._use_gpu = False
        self._withdraw("enable_use_gpu")

    def use_gpu(self):
        return self._use_gpu

    def gpu_device_id(self):
        return self._gpu_device_id

    def memory_pool_init_size_mb(self):
        return self._memory_pool_mb

    def fraction_of_gpu_memory_for_pool(self):
        """0.0: no GPU memory pool."""
        return 0.0

    def _gpu_setting(self, call, what, args=(), kwargs=None):
        if not self._use_gpu:
            self._unsupported("gpu", call, what, args, kwargs)

    def enable_low_precision_io(self, x=True):
        """Inputs and outputs keep the model's dtypes (no GPU half I/O)."""
        if x:
            self._gpu_setting("enable_low_precision_io", "low-precision (GPU half) inputs and outputs are not "
                              "available in this build of oar (no CUDA backend)", (x,))
        else:
            self._withdraw("enable_low_precision_io")

    def exp_enable_mixed_precision_ops(self, op_list):
        self._gpu_setting("exp_enable_mixed_precision_ops", "GPU mixed precision is not available in this build "
                          "of oar (no CUDA backend)", (set(op_list),))

    def exp_disable_mixed_precision_ops(self, op_list):
        self._gpu_setting("exp_disable_mixed_precision_ops", "GPU mixed precision is not available in this build "
                          "of oar (no CUDA backend)", (set(op_list),))

    def exp_enable_use_cutlass(self):
        self._gpu_setting("exp_enable_use_cutlass", "CUTLASS kernels are not available in this build of oar "
                          "(no CUDA backend)")

    def exp_sparse_conv_using_buffer(self, kernels, strides):
        self._gpu_setting("exp_sparse_conv_using_buffer", "GPU sparse convolution is not available in this build "
                          "of oar (no CUDA backend)", (kernels, strides))

    # ---- TensorRT ----------------------------------------------------------------------

    def enable_tensorrt_engine(
        self,
        workspace_size=1 << 30,
        max_batch_size=1,
        min_subgraph_size=3,
        precision_mode=PrecisionType.Float32,
        use_static=False,
        use_calib_mode=True,
        use_cuda_graph=False,
    ):
        """No TensorRT in this build: warns once (with the other TensorRT
        settings), tensorrt_engine_enabled() stays False."""
        self._trt_precision = PrecisionType(precision_mode)
        args = (workspace_size, max_batch_size, min_subgraph_size, self._trt_precision, use_static, use_calib_mode,
                use_cuda_graph)
        status = lib.oar_config_enable_tensorrt(self._handle, PRECISION_TO_OAR[self._trt_precision])
        self._tensorrt = self._ask(status, "tensorrt", "enable_tensorrt_engine", args)

    def tensorrt_engine_enabled(self):
        return self._tensorrt

    def _trt_setting(self, call, args=(), kwargs=None):
        if not self._tensorrt:
            self._unsupported("tensorrt", call, "this build of oar has no TensorRT backend", args, kwargs,
                              after="recorded, no effect; the predictor runs on the CPU")

    def set_trt_dynamic_shape_info(self, min_input_shape={}, max_input_shape={}, optim_input_shape={},  # noqa: B006
                                   disable_trt_plugin_fp16=False):
        self._trt_setting("set_trt_dynamic_shape_info",
                          (dict(min_input_shape), dict(max_input_shape), dict(optim_input_shape),
                           disable_trt_plugin_fp16))

    def tensorrt_dynamic_shape_enabled(self):
        return False

    def enable_tuned_tensorrt_dynamic_shape(self, shape_range_info_path="", allow_build_at_runtime=True):
        self._trt_setting("enable_tuned_tensorrt_dynamic_shape", (shape_range_info_path, allow_build_at_runtime))

    def tuned_tensorrt_dynamic_shape(self):
        return False

    def trt_allow_build_at_runtime(self):
        return False

    def enable_tensorrt_dla(self, dla_core=0):
        self._trt_setting("enable_tensorrt_dla", (dla_core,))

    def tensorrt_dla_enabled(self):
        return False

    def enable_tensorrt_varseqlen(self):
        self._trt_setting("enable_tensorrt_varseqlen")

    def tensorrt_varseqlen_enabled(self):
        return False

    def enable_tensorrt_inspector(self, inspector_serialize=False):
        self._trt_setting("enable_tensorrt_inspector", (inspector_serialize,))

    def tensorrt_inspector_enabled(self):
        return False

    def enable_tensorrt_explicit_quantization(self):
        self._trt_setting("enable_tensorrt_explicit_quantization")

    def tensorrt_explicit_quantization_enabled(self):
        return False

    def enable_tensorrt_memory_optim(self, engine_memory_sharing=True, sharing_identifier=0):
        self._trt_setting("enable_tensorrt_memory_optim", (engine_memory_sharing, sharing_identifier))

    def set_tensorrt_optimization_level(self, level):
        self._trt_optimization_level = int(level)
        self._trt_setting("set_tensorrt_optimization_level", (level,))

    def tensorrt_optimization_level(self):
        return self._trt_optimization_level

    def tensorrt_precision_mode(self):
        """The precision enable_tensorrt_engine asked for (Float32 by default)."""
        return self._trt_precision

    def mark_trt_engine_outputs(self, output_tensor_names=[]):  # noqa: B006
        self._trt_setting("mark_trt_engine_outputs", (list(output_tensor_names),))

    def exp_disable_tensorrt_ops(self, ops):
        self._trt_setting("exp_disable_tensorrt_ops", (list(ops),))

    def exp_disable_tensorrt_subgraph(self, var_name_not_trt):
        self._trt_setting("exp_disable_tensorrt_subgraph", (list(var_name_not_trt),))

    def exp_disable_tensorrt_dynamic_shape_ops(self, trt_forbid_dynamic_op):
        self._trt_setting("exp_disable_tensorrt_dynamic_shape_ops", (trt_forbid_dynamic_op,))

    def exp_specify_tensorrt_subgraph_precision(self, trt_parameters_run_fp16, trt_parameters_run_int8,
                                                trt_parameters_run_bfp16):
        self._trt_setting("exp_specify_tensorrt_subgraph_precision",
                          (list(trt_parameters_run_fp16), list(trt_parameters_run_int8),
                           list(trt_parameters_run_bfp16)))

    def collect_shape_range_info(self, shape_range_info_path):
        """Paddle records every tensor's shape range for TensorRT; oar does
        not: warns once, writes no file, shape_range_info_collected() is False."""
        self._shape_range_info_path = os.fspath(shape_range_info_path)
        self._unsupported("shape_range_info", "collect_shape_range_info",
                          "oar does not collect shape ranges (they feed TensorRT's dynamic shapes)",
                          (self._shape_range_info_path,), after="recorded; no file is written, the predictor runs")

    def shape_range_info_collected(self):
        return False

    def shape_range_info_path(self):
        """The path collect_shape_range_info was given ("" if none)."""
        return self._shape_range_info_path

    # ---- other devices and back ends ----------------------------------------------------------

    def enable_xpu(self, l3_size=16777216, l3_locked=False, conv_autotune=False, conv_autotune_file="",
                   transformer_encoder_precision="int16", transformer_encoder_adaptive_seqlen=False,
                   enable_multi_stream=False):
        self._unsupported("xpu", "enable_xpu", "Kunlun XPU is not available in oar",
                          (l3_size, l3_locked, conv_autotune, conv_autotune_file, transformer_encoder_precision,
                           transformer_encoder_adaptive_seqlen, enable_multi_stream))

    def set_xpu_device_id(self, device_id=0):
        self._xpu_device_id = int(device_id)
        self._unsupported("xpu", "set_xpu_device_id", "Kunlun XPU is not available in oar", (device_id,))

    def set_xpu_config(self, config):
        self._xpu_config = copy.deepcopy(config)
        self._unsupported("xpu", "set_xpu_config", "Kunlun XPU is not available in oar", (config,))

    def use_xpu(self):
        return False

    def xpu_device_id(self):
        return self._xpu_device_id

    def xpu_config(self):
        return self._xpu_config

    def enable_ipu(self, ipu_device_num=1, ipu_micro_batch_size=1, ipu_enable_pipelining=False, ipu_batches_per_step=1):
        self._unsupported("ipu", "enable_ipu", "Graphcore IPU is not available in oar",
                          (ipu_device_num, ipu_micro_batch_size, ipu_enable_pipelining, ipu_batches_per_step))

    def set_ipu_config(self, ipu_enable_fp16=False, ipu_replica_num=1, ipu_available_memory_proportion=1.0,
                       ipu_enable_half_partial=False, ipu_enable_model_runtime_executor=False):
        self._unsupported("ipu", "set_ipu_config", "Graphcore IPU is not available in oar",
                          (ipu_enable_fp16, ipu_replica_num, ipu_available_memory_proportion, ipu_enable_half_partial,
                           ipu_enable_model_runtime_executor))

    def set_ipu_custom_info(self, ipu_custom_ops_info=[], ipu_custom_patterns={}):  # noqa: B006
        self._unsupported("ipu", "set_ipu_custom_info", "Graphcore IPU is not available in oar",
                          (list(ipu_custom_ops_info), dict(ipu_custom_patterns)))

    def load_ipu_config(self, config_path):
        self._unsupported("ipu", "load_ipu_config", "Graphcore IPU is not available in oar", (os.fspath(config_path),))

    def enable_custom_device(self, device_type, device_id=0, precision=PrecisionType.Float32):
        self._unsupported("custom_device", "enable_custom_device",
                          "custom device %r is not available in oar" % (device_type,),
                          (device_type, device_id, PrecisionType(precision)))

    def enable_onnxruntime(self):
        """Paddle's ONNX Runtime back end: not available in oar (oar runs
        the model itself); warns once, onnxruntime_enabled() stays False."""
        self._unsupported("onnxruntime", "enable_onnxruntime",
                          "the ONNX Runtime back end is not available in oar")

    def enable_ort_optimization(self):
        self._unsupported("onnxruntime", "enable_ort_optimization",
                          "the ONNX Runtime back end is not available in oar", after="recorded, no effect")

    def disable_onnxruntime(self):
        self._withdraw("enable_onnxruntime", "enable_ort_optimization")

    def onnxruntime_enabled(self):
        return False

    def enable_openvino_engine(self, inference_precision=PrecisionType.Float32):
        self._unsupported("openvino", "enable_openvino_engine", "the OpenVINO back end is not available in oar",
                          (PrecisionType(inference_precision),))

    def openvino_engine_enabled(self):
        return False

    def enable_cinn(self):
        self._unsupported("cinn", "enable_cinn", "the CINN compiler is not available in oar")

    def enable_lite_engine(self, *args, **kwargs):
        """Paddle 2.x: the Paddle Lite subgraph engine; not available in oar."""
        self._unsupported("lite", "enable_lite_engine", "the Paddle Lite subgraph engine is not available in oar",
                          args, kwargs)

    def lite_engine_enabled(self):
        """Paddle 2.x: whether the Paddle Lite engine runs: never in oar.
        (Paddle 3.3 dropped this query; PaddleDetection's XPU path still
        calls it, and fails on Paddle 3.3 with an AttributeError.)"""
        return False



class InternalUtils:
    """paddle.inference.InternalUtils: TensorRT-only settings, recorded on
    the config (with the TensorRT warning: no TensorRT in this build)."""

    @staticmethod
    def disable_tensorrt_half_ops(config, ops):
        config._trt_setting("InternalUtils.disable_tensorrt_half_ops", (set(ops),))

    @staticmethod
    def set_transformer_maskid(config, tensor_name):
        config._trt_setting("InternalUtils.set_transformer_maskid", (tensor_name,))

    @staticmethod
    def set_transformer_posid(config, tensor_name):
        config._trt_setting("InternalUtils.set_transformer_posid", (tensor_name,))
