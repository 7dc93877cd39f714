/* oar._fast: the Python package's hot path (feed, run, fetch) in C, one
 * call each instead of several ctypes round trips.
 *
 * It does not link liboar: oar/_lib.py loads the engine with ctypes (the
 * library beside the package, or OAR_LIBRARY) and hands this module the
 * addresses of the few oar.h functions it calls (init()), so both paths
 * always drive the same library. Handles (oar_predictor *, oar_tensor *)
 * travel as Python ints.
 *
 * Inputs are taken through the buffer protocol (numpy arrays, or anything
 * exporting a C-contiguous buffer of a supported element type), outputs are
 * new numpy arrays made by numpy.empty: no numpy headers are needed. Where
 * this module cannot take an input (a list, a non-contiguous array, an
 * unsupported dtype) feed() returns False and the caller falls back to the
 * ctypes path, which converts it or raises its usual error. Engine errors
 * raise oar.OarError with the engine's message, as the ctypes path does.
 *
 * The GIL is released while the engine runs (and while large buffers are
 * copied), so clones run at once on several Python threads.
 *
 * Only the limited C API of Python 3.11 is used (Py_LIMITED_API is set by
 * CMake where the interpreter is 3.11 or later). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

/* The oar.h declarations this module calls, as function pointer types
 * (the handles are opaque here). Keep in sync with include/oar/oar.h. */
typedef int (*run_fn)(void *predictor);
typedef const char *(*last_error_fn)(void);
typedef int (*reshape_fn)(void *tensor, size_t rank, const int64_t *dims);
typedef int (*copy_from_fn)(void *tensor, int dtype, const void *src, size_t bytes);
typedef int (*dtype_fn)(const void *tensor, int *dtype);
typedef int (*shape_fn)(const void *tensor, size_t *rank, int64_t *dims, size_t capacity);
typedef int (*copy_to_fn)(const void *tensor, void *dst, size_t bytes);
typedef int (*data_fn)(const void *tensor, const void **data);

enum { MAX_RANK = 8 };   /* OAR_MAX_RANK */
enum { MAX_DTYPE = 16 }; /* above every oar_dtype value */
enum {
  DTYPE_FLOAT32 = 1,
  DTYPE_INT32 = 2,
  DTYPE_INT64 = 3,
  DTYPE_UINT8 = 4,
  DTYPE_INT8 = 5,
  DTYPE_FLOAT16 = 6,
  DTYPE_BOOL = 7,
  DTYPE_FLOAT64 = 8,
  DTYPE_INT16 = 9
};
/* Copies of at least this many bytes run with the GIL released. */
enum { NOGIL_COPY_BYTES = 1 << 16 };

typedef struct {
  run_fn run;
  last_error_fn last_error;
  reshape_fn reshape;
  copy_from_fn copy_from;
  dtype_fn dtype;
  shape_fn shape;
  copy_to_fn copy_to;
  data_fn data;
  PyObject *error_class;       /* oar.OarError(status, message) */
  PyObject *empty;             /* numpy.empty */
  PyObject *ndarray;           /* numpy.ndarray: feed() takes these (exactly), the rest falls back */
  PyObject *dtypes[MAX_DTYPE]; /* oar_dtype -> numpy dtype, NULL where numpy has none */
  int ready;
} fast_state;

/* Py_XSETREF, which the limited API lacks. */
static void replace_ref(PyObject **slot, PyObject *value) {
  PyObject *old = *slot;
  *slot = value;
  Py_XDECREF(old);
}

static fast_state *state_of(PyObject *module) { return (fast_state *)PyModule_GetState(module); }

static int not_ready(const fast_state *st) {
  if (st->ready) return 0;
  PyErr_SetString(PyExc_RuntimeError, "oar._fast: init() has not been called");
  return 1;
}

/* Raises OarError(status, this thread's engine message); returns NULL. */
static PyObject *raise_status(const fast_state *st, int status) {
  const char *message = st->last_error();
  PyObject *error = PyObject_CallFunction(st->error_class, "is", status, message ? message : "");
  if (error) {
    PyErr_SetObject(st->error_class, error);
    Py_DECREF(error);
  }
  return NULL;
}

static void *handle_arg(PyObject *arg) {
  void *handle = PyLong_AsVoidPtr(arg);
  if (!handle && !PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "oar._fast: a NULL handle");
  return handle;
}

/* The oar_dtype of a buffer's element format (struct module syntax, as
 * numpy exports it), or 0 where oar has none or the byte order is not the
 * machine's. */
static int buffer_dtype(const Py_buffer *view) {
  const char *format = view->format ? view->format : "B";
  static const uint16_t one = 1;
  const int little = *(const unsigned char *)&one == 1;
  if (*format == '@' || *format == '=' || (*format == '<' && little) || (*format == '>' && !little)) format++;
  if (format[0] == '\0' || format[1] != '\0') return 0;
  const Py_ssize_t size = view->itemsize;
  switch (format[0]) {
    case 'f': return size == 4 ? DTYPE_FLOAT32 : 0;
    case 'd': return size == 8 ? DTYPE_FLOAT64 : 0;
    case 'e': return size == 2 ? DTYPE_FLOAT16 : 0;
    case '?': return size == 1 ? DTYPE_BOOL : 0;
    case 'B': return size == 1 ? DTYPE_UINT8 : 0;
    case 'b':
    case 'h':
    case 'i':
    case 'l':
    case 'q':
      return size == 1   ? DTYPE_INT8
             : size == 2 ? DTYPE_INT16
             : size == 4 ? DTYPE_INT32
             : size == 8 ? DTYPE_INT64
                         : 0;
    default: return 0;
  }
}

/* Sets an input from a buffer: 1 done, 0 not taken (no exception set: the
 * caller falls back), -1 an engine error (raised). */
static int feed_one(const fast_state *st, void *tensor, PyObject *array) {
  Py_buffer view;
  if ((PyObject *)Py_TYPE(array) != st->ndarray) return 0;
  if (PyObject_GetBuffer(array, &view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) != 0) {
    PyErr_Clear(); /* not a buffer, or not C-contiguous */
    return 0;
  }
  const int dtype = buffer_dtype(&view);
  if (dtype == 0 || view.ndim > MAX_RANK) {
    PyBuffer_Release(&view);
    return 0;
  }
  int64_t dims[MAX_RANK];
  for (int i = 0; i < view.ndim; i++) dims[i] = (int64_t)view.shape[i];
  int status = st->reshape(tensor, (size_t)view.ndim, dims);
  if (status == 0) {
    if (view.len >= NOGIL_COPY_BYTES) {
      Py_BEGIN_ALLOW_THREADS status = st->copy_from(tensor, dtype, view.buf, (size_t)view.len);
      Py_END_ALLOW_THREADS
    } else {
      status = st->copy_from(tensor, dtype, view.buf, (size_t)view.len);
    }
  }
  PyBuffer_Release(&view);
  if (status != 0) {
    raise_status(st, status);
    return -1;
  }
  return 1;
}

/* A new numpy array holding a tensor's data; NULL with an exception; None
 * where numpy has no such dtype (the caller falls back, which raises). */
static PyObject *fetch_one(const fast_state *st, void *tensor) {
  const void *data = NULL;
  int status = st->data(tensor, &data); /* no data yet: the engine says why */
  int dtype = 0;
  size_t rank = 0;
  int64_t dims[MAX_RANK];
  if (status == 0) status = st->dtype(tensor, &dtype);
  if (status == 0) status = st->shape(tensor, &rank, dims, MAX_RANK);
  if (status != 0) return raise_status(st, status);
  if (dtype <= 0 || dtype >= MAX_DTYPE || !st->dtypes[dtype] || rank > MAX_RANK) Py_RETURN_NONE;
  PyObject *shape = PyTuple_New((Py_ssize_t)rank);
  if (!shape) return NULL;
  for (size_t i = 0; i < rank; i++) {
    PyObject *dim = PyLong_FromLongLong((long long)dims[i]);
    if (!dim) {
      Py_DECREF(shape);
      return NULL;
    }
    PyTuple_SetItem(shape, (Py_ssize_t)i, dim);
  }
  PyObject *out = PyObject_CallFunctionObjArgs(st->empty, shape, st->dtypes[dtype], NULL);
  Py_DECREF(shape);
  if (!out) return NULL;
  Py_buffer view;
  if (PyObject_GetBuffer(out, &view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) != 0) {
    Py_DECREF(out);
    return NULL;
  }
  if (view.len >= NOGIL_COPY_BYTES) {
    Py_BEGIN_ALLOW_THREADS status = st->copy_to(tensor, view.buf, (size_t)view.len);
    Py_END_ALLOW_THREADS
  } else {
    status = st->copy_to(tensor, view.buf, (size_t)view.len);
  }
  PyBuffer_Release(&view);
  if (status != 0) {
    Py_DECREF(out);
    return raise_status(st, status);
  }
  return out;
}

static int run_predictor(const fast_state *st, void *predictor) {
  int status;
  Py_BEGIN_ALLOW_THREADS status = st->run(predictor);
  Py_END_ALLOW_THREADS if (status != 0) {
    raise_status(st, status);
    return -1;
  }
  return 0;
}

PyDoc_STRVAR(init_doc,
             "init(addresses, OarError, numpy.empty, numpy.ndarray, dtypes): binds the engine's functions.\n"
             "addresses: the oar.h functions' addresses (ints) in the order oar_predictor_run,\n"
             "oar_last_error, oar_tensor_reshape, oar_tensor_copy_from_host, oar_tensor_dtype,\n"
             "oar_tensor_shape, oar_tensor_copy_to_host, oar_tensor_data; dtypes: a sequence\n"
             "indexed by oar_dtype, the numpy dtype or None.");

static PyObject *fast_init(PyObject *module, PyObject *args) {
  fast_state *st = state_of(module);
  PyObject *addresses, *error_class, *empty, *ndarray, *dtypes;
  if (!PyArg_ParseTuple(args, "OOOOO:init", &addresses, &error_class, &empty, &ndarray, &dtypes)) return NULL;
  void *fn[8];
  if (!PyTuple_Check(addresses) || PyTuple_Size(addresses) != 8) {
    PyErr_SetString(PyExc_TypeError, "init: addresses must be a tuple of 8 ints");
    return NULL;
  }
  for (Py_ssize_t i = 0; i < 8; i++) {
    fn[i] = handle_arg(PyTuple_GetItem(addresses, i));
    if (!fn[i]) return NULL;
  }
  const Py_ssize_t count = PySequence_Size(dtypes);
  if (count < 0) return NULL;
  if (count > MAX_DTYPE) {
    PyErr_SetString(PyExc_ValueError, "init: too many dtypes");
    return NULL;
  }
  for (Py_ssize_t i = 0; i < MAX_DTYPE; i++) {
    PyObject *dtype = i < count ? PySequence_GetItem(dtypes, i) : NULL;
    if (i < count && !dtype) return NULL;
    if (dtype == Py_None) {
      Py_DECREF(dtype);
      dtype = NULL;
    }
    replace_ref(&st->dtypes[i], dtype);
  }
  /* Function pointers travel as data pointers: POSIX guarantees the round trip. */
  memcpy(&st->run, &fn[0], sizeof st->run);
  memcpy(&st->last_error, &fn[1], sizeof st->last_error);
  memcpy(&st->reshape, &fn[2], sizeof st->reshape);
  memcpy(&st->copy_from, &fn[3], sizeof st->copy_from);
  memcpy(&st->dtype, &fn[4], sizeof st->dtype);
  memcpy(&st->shape, &fn[5], sizeof st->shape);
  memcpy(&st->copy_to, &fn[6], sizeof st->copy_to);
  memcpy(&st->data, &fn[7], sizeof st->data);
  Py_INCREF(error_class);
  replace_ref(&st->error_class, error_class);
  Py_INCREF(empty);
  replace_ref(&st->empty, empty);
  Py_INCREF(ndarray);
  replace_ref(&st->ndarray, ndarray);
  st->ready = 1;
  Py_RETURN_NONE;
}

PyDoc_STRVAR(feed_doc,
             "feed(tensor, array) -> bool: reshapes an input to the array's shape and copies\n"
             "it in; False (nothing done) where the array is not a C-contiguous buffer of a\n"
             "type oar has.");

static int arg_count(const char *name, Py_ssize_t nargs, Py_ssize_t want) {
  if (nargs == want) return 0;
  PyErr_Format(PyExc_TypeError, "%s() takes %zd arguments (%zd given)", name, want, nargs);
  return -1;
}

static PyObject *fast_feed(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
  const fast_state *st = state_of(module);
  if (not_ready(st) || arg_count("feed", nargs, 2) != 0) return NULL;
  PyObject *tensor_arg = args[0], *array = args[1];
  void *tensor = handle_arg(tensor_arg);
  if (!tensor) return NULL;
  const int done = feed_one(st, tensor, array);
  if (done < 0) return NULL;
  return PyBool_FromLong(done);
}

PyDoc_STRVAR(fetch_doc,
             "fetch(tensor) -> numpy array: a copy of a tensor's data; None where numpy\n"
             "has no such dtype (nothing done).");

static PyObject *fast_fetch(PyObject *module, PyObject *tensor_arg) {
  const fast_state *st = state_of(module);
  if (not_ready(st)) return NULL;
  void *tensor = handle_arg(tensor_arg);
  return tensor ? fetch_one(st, tensor) : NULL;
}

PyDoc_STRVAR(run_doc, "run(predictor): runs the engine with the GIL released.");

static PyObject *fast_run(PyObject *module, PyObject *predictor_arg) {
  const fast_state *st = state_of(module);
  if (not_ready(st)) return NULL;
  void *predictor = handle_arg(predictor_arg);
  if (!predictor || run_predictor(st, predictor) != 0) return NULL;
  Py_RETURN_NONE;
}

PyDoc_STRVAR(run_arrays_doc,
             "run_arrays(predictor, inputs, outputs, arrays, owner) -> list: feeds arrays[i]\n"
             "to input tensor inputs[i] (tuples of handles; owner._feed_at(i, array) where\n"
             "feed() would return False), runs, and returns each output tensor as a new numpy\n"
             "array (owner._fetch_at(i) where fetch() would return None).");

static PyObject *fast_run_arrays(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
  const fast_state *st = state_of(module);
  if (not_ready(st) || arg_count("run_arrays", nargs, 5) != 0) return NULL;
  PyObject *predictor_arg = args[0], *inputs = args[1], *outputs = args[2], *arrays = args[3],
           *owner = args[4];
  void *predictor = handle_arg(predictor_arg);
  if (!predictor) return NULL;
  if (!PyTuple_Check(inputs) || !PyTuple_Check(outputs)) {
    PyErr_SetString(PyExc_TypeError, "run_arrays: inputs and outputs must be tuples of handles");
    return NULL;
  }
  const Py_ssize_t n_in = PyTuple_Size(inputs), n_out = PyTuple_Size(outputs);
  if (PySequence_Size(arrays) != n_in) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "run_arrays: one array per input");
    return NULL;
  }
  for (Py_ssize_t i = 0; i < n_in; i++) {
    PyObject *array = PySequence_GetItem(arrays, i);
    if (!array) return NULL;
    void *tensor = handle_arg(PyTuple_GetItem(inputs, i));
    int done = tensor ? feed_one(st, tensor, array) : -1;
    if (done == 0) {
      PyObject *r = PyObject_CallMethod(owner, "_feed_at", "nO", i, array);
      done = r ? 1 : -1;
      Py_XDECREF(r);
    }
    Py_DECREF(array);
    if (done < 0) return NULL;
  }
  if (run_predictor(st, predictor) != 0) return NULL;
  PyObject *result = PyList_New(n_out);
  if (!result) return NULL;
  for (Py_ssize_t i = 0; i < n_out; i++) {
    void *tensor = handle_arg(PyTuple_GetItem(outputs, i));
    PyObject *out = tensor ? fetch_one(st, tensor) : NULL;
    if (out == Py_None) {
      Py_DECREF(out);
      out = PyObject_CallMethod(owner, "_fetch_at", "n", i);
    }
    if (!out) {
      Py_DECREF(result);
      return NULL;
    }
    PyList_SetItem(result, i, out);
  }
  return result;
}

static PyMethodDef fast_methods[] = {
    {"init", fast_init, METH_VARARGS, init_doc},
    {"feed", (PyCFunction)(void (*)(void))fast_feed, METH_FASTCALL, feed_doc},
    {"fetch", fast_fetch, METH_O, fetch_doc},
    {"run", fast_run, METH_O, run_doc},
    {"run_arrays", (PyCFunction)(void (*)(void))fast_run_arrays, METH_FASTCALL, run_arrays_doc},
    {NULL, NULL, 0, NULL},
};

static int fast_traverse(PyObject *module, visitproc visit, void *arg) {
  fast_state *st = state_of(module);
  Py_VISIT(st->error_class);
  Py_VISIT(st->empty);
  Py_VISIT(st->ndarray);
  for (int i = 0; i < MAX_DTYPE; i++) Py_VISIT(st->dtypes[i]);
  return 0;
}

static int fast_clear(PyObject *module) {
  fast_state *st = state_of(module);
  Py_CLEAR(st->error_class);
  Py_CLEAR(st->empty);
  Py_CLEAR(st->ndarray);
  for (int i = 0; i < MAX_DTYPE; i++) Py_CLEAR(st->dtypes[i]);
  st->ready = 0;
  return 0;
}

static void fast_free(void *module) { fast_clear((PyObject *)module); }

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT, "oar._fast",  "oar's hot path (feed, run, fetch) in C; see oar/_lib.py.",
    sizeof(fast_state),    fast_methods, NULL,
    fast_traverse,         fast_clear,   fast_free,
};

PyMODINIT_FUNC PyInit__fast(void) {
  PyObject *module = PyModule_Create(&fast_module);
  if (module) memset(PyModule_GetState(module), 0, sizeof(fast_state));
  return module;
}
