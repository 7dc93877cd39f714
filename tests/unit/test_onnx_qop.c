/* Issue 14, item 1: ONNX's quantized operators (QLinearConv, QGemm, ...)
 * on models built here byte by byte.
 *
 * - the IR a QLinearConv becomes: the QDQ pattern the int8 pass matches,
 *   DQ(x), DQ(w, axis 0), DQ(B, x_scale * w_scale) -> conv2d -> Q;
 * - QLinearConv with per-channel weights and a bias, QLinearMatMul with
 *   per-column b, ConvInteger and MatMulInteger with per-channel zero
 *   points, QGemm with a bias and a float output, run and compared with
 *   integer arithmetic done here (one step of the output allowed where
 *   the requantizing rounds a float result: never more), and
 *   QLinearSoftmax whose `opset` attribute selects the flattening form;
 * - bad scales and zero points: errors naming the node, with exact text.
 * Returns nonzero when a check fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/onnx/onnx_loader.h"
#include "ir/graph.h"
#include "ir/ops/op_ext.h"
#include "oar/oar.h"
#include "pb_writer.h"
#include "test_check.h"

enum { T_FLOAT = 1, T_UINT8 = 2, T_INT8 = 3, T_INT32 = 6 };

static size_t elem_bytes(int t) { return t == T_FLOAT || t == T_INT32 ? 4 : 1; }

/* A tensor for an initializer or a graph input: ONNX dtype, dims and (for
 * initializers) data. */
typedef struct tensor {
  const char *name;
  int dtype, rank;
  int64_t dims[4];
  const void *data; /* NULL: a graph input */
} tensor;

static int64_t numel(const tensor *t) {
  int64_t n = 1;
  for (int i = 0; i < t->rank; i++) n *= t->dims[i];
  return n;
}

static void add_initializer(pb *g, const tensor *t) {
  pb p = {0};
  for (int i = 0; i < t->rank; i++) pb_int(&p, 1, t->dims[i]);
  pb_int(&p, 2, t->dtype);
  pb_str(&p, 8, t->name);
  pb_bytes(&p, 9, t->data, (size_t)numel(t) * elem_bytes(t->dtype));
  pb_msg(g, 5, &p);
}

static void add_value_info(pb *g, int field, const char *name, int dtype, int rank, const int64_t *dims) {
  pb vi = {0}, type = {0}, tt = {0}, shape = {0};
  for (int i = 0; i < rank; i++) {
    pb dim = {0};
    pb_int(&dim, 1, dims[i]);
    pb_msg(&shape, 1, &dim);
  }
  pb_int(&tt, 1, dtype);
  pb_msg(&tt, 2, &shape);
  pb_msg(&type, 1, &tt);
  pb_str(&vi, 1, name);
  pb_msg(&vi, 2, &type);
  pb_msg(g, field, &vi);
}

/* An attribute: INT (ints NULL, n 0), INTS, or FLOAT (is_float). */
typedef struct attr {
  const char *name;
  int64_t i;
  const int64_t *ints;
  int n;
  bool is_float;
  float f;
} attr;

typedef struct model_def {
  const char *op_type, *domain;
  const char *const *inputs; /* node inputs ("" for an empty one) */
  int num_inputs;
  const tensor *tensors; /* initializers and graph inputs */
  int num_tensors;
  const attr *attrs;
  int num_attrs;
  int y_dtype, y_rank;
  int64_t y_dims[4];
} model_def;

static pb make_model(const model_def *d) {
  pb model = {0}, graph = {0}, node = {0}, opset = {0};
  for (int i = 0; i < d->num_inputs; i++) pb_str(&node, 1, d->inputs[i]);
  pb_str(&node, 2, "y");
  pb_str(&node, 3, "q");
  pb_str(&node, 4, d->op_type);
  for (int i = 0; i < d->num_attrs; i++) {
    const attr *a = &d->attrs[i];
    pb at = {0};
    pb_str(&at, 1, a->name);
    if (a->is_float) {
      pb_float(&at, 2, a->f);
      pb_int(&at, 20, 1);
    } else if (a->ints) {
      for (int k = 0; k < a->n; k++) pb_int(&at, 8, a->ints[k]);
      pb_int(&at, 20, 7);
    } else {
      pb_int(&at, 3, a->i);
      pb_int(&at, 20, 2);
    }
    pb_msg(&node, 5, &at);
  }
  if (d->domain) pb_str(&node, 7, d->domain);
  pb_msg(&graph, 1, &node);
  pb_str(&graph, 2, "g");
  for (int i = 0; i < d->num_tensors; i++)
    if (d->tensors[i].data) add_initializer(&graph, &d->tensors[i]);
  for (int i = 0; i < d->num_tensors; i++)
    if (!d->tensors[i].data)
      add_value_info(&graph, 11, d->tensors[i].name, d->tensors[i].dtype, d->tensors[i].rank,
                     d->tensors[i].dims);
  add_value_info(&graph, 12, "y", d->y_dtype, d->y_rank, d->y_dims);
  pb_int(&model, 1, 8);
  pb_str(&opset, 1, "");
  pb_int(&opset, 2, 13);
  pb_msg(&model, 8, &opset);
  if (d->domain) {
    pb ms = {0};
    pb_str(&ms, 1, d->domain);
    pb_int(&ms, 2, 1);
    pb_msg(&model, 8, &ms);
  }
  pb_msg(&model, 7, &graph);
  return model;
}

static oar_status load(const model_def *d, oar_graph **g, oar_error *err) {
  pb m = make_model(d);
  oar_error_clear(err);
  *g = NULL;
  oar_status st = oar_onnx_load(NULL, m.b, m.n, g, err);
  free(m.b);
  return st;
}

/* Runs the model on its graph inputs (tensors without data, fed from
 * feeds[i] in order) and copies y (bytes) into out. */
static oar_status run(const model_def *d, const void *const *feeds, void *out, size_t bytes) {
  pb m = make_model(d);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model_buffer(c, m.b, m.n, NULL, 0);
  oar_status st = oar_predictor_create(c, &p);
  for (int i = 0, k = 0; st == OAR_OK && i < d->num_tensors; i++) {
    const tensor *t = &d->tensors[i];
    if (t->data) continue;
    oar_tensor *in = NULL;
    static const oar_dtype dt[] = {[T_FLOAT] = OAR_DTYPE_FLOAT32,
                                   [T_UINT8] = OAR_DTYPE_UINT8,
                                   [T_INT8] = OAR_DTYPE_INT8,
                                   [T_INT32] = OAR_DTYPE_INT32};
    st = oar_predictor_get_input(p, t->name, &in);
    if (st == OAR_OK) st = oar_tensor_reshape(in, t->rank, t->dims);
    if (st == OAR_OK)
      st = oar_tensor_copy_from_host(in, dt[t->dtype], feeds[k++], (size_t)numel(t) * elem_bytes(t->dtype));
  }
  if (st == OAR_OK) st = oar_predictor_run(p);
  oar_tensor *y = NULL;
  if (st == OAR_OK) st = oar_predictor_get_output(p, "y", &y);
  if (st == OAR_OK) st = oar_tensor_copy_to_host(y, out, bytes);
  if (st != OAR_OK) printf("run: %s\n", oar_last_error());
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  free(m.b);
  return st;
}

/* round half to even, then saturate: QuantizeLinear's rounding. */
static int quantize(double v, double scale, int zp, int lo, int hi) {
  double q = nearbyint(v / scale) + zp;
  return q < lo ? lo : q > hi ? hi : (int)q;
}

/* ---- QLinearConv ------------------------------------------------------------ */

/* x uint8 [1, 2, 3, 3], w int8 [3, 2, 2, 2] per output channel, B int32 [3],
 * pads 1 (output [1, 3, 4, 4]), y uint8. */
static const uint8_t qc_x[18] = {10, 200, 37,  99, 128, 0,   255, 61, 140,
                                 3,  77,  190, 45, 250, 128, 12,  88, 170};
static const int8_t qc_w[24] = {1,   -7, 12, 127, -128, 33,  5,  -9, 64,  -3, 0,  17,
                                -45, 8,  22, -1,  9,    -77, 50, 2,  -16, 7,  99, -100};
static const int32_t qc_b[3] = {-500, 0, 1234};
static const int64_t qc_pads[4] = {1, 1, 1, 1};

typedef struct qc_params {
  float x_scale, w_scale[3], y_scale;
  uint8_t x_zp, y_zp;
  int8_t w_zp[3];
  int w_scales;  /* values in w_scale (1 or 3; 2 for a bad model) */
  int w_zps;     /* values in w_zero_point */
  int x_zp_type; /* T_UINT8, or T_INT8 for a bad model */
  bool bias;
  bool x_scale_input; /* x_scale a graph input, not a constant */
} qc_params;

static void qc_model(const qc_params *q, tensor t[10], model_def *d) {
  static const char *const in[] = {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"};
  static attr pads = {"pads", 0, qc_pads, 4, false, 0};
  t[0] = (tensor){"x", T_UINT8, 4, {1, 2, 3, 3}, NULL};
  t[1] = (tensor){"xs", T_FLOAT, 0, {0}, q->x_scale_input ? NULL : &q->x_scale};
  t[2] = (tensor){"xz", q->x_zp_type, 0, {0}, &q->x_zp};
  t[3] = (tensor){"w", T_INT8, 4, {3, 2, 2, 2}, qc_w};
  t[4] = (tensor){"ws", T_FLOAT, 1, {q->w_scales}, q->w_scale};
  t[5] = (tensor){"wz", T_INT8, 1, {q->w_zps}, q->w_zp};
  t[6] = (tensor){"ys", T_FLOAT, 0, {0}, &q->y_scale};
  t[7] = (tensor){"yz", T_UINT8, 0, {0}, &q->y_zp};
  t[8] = (tensor){"b", T_INT32, 1, {3}, qc_b};
  *d = (model_def){.op_type = "QLinearConv",
                   .inputs = in,
                   .num_inputs = q->bias ? 9 : 8,
                   .tensors = t,
                   .num_tensors = 9,
                   .attrs = &pads,
                   .num_attrs = 1,
                   .y_dtype = T_UINT8,
                   .y_rank = 4,
                   .y_dims = {1, 3, 4, 4}};
}

static const qc_params qc_good = {.x_scale = 0.02f,
                                  .w_scale = {0.01f, 0.005f, 0.03f},
                                  .y_scale = 0.15f,
                                  .x_zp = 128,
                                  .y_zp = 100,
                                  .w_zp = {0, 3, -2},
                                  .w_scales = 3,
                                  .w_zps = 3,
                                  .x_zp_type = T_UINT8,
                                  .bias = true};

static void test_qlinear_conv_ir(void) {
  tensor t[10];
  model_def d;
  qc_model(&qc_good, t, &d);
  oar_graph *g;
  oar_error err = {0};
  oar_status st = load(&d, &g, &err);
  CHECK(st == OAR_OK, "QLinearConv did not load: %s", err.msg);
  if (st != OAR_OK) return;
  /* DQ(x), DQ(w), DQ(b), conv2d, Q: the QDQ pattern, in that order. */
  static const char *const ops[] = {"dequantize_linear", "dequantize_linear", "dequantize_linear", "conv2d",
                                    "quantize_linear"};
  CHECK(g->num_nodes == 5, "%d nodes, expected 5", g->num_nodes);
  for (int i = 0; i < g->num_nodes && i < 5; i++)
    CHECK(strcmp(g->nodes[i].schema->name, ops[i]) == 0, "node %d is %s, expected %s", i,
          g->nodes[i].schema->name, ops[i]);
  if (g->num_nodes == 5) {
    const oar_node *conv = &g->nodes[3], *dqw = &g->nodes[1], *dqb = &g->nodes[2];
    CHECK(conv->in[0] == g->nodes[0].out[0] && conv->in[1] == dqw->out[0] && conv->in[2] == dqb->out[0],
          "conv2d does not read the three dequantized values");
    CHECK(oar_node_attr_i(dqw, OAR_QUANT_ATTR_AXIS) == 0, "the filter's dequantize is not along axis 0");
    CHECK(g->nodes[4].in[0] == conv->out[0], "quantize_linear does not read the conv2d output");
    /* The bias scale: a constant x_scale * w_scale[c]. */
    const oar_value *bs = &g->values[dqb->in[1]];
    CHECK(bs->kind == OAR_VALUE_CONSTANT && bs->dtype == OAR_DTYPE_FLOAT32 && bs->shape.rank == 1 &&
              bs->shape.dims[0] == 3,
          "the bias scale is not a float32 constant [3]");
    if (bs->kind == OAR_VALUE_CONSTANT)
      for (int c = 0; c < 3; c++)
        CHECK(((const float *)bs->data)[c] == qc_good.x_scale * qc_good.w_scale[c], "bias scale[%d] = %g", c,
              ((const float *)bs->data)[c]);
  }
  oar_graph_destroy(g);
}

/* With x_scale a constant (the bias scale computed at load time) and a
 * graph input (a product node). */
static void test_qlinear_conv_values(bool x_scale_input) {
  tensor t[10];
  model_def d;
  qc_params q = qc_good;
  q.x_scale_input = x_scale_input;
  qc_model(&q, t, &d);
  const void *feeds[2] = {qc_x, &qc_good.x_scale};
  uint8_t y[48];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "QLinearConv did not run");
    return;
  }
  int off = 0, exact = 0;
  for (int m = 0; m < 3; m++)
    for (int oh = 0; oh < 4; oh++)
      for (int ow = 0; ow < 4; ow++) {
        int64_t acc = qc_b[m];
        for (int c = 0; c < 2; c++)
          for (int kh = 0; kh < 2; kh++)
            for (int kw = 0; kw < 2; kw++) {
              const int ih = oh + kh - 1, iw = ow + kw - 1;
              if (ih < 0 || ih >= 3 || iw < 0 || iw >= 3) continue;
              acc += (int64_t)(qc_x[(c * 3 + ih) * 3 + iw] - qc_good.x_zp) *
                     (qc_w[((m * 2 + c) * 2 + kh) * 2 + kw] - qc_good.w_zp[m]);
            }
        const double real = (double)acc * qc_good.x_scale * qc_good.w_scale[m];
        const int want = quantize(real, qc_good.y_scale, qc_good.y_zp, 0, 255);
        const int got = y[(m * 4 + oh) * 4 + ow];
        if (got == want) exact++;
        if (abs(got - want) > 1) off++;
      }
  CHECK(off == 0, "%d QLinearConv outputs differ by more than one step", off);
  CHECK(exact >= 45, "only %d of 48 QLinearConv outputs exact", exact);
}

/* ---- ConvInteger, MatMulInteger, QLinearMatMul, QGemm ----------------------------- */

static void test_conv_integer(void) {
  static const char *const in[] = {"x", "w", "xz", "wz"};
  static const uint8_t xz = 128;
  static const int8_t wz[3] = {0, 3, -2};
  const tensor t[4] = {{"x", T_UINT8, 4, {1, 2, 3, 3}, NULL},
                       {"w", T_INT8, 4, {3, 2, 2, 2}, qc_w},
                       {"xz", T_UINT8, 0, {0}, &xz},
                       {"wz", T_INT8, 1, {3}, wz}};
  const model_def d = {.op_type = "ConvInteger",
                       .inputs = in,
                       .num_inputs = 4,
                       .tensors = t,
                       .num_tensors = 4,
                       .y_dtype = T_INT32,
                       .y_rank = 4,
                       .y_dims = {1, 3, 2, 2}};
  const void *feeds[1] = {qc_x};
  int32_t y[12];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "ConvInteger did not run");
    return;
  }
  for (int m = 0; m < 3; m++)
    for (int oh = 0; oh < 2; oh++)
      for (int ow = 0; ow < 2; ow++) {
        int32_t acc = 0;
        for (int c = 0; c < 2; c++)
          for (int kh = 0; kh < 2; kh++)
            for (int kw = 0; kw < 2; kw++)
              acc += (qc_x[(c * 3 + oh + kh) * 3 + ow + kw] - xz) *
                     (qc_w[((m * 2 + c) * 2 + kh) * 2 + kw] - wz[m]);
        CHECK(y[(m * 2 + oh) * 2 + ow] == acc, "ConvInteger y[%d,%d,%d] = %d, expected %d", m, oh, ow,
              y[(m * 2 + oh) * 2 + ow], acc);
      }
}

static const uint8_t mm_a[8] = {0, 255, 17, 128, 99, 3, 200, 64};                   /* [2, 4] */
static const int8_t mm_b[12] = {-128, 127, 5, 0, -1, 64, 33, -77, 12, 100, -50, 9}; /* [4, 3] */

static void test_matmul_integer(void) {
  static const char *const in[] = {"a", "b", "az", "bz"};
  static const uint8_t az[2] = {10, 200}; /* per row */
  static const int8_t bz[3] = {1, -2, 0}; /* per column */
  const tensor t[4] = {{"a", T_UINT8, 2, {2, 4}, NULL},
                       {"b", T_INT8, 2, {4, 3}, mm_b},
                       {"az", T_UINT8, 1, {2}, az},
                       {"bz", T_INT8, 1, {3}, bz}};
  const model_def d = {.op_type = "MatMulInteger",
                       .inputs = in,
                       .num_inputs = 4,
                       .tensors = t,
                       .num_tensors = 4,
                       .y_dtype = T_INT32,
                       .y_rank = 2,
                       .y_dims = {2, 3}};
  const void *feeds[1] = {mm_a};
  int32_t y[6];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "MatMulInteger did not run");
    return;
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) {
      int32_t acc = 0;
      for (int k = 0; k < 4; k++) acc += (mm_a[i * 4 + k] - az[i]) * (mm_b[k * 3 + j] - bz[j]);
      CHECK(y[i * 3 + j] == acc, "MatMulInteger y[%d,%d] = %d, expected %d", i, j, y[i * 3 + j], acc);
    }
}

static void test_qlinear_matmul(void) {
  static const char *const in[] = {"a", "as", "az", "b", "bs", "bz", "ys", "yz"};
  static const float as = 0.05f, bs[3] = {0.02f, 0.01f, 0.04f}, ys = 0.5f;
  static const uint8_t az = 128, yz = 10;
  static const int8_t bz[3] = {0, 5, -5};
  const tensor t[8] = {{"a", T_UINT8, 2, {2, 4}, NULL}, {"as", T_FLOAT, 0, {0}, &as},
                       {"az", T_UINT8, 0, {0}, &az},    {"b", T_INT8, 2, {4, 3}, mm_b},
                       {"bs", T_FLOAT, 1, {3}, bs},     {"bz", T_INT8, 1, {3}, bz},
                       {"ys", T_FLOAT, 0, {0}, &ys},    {"yz", T_UINT8, 0, {0}, &yz}};
  const model_def d = {.op_type = "QLinearMatMul",
                       .inputs = in,
                       .num_inputs = 8,
                       .tensors = t,
                       .num_tensors = 8,
                       .y_dtype = T_UINT8,
                       .y_rank = 2,
                       .y_dims = {2, 3}};
  oar_graph *g;
  oar_error err = {0};
  if (load(&d, &g, &err) == OAR_OK) {
    /* DQ(a), DQ(b) per column (axis 1 of [K, N]), matmul_v2, Q. */
    static const char *const ops[] = {"dequantize_linear", "dequantize_linear", "matmul_v2",
                                      "quantize_linear"};
    CHECK(g->num_nodes == 4, "%d nodes, expected 4", g->num_nodes);
    for (int i = 0; i < g->num_nodes && i < 4; i++)
      CHECK(strcmp(g->nodes[i].schema->name, ops[i]) == 0, "node %d is %s, expected %s", i,
            g->nodes[i].schema->name, ops[i]);
    if (g->num_nodes == 4)
      CHECK(oar_node_attr_i(&g->nodes[1], OAR_QUANT_ATTR_AXIS) == 1, "b's dequantize is along axis %lld",
            (long long)oar_node_attr_i(&g->nodes[1], OAR_QUANT_ATTR_AXIS));
  }
  CHECK(err.msg[0] == 0, "QLinearMatMul did not load: %s", err.msg);
  oar_graph_destroy(g);
  const void *feeds[1] = {mm_a};
  uint8_t y[6];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "QLinearMatMul did not run");
    return;
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) {
      int32_t acc = 0;
      for (int k = 0; k < 4; k++) acc += (mm_a[i * 4 + k] - az) * (mm_b[k * 3 + j] - bz[j]);
      const int want = quantize((double)acc * as * bs[j], ys, yz, 0, 255);
      CHECK(abs(y[i * 3 + j] - want) <= 1, "QLinearMatMul y[%d,%d] = %d, expected %d", i, j, y[i * 3 + j],
            want);
    }
}

/* QGemm, transB 1, per-row-of-B' scales, int32 C, alpha 0.5, float output. */
static void test_qgemm_float_out(void) {
  static const char *const in[] = {"a", "as", "az", "b", "bs", "bz", "c"};
  static const float as = 0.05f, bs[2] = {0.02f, 0.01f};
  static const uint8_t az = 128;
  static const int8_t bz[2] = {0, 0};
  static const int8_t b[8] = {-128, 127, 5, 0, -1, 64, 33, -77}; /* [2, 4]: N x K */
  static const int32_t c[2] = {1000, -3000};
  static const attr attrs[2] = {{"transB", 1, NULL, 0, false, 0}, {"alpha", 0, NULL, 0, true, 0.5f}};
  const tensor t[7] = {{"a", T_UINT8, 2, {2, 4}, NULL}, {"as", T_FLOAT, 0, {0}, &as},
                       {"az", T_UINT8, 0, {0}, &az},    {"b", T_INT8, 2, {2, 4}, b},
                       {"bs", T_FLOAT, 1, {2}, bs},     {"bz", T_INT8, 1, {2}, bz},
                       {"c", T_INT32, 1, {2}, c}};
  const model_def d = {.op_type = "QGemm",
                       .domain = "com.microsoft",
                       .inputs = in,
                       .num_inputs = 7,
                       .tensors = t,
                       .num_tensors = 7,
                       .attrs = attrs,
                       .num_attrs = 2,
                       .y_dtype = T_FLOAT,
                       .y_rank = 2,
                       .y_dims = {2, 2}};
  const void *feeds[1] = {mm_a};
  float y[4];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "QGemm did not run");
    return;
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) {
      int32_t acc = c[j];
      for (int k = 0; k < 4; k++) acc += (mm_a[i * 4 + k] - az) * (b[j * 4 + k] - bz[j]);
      const double want = 0.5 * as * bs[j] * acc;
      CHECK(fabs(y[i * 2 + j] - want) <= 1e-5 * fabs(want) + 1e-6, "QGemm y[%d,%d] = %.9g, expected %.9g", i,
            j, y[i * 2 + j], want);
    }
}

/* QLinearSoftmax with opset 11 (from its `opset` attribute): axis 1 of
 * [2, 2, 3] normalizes each batch's 6 values together (opset 13 would
 * normalize the 2 values along dim 1). */
static void test_qlinear_softmax_opset11(void) {
  static const char *const in[] = {"x", "xs", "xz", "ys", "yz"};
  static const uint8_t x[12] = {0, 10, 20, 30, 40, 50, 5, 5, 5, 60, 0, 30};
  static const float xs = 0.05f, ys = 1.0f / 256;
  static const uint8_t xz = 20, yz = 0;
  static const attr attrs[2] = {{"axis", 1, NULL, 0, false, 0}, {"opset", 11, NULL, 0, false, 0}};
  const tensor t[5] = {{"x", T_UINT8, 3, {2, 2, 3}, NULL},
                       {"xs", T_FLOAT, 0, {0}, &xs},
                       {"xz", T_UINT8, 0, {0}, &xz},
                       {"ys", T_FLOAT, 0, {0}, &ys},
                       {"yz", T_UINT8, 0, {0}, &yz}};
  const model_def d = {.op_type = "QLinearSoftmax",
                       .domain = "com.microsoft",
                       .inputs = in,
                       .num_inputs = 5,
                       .tensors = t,
                       .num_tensors = 5,
                       .attrs = attrs,
                       .num_attrs = 2,
                       .y_dtype = T_UINT8,
                       .y_rank = 3,
                       .y_dims = {2, 2, 3}};
  const void *feeds[1] = {x};
  uint8_t y[12];
  if (run(&d, feeds, y, sizeof y) != OAR_OK) {
    CHECK(false, "QLinearSoftmax did not run");
    return;
  }
  for (int b = 0; b < 2; b++) {
    double sum = 0;
    for (int k = 0; k < 6; k++) sum += exp((x[b * 6 + k] - xz) * (double)xs);
    for (int k = 0; k < 6; k++) {
      const int want = quantize(exp((x[b * 6 + k] - xz) * (double)xs) / sum, ys, yz, 0, 255);
      CHECK(abs(y[b * 6 + k] - want) <= 1, "QLinearSoftmax y[%d] = %d, expected %d", b * 6 + k, y[b * 6 + k],
            want);
    }
  }
}

/* ---- bad input ---------------------------------------------------------------- */

static void expect_error(const model_def *d, oar_status want_st, const char *want) {
  oar_graph *g;
  oar_error err = {0};
  oar_status st = load(d, &g, &err);
  oar_graph_destroy(g);
  char full[512];
  snprintf(full, sizeof full, "ONNX model in memory: %s", want);
  CHECK(st == want_st && strcmp(err.msg, full) == 0, "%s: status %d '%s', expected '%s'", d->op_type, (int)st,
        err.msg, full);
}

static void test_bad_qlinear_conv(void) {
  struct {
    void (*edit)(qc_params *);
    oar_status st;
    const char *msg;
  } cases[] = {
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): x_scale is 0; expected a positive finite number"},
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): w_scale[1] is -0.005; expected a positive finite number"},
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): w_scale holds 2 values; expected 1 or 3 (the output "
       "channels of w)"},
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): w_zero_point holds 2 values and w_scale 3; they must "
       "match"},
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): x_zero_point has dtype int8 but x has uint8; they must "
       "be the same"},
      {NULL, OAR_ERR_INVALID_MODEL,
       "ONNX node #0 'q' (QLinearConv) (opset 13): y_scale is inf; expected a positive finite number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    qc_params q = qc_good;
    switch (i) {
      case 0: q.x_scale = 0; break;
      case 1: q.w_scale[1] = -0.005f; break;
      case 2: q.w_scales = 2; break;
      case 3: q.w_zps = 2; break;
      case 4: q.x_zp_type = T_INT8; break;
      case 5: q.y_scale = INFINITY; break;
    }
    tensor t[10];
    model_def d;
    qc_model(&q, t, &d);
    expect_error(&d, cases[i].st, cases[i].msg);
  }
}

static void test_bad_contrib(void) {
  static const char *const in[] = {"a", "as", "az", "b", "bs", "bz", "cs", "cz"};
  static const float as = 0.1f, bad = -1.0f, cs = 0.2f, two[2] = {0.1f, 0.2f};
  static const uint8_t z = 0, z2[2] = {0, 0};
  tensor t[8] = {{"a", T_UINT8, 2, {2, 2}, NULL}, {"as", T_FLOAT, 0, {0}, &as},  {"az", T_UINT8, 0, {0}, &z},
                 {"b", T_UINT8, 2, {2, 2}, NULL}, {"bs", T_FLOAT, 0, {0}, &bad}, {"bz", T_UINT8, 0, {0}, &z},
                 {"cs", T_FLOAT, 0, {0}, &cs},    {"cz", T_UINT8, 0, {0}, &z}};
  model_def d = {.op_type = "QLinearAdd",
                 .domain = "com.microsoft",
                 .inputs = in,
                 .num_inputs = 8,
                 .tensors = t,
                 .num_tensors = 8,
                 .y_dtype = T_UINT8,
                 .y_rank = 2,
                 .y_dims = {2, 2}};
  expect_error(&d, OAR_ERR_INVALID_MODEL,
               "ONNX node #0 'q' (QLinearAdd) (opset 13): B_scale is -1; expected a positive finite number");
  t[4] = (tensor){"bs", T_FLOAT, 0, {0}, &as};
  t[6] = (tensor){"cs", T_FLOAT, 1, {2}, two};
  t[7] = (tensor){"cz", T_UINT8, 1, {2}, z2};
  d.op_type = "QLinearMul";
  expect_error(&d, OAR_ERR_INVALID_MODEL,
               "ONNX node #0 'q' (QLinearMul) (opset 13): C_scale holds 2 values; expected 1 (per-tensor "
               "quantization)");
  d.op_type = "QLinearFoo";
  expect_error(
      &d, OAR_ERR_UNSUPPORTED,
      "ONNX node #0 'q' (QLinearFoo): op type 'QLinearFoo' of domain 'com.microsoft' (opset 1) is not "
      "supported: oar reads the default ONNX domain only");
}

int main(void) {
  test_qlinear_conv_ir();
  test_qlinear_conv_values(false);
  test_qlinear_conv_values(true);
  test_conv_integer();
  test_matmul_integer();
  test_qlinear_matmul();
  test_qgemm_float_out();
  test_qlinear_softmax_opset11();
  test_bad_qlinear_conv();
  test_bad_contrib();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
