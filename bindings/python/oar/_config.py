"""paddle.inference.Config on oar (see oar.inference's docstring for the
rules): the model, CPU, graph and recorded options, the machinery that
records and warns about what this build cannot honour, summary(), and
Config.pass_builder()'s PassBuilder and to_native_config()'s NativeConfig.
The device / back-end / precision options are in _accelerators.py."""

import copy
import os
from ctypes import byref, c_int, c_void_p

from . import _lib
from ._accelerators import _ON_CPU, AcceleratorOptions, XpuConfig
from ._enums import PRECISION_TO_OAR, PrecisionType
from ._lib import OarError, check, encode, lib
from ._unsupported import warn_once


def _engine_reason():
    """This thread's engine message without its C function prefix."""
    message = _lib.last_error()
    if message.startswith("oar_") and ": " in message:
        message = message.split(": ", 1)[1]
    return message


def _call_repr(call, args, kwargs):
    parts = [repr(a) for a in args] + ["%s=%r" % kv for kv in kwargs.items()]
    return "%s(%s)" % (call, ", ".join(parts))


class NativeConfig:
    """What Config.to_native_config() returns: the fields of Paddle's
    deprecated NativeConfig, copied from the Config."""

    def __init__(self, config):
        self.model_dir = config.model_dir()
        self.prog_file = config.prog_file()
        self.param_file = config.params_file()
        self.use_gpu = config.use_gpu()
        self.use_xpu = config.use_xpu()
        self.device = config.gpu_device_id()
        self.fraction_of_gpu_memory = config.fraction_of_gpu_memory_for_pool()
        self.specify_input_name = config.specify_input_name()
        self._threads = config.cpu_math_library_num_threads()

    def cpu_math_library_num_threads(self):
        return self._threads

    def set_cpu_math_library_num_threads(self, num_threads):
        self._threads = int(num_threads)


class PassBuilder:
    """What Config.pass_builder() returns: oar's pass pipeline for this
    config (``oar info --passes`` lists it). Passes can be deleted and
    re-added; oar cannot add a pass it does not have (a Paddle pass name
    warns once) nor change the order of its pipeline, which is fixed."""

    def __init__(self, config):
        self._config = config

    def all_passes(self):
        """oar's passes that will run, in pipeline order."""
        return [name for name, _ in _lib.passes() if name not in self._config._deleted]

    def analysis_passes(self):
        """Paddle's analysis phases (ir_graph_build_pass, ...) have no
        counterpart to configure in oar: always []."""
        return []

    def append_analysis_pass(self, pass_name):
        self._config._unsupported(
            "analysis_pass:%s" % pass_name,
            "append_analysis_pass",
            "oar has no analysis pass %r to append (its analysis is not configurable)" % pass_name,
            (pass_name,),
        )

    def append_pass(self, pass_name):
        """Re-adds one of oar's passes that was deleted (it runs at its own
        place in the pipeline); a pass oar lacks warns once."""
        self._config._add_pass(pass_name, "append_pass")

    def insert_pass(self, idx, pass_name):
        """As append_pass: oar's pipeline order is fixed, ``idx`` is ignored."""
        self._config._add_pass(pass_name, "insert_pass")

    def delete_pass(self, pass_name):
        self._config.delete_pass(pass_name)

    def set_passes(self, passes):
        """Runs exactly the oar passes named (in oar's order); oar passes not
        named are deleted, names oar lacks warn once each."""
        wanted = [str(p) for p in passes]
        for name, _ in _lib.passes():
            if name not in wanted and name not in self._config._deleted:
                self._config.delete_pass(name)
        for name in wanted:
            self._config._add_pass(name, "set_passes")

    def turn_on_debug(self):
        self._config.switch_ir_debug(True)

    def debug_string(self):
        lines = ["oar pass pipeline (%s):" % ("on" if self._config.ir_optim() else "off: switch_ir_optim(False)")]
        for name, summary in _lib.passes():
            state = "deleted" if name in self._config._deleted else "runs"
            lines.append("  %-32s %-8s %s" % (name, state, summary))
        return "\n".join(lines) + "\n"


class Config(AcceleratorOptions):
    """paddle.inference.Config (AnalysisConfig). Constructed as in Paddle:
    ``Config()``, ``Config(other_config)`` (a copy), ``Config(model_dir)``,
    ``Config(prog_file, params_file)``, and Paddle 3's ``Config(model_dir,
    file_prefix)``.

    Options oar has (threads, IR optimization, memory reuse, pass deletion,
    profiling, the model) go to the engine. Options this build cannot
    honour are recorded (``summary()`` lists them), warn once per process
    with :class:`oar.UnsupportedOptionWarning`, and the predictor runs on
    the CPU. Queries answer what runs: ``use_gpu()``, ``mkldnn_enabled()``,
    ``tensorrt_engine_enabled()``, ... are False here; value queries
    (``tensorrt_precision_mode()``, ``xpu_device_id()``, ...) read back what
    was set."""

    Precision = PrecisionType
    Float32 = PrecisionType.Float32
    Int8 = PrecisionType.Int8
    Half = PrecisionType.Half
    Bfloat16 = PrecisionType.Bfloat16

    def __init__(self, model=None, params=None):
        handle = c_void_p()
        check(lib.oar_config_create(byref(handle)))
        self._handle = handle
        self._init_state()
        if isinstance(model, Config):
            if params is not None:
                raise TypeError("Config(other): a copy takes no second argument")
            self._copy_from(model)
        elif model is not None and params is not None:
            self.set_model(model, params)
        elif model is not None:
            self.set_model(model)

    def _init_state(self):
        # The model: applied at predictor creation (Paddle names the
        # program and the params in separate calls), except buffers.
        self._model_dir = ""
        self._prog_file = ""
        self._params_file = ""
        self._from_memory = False
        self._buffers = None  # (program bytes, params bytes), kept for copies
        # oar's own options not readable back from the engine.
        self._deleted = []  # oar passes deleted, in call order
        self._absent_passes = []  # names delete_pass got that oar does not have
        self._profile = False
        # What the engine honoured (always False / None in a CPU build).
        self._use_gpu = False
        self._onednn = False
        self._tensorrt = False
        self._precision = None  # a non-float32 oar precision the engine took
        # Settings read back as set (Paddle 3.3's defaults).
        self._gpu_device_id = 0
        self._memory_pool_mb = 100
        self._feed_fetch_ops = False
        self._specify_input_names = False
        self._glog_disabled = False
        self._ir_debug = False
        self._new_ir = False
        self._new_executor = False
        self._optimization_level = 2
        self._optim_cache_dir = ""
        self._onednn_cache_capacity = 0
        self._trt_precision = PrecisionType.Float32
        self._trt_optimization_level = 3
        self._shape_range_info_path = ""
        self._xpu_device_id = 0
        self._xpu_config = XpuConfig()
        # Calls this build could not honour: name -> "name(args)".
        self._requests = {}

    def _copy_from(self, other):
        """Config(other): the same settings, a config of its own."""
        handle = self._handle
        for key, value in other.__dict__.items():
            if key != "_handle":
                self.__dict__[key] = copy.deepcopy(value) if isinstance(value, (list, dict, XpuConfig)) else value
        self._handle = handle
        self._apply_engine_state(other.cpu_math_library_num_threads(), other.ir_optim(), other.memory_optim_enabled())

    def _apply_engine_state(self, threads, ir_optim, memory_optim):
        """Gives this config's engine config (new) the engine-side settings
        recorded here, and the three the engine keeps."""
        h = self._handle
        check(lib.oar_config_set_num_threads(h, threads))
        check(lib.oar_config_set_ir_optim(h, 1 if ir_optim else 0))
        check(lib.oar_config_set_memory_optim(h, 1 if memory_optim else 0))
        check(lib.oar_config_set_profile(h, 1 if self._profile else 0))
        for name in self._deleted:
            check(lib.oar_config_delete_pass(h, encode(name)))
        if self._use_gpu:
            check(lib.oar_config_enable_gpu(h, self._gpu_device_id, self._memory_pool_mb))
        if self._onednn:
            check(lib.oar_config_enable_onednn(h))
        if self._tensorrt:
            check(lib.oar_config_enable_tensorrt(h, PRECISION_TO_OAR[self._trt_precision]))
        if self._precision is not None:
            check(lib.oar_config_set_precision(h, self._precision))
        if self._from_memory:
            prog, params = self._buffers
            check(lib.oar_config_set_model_buffer(h, prog, len(prog), params or None, len(params)))

    def _rebuild(self):
        """Replaces the engine config with a fresh one holding the same
        settings (the engine cannot undo a deleted pass)."""
        kept = (self.cpu_math_library_num_threads(), self.ir_optim(), self.memory_optim_enabled())
        old = self._handle
        new = c_void_p()
        check(lib.oar_config_create(byref(new)))
        self._handle = new
        try:
            self._apply_engine_state(*kept)
        except BaseException:
            self._handle = old
            lib.oar_config_destroy(new)
            raise
        lib.oar_config_destroy(old)

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle is not None and lib is not None:
            lib.oar_config_destroy(handle)
            self._handle = None

    # ---- requests this build cannot honour ------------------------------------------

    def _unsupported(self, key, call, what, args=(), kwargs=None, after=_ON_CPU):
        """Records a call oar cannot honour and warns once per ``key``."""
        self._requests[call] = _call_repr(call, args, kwargs or {})
        warn_once(key, "%s: %s; %s" % (call, what, after))

    def _ask(self, status, key, call, args=(), kwargs=None, after=_ON_CPU):
        """True when the engine took an option; a recorded request and a
        warning (once per key) when this build cannot (OAR_ERR_UNSUPPORTED);
        OarError for anything else."""
        if status == _lib.OK:
            self._requests.pop(call, None)
            return True
        if status == _lib.ERR_UNSUPPORTED:
            self._unsupported(key, call, _engine_reason(), args, kwargs, after)
            return False
        check(status)
        return False

    def _withdraw(self, *calls):
        for call in calls:
            self._requests.pop(call, None)

    def _ask_precision(self, precision, key, call, args=(), kwargs=None):
        precision = PrecisionType(precision)
        if precision == PrecisionType.Float32:
            return
        code = PRECISION_TO_OAR[precision]
        status = lib.oar_config_set_precision(self._handle, code)
        if self._ask(status, key, call, args, kwargs, _ON_CPU + " in float32"):
            self._precision = code

    # ---- the model ------------------------------------------------------------------

    def set_model(self, model, params=None):
        """``set_model(model_dir)`` or ``set_model(prog_file, params_file)``
        (also Paddle 3's ``set_model(model_dir, file_prefix)``)."""
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
        self._buffers = None

    def set_prog_file(self, prog_file):
        self._prog_file = os.fspath(prog_file)
        self._model_dir = ""
        self._from_memory = False
        self._buffers = None

    def set_params_file(self, params_file):
        self._params_file = os.fspath(params_file)
        self._from_memory = False
        self._buffers = None

    def set_model_buffer(self, prog_buffer, prog_buffer_size=None, params_buffer=None, params_buffer_size=None):
        """``set_model_buffer(prog, prog_size, params, params_size)`` as in
        Paddle, or ``set_model_buffer(prog, params)`` with bytes. The engine
        copies the bytes; the config also keeps a reference to them (no
        copy when they are ``bytes``) for ``Config(config)`` copies."""
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
        prog, params = prog[:prog_size], params[:params_size]  # no copy when the sizes are the lengths
        check(lib.oar_config_set_model_buffer(self._handle, prog, len(prog), params or None, len(params)))
        self._from_memory = True
        self._buffers = (prog, params)
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
        """Hands the model to the engine, at predictor creation."""
        if self._from_memory:
            return
        if self._prog_file:
            check(lib.oar_config_set_model(self._handle, encode(self._prog_file), encode(self._params_file or None)))
        elif self._model_dir:
            check(lib.oar_config_set_model(self._handle, encode(self._model_dir), None))
        elif self._params_file:
            raise OarError(_lib.ERR_MISUSE, "Config: a params file (%s) but no program file" % self._params_file)
        else:
            raise OarError(
                _lib.ERR_MISUSE, "Config: no model set: use Config(model_dir), set_model or set_model_buffer"
            )

    # ---- CPU ------------------------------------------------------------------------

    def set_cpu_math_library_num_threads(self, num_threads):
        """Threads oar uses for one run (>= 1)."""
        check(lib.oar_config_set_num_threads(self._handle, int(num_threads)))

    def cpu_math_library_num_threads(self):
        n = c_int()
        check(lib.oar_config_num_threads(self._handle, byref(n)))
        return n.value

    # ---- graph optimization -----------------------------------------------------------

    def switch_ir_optim(self, x=True):
        """oar's optimization passes on load (fusions, folding). Default on."""
        check(lib.oar_config_set_ir_optim(self._handle, 1 if x else 0))

    def ir_optim(self):
        v = c_int()
        check(lib.oar_config_ir_optim(self._handle, byref(v)))
        return bool(v.value)

    def delete_pass(self, pass_name):
        """Removes one of oar's passes (``oar info --passes``). A Paddle
        pass name oar does not have is already not run: it warns once per
        name and changes nothing."""
        status = lib.oar_config_delete_pass(self._handle, encode(pass_name))
        if status == _lib.ERR_NOT_FOUND:
            if pass_name not in self._absent_passes:
                self._absent_passes.append(pass_name)
            warn_once(
                "delete_pass:%s" % pass_name,
                "delete_pass: oar has no pass %r, nothing to delete (%s)" % (pass_name, _engine_reason()),
            )
            return
        check(status)
        if pass_name not in self._deleted:
            self._deleted.append(pass_name)

    def _add_pass(self, pass_name, call):
        pass_name = str(pass_name)
        if pass_name in [name for name, _ in _lib.passes()]:
            if pass_name in self._deleted:
                self._deleted.remove(pass_name)
                self._rebuild()
            return
        self._unsupported(
            "pass:%s" % pass_name,
            "%s(%r)" % (call, pass_name),
            "oar has no pass %r and cannot add one (its passes: %s)"
            % (pass_name, ", ".join(n for n, _ in _lib.passes())),
            (pass_name,),
            after="recorded, not run",
        )

    def pass_builder(self):
        """A PassBuilder over oar's pass pipeline for this config."""
        return PassBuilder(self)

    def enable_custom_passes(self, passes=[], custom_pass_only=False):  # noqa: B006
        """Runs only the named passes when custom_pass_only (oar passes, in
        oar's order); oar cannot run passes it does not have (warns once)."""
        passes = [str(p) for p in passes]
        if custom_pass_only:
            self.pass_builder().set_passes(passes)
        else:
            for name in passes:
                self._add_pass(name, "enable_custom_passes")

    def set_optimization_level(self, opt_level=2):
        """Recorded, no effect: oar has one pass pipeline, which
        switch_ir_optim turns off and delete_pass trims."""
        self._optimization_level = int(opt_level)

    def switch_ir_debug(self, x=True, passes=[]):  # noqa: B006
        """Paddle writes a graph dump per pass; oar does not (warns once)."""
        self._ir_debug = bool(x)
        if x:
            self._unsupported("ir_debug", "switch_ir_debug", "oar does not write per-pass graph dumps",
                              (x, list(passes)), after="recorded, no effect (`oar info` prints a model's graph)")
        else:
            self._withdraw("switch_ir_debug")

    def enable_memory_optim(self, x=True):
        """Reuse of activation memory between tensors (oar's planner). Default on."""
        check(lib.oar_config_set_memory_optim(self._handle, 1 if x else 0))

    def memory_optim_enabled(self):
        v = c_int()
        check(lib.oar_config_memory_optim(self._handle, byref(v)))
        return bool(v.value)

    def enable_new_ir(self, x=True):
        """Recorded, no effect: Paddle's choice of its own IR (PIR or
        ProgramDesc). oar reads either model format into its own IR."""
        self._new_ir = bool(x)

    def new_ir_enabled(self):
        return self._new_ir

    def enable_new_executor(self, x=True):
        """Recorded, no effect: oar has one executor."""
        self._new_executor = bool(x)

    def set_optim_cache_dir(self, opt_cache_dir):
        """Recorded, no effect: oar writes no optimization cache (it
        optimizes the model at each predictor creation)."""
        self._optim_cache_dir = os.fspath(opt_cache_dir)

    def enable_save_optim_model(self, save_optimized_model=False):
        """oar cannot save its optimized model: warns once when asked."""
        if save_optimized_model:
            self._unsupported("optimized_model", "enable_save_optim_model", "oar does not save optimized models",
                              (save_optimized_model,),
                              after="recorded; the model is optimized at each predictor creation")
        else:
            self._withdraw("enable_save_optim_model")

    def use_optimized_model(self, x=True):
        """oar loads no saved optimized model: warns once when asked."""
        if x:
            self._unsupported("optimized_model", "use_optimized_model", "oar does not load saved optimized models",
                              (x,), after="recorded; the model is optimized at each predictor creation")
        else:
            self._withdraw("use_optimized_model")

    # ---- switches oar records ------------------------------------------------------------

    def switch_use_feed_fetch_ops(self, x=True):
        """Recorded only: oar binds inputs and outputs directly either way
        (Paddle's zero-copy mode; Paddle 3.3's default is False too)."""
        self._feed_fetch_ops = bool(x)

    def use_feed_fetch_ops_enabled(self):
        return self._feed_fetch_ops

    def switch_specify_input_names(self, x=True):
        """Recorded only: oar always addresses inputs by name."""
        self._specify_input_names = bool(x)

    def specify_input_name(self):
        return self._specify_input_names

    def enable_profile(self):
        """Predictors made from this config time every node of every run:
        ``Predictor.profile()`` returns the runs, their wall times and, per
        node, the kernel that ran and its time."""
        self._profile = True
        check(lib.oar_config_set_profile(self._handle, 1))

    def profile_enabled(self):
        return self._profile

    def disable_glog_info(self):
        """Recorded only: oar's library never logs."""
        self._glog_disabled = True

    def glog_info_disabled(self):
        return self._glog_disabled

    def is_valid(self):
        return True

    def to_native_config(self):
        """Paddle's deprecated NativeConfig view of this config (a copy)."""
        return NativeConfig(self)

    # ---- summary -------------------------------------------------------------------------

    def summary(self):
        """What oar will do with this config, as a table (Paddle's layout),
        and the requests this build cannot honour."""
        def text(v):
            return ("true" if v else "false") if isinstance(v, bool) else str(v)

        model = [
            ("model_dir", self._model_dir),
            ("model_file", self._prog_file or ("(memory buffer)" if self._from_memory else "")),
            ("params_file", self._params_file),
        ]
        model = [(k, v) for k, v in model if v] or [("model", "(none set)")]
        threads = self.cpu_math_library_num_threads()
        engine = [
            ("engine", "oar %s on the CPU (oar's own kernels)" % _lib.version()),
            ("cpu_math_thread", threads),
            ("ir_optim", self.ir_optim()),
            ("deleted_passes", ", ".join(self._deleted) or "-"),
            ("passes_oar_lacks", ", ".join(self._absent_passes) or "-"),
            ("memory_optim", self.memory_optim_enabled()),
            ("enable_profile", self._profile),
            ("use_gpu", self._use_gpu),
            ("enable_mkldnn", self._onednn),
            ("use_tensorrt", self._tensorrt),
            ("use_xpu", False),
            ("use_onnxruntime", False),
            ("use_openvino", False),
        ]
        recorded = [
            ("use_feed_fetch_ops", "%s (oar binds inputs and outputs directly)" % text(self._feed_fetch_ops)),
            ("specify_input_names", self._specify_input_names),
            ("enable_log", "%s (oar never logs)" % text(not self._glog_disabled)),
            ("new_ir", self._new_ir),
            ("optimization_level", self._optimization_level),
        ]
        sections = [model, engine, recorded]
        if self._requests:
            sections.append([("not available", r) for r in self._requests.values()])

        rows = [[(k, text(v)) for k, v in s] for s in sections]
        kw = max(len("Option"), *(len(k) for s in rows for k, _ in s))
        vw = max(len("Value"), *(len(v) for s in rows for _, v in s))
        rule = "+-%s-+-%s-+" % ("-" * kw, "-" * vw)
        out = [rule, "| %-*s | %-*s |" % (kw, "Option", vw, "Value"), rule]
        for s in rows:
            out += ["| %-*s | %-*s |" % (kw, k, vw, v) for k, v in s] + [rule]
        return "\n".join(out) + "\n"

    def __repr__(self):
        return "<oar.inference.Config model=%r>" % (self._prog_file or self._model_dir or None)
