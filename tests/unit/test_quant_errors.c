/* Issue 14, item 5: bad quantization parameters are errors that say what
 * was expected. The exact messages of the Paddle parameter rule (INT8
 * weights under a float declaration), Paddle's quantize / dequantize ops
 * (paddle_fake_quant: scales, zero points, scale count on the channel axis)
 * and ONNX QuantizeLinear / DequantizeLinear (scales, per-axis shape, the
 * zero point's dtype).
 * Returns nonzero when a check fails. */
#include <string.h>

#include "frontend/paddle/params.h"
#include "ir/graph.h"
#include "ir/ops/op_ext.h"
#include "test_check.h"

#define OAR_OP(id) extern const oar_op_schema oar_schema_##id;
#include "ir/op_list.h"
#undef OAR_OP

/* ---- the parameter rule -------------------------------------------------- */

static oar_status check_record(int32_t rec_dtype, int rec_rank, const int64_t *rec_dims, int32_t decl_dtype,
                               int decl_rank, int64_t *decl_dims, oar_error *err) {
  oar_pd_var var = {
      .name = "conv2d_0.w_0", .kind = OAR_PD_LOD_TENSOR, .has_tensor = true, .persistable = true};
  var.tensor.dtype = decl_dtype;
  var.tensor.dims.v = decl_dims;
  var.tensor.dims.n = (size_t)decl_rank;
  oar_pd_tensor_record rec = {.dtype = rec_dtype, .shape = oar_shape_make(rec_rank, rec_dims), .offset = 40};
  oar_error_clear(err);
  return oar_pd_tensor_record_check(&rec, &var, "m.pdiparams", err);
}

static void test_param_rule(void) {
  oar_error err = {0};
  const int64_t w[4] = {16, 3, 3, 3};
  int64_t decl[4] = {16, 3, 3, 3}, other[4] = {16, 3, 3, 5}, row[2] = {1, 16}, col[1] = {16};
  CHECK(check_record(OAR_PD_INT8, 4, w, OAR_PD_FP32, 4, decl, &err) == OAR_OK, "INT8 under FP32: %s",
        err.msg);
  CHECK(check_record(OAR_PD_INT8, 4, w, OAR_PD_FP16, 4, decl, &err) == OAR_OK, "INT8 under FP16: %s",
        err.msg);
  CHECK(check_record(OAR_PD_FP32, 2, row, OAR_PD_FP32, 1, col, &err) == OAR_OK, "[1, 16] under [16]: %s",
        err.msg);
  struct {
    int32_t rec, decl;
    int rank;
    int64_t *dims;
    const char *msg;
  } bad[] = {
      {OAR_PD_INT8, OAR_PD_FP32, 4, other,
       "parameter 'conv2d_0.w_0' in 'm.pdiparams' (record at byte offset 40) holds INT8 [16, 3, 3, 3], but "
       "the "
       "program declares FP32 [16, 3, 3, 5] (quantized INT8 weights are accepted only under a float "
       "declaration "
       "of the same shape)"},
      {OAR_PD_INT8, OAR_PD_INT32, 4, decl,
       "parameter 'conv2d_0.w_0' in 'm.pdiparams' (record at byte offset 40) holds INT8 [16, 3, 3, 3], but "
       "the "
       "program declares INT32 [16, 3, 3, 3] (quantized INT8 weights are accepted only under a float "
       "declaration of the same shape)"},
      {OAR_PD_FP32, OAR_PD_INT8, 4, decl,
       "parameter 'conv2d_0.w_0' in 'm.pdiparams' (record at byte offset 40) holds FP32 [16, 3, 3, 3], but "
       "the "
       "program declares INT8 [16, 3, 3, 3]"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const oar_status st = check_record(bad[i].rec, 4, w, bad[i].decl, bad[i].rank, bad[i].dims, &err);
    CHECK(st == OAR_ERR_INVALID_MODEL && strcmp(err.msg, bad[i].msg) == 0, "case %zu: status %d '%s'", i,
          (int)st, err.msg);
  }
}

/* ---- the ops' infer ------------------------------------------------------- */

typedef struct op_case {
  const char *what;
  const oar_op_schema *schema;
  int64_t axis; /* quant_axis / axis */
  bool dequantize, observer;
  int x_rank;
  int64_t x_dims[4];
  oar_dtype s_dtype;
  int s_rank;
  int64_t s_dims[2];
  const void *scales;
  const int32_t *zero; /* int32 zero point of the scale's shape, or NULL */
  oar_status st;
  const char *msg;
} op_case;

static oar_status run_infer(const op_case *c, oar_error *err) {
  oar_graph *g;
  OAR_TRY(oar_graph_create(&g, err));
  oar_node_builder b;
  int xv, sv, zv, yv;
  oar_graph_add_value(g, "x", OAR_DTYPE_FLOAT32, NULL, &xv, err);
  oar_graph_add_value(g, "s", c->s_dtype, NULL, &sv, err);
  oar_graph_add_value(g, "z", OAR_DTYPE_INT32, NULL, &zv, err);
  oar_graph_add_value(g, "y", OAR_DTYPE_FLOAT32, NULL, &yv, err);
  oar_node_begin(&b, g, c->schema, 0, err);
  oar_node_add_input(&b, OAR_QUANT_IN_X, xv, err);
  oar_node_add_input(&b, OAR_QUANT_IN_SCALE, sv, err);
  if (c->zero) oar_node_add_input(&b, OAR_QUANT_IN_ZERO_POINT, zv, err);
  oar_node_add_output(&b, 0, yv, err);
  if (c->schema == &oar_schema_paddle_fake_quant) {
    const oar_attr axis = {.type = OAR_ATTR_INT, .i = c->axis},
                   deq = {.type = OAR_ATTR_BOOL, .i = c->dequantize},
                   obs = {.type = OAR_ATTR_BOOL, .i = c->observer};
    oar_node_set_attr(&b, OAR_FAKE_QUANT_ATTR_AXIS, &axis, err);
    oar_node_set_attr(&b, OAR_FAKE_QUANT_ATTR_DEQUANTIZE, &deq, err);
    oar_node_set_attr(&b, OAR_FAKE_QUANT_ATTR_ONLY_OBSERVER, &obs, err);
  } else {
    const oar_attr axis = {.type = OAR_ATTR_INT, .i = c->axis};
    oar_node_set_attr(&b, OAR_QUANT_ATTR_AXIS, &axis, err);
  }
  oar_status st = oar_node_finish(&b, err);
  if (st == OAR_OK) {
    const oar_node *node = &g->nodes[g->num_nodes - 1];
    const oar_tensor_view x = {.dtype = OAR_DTYPE_FLOAT32, .shape = oar_shape_make(c->x_rank, c->x_dims)};
    const oar_tensor_view s = {
        .dtype = c->s_dtype, .shape = oar_shape_make(c->s_rank, c->s_dims), .data = (void *)c->scales};
    const oar_tensor_view z = {.dtype = OAR_DTYPE_INT32, .shape = s.shape, .data = (void *)c->zero};
    const oar_tensor_view *in[] = {&x, &s, c->zero ? &z : NULL};
    oar_tensor_view out[1];
    memset(out, 0, sizeof out);
    oar_error_clear(err);
    st = node->schema->infer(node, in, out, err);
  }
  oar_graph_destroy(g);
  return st;
}

static void test_ops(void) {
  static const float zero[1] = {0.0f}, neg4[4] = {0.5f, -0.25f, 1.0f, 2.0f},
                     good4[4] = {0.5f, 0.25f, 1.0f, 2.0f}, good3[3] = {1, 2, 3}, nan1[1] = {0.0f / 0.0f};
  static const int32_t zp0[4] = {0, 0, 0, 0}, zp1[4] = {0, 0, 3, 0};
  const op_case cases[] = {
      {"paddle per-tensor scale 0",
       &oar_schema_paddle_fake_quant,
       -1,
       false,
       false,
       2,
       {2, 4},
       OAR_DTYPE_FLOAT32,
       1,
       {1},
       zero,
       NULL,
       OAR_ERR_INVALID_MODEL,
       "Scale is 0; expected a positive finite number"},
      {"paddle per-channel negative scale",
       &oar_schema_paddle_fake_quant,
       0,
       true,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       neg4,
       NULL,
       OAR_ERR_INVALID_MODEL,
       "Scale[1] is -0.25; expected a positive finite number"},
      {"paddle NaN scale",
       &oar_schema_paddle_fake_quant,
       -1,
       false,
       false,
       2,
       {2, 4},
       OAR_DTYPE_FLOAT32,
       1,
       {1},
       nan1,
       NULL,
       OAR_ERR_INVALID_MODEL,
       "Scale is nan; expected a positive finite number"},
      {"paddle observer with zero scale copies",
       &oar_schema_paddle_fake_quant,
       -1,
       false,
       true,
       2,
       {2, 4},
       OAR_DTYPE_FLOAT32,
       1,
       {1},
       zero,
       NULL,
       OAR_OK,
       ""},
      {"paddle nonzero zero point",
       &oar_schema_paddle_fake_quant,
       0,
       true,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       good4,
       zp1,
       OAR_ERR_INVALID_MODEL,
       "ZeroPoint[2] is 3; Paddle's quantization is symmetric and expects 0"},
      {"paddle zero zero point",
       &oar_schema_paddle_fake_quant,
       0,
       true,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       good4,
       zp0,
       OAR_OK,
       ""},
      {"paddle scale count off the channel axis",
       &oar_schema_paddle_fake_quant,
       0,
       true,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {3},
       good3,
       NULL,
       OAR_ERR_INVALID_ARGUMENT,
       "Scale holds 3 values; quant_axis 0 needs 4"},
      {"paddle quant_axis past X's rank",
       &oar_schema_paddle_fake_quant,
       2,
       true,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {3},
       good3,
       NULL,
       OAR_ERR_INVALID_ARGUMENT,
       "quant_axis 2 of a rank-2 X"},
      {"onnx scale 0",
       &oar_schema_quantize_linear,
       1,
       false,
       false,
       2,
       {2, 4},
       OAR_DTYPE_FLOAT32,
       0,
       {0},
       zero,
       NULL,
       OAR_ERR_INVALID_MODEL,
       "scale is 0; expected a positive finite number"},
      {"onnx per-axis negative scale",
       &oar_schema_dequantize_linear,
       1,
       false,
       false,
       2,
       {3, 4},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       neg4,
       NULL,
       OAR_ERR_INVALID_MODEL,
       "scale[1] is -0.25; expected a positive finite number"},
      {"onnx per-axis scale of the wrong dim",
       &oar_schema_quantize_linear,
       1,
       false,
       false,
       2,
       {4, 3},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       good4,
       NULL,
       OAR_ERR_INVALID_ARGUMENT,
       "per-axis scale must have X's dim 1"},
      {"onnx zero point of another dtype than X",
       &oar_schema_dequantize_linear,
       1,
       false,
       false,
       2,
       {3, 4},
       OAR_DTYPE_FLOAT32,
       1,
       {4},
       good4,
       zp0,
       OAR_ERR_INVALID_MODEL,
       "zero point has dtype int32 but X has float32; they must be the same"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oar_error err = {0};
    const oar_status st = run_infer(&cases[i], &err);
    CHECK(st == cases[i].st && (st == OAR_OK || strcmp(err.msg, cases[i].msg) == 0), "%s: status %d '%s'",
          cases[i].what, (int)st, err.msg);
  }
}

int main(void) {
  test_param_rule();
  test_ops();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
