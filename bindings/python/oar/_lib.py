"""ctypes bindings of oar's public C API (include/oar/oar.h), nothing more.

The shared library is the liboar.so installed beside this file by
``pip install .``; the environment variable OAR_LIBRARY names another one
(a development build, for instance). ctypes releases the GIL for the whole
of every call into a CDLL, so other Python threads run while the engine
works.
"""

import ctypes
import os
from ctypes import POINTER, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint64, c_void_p

# oar_status values (oar.h).
OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_IO = 2
ERR_INVALID_MODEL = 3
ERR_UNSUPPORTED = 4
ERR_OUT_OF_MEMORY = 5
ERR_MISUSE = 6
ERR_NOT_FOUND = 7
ERR_INTERNAL = 8

# oar_dtype values.
DTYPE_UNKNOWN = 0
DTYPE_FLOAT32 = 1
DTYPE_INT32 = 2
DTYPE_INT64 = 3
DTYPE_UINT8 = 4
DTYPE_INT8 = 5
DTYPE_FLOAT16 = 6
DTYPE_BOOL = 7
DTYPE_FLOAT64 = 8
DTYPE_INT16 = 9

# oar_precision values.
PRECISION_FLOAT32 = 0
PRECISION_FLOAT16 = 1
PRECISION_BFLOAT16 = 2
PRECISION_INT8 = 3

MAX_RANK = 8


def _library_path():
    override = os.environ.get("OAR_LIBRARY")
    if override:
        return override
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "liboar.so")


def _load():
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "oar: cannot load the engine library %s (%s); install the package with "
            "`pip install oar-inference` (or `pip install .` from the oar repository), "
            "or set OAR_LIBRARY to a liboar.so" % (path, e)
        ) from None
    handle_out = POINTER(c_void_p)
    protos = {
        "oar_version": (c_char_p, []),
        "oar_status_string": (c_char_p, [c_int]),
        "oar_last_error": (c_char_p, []),
        "oar_dtype_size": (c_size_t, [c_int]),
        "oar_dtype_name": (c_char_p, [c_int]),
        "oar_pass_count": (c_int, [POINTER(c_size_t)]),
        "oar_pass_info": (c_int, [c_size_t, POINTER(c_char_p), POINTER(c_char_p)]),
        "oar_config_create": (c_int, [handle_out]),
        "oar_config_destroy": (None, [c_void_p]),
        "oar_config_set_model": (c_int, [c_void_p, c_char_p, c_char_p]),
        "oar_config_set_model_buffer": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t]),
        "oar_config_set_num_threads": (c_int, [c_void_p, c_int]),
        "oar_config_num_threads": (c_int, [c_void_p, POINTER(c_int)]),
        "oar_config_set_ir_optim": (c_int, [c_void_p, c_int]),
        "oar_config_ir_optim": (c_int, [c_void_p, POINTER(c_int)]),
        "oar_config_delete_pass": (c_int, [c_void_p, c_char_p]),
        "oar_config_set_memory_optim": (c_int, [c_void_p, c_int]),
        "oar_config_memory_optim": (c_int, [c_void_p, POINTER(c_int)]),
        "oar_config_enable_gpu": (c_int, [c_void_p, c_int, c_uint64]),
        "oar_config_enable_onednn": (c_int, [c_void_p]),
        "oar_config_enable_tensorrt": (c_int, [c_void_p, c_int]),
        "oar_config_set_precision": (c_int, [c_void_p, c_int]),
        "oar_config_set_profile": (c_int, [c_void_p, c_int]),
        "oar_config_last_error": (c_char_p, [c_void_p]),
        "oar_predictor_create": (c_int, [c_void_p, handle_out]),
        "oar_predictor_clone": (c_int, [c_void_p, handle_out]),
        "oar_predictor_destroy": (None, [c_void_p]),
        "oar_predictor_input_count": (c_int, [c_void_p, POINTER(c_size_t)]),
        "oar_predictor_output_count": (c_int, [c_void_p, POINTER(c_size_t)]),
        "oar_predictor_input_name": (c_int, [c_void_p, c_size_t, POINTER(c_char_p)]),
        "oar_predictor_output_name": (c_int, [c_void_p, c_size_t, POINTER(c_char_p)]),
        "oar_predictor_get_input": (c_int, [c_void_p, c_char_p, handle_out]),
        "oar_predictor_get_output": (c_int, [c_void_p, c_char_p, handle_out]),
        "oar_predictor_run": (c_int, [c_void_p]),
        "oar_predictor_last_error": (c_char_p, [c_void_p]),
        "oar_predictor_profile_count": (c_int, [c_void_p, POINTER(c_size_t), POINTER(c_uint64)]),
        "oar_predictor_profile_entry": (
            c_int,
            [c_void_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p), POINTER(c_double)],
        ),
        "oar_tensor_name": (c_int, [c_void_p, POINTER(c_char_p)]),
        "oar_tensor_dtype": (c_int, [c_void_p, POINTER(c_int)]),
        "oar_tensor_shape": (c_int, [c_void_p, POINTER(c_size_t), POINTER(c_int64), c_size_t]),
        "oar_tensor_reshape": (c_int, [c_void_p, c_size_t, POINTER(c_int64)]),
        "oar_tensor_copy_from_host": (c_int, [c_void_p, c_int, c_void_p, c_size_t]),
        "oar_tensor_copy_to_host": (c_int, [c_void_p, c_void_p, c_size_t]),
        "oar_tensor_data": (c_int, [c_void_p, POINTER(c_void_p)]),
    }
    for name, (restype, argtypes) in protos.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = _load()


class OarError(RuntimeError):
    """A failed engine call. ``status`` is the oar_status code, ``status_name``
    its name ("invalid argument", ...), and the message is the engine's."""

    def __init__(self, status, message):
        self.status = status
        self.status_name = lib.oar_status_string(status).decode()
        super().__init__(message)


def last_error():
    return lib.oar_last_error().decode("utf-8", "replace")


def check(status):
    """Raises OarError with this thread's engine message unless status is OK."""
    if status != OK:
        raise OarError(status, last_error())


def encode(path):
    """A str / bytes / os.PathLike as the bytes oar's char* expects."""
    if path is None:
        return None
    return os.fsencode(path)


def version():
    return lib.oar_version().decode()


def passes():
    """This build's optimization passes in pipeline order: [(name, summary)]."""
    count = c_size_t()
    check(lib.oar_pass_count(ctypes.byref(count)))
    out = []
    for i in range(count.value):
        name, summary = c_char_p(), c_char_p()
        check(lib.oar_pass_info(i, ctypes.byref(name), ctypes.byref(summary)))
        out.append((name.value.decode(), summary.value.decode()))
    return out
