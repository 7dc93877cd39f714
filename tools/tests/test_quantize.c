/* `oar quantize`'s parts without a model run: the calibration ranges
 * (tools/quantize/calib.c: minmax, percentile, KL, ONNX Runtime's uint8
 * scale and zero point) and the ONNX reader / rewriter
 * (tools/quantize/onnx_edit.c: a model built here, read back, edited,
 * written and read again; every truncation and some malformed bytes
 * refused with a message). Run as CTest `unit.quantize`. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantize/calib.h"
#include "quantize/onnx_edit.h"

static int failures;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      failures++;                                          \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

static void test_ranges(void) {
  enum { N = 10000 };
  float *x = malloc(N * sizeof *x);
  for (int i = 0; i < N; i++) x[i] = (float)i; /* 0 .. 9999, uniform */
  calib_stats s = {0};
  calib_observe_range(&s, x, N / 2);
  calib_observe_range(&s, x + N / 2, N / 2);
  double lo, hi;
  calib_range(&s, CALIB_MINMAX, 0, &lo, &hi);
  CHECK(lo == 0 && hi == 9999, "minmax [%g, %g]", lo, hi);
  CHECK(calib_observe_hist(&s, CALIB_PERCENTILE, x, N) == 0, "histogram");
  calib_range(&s, CALIB_PERCENTILE, 99, &lo, &hi);
  /* 0.5% cut at each end: 50 and 9950, within a bin (9999 / 2048). */
  CHECK(fabs(lo - 50) < 5 && fabs(hi - 9950) < 5, "percentile 99 [%g, %g]", lo, hi);
  calib_range(&s, CALIB_PERCENTILE, 100, &lo, &hi);
  CHECK(lo == 0 && hi == 9999, "percentile 100 [%g, %g]", lo, hi);
  calib_stats_free(&s);

  /* KL on a uniform distribution keeps (nearly) all of it; on a bulk with
   * a far outlier it clips the outlier. */
  calib_stats u = {0};
  calib_observe_range(&u, x, N);
  calib_observe_hist(&u, CALIB_KL, x, N);
  calib_range(&u, CALIB_KL, 0, &lo, &hi);
  CHECK(lo == 0 && hi > 9000 && hi <= 9999, "kl uniform [%g, %g]", lo, hi);
  calib_stats_free(&u);
  for (int i = 0; i < N; i++) x[i] = (float)((i % 100) - 50) / 50; /* [-1, 1) */
  x[7] = 100;
  calib_stats o = {0};
  calib_observe_range(&o, x, N);
  calib_observe_hist(&o, CALIB_KL, x, N);
  calib_range(&o, CALIB_KL, 0, &lo, &hi);
  CHECK(lo == -1 && hi > 0.9 && hi < 10, "kl with an outlier [%g, %g]", lo, hi);
  calib_stats_free(&o);

  /* NaN and infinities are left out. */
  float odd[4] = {NAN, -INFINITY, 2, -3};
  calib_stats n = {0};
  calib_observe_range(&n, odd, 4);
  calib_range(&n, CALIB_MINMAX, 0, &lo, &hi);
  CHECK(lo == -3 && hi == 2 && n.nonfinite == 2, "nonfinite [%g, %g] %lld", lo, hi, (long long)n.nonfinite);
  free(x);

  float scale;
  uint8_t zp;
  calib_uint8_params(0, 0, &scale, &zp);
  CHECK(scale == 1 && zp == 0, "empty range: %g %d", scale, zp);
  calib_uint8_params(2, 5.1, &scale, &zp);
  CHECK(scale == (float)(5.1 / 255) && zp == 0, "positive range: %g %d", scale, zp);
  calib_uint8_params(-3, -1, &scale, &zp);
  CHECK(scale == (float)(3.0 / 255) && zp == 255, "negative range: %g %d", scale, zp);
  calib_uint8_params(-1, 3, &scale, &zp);
  CHECK(scale == (float)(4.0 / 255) && zp == 64, "mixed range: %g %d", scale, zp);
}

/* ---- a model built here ---- */

static void put(oe_buf *b, const void *p, size_t n) {
  b->p = realloc(b->p, b->len + n);
  memcpy(b->p + b->len, p, n);
  b->len += n;
}

static void put_varint(oe_buf *b, uint64_t v) {
  do {
    uint8_t c = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) c |= 0x80;
    put(b, &c, 1);
  } while (v);
}

/* ModelProto: ir_version 8, opset 13, a producer name, then the graph. */
static oe_buf build_model(void) {
  oe_buf g = {0}, m = {0};
  const char *in0[2] = {"x", "w"}, *out0 = "y", *in1[1] = {"y"}, *out1 = "z";
  oe_buf_node(&g, "Conv", "conv", in0, 2, &out0, 1, 0, 0);
  oe_buf_node(&g, "Relu", "relu", in1, 1, &out1, 1, 1, -1);
  const int64_t dims[4] = {2, 1, 1, 2};
  const float w[4] = {1, -2, 0.5f, 0.25f};
  oe_buf_init(&g, "w", ONNX_FLOAT, 4, dims, w, sizeof w);
  oe_buf_output(&g, "z", ONNX_FLOAT);
  const uint8_t head[] = {0x08, 0x08, 0x42, 0x02, 0x10, 0x0d, 0x12, 0x01, 't'};
  put(&m, head, sizeof head);
  put_varint(&m, (7 << 3) | 2);
  put_varint(&m, g.len);
  put(&m, g.p, g.len);
  oe_buf_free(&g);
  return m;
}

static void test_onnx_edit(void) {
  oe_buf bytes = build_model();
  oe_model m;
  char err[256];
  CHECK(oe_model_parse(bytes.p, bytes.len, &m, err, sizeof err) == 0, "parse: %s", err);
  CHECK(m.opset == 13 && m.node_count == 2 && m.init_count == 1 && m.output_count == 1, "counts");
  CHECK(strcmp(m.nodes[0].op_type, "Conv") == 0 && m.nodes[0].input_count == 2 &&
            strcmp(m.nodes[0].inputs[1], "w") == 0 && strcmp(m.nodes[1].name, "relu") == 0,
        "nodes");
  int64_t axis = 0;
  CHECK(oe_node_attr_int(&m.nodes[1], "axis", &axis) == 1 && axis == -1, "axis attribute %lld",
        (long long)axis);
  CHECK(oe_node_attr_int(&m.nodes[0], "axis", &axis) == 0, "no attribute");
  CHECK(m.inits[0].rank == 4 && m.inits[0].dims[3] == 2 && oe_init_elements(&m.inits[0]) == 4, "dims");
  float w[4];
  CHECK(oe_init_floats(&m.inits[0], w, 4, err, sizeof err) == 0 && w[1] == -2 && w[3] == 0.25f, "floats");
  CHECK(oe_init_floats(&m.inits[0], w, 3, err, sizeof err) != 0 && strstr(err, "raw_data holds 16 bytes"),
        "size mismatch: %s", err);

  /* Edit: a node before the Conv, its inputs renamed, w dropped, an
   * initializer and an output appended. */
  oe_edit e;
  memset(&e, 0, sizeof e);
  oe_buf before[2] = {{0}, {0}};
  char *names[2] = {"x_dq", "w_dq"};
  char **rename[2] = {names, NULL};
  unsigned char drop[1] = {1};
  const char *dq_in[3] = {"w_q", "w_s", "w_z"}, *dq_out = "w_dq";
  oe_buf_node(&before[0], "DequantizeLinear", "dq", dq_in, 3, &dq_out, 1, 1, 0);
  e.before = before;
  e.rename = rename;
  e.drop = drop;
  const int8_t q[4] = {127, -127, 32, 16};
  oe_buf_init(&e.append_inits, "w_q", ONNX_INT8, m.inits[0].rank, m.inits[0].dims, q, 4);
  oe_buf_output(&e.append_outputs, "y", ONNX_FLOAT);
  uint8_t *out = NULL;
  size_t len = 0;
  CHECK(oe_model_write(&m, &e, &out, &len) == 0, "write");
  oe_model r;
  CHECK(oe_model_parse(out, len, &r, err, sizeof err) == 0, "reparse: %s", err);
  CHECK(r.node_count == 3 && strcmp(r.nodes[0].op_type, "DequantizeLinear") == 0 &&
            strcmp(r.nodes[1].inputs[0], "x_dq") == 0 && strcmp(r.nodes[1].inputs[1], "w_dq") == 0 &&
            strcmp(r.nodes[1].name, "conv") == 0,
        "edited nodes");
  CHECK(r.nodes[2].raw_len == m.nodes[1].raw_len &&
            memcmp(r.nodes[2].raw, m.nodes[1].raw, m.nodes[1].raw_len) == 0,
        "an untouched node is copied byte for byte");
  CHECK(r.init_count == 1 && strcmp(r.inits[0].name, "w_q") == 0 && r.inits[0].data_type == ONNX_INT8,
        "initializers");
  CHECK(r.output_count == 2 && strcmp(r.outputs[1].name, "y") == 0, "outputs");
  CHECK(r.opset == 13 && memcmp(out, bytes.p, 9) == 0, "the ModelProto's other fields are copied");
  oe_model_free(&r);
  free(out);
  oe_buf_free(&before[0]);
  oe_buf_free(&e.append_inits);
  oe_buf_free(&e.append_outputs);
  oe_model_free(&m);

  /* Every proper prefix is refused with a message. */
  for (size_t n = 0; n < bytes.len; n++) {
    err[0] = '\0';
    int rc = oe_model_parse(bytes.p, n, &m, err, sizeof err);
    CHECK(rc != 0 && strncmp(err, "malformed ONNX model: ", 22) == 0, "prefix %zu: %d '%s'", n, rc, err);
    if (rc == 0) oe_model_free(&m);
  }
  /* A varint of 11 bytes, a group wire type, a length past the end. */
  const uint8_t long_varint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  const uint8_t group[] = {0x0b, 0x0c};
  const uint8_t past_end[] = {0x3a, 0x05, 0x0a, 0x00};
  const uint8_t bad_node[] = {0x3a, 0x04, 0x0a, 0x02, 0x08, 0x01}; /* graph.node = {input: varint} */
  const struct {
    const uint8_t *p;
    size_t n;
    const char *want;
  } bad[] = {{long_varint, sizeof long_varint, "truncated or invalid field in the ModelProto"},
             {group, sizeof group, "truncated or invalid field in the ModelProto"},
             {past_end, sizeof past_end, "truncated or invalid field in the ModelProto"},
             {bad_node, sizeof bad_node, "a node input is not a string"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    err[0] = '\0';
    CHECK(oe_model_parse(bad[i].p, bad[i].n, &m, err, sizeof err) != 0 && strstr(err, bad[i].want),
          "bad %zu: %s", i, err);
  }
  oe_buf_free(&bytes);
}

int main(void) {
  test_ranges();
  test_onnx_edit();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("ok\n");
  return 0;
}
