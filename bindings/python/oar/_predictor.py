"""paddle.inference's Predictor, Tensor and PredictorPool on oar.

The hot path (copy_from_cpu, run, copy_to_cpu, run([arrays])) goes through
the compiled module oar._fast when it is built (one C call each, the GIL
released during runs); otherwise, or with OAR_NO_FAST=1 in the environment,
through ctypes. ``oar._fast`` is None when the ctypes path is in use. Both
give the same results and the same errors."""

import ctypes
import os
import time
from ctypes import byref, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint64, c_void_p

import numpy as np

from . import _lib
from ._config import Config
from ._enums import NUMPY_TO_OAR, OAR_TO_DATATYPE, OAR_TO_NUMPY
from ._lib import OarError, check, encode, lib
from ._unsupported import warn_once


def _load_fast():
    """oar._fast bound to the engine ctypes loaded, or None (not built, or OAR_NO_FAST set)."""
    if os.environ.get("OAR_NO_FAST"):
        return None
    try:
        from . import _fast as module
    except ImportError:
        return None
    names = (
        "oar_predictor_run",
        "oar_last_error",
        "oar_tensor_reshape",
        "oar_tensor_copy_from_host",
        "oar_tensor_dtype",
        "oar_tensor_shape",
        "oar_tensor_copy_to_host",
        "oar_tensor_data",
    )
    addresses = tuple(ctypes.cast(getattr(lib, name), c_void_p).value for name in names)
    dtypes = [OAR_TO_NUMPY.get(code) for code in range(max(OAR_TO_NUMPY) + 1)]
    module.init(addresses, OarError, np.empty, np.ndarray, dtypes)
    return module


_fast = _load_fast()


class Tensor:
    """A handle on one input or output of a predictor (paddle.inference.Tensor).
    Keeps its predictor alive."""

    def __init__(self, predictor, handle, is_input):
        self._predictor = predictor
        self._handle = handle
        self._address = handle.value  # what oar._fast takes
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
        if code not in OAR_TO_DATATYPE:
            raise OarError(_lib.ERR_UNSUPPORTED, "tensor %r has dtype %d, which DataType lacks" % (self.name(), code))
        return OAR_TO_DATATYPE[code]

    def shape(self):
        """The current shape; -1 marks a dimension not known yet."""
        rank = c_size_t()
        dims = (c_int64 * _lib.MAX_RANK)()
        check(lib.oar_tensor_shape(self._handle, byref(rank), dims, _lib.MAX_RANK))
        return [int(dims[i]) for i in range(min(rank.value, _lib.MAX_RANK))]

    def reshape(self, shape):
        """Sets an input's shape: a list of dims, or (Paddle's second form)
        one int, the shape ``[n]``."""
        shape = [int(shape)] if isinstance(shape, (int, np.integer)) else [int(d) for d in shape]
        dims = (c_int64 * max(len(shape), 1))(*shape)
        check(lib.oar_tensor_reshape(self._handle, len(shape), dims))

    def copy_from_cpu(self, data):
        """Sets an input to a numpy array (its shape and data; one copy).
        Any array-like is taken; its dtype must be the model's."""
        if _fast is not None and _fast.feed(self._address, data):
            return
        if isinstance(data, list) and data and isinstance(data[0], str):
            raise TypeError("copy_from_cpu: tensor %r: oar has no string tensors (list[str] input)" % self.name())
        array = np.asarray(data)
        code = NUMPY_TO_OAR.get(array.dtype)
        if code is None:
            raise TypeError("copy_from_cpu: tensor %r: numpy dtype %s is not supported" % (self.name(), array.dtype))
        if not array.flags.c_contiguous:
            array = np.ascontiguousarray(array)
        self.reshape(array.shape)
        check(lib.oar_tensor_copy_from_host(self._handle, code, c_void_p(array.ctypes.data), array.nbytes))

    def _numpy_dtype(self):
        code = self._dtype_code()
        dtype = OAR_TO_NUMPY.get(code)
        if dtype is None:
            raise OarError(_lib.ERR_UNSUPPORTED, "tensor %r has dtype %d, which numpy lacks" % (self.name(), code))
        return dtype

    def copy_to_cpu(self):
        """The tensor as a new numpy array (one copy)."""
        if _fast is not None:
            out = _fast.fetch(self._address)
            if out is not None:
                return out
        data = c_void_p()
        check(lib.oar_tensor_data(self._handle, byref(data)))  # no data yet: the engine says why
        out = np.empty(self.shape(), dtype=self._numpy_dtype())
        check(lib.oar_tensor_copy_to_host(self._handle, c_void_p(out.ctypes.data), out.nbytes))
        return out

    def _copy_into(self, array):
        """Copies this tensor into an existing array of its dtype and size."""
        want = self._numpy_dtype()
        shape = self.shape()
        if array.dtype != want or array.size != int(np.prod(shape, dtype=np.int64)):
            raise OarError(
                _lib.ERR_INVALID_ARGUMENT,
                "share_external_data: output %r is %s %s, the shared array is %s %s"
                % (self.name(), want, shape, array.dtype, list(array.shape)),
            )
        if array.flags.c_contiguous:
            check(lib.oar_tensor_copy_to_host(self._handle, c_void_p(array.ctypes.data), array.nbytes))
        else:
            np.copyto(array, self.copy_to_cpu().reshape(array.shape))

    def share_external_data(self, data):
        """Paddle runs on the caller's memory here; oar.h cannot, so it
        copies (warns once): an input takes a copy of ``data`` now (call
        again after changing it), an output is copied into ``data`` (a
        writable numpy array of its dtype and size) after every run. Any
        array-like (a paddle.Tensor on the CPU, ...) works for inputs."""
        if self._is_input:
            self.copy_from_cpu(data)
        elif not isinstance(data, np.ndarray) or not data.flags.writeable:
            raise TypeError("share_external_data: output %r needs a writable numpy array, got %s"
                            % (self.name(), type(data).__name__))
        else:
            self._predictor._shared_outputs[self.name()] = data
        warn_once(
            "share_external_data",
            "share_external_data: oar cannot run on memory it does not own; it copies (an input now, an "
            "output into your array after each run), so later changes to an input array need another call",
        )

    def share_external_data_by_ptr_name(self, data, shape, dtype, place):
        """Paddle binds a named device pointer; oar has none: OarError."""
        raise OarError(
            _lib.ERR_UNSUPPORTED,
            "share_external_data_by_ptr_name: oar has no named device pointers (%r); use copy_from_cpu" % (data,),
        )

    def lod(self):
        """oar's ops take no LoD: always []."""
        return []

    def set_lod(self, lod):
        """oar's ops take no LoD: a non-empty one warns once and is ignored."""
        if any(len(level) for level in lod):
            warn_once("lod", "set_lod: oar's ops take no LoD; tensor %r ignores it" % self.name())

    def __repr__(self):
        return "<oar.inference.Tensor %r shape=%s>" % (self.name(), self.shape())


class Predictor:
    """A loaded model (paddle.inference.Predictor): ``Predictor(config)``
    or ``create_predictor(config)``. One thread at a time; clone() for more
    threads (clones share the weights)."""

    def __init__(self, config):
        if not isinstance(config, Config):
            raise TypeError("Predictor: expected an oar.inference.Config, got %s" % type(config).__name__)
        config._apply_model()
        handle = c_void_p()
        check(lib.oar_predictor_create(config._handle, byref(handle)))
        self._setup(handle, config._profile)

    @classmethod
    def _wrap(cls, handle, profile):
        self = cls.__new__(cls)
        self._setup(handle, profile)
        return self

    def _setup(self, handle, profile):
        self._handle = handle
        self._address = handle.value  # what oar._fast takes
        # (name, is_input) -> handle: oar gives the same handle every time. Not
        # the Tensors, which keep their predictor alive (a cycle would delay
        # freeing the engine's predictor until the garbage collector runs).
        self._handles = {}
        self._io = None  # (input names, output names, input handles, output handles)
        self._fast_io = None  # their addresses, for oar._fast.run_arrays
        self._profile_on = profile
        self._runs = 0
        self._total_s = 0.0
        self._last_s = 0.0
        self._input_hooks = []
        self._output_hooks = []
        self._shared_outputs = {}

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

    def _tensor(self, name, is_input):
        handle = self._handles.get((name, is_input))
        if handle is None:
            handle = c_void_p()
            get = lib.oar_predictor_get_input if is_input else lib.oar_predictor_get_output
            check(get(self._handle, encode(name), byref(handle)))
            self._handles[(name, is_input)] = handle
        return Tensor(self, handle, is_input)

    def get_input_handle(self, name):
        return self._tensor(name, True)

    def get_output_handle(self, name):
        return self._tensor(name, False)

    def _io_handles(self):
        """(input names, output names, input Tensors, output Tensors)."""
        if self._io is None:
            names_in, names_out = self.get_input_names(), self.get_output_names()
            handles_in = [self._tensor(name, True)._handle for name in names_in]
            handles_out = [self._tensor(name, False)._handle for name in names_out]
            self._io = (names_in, names_out, handles_in, handles_out)
        names_in, names_out, handles_in, handles_out = self._io
        return (
            names_in,
            names_out,
            [Tensor(self, h, True) for h in handles_in],
            [Tensor(self, h, False) for h in handles_out],
        )

    def _feed_at(self, index, array):
        """copy_from_cpu on input ``index``: oar._fast.run_arrays's way back for what it cannot take."""
        Tensor(self, self._io[2][index], True).copy_from_cpu(array)

    def _fetch_at(self, index):
        """copy_to_cpu on output ``index``: oar._fast.run_arrays's way back for a dtype numpy lacks."""
        return Tensor(self, self._io[3][index], False).copy_to_cpu()

    # Paddle 1.8 / 2.0 names.
    get_input_tensor = get_input_handle
    get_output_tensor = get_output_handle

    def run(self, inputs=None):
        """``run()`` runs on the inputs set through the handles and returns
        None. ``run([array, ...])`` sets the inputs in get_input_names()
        order, runs, and returns the outputs as numpy arrays."""
        plain = not (self._profile_on or self._shared_outputs or self._input_hooks or self._output_hooks)
        if inputs is not None:
            if _fast is not None and plain and self._fast_io is not None and len(inputs) == len(self._fast_io[0]):
                return _fast.run_arrays(self._address, self._fast_io[0], self._fast_io[1], inputs, self)
            names, _, tensors_in, tensors_out = self._io_handles()
            if len(inputs) != len(names):
                raise ValueError("run: the model has %d inputs %s, %d arrays given" % (len(names), names, len(inputs)))
            if _fast is not None and plain:
                self._fast_io = (tuple(t._address for t in tensors_in), tuple(t._address for t in tensors_out))
                return _fast.run_arrays(self._address, self._fast_io[0], self._fast_io[1], inputs, self)
            for tensor, array in zip(tensors_in, inputs):
                tensor.copy_from_cpu(array)
        elif _fast is not None and plain:
            _fast.run(self._address)
            return None
        start = time.perf_counter() if self._profile_on else 0.0
        check(lib.oar_predictor_run(self._handle))  # the GIL is released during the call
        if self._profile_on:
            self._last_s = time.perf_counter() - start
            self._total_s += self._last_s
            self._runs += 1
        for name, array in self._shared_outputs.items():
            self.get_output_handle(name)._copy_into(array)
        if self._input_hooks or self._output_hooks:
            self._call_hooks()
        if inputs is not None:
            return [tensor.copy_to_cpu() for tensor in tensors_out]
        return None

    def zero_copy_run(self):
        """Paddle 1.8 / 2.0: runs on the inputs set through the handles."""
        self.run()
        return True

    def _call_hooks(self):
        for hook in self._input_hooks:
            for name in self.get_input_names():
                hook("feed", name, self.get_input_handle(name).copy_to_cpu())
        for hook in self._output_hooks:
            for name in self.get_output_names():
                hook("fetch", name, self.get_output_handle(name).copy_to_cpu())

    def register_input_hook(self, hookfunc):
        """Paddle calls ``hookfunc(op_type, tensor_name, tensor)`` for every
        op's inputs; oar has no per-op hooks (warns once): after each run it
        calls it for each model input, as ``("feed", name, numpy array)``."""
        warn_once("hooks", "register_input_hook: oar has no per-op hooks; the hook is called after each run for "
                  "each model input only, as (\"feed\", name, numpy array)")
        self._input_hooks.append(hookfunc)

    def register_output_hook(self, hookfunc):
        """Paddle calls ``hookfunc(op_type, tensor_name, tensor)`` for every
        op's outputs; oar has no per-op hooks (warns once): after each run it
        calls it for each model output, as ``("fetch", name, numpy array)``."""
        warn_once("hooks", "register_output_hook: oar has no per-op hooks; the hook is called after each run for "
                  "each model output only, as (\"fetch\", name, numpy array)")
        self._output_hooks.append(hookfunc)

    def clone(self):
        """A predictor sharing the loaded weights, with its own inputs,
        outputs and working memory (no hooks, no shared outputs)."""
        handle = c_void_p()
        check(lib.oar_predictor_clone(self._handle, byref(handle)))
        return Predictor._wrap(handle, self._profile_on)

    def clear_intermediate_tensor(self):
        """oar keeps its planned working memory; nothing to clear."""

    def try_shrink_memory(self):
        """oar plans its working memory once per input shape; releases nothing, returns 0."""
        return 0

    def profile(self):
        """With Config.enable_profile(): the runs so far, their wall times
        in ms, and per executed node (run order) the kernel that ran and its
        time summed over the runs with the current input shapes."""
        nodes = []
        count, runs = c_size_t(), c_uint64()
        if self._profile_on and self._runs:
            check(lib.oar_predictor_profile_count(self._handle, byref(count), byref(runs)))
            for i in range(count.value):
                node, kernel, seconds = c_char_p(), c_char_p(), c_double()
                check(lib.oar_predictor_profile_entry(self._handle, i, byref(node), byref(kernel), byref(seconds)))
                nodes.append({"node": node.value.decode(), "kernel": kernel.value.decode(), "ms": seconds.value * 1e3})
        return {
            "enabled": self._profile_on,
            "runs": self._runs,
            "total_ms": self._total_s * 1e3,
            "last_ms": self._last_s * 1e3,
            "nodes": nodes,
            "node_runs": runs.value,  # the runs the node times sum over
        }


def create_predictor(config):
    """Loads the model the config names (paddle.inference.create_predictor)."""
    if not isinstance(config, Config):
        raise TypeError("create_predictor: expected an oar.inference.Config, got %s" % type(config).__name__)
    return Predictor(config)


class PredictorPool:
    """``size`` predictors sharing one loaded model (paddle.inference.PredictorPool)."""

    def __init__(self, config, size=1):
        if size < 1:
            raise ValueError("PredictorPool: size must be >= 1, got %d" % size)
        first = create_predictor(config)
        self._predictors = [first] + [first.clone() for _ in range(size - 1)]

    def retrieve(self, idx):
        return self._predictors[idx]

    retrive = retrieve  # the spelling of Paddle 2.x

    def __len__(self):
        return len(self._predictors)
