/*
 * oar: an inference engine for PaddlePaddle (and ONNX) models.
 *
 * This header is the whole public contract. Everything else is private.
 *
 * ABI policy
 *   - Only opaque handles cross the API; no struct layout is public.
 *   - Enums are append-only; a value, once published, keeps its meaning.
 *   - A change of semantics gets a new function name; old names stay.
 *   - The version is available at compile time (OAR_VERSION_*) and at run
 *     time (oar_version()).
 *
 * Status and errors
 *   Every fallible call returns an oar_status. Out-parameters are written
 *   only when the call returns OAR_OK. The message for the most recent
 *   failure is readable from the handle the call was made on
 *   (oar_config_last_error, oar_predictor_last_error) and, for every call,
 *   from a thread-local slot (oar_last_error). Messages name what failed:
 *   the file, the op type and output, the tensor, what was expected and what
 *   was found.
 *
 *   A NULL handle, or a handle that was destroyed or never came from oar,
 *   makes a call return OAR_ERR_MISUSE instead of touching memory (handles
 *   carry a magic word checked at every entry point). Passing a freed
 *   handle is still undefined behaviour in C; the check is armor, not a
 *   license.
 *
 * Threads
 *   An oar_config is used by one thread at a time.
 *   A loaded model is immutable and shared by a predictor and all its
 *   clones. A predictor (and its tensors) is used by one thread at a time;
 *   to serve several threads, give each its own clone.
 *   oar_last_error() is per thread.
 */
#ifndef OAR_OAR_H
#define OAR_OAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OAR_API marks the exported functions. On Windows the library's own
 * sources are built with OAR_BUILDING_LIBRARY (dllexport); a program that
 * links oar.dll may define OAR_DLL (dllimport, saves a thunk) and a static
 * link needs neither. Elsewhere: default visibility under GCC and Clang
 * (the library is built with -fvisibility=hidden), nothing otherwise. */
#if defined(_WIN32)
#if defined(OAR_BUILDING_LIBRARY)
#define OAR_API __declspec(dllexport)
#elif defined(OAR_DLL)
#define OAR_API __declspec(dllimport)
#else
#define OAR_API
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define OAR_API __attribute__((visibility("default")))
#else
#define OAR_API
#endif

#define OAR_VERSION_MAJOR 0
#define OAR_VERSION_MINOR 1
#define OAR_VERSION_PATCH 0

typedef enum oar_status {
  OAR_OK = 0,
  /* An argument is out of range or malformed (bad shape, dtype, size). */
  OAR_ERR_INVALID_ARGUMENT = 1,
  /* A file or directory does not exist or cannot be read. */
  OAR_ERR_IO = 2,
  /* A model file is truncated, corrupt, or does not match its program. */
  OAR_ERR_INVALID_MODEL = 3,
  /* The model uses an op, dtype or attribute this build does not support. */
  OAR_ERR_UNSUPPORTED = 4,
  /* Out of memory. */
  OAR_ERR_OUT_OF_MEMORY = 5,
  /* NULL / destroyed handle, or a call made in the wrong order. */
  OAR_ERR_MISUSE = 6,
  /* A name (input, output) that the model does not have. */
  OAR_ERR_NOT_FOUND = 7,
  /* A bug in oar; the message says where. */
  OAR_ERR_INTERNAL = 8
} oar_status;

typedef enum oar_dtype {
  OAR_DTYPE_UNKNOWN = 0,
  OAR_DTYPE_FLOAT32 = 1,
  OAR_DTYPE_INT32 = 2,
  OAR_DTYPE_INT64 = 3,
  OAR_DTYPE_UINT8 = 4,
  OAR_DTYPE_INT8 = 5,
  OAR_DTYPE_FLOAT16 = 6,
  OAR_DTYPE_BOOL = 7,
  OAR_DTYPE_FLOAT64 = 8,
  OAR_DTYPE_INT16 = 9
} oar_dtype;

/* Largest tensor rank oar handles. */
#define OAR_MAX_RANK 8

typedef struct oar_config oar_config;
typedef struct oar_predictor oar_predictor;
typedef struct oar_tensor oar_tensor;

/* ---- library ----------------------------------------------------------- */

/* "MAJOR.MINOR.PATCH" of the linked library. Static string, never NULL. */
OAR_API const char *oar_version(void);

/* A short English name for a status ("invalid model", ...). Static string,
 * never NULL; unknown values give "unknown status". */
OAR_API const char *oar_status_string(oar_status status);

/* The message of the most recent failed call made on this thread, whatever
 * the handle. Valid until this thread's next failing call. Never NULL ("" if
 * none). */
OAR_API const char *oar_last_error(void);

/* Bytes per element of a dtype; 0 for OAR_DTYPE_UNKNOWN or unknown values. */
OAR_API size_t oar_dtype_size(oar_dtype dtype);

/* Lower-case name of a dtype ("float32", "int64", ...). Static string. */
OAR_API const char *oar_dtype_name(oar_dtype dtype);

/* The optimization passes this build has, in pipeline order: how many, and
 * the name (as oar_config_delete_pass takes it) and a one-line summary of
 * pass `index`. Static strings. Returns OAR_OK, OAR_ERR_MISUSE (NULL out),
 * OAR_ERR_INVALID_ARGUMENT (index out of range). */
OAR_API oar_status oar_pass_count(size_t *count);
OAR_API oar_status oar_pass_info(size_t index, const char **name, const char **summary);

/* ---- config ------------------------------------------------------------ */

/* Creates a config with defaults: no model, 1 thread, IR optimization on.
 * *out receives a config the caller owns and frees with oar_config_destroy.
 * Returns OAR_OK, OAR_ERR_MISUSE (out is NULL), OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_config_create(oar_config **out);

/* Frees a config. NULL does nothing. Predictors created from it stay valid
 * (they copy what they need). */
OAR_API void oar_config_destroy(oar_config *config);

/* Names the model. `model` is one of:
 *   - a directory: holding `__model__` (legacy; parameters one file each, or
 *     combined in `__params__` / `params`), or exactly one `*.pdmodel` with
 *     its `*.pdiparams`;
 *   - a program file (`x.pdmodel`, `__model__`, any name): its parameters are
 *     `params` when non-NULL, else `x.pdiparams` beside it, else one file per
 *     parameter in its directory;
 *   - an ONNX model, a file whose name ends in `.onnx` (opsets 7 to 22 of
 *     the default domain; external data files are found relative to its
 *     directory; `params` is ignored). A buffer given to
 *     oar_config_set_model_buffer is read as ONNX when it starts like a
 *     ModelProto.
 * `params` may be NULL. Both strings are copied. Files are opened when a
 * predictor is created, not here. Replaces any earlier model or buffers.
 * Returns OAR_OK, OAR_ERR_MISUSE, OAR_ERR_INVALID_ARGUMENT (model NULL or
 * empty), OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_config_set_model(oar_config *config, const char *model, const char *params);

/* Names the model by in-memory contents: a program (ProgramDesc bytes) and
 * a combined parameter stream (may be NULL with size 0 for a model without
 * parameters). The bytes are copied; the caller may free them on return.
 * Returns OAR_OK, OAR_ERR_MISUSE, OAR_ERR_INVALID_ARGUMENT,
 * OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_config_set_model_buffer(oar_config *config, const void *program, size_t program_size,
                                               const void *params, size_t params_size);

/* Threads the engine may use for one run (>= 1). Default 1.
 * Returns OAR_OK, OAR_ERR_MISUSE, OAR_ERR_INVALID_ARGUMENT (< 1). */
OAR_API oar_status oar_config_set_num_threads(oar_config *config, int num_threads);

/* Reads back the thread count. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_config_num_threads(const oar_config *config, int *num_threads);

/* Graph optimization (fusion and folding passes) on load. Default on.
 * Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_config_set_ir_optim(oar_config *config, int enable);
OAR_API oar_status oar_config_ir_optim(const oar_config *config, int *enable);

/* Removes a pass (by the name `oar info --passes` prints) from the
 * pipeline. Returns OAR_OK, OAR_ERR_MISUSE, OAR_ERR_NOT_FOUND (no pass of
 * that name, e.g. one of Paddle's: the message lists oar's passes, and the
 * config is unchanged, so a predictor made from it runs every pass),
 * OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_config_delete_pass(oar_config *config, const char *pass_name);

/* Reuse of activation memory between tensors whose lifetimes do not
 * overlap. Default on. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_config_set_memory_optim(oar_config *config, int enable);
OAR_API oar_status oar_config_memory_optim(const oar_config *config, int *enable);

/* Memory budget of a predictor's plans: the activations and the kernel
 * workspace of each plan at most `bytes` (0, the default: no limit). Under
 * a budget the planner shares activation memory between tensors whenever
 * it must to fit (whatever oar_config_set_memory_optim says); a plan that
 * cannot fit fails in oar_predictor_run with OAR_ERR_OUT_OF_MEMORY and a
 * message naming what it needs against the budget. Weights are not
 * counted: from an optimized model file (oar_predictor_save_optimized)
 * they are mapped from the file, so only the pages the run reads become
 * resident. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_config_set_memory_budget(oar_config *config, uint64_t bytes);
OAR_API oar_status oar_config_memory_budget(const oar_config *config, uint64_t *bytes);

/* The most iterations one loop (Paddle while, PIR pd_op.while, ONNX Loop)
 * may run in one call of oar_predictor_run; a loop that would run more
 * fails that run with OAR_ERR_INVALID_ARGUMENT and a message naming the op
 * ("... loop ran past its limit of N iterations ..."), so a model whose
 * loop never stops is an error, not a hang. The limit applies to each loop
 * separately (a nested loop counts per run of its body). Default 1000000.
 * Returns OAR_OK, OAR_ERR_MISUSE (config not live, NULL out-parameter),
 * OAR_ERR_INVALID_ARGUMENT (max_iterations < 1; the config is unchanged). */
OAR_API oar_status oar_config_set_max_loop_iterations(oar_config *config, int64_t max_iterations);
OAR_API oar_status oar_config_max_loop_iterations(const oar_config *config, int64_t *max_iterations);

/* Accelerators and precisions. Each returns OAR_OK only when this build
 * can honour it; otherwise OAR_ERR_UNSUPPORTED with a message saying what
 * the build lacks (no option is silently ignored):
 *   gpu: a CUDA backend (device_id >= 0);
 *   onednn: the oneDNN backend (oar's own CPU kernels run otherwise);
 *   tensorrt: TensorRT;
 *   precision: OAR_PRECISION_FLOAT32 is always available (and switches
 *     bfloat16 off again). OAR_PRECISION_BFLOAT16 is accepted on x86-64
 *     CPUs with AVX512-BF16 (and not when OAR_ISA caps the kernels below
 *     avx512): predictors made from the config then run convolutions and
 *     fc / matmul products on constant weights with bfloat16 operands and
 *     float32 accumulation (each product of two values rounded to 8
 *     mantissa bits, ~0.4% relative); every tensor between ops, bias,
 *     residual and activations stay float32. Elsewhere it returns
 *     OAR_ERR_UNSUPPORTED saying why, and the config stays float32. */
typedef enum oar_precision {
  OAR_PRECISION_FLOAT32 = 0,
  OAR_PRECISION_FLOAT16 = 1,
  OAR_PRECISION_BFLOAT16 = 2,
  OAR_PRECISION_INT8 = 3
} oar_precision;
OAR_API oar_status oar_config_enable_gpu(oar_config *config, int device_id, uint64_t memory_pool_mb);
OAR_API oar_status oar_config_enable_onednn(oar_config *config);
OAR_API oar_status oar_config_enable_tensorrt(oar_config *config, oar_precision precision);
OAR_API oar_status oar_config_set_precision(oar_config *config, oar_precision precision);

/* Profiling: predictors time every step (node) of every run, readable with
 * oar_predictor_profile_*. Default off (it costs two clock reads per node).
 * Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_config_set_profile(oar_config *config, int enable);

/* Message of the last failed call on this config; "" if none; NULL only
 * when config is not a valid config. Valid until the next call on it. */
OAR_API const char *oar_config_last_error(const oar_config *config);

/* ---- predictor --------------------------------------------------------- */

/* Loads, checks and prepares the model the config names. *out receives a
 * predictor the caller owns (oar_predictor_destroy).
 * Returns OAR_OK; OAR_ERR_MISUSE (NULL args, no model set); OAR_ERR_IO
 * (missing/unreadable file); OAR_ERR_INVALID_MODEL (corrupt or truncated
 * file, params that do not match the program); OAR_ERR_UNSUPPORTED (an op
 * or dtype oar lacks: the message names the op type, its first output and
 * its index in the block); OAR_ERR_OUT_OF_MEMORY. On failure the message is
 * in oar_config_last_error(config) and oar_last_error(). */
OAR_API oar_status oar_predictor_create(const oar_config *config, oar_predictor **out);

/* A new predictor sharing the loaded model (weights are not copied) with
 * its own input/output tensors and working memory. The clone is independent:
 * destroying either leaves the other valid. Returns OAR_OK, OAR_ERR_MISUSE,
 * OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_predictor_clone(oar_predictor *predictor, oar_predictor **out);

/* Frees a predictor and the tensor handles it gave out. NULL does nothing.
 * The shared model is freed with its last predictor. */
OAR_API void oar_predictor_destroy(oar_predictor *predictor);

/* Number of model inputs / outputs. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_predictor_input_count(const oar_predictor *predictor, size_t *count);
OAR_API oar_status oar_predictor_output_count(const oar_predictor *predictor, size_t *count);

/* Name of input / output `index` (feed / fetch column order). The string is
 * owned by the predictor and lives as long as it. Returns OAR_OK,
 * OAR_ERR_MISUSE, OAR_ERR_INVALID_ARGUMENT (index out of range). */
OAR_API oar_status oar_predictor_input_name(const oar_predictor *predictor, size_t index, const char **name);
OAR_API oar_status oar_predictor_output_name(const oar_predictor *predictor, size_t index, const char **name);

/* The handle of a named input / output tensor. The handle is owned by the
 * predictor (do not free it) and stays valid until the predictor is
 * destroyed; asking twice gives the same handle. Returns OAR_OK,
 * OAR_ERR_MISUSE, OAR_ERR_NOT_FOUND (no such input/output). */
OAR_API oar_status oar_predictor_get_input(oar_predictor *predictor, const char *name, oar_tensor **tensor);
OAR_API oar_status oar_predictor_get_output(oar_predictor *predictor, const char *name, oar_tensor **tensor);

/* Runs the model on the data copied into the inputs. Every input must have
 * been given data since the predictor was created (values persist between
 * runs). Output tensors then hold the results until the next run.
 * Returns OAR_OK; OAR_ERR_MISUSE (an input without data); OAR_ERR_
 * INVALID_ARGUMENT (an input shape the model cannot take: the message names
 * the op and what it expected); OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_predictor_run(oar_predictor *predictor);

/* Writes the predictor's model as one optimized model file at `path`: the
 * graph after the optimization passes, its weights, and the weights
 * already packed for the kernels of this host's ISA level, aligned so
 * that loading maps the file and runs it with no weight copied. The file
 * loads through oar_config_set_model (and _set_model_buffer) like any
 * model, told apart by its content; docs/optimized-format.md gives the
 * format. Weights are packed for the input shapes of the last run, or,
 * before any run, for the declared input shapes (-1 as 1). A file written
 * on another ISA level is repacked on load when the graph's layouts suit
 * this host, else refused with a message saying to run `oar opt` again.
 * Not thread-safe with other calls on the same predictor.
 * Returns OAR_OK; OAR_ERR_IO (path not writable: the message names it);
 * OAR_ERR_OUT_OF_MEMORY; OAR_ERR_MISUSE (predictor or path NULL). */
OAR_API oar_status oar_predictor_save_optimized(oar_predictor *predictor, const char *path);

/* Message of the last failed call on this predictor or its tensors; "" if
 * none; NULL only when predictor is not valid. */
OAR_API const char *oar_predictor_last_error(const oar_predictor *predictor);

/* Model facts for tools (`oar info`). Counts exclude feed and fetch ops.
 * op_type_count: number of distinct op types; op_type(i): its name and how
 * many nodes have it, in descending count order. Strings are owned by the
 * predictor. Each returns OAR_OK, OAR_ERR_MISUSE, or
 * OAR_ERR_INVALID_ARGUMENT (index out of range). */
OAR_API oar_status oar_predictor_op_type_count(const oar_predictor *predictor, size_t *count);
OAR_API oar_status oar_predictor_op_type(const oar_predictor *predictor, size_t index, const char **type,
                                         size_t *nodes);
OAR_API oar_status oar_predictor_param_stats(const oar_predictor *predictor, size_t *tensors,
                                             uint64_t *elements, uint64_t *bytes);

/* What the optimization passes did to this model: pass `index` (pipeline
 * order), how many times it fired (-1: deleted from the pipeline), and
 * notes on patterns that almost matched and why they did not. Count is 0
 * when ir_optim is off. Strings are owned by the predictor. Each returns
 * OAR_OK, OAR_ERR_MISUSE, or OAR_ERR_INVALID_ARGUMENT (index out of range). */
OAR_API oar_status oar_predictor_pass_count(const oar_predictor *predictor, size_t *count);
OAR_API oar_status oar_predictor_pass_report(const oar_predictor *predictor, size_t index, const char **name,
                                             int *fired, const char **notes);

/* Activation memory of the current plan (the last run's input shapes):
 * the planned arena, the sum of all intermediate tensors (no reuse), and
 * the largest total live at one step (a lower bound for any plan).
 * Returns OAR_OK, OAR_ERR_MISUSE (NULL, or no run yet). */
OAR_API oar_status oar_predictor_memory_stats(const oar_predictor *predictor, uint64_t *arena_bytes,
                                              uint64_t *naive_bytes, uint64_t *max_live_bytes);

/* The profile of the current plan (see oar_config_set_profile): one entry
 * per executed node in run order, with the node ("conv2d (op #3, output
 * 'x')"), the kernel that ran ("conv2d 3x3 im2col+f32_gemm_12x32__avx512",
 * or "reference"), and the time summed over `runs` runs. Strings are owned
 * by the predictor and valid until its next run with other input shapes.
 * Returns OAR_OK, OAR_ERR_MISUSE (NULL, profiling off, or no run yet),
 * OAR_ERR_INVALID_ARGUMENT (index out of range). */
OAR_API oar_status oar_predictor_profile_count(const oar_predictor *predictor, size_t *count, uint64_t *runs);
OAR_API oar_status oar_predictor_profile_entry(oar_predictor *predictor, size_t index, const char **node,
                                               const char **kernel, double *seconds);

/* ---- tensors ----------------------------------------------------------- */

/* Name of the tensor (the model's variable name); owned by the predictor.
 * Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_tensor_name(const oar_tensor *tensor, const char **name);

/* Element type. For inputs: the declared type until data is copied in, then
 * the type of the data. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_tensor_dtype(const oar_tensor *tensor, oar_dtype *dtype);

/* Shape. *rank receives the rank; up to `capacity` dims are written to
 * `dims` (which may be NULL when capacity is 0). Before a shape is known
 * (inputs before reshape, outputs before a run) this is the declared shape,
 * with -1 for a variable dimension. Returns OAR_OK or OAR_ERR_MISUSE. */
OAR_API oar_status oar_tensor_shape(const oar_tensor *tensor, size_t *rank, int64_t *dims, size_t capacity);

/* Sets an input's shape ahead of copy_from_host. Every dim must be >= 0 and
 * the rank must be the declared one; a dim may differ from a fixed declared
 * dim (as in Paddle Inference, the declared size is often only the export
 * size): every shape is inferred from the inputs, and where the network
 * cannot take the size, oar_predictor_run fails naming the op.
 * Returns OAR_OK, OAR_ERR_MISUSE (NULL, or an output tensor),
 * OAR_ERR_INVALID_ARGUMENT (rank > OAR_MAX_RANK, a negative dim, a rank
 * other than the model's: the message gives both), OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_tensor_reshape(oar_tensor *tensor, size_t rank, const int64_t *dims);

/* Copies `bytes` bytes of `dtype` elements from host memory into an input,
 * straight into the engine's buffer (one copy). The shape set by
 * oar_tensor_reshape must hold exactly bytes / oar_dtype_size(dtype)
 * elements, and dtype must be the model's declared input type.
 * Returns OAR_OK, OAR_ERR_MISUSE (NULL, output tensor, no shape set),
 * OAR_ERR_INVALID_ARGUMENT (size or dtype mismatch; the message gives both). */
OAR_API oar_status oar_tensor_copy_from_host(oar_tensor *tensor, oar_dtype dtype, const void *src,
                                             size_t bytes);

/* Gives a writable pointer to an input's own buffer, sized for its current
 * shape (set by oar_tensor_reshape, or the declared shape when fixed) and
 * `dtype` (the model's declared input type), so the caller can fill it in
 * place with no copy at all. The input then counts as set. The pointer is
 * valid until the next reshape of this tensor or the predictor's
 * destruction. Returns OAR_OK, OAR_ERR_MISUSE (NULL, output tensor, no
 * shape set), OAR_ERR_INVALID_ARGUMENT (dtype mismatch),
 * OAR_ERR_OUT_OF_MEMORY. */
OAR_API oar_status oar_tensor_mutable_data(oar_tensor *tensor, oar_dtype dtype, void **data);

/* Copies an output (or input) to host memory. `bytes` must be at least the
 * tensor's size in bytes (element count times dtype size).
 * Returns OAR_OK, OAR_ERR_MISUSE (NULL, output before any run),
 * OAR_ERR_INVALID_ARGUMENT (buffer too small: the message gives both sizes). */
OAR_API oar_status oar_tensor_copy_to_host(const oar_tensor *tensor, void *dst, size_t bytes);

/* Borrows a read-only pointer to the tensor's data, valid until the next
 * run, reshape or copy on its predictor. Avoids the copy of
 * oar_tensor_copy_to_host. Returns OAR_OK, OAR_ERR_MISUSE (no data yet). */
OAR_API oar_status oar_tensor_data(const oar_tensor *tensor, const void **data);

#ifdef __cplusplus
}
#endif

#endif /* OAR_OAR_H */
