"""paddle.inference's enums, with Paddle 3.3's names and values, and the
maps between them, numpy dtypes and oar's dtype codes."""

import enum

import numpy as np

from . import _lib


class _PaddleEnum(enum.IntEnum):
    """An IntEnum whose ``name`` and ``value`` are also attributes of the
    class, as they are on Paddle's pybind11 enums (``hasattr(DataType,
    "name")``), and whose str() is "DataType.FLOAT32" on every Python (as
    Paddle's; IntEnum's str() became the number in Python 3.11)."""

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return self._value_

    def __str__(self):
        return "%s.%s" % (type(self).__name__, self._name_)


class DataType(_PaddleEnum):
    """Element types (paddle.inference.DataType, paddle_infer::DataType)."""

    FLOAT32 = 0
    INT64 = 1
    INT32 = 2
    UINT8 = 3
    INT8 = 4
    FLOAT16 = 5
    BOOL = 6
    FLOAT64 = 7
    BFLOAT16 = 8  # no oar tensor has it: numpy has no bfloat16
    INT16 = 100  # oar only: Paddle Inference has no int16 tensors


class PlaceType(_PaddleEnum):
    """Devices (paddle.inference.PlaceType). oar runs on CPU only."""

    UNK = -1
    CPU = 0
    GPU = 1
    XPU = 2
    CUSTOM = 4


class PrecisionType(_PaddleEnum):
    """Compute precisions (paddle.inference.PrecisionType, Config.Precision)."""

    Float32 = 0
    Int8 = 1
    Half = 2
    Bfloat16 = 3


NUMPY_TO_OAR = {
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
OAR_TO_NUMPY = {code: dtype for dtype, code in NUMPY_TO_OAR.items()}
OAR_TO_DATATYPE = {
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
PRECISION_TO_OAR = {
    PrecisionType.Float32: _lib.PRECISION_FLOAT32,
    PrecisionType.Half: _lib.PRECISION_FLOAT16,
    PrecisionType.Bfloat16: _lib.PRECISION_BFLOAT16,
    PrecisionType.Int8: _lib.PRECISION_INT8,
}
DATATYPE_BYTES = {
    DataType.FLOAT32: 4,
    DataType.INT64: 8,
    DataType.INT32: 4,
    DataType.UINT8: 1,
    DataType.INT8: 1,
    DataType.FLOAT16: 2,
    DataType.BOOL: 1,
    DataType.FLOAT64: 8,
    DataType.BFLOAT16: 2,
    DataType.INT16: 2,
}
