/* The ONNX frontend's entry point: reads a ModelProto (a .onnx file, or
 * bytes in memory) into the IR graph.
 *
 * What is understood: opset imports of the default domain ("" or
 * "ai.onnx") from ONNX_MIN_OPSET to ONNX_MAX_OPSET, each op with the
 * semantics of the version that opset selects; initializers with inline
 * data (raw_data or the typed fields) or external data (location, offset,
 * length, relative to the model file's directory; each tensor is read
 * straight into its constant, so weights are never held twice); graph
 * inputs that are also initializers are constants; symbolic or missing dims
 * become -1; Constant nodes become constants.
 *
 * Of the other domains, the quantized ops ONNX Runtime's quantizer writes
 * in com.microsoft (QLinearAdd, QGemm, ...: onnx_ops_qop.c).
 *
 * What is refused, with the reason: ops of other domains, ops without a
 * converter (the message gives type, domain, opset and node), opsets out of
 * range, Scan and graph-list attributes (If and Loop bodies are converted
 * into bodies of the IR's conditional_block / while), sparse initializers, data types oar does
 * not have. */
#ifndef OAR_FRONTEND_ONNX_ONNX_LOADER_H
#define OAR_FRONTEND_ONNX_ONNX_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "ir/graph.h"

#define ONNX_MIN_OPSET 7
#define ONNX_MAX_OPSET 22

/* Loads an ONNX model into a new graph (*out, owned by the caller, freed
 * with oar_graph_destroy; written only on success). Give either `path`
 * (buf NULL) or the model bytes `buf`/`size` (path NULL; external data is
 * then refused, having no directory to resolve it against). The buffer is
 * only read during the call. Returns OAR_OK; OAR_ERR_INVALID_ARGUMENT (no
 * source); OAR_ERR_IO (unreadable model or external data file);
 * OAR_ERR_INVALID_MODEL (corrupt protobuf, a missing initializer or value,
 * external data out of its file's bounds, data that does not match its
 * dims); OAR_ERR_UNSUPPORTED (see above); OAR_ERR_OUT_OF_MEMORY.
 * Thread-safe (no shared state). */
oar_status oar_onnx_load(const char *path, const void *buf, size_t size, oar_graph **out, oar_error *err);

/* True when `path` names an ONNX file (ends in ".onnx", any case). */
bool oar_onnx_path_matches(const char *path);

/* True when the bytes look like an ONNX ModelProto rather than a Paddle
 * ProgramDesc: a ModelProto starts with its ir_version (field 1, varint),
 * a ProgramDesc with its blocks (field 1, length-delimited). */
bool oar_onnx_buffer_matches(const void *buf, size_t size);

#endif
