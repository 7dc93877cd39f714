/* libFuzzer harness for `oar serve`'s request parser (server/infer.c): any
 * bytes as a v2 infer request body, with or without an
 * Inference-Header-Content-Length, against two model signatures (one
 * batching, one not) must parse or fail with a 4xx/5xx status and a
 * message, never crash, leak or read out of bounds. A request that parses
 * is answered with its inputs echoed as outputs, and the response's JSON
 * part must itself parse. Build and run: fuzz/run.sh.
 *
 * Input layout: byte 0 bit 0 = header length present (then bytes 1-2, little
 * endian, modulo the body size + 1), bit 1 = which signature; the rest is
 * the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "serve.h"

static serve_io kBatchIn[] = {
    {"x", OAR_DTYPE_FLOAT32, 2, {-1, 4}},
    {"y", OAR_DTYPE_INT64, 2, {-1, 2}},
};
static serve_io kPlainIn[] = {
    {"x", OAR_DTYPE_BOOL, 2, {2, 3}},
    {"y", OAR_DTYPE_FLOAT16, 1, {-1}},
    {"z", OAR_DTYPE_UINT8, 0, {0}},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 3) return 0;
  serve_sig sig;
  memset(&sig, 0, sizeof sig);
  if (data[0] & 2) {
    sig.inputs = sig.outputs = kPlainIn;
    sig.n_inputs = sig.n_outputs = 3;
  } else {
    sig.inputs = sig.outputs = kBatchIn;
    sig.n_inputs = sig.n_outputs = 2;
    sig.max_batch_size = 8;
  }
  const char *body = (const char *)data + 3;
  size_t len = size - 3;
  int64_t header_len = (data[0] & 1) ? (int64_t)((data[1] | (data[2] << 8)) % (len + 1)) : -1;
  serve_limits limits = {1u << 16};
  serve_request req;
  char err[512];
  int status = serve_parse_infer(&sig, &limits, body, len, header_len, &req, err, sizeof err);
  if (status != 200) {
    if (status < 400 || status > 599 || err[0] == '\0') abort();
    return 0;
  }
  /* Echo: output i = input i. */
  serve_buf out = {0};
  size_t json_len = 0;
  int binary = 0;
  if (serve_write_response(&sig, "m", "1", &req, req.inputs, &out, &json_len, &binary) == 0) {
    cJSON *j = cJSON_ParseWithLength(out.p, json_len);
    if (j == NULL) abort(); /* the server wrote JSON a client cannot read */
    cJSON_Delete(j);
  }
  serve_buf_free(&out);
  serve_request_free(&req);
  return 0;
}
