/* Unit test of the Paddle 3 PIR loader (src/frontend/pir, through
 * oar_paddle_load on in-memory buffers): programs written here as JSON
 * text the way Paddle 3.3 writes them (spec section 4), loaded into the
 * IR, and broken ones refused with the exact message (file, op, byte
 * offset, what was expected). Byte offsets in the expected messages are
 * found in the documents with strstr, not counted by hand.
 *
 * Checks: parameters read from the file in sorted-name order; inputs in
 * pd_op.data order, outputs named by their fetch (an assign when the value
 * has a name already); mutable attributes from pd_op.full_int_array /
 * pd_op.full become legacy attributes, from tensors the legacy tensor
 * slots (Shape, ShapeTensor); a full_int_array read as a tensor becomes a
 * constant; builtin.split / slice name split's outputs; in-place ops map
 * like their out-of-place form; every truncation of a valid program and
 * every allocation failing in turn give an error, never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/paddle/paddle_loader.h"
#include "frontend/paddle/program.h"
#include "ir/graph.h"

#include "test_check.h"

#include "pb_writer.h"

/* ---- writing PIR JSON --------------------------------------------------------- */

#define TT(elem, dims) "{\"#\":\"0.t_dtensor\",\"D\":[{\"#\":\"0." elem "\"}," dims ",\"NCHW\",[],0]}"
#define F32(dims) TT("t_f32", dims)
#define I64(dims) TT("t_i64", dims)
#define I32(dims) TT("t_i32", dims)
#define HEAD(version)                                                          \
  "{\"base_code\":{\"magic\":\"pir\",\"trainable\":true,\"version\":" #version \
  "},\"program\":{\"regions\":"                                                \
  "[{\"#\":\"region_0\",\"blocks\":[{\"#\":\"block_0\",\"args\":[],\"ops\":["
#define TAIL "]}]}]}}"
#define STR(name, v) "{\"AT\":{\"#\":\"0.a_str\",\"D\":\"" v "\"},\"N\":\"" name "\"}"
#define I32A(name, v) "{\"AT\":{\"#\":\"0.a_i32\",\"D\":" #v "},\"N\":\"" name "\"}"
#define INTARRAY(name, v) "{\"AT\":{\"#\":\"1.a_intarray\",\"D\":" v "},\"N\":\"" name "\"}"
#define F64A(name, v) "{\"AT\":{\"#\":\"0.a_f64\",\"D\":" #v "},\"N\":\"" name "\"}"
#define DTYPE(name, v) "{\"AT\":{\"#\":\"1.a_dtype\",\"D\":\"" v "\"},\"N\":\"" name "\"}"
#define PARAM(id, name, tt) \
  "{\"#\":\"p\",\"A\":[0,1,1,\"" name "\"],\"O\":{\"%\":" #id ",\"TT\":" tt "},\"OA\":[1,0,1]}"
#define DATA(id, name, tt) \
  "{\"#\":\"1.data\",\"A\":[" STR("name", name) "],\"I\":[],\"O\":[{\"%\":" #id ",\"TT\":" tt "}]}"
#define FETCH(id, in, name, col, tt)                       \
  "{\"#\":\"1.fetch\",\"A\":[" STR("name", name) "," I32A( \
      "col", col) "],\"I\":[{\"%\":" #in "}],\"O\":[{\"%\":" #id ",\"TT\":" tt "}]}"
/* An op with operands `ins` ("{\"%\":1},...") and one result. */
#define OP(name, ins, out, tt, attrs) \
  "{\"#\":\"" name "\",\"A\":[" attrs "],\"I\":[" ins "],\"O\":[{\"%\":" #out ",\"TT\":" tt "}]}"
#define IN(id) "{\"%\":" #id "}"
#define FULL_INT_ARRAY(id, vals, n)               \
  OP("1.full_int_array", "", id, I64("[" #n "]"), \
     "{\"AT\":{\"#\":\"0.a_array\",\"D\":" vals "},\"N\":\"value\"}," DTYPE("dtype", "int64"))
#define I64S1(a) "[{\"#\":\"0.a_i64\",\"D\":" #a "}]"
#define I64S2(a, b) "[{\"#\":\"0.a_i64\",\"D\":" #a "},{\"#\":\"0.a_i64\",\"D\":" #b "}]"

/* x [-1, 3] -> relu -> "out", parameter w [3] unused by relu (so the file
 * has one record). */
static const char kRelu[] = HEAD(4) PARAM(1, "w", F32("[3]")) "," DATA(2, "x", F32("[-1,3]")) "," OP(
    "1.relu", IN(2), 3, F32("[-1,3]"), "") "," FETCH(4, 3, "out", 0, F32("[-1,3]")) TAIL;

static const float W3[3] = {1.5f, 2.5f, 3.5f};
static const int64_t D3[] = {3};

static oar_status load(const char *json, const pb *params, oar_graph **g, oar_error *err) {
  oar_paddle_source src = {.program_buf = json,
                           .program_size = strlen(json),
                           .params_buf = params ? params->b : NULL,
                           .params_size = params ? params->n : 0};
  *g = NULL;
  memset(err, 0, sizeof *err);
  return oar_paddle_load(&src, g, err);
}

static size_t at(const char *doc, const char *needle) {
  const char *p = strstr(doc, needle);
  return p ? (size_t)(p - doc) : (size_t)-1;
}

/* The node of an op type, or NULL. */
static const oar_node *node_of(const oar_graph *g, const char *type) {
  for (int i = 0; i < g->num_nodes; i++)
    if (strcmp(g->nodes[i].schema->name, type) == 0) return &g->nodes[i];
  return NULL;
}

static const int64_t *ints_attr(const oar_node *n, const char *name, size_t *count) {
  int k = oar_schema_attr_index(n->schema, name);
  const oar_attr *a = k >= 0 ? oar_node_attr(n, k) : NULL;
  *count = a && a->type == OAR_ATTR_INTS ? a->n : 0;
  return a && a->type == OAR_ATTR_INTS ? a->ints : NULL;
}

/* ---- programs that load ---------------------------------------------------------- */

static void test_relu(void) {
  pb params = {0};
  pb_dense_record(&params, OAR_PD_FP32, D3, 1, W3, sizeof W3);
  oar_graph *g;
  oar_error err;
  oar_status st = load(kRelu, &params, &g, &err);
  CHECK(st == OAR_OK, "relu: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(g->num_inputs == 1 && strcmp(g->values[g->inputs[0]].name, "x") == 0, "input x");
    CHECK(g->values[g->inputs[0]].shape.rank == 2 && g->values[g->inputs[0]].shape.dims[0] == -1 &&
              g->values[g->inputs[0]].shape.dims[1] == 3 &&
              g->values[g->inputs[0]].dtype == OAR_DTYPE_FLOAT32,
          "input x float32 [-1, 3]");
    CHECK(g->num_outputs == 1 && strcmp(g->values[g->outputs[0]].name, "out") == 0,
          "output named by its fetch: %s", g->num_outputs ? g->values[g->outputs[0]].name : "-");
    CHECK(g->num_nodes == 1 && strcmp(g->nodes[0].schema->name, "relu") == 0, "one relu node");
    int w = oar_graph_find_value(g, "w");
    CHECK(w >= 0 && g->values[w].kind == OAR_VALUE_CONSTANT && g->values[w].bytes == sizeof W3 &&
              memcmp(g->values[w].data, W3, sizeof W3) == 0,
          "parameter w loaded");
    CHECK(strcmp(g->source, "<memory>") == 0, "source %s", g->source);
    oar_graph_destroy(g);
  }
  /* The parameter file must hold exactly the program's parameters. */
  pb none = {0};
  st = load(kRelu, &none, &g, &err);
  CHECK(
      st == OAR_ERR_INVALID_MODEL &&
          strcmp(
              err.msg,
              "'<memory params>' ends after 0 records (byte offset 0), but the program declares 1 parameter; "
              "the first without data is 'w'") == 0,
      "no records: %s", err.msg);
  free(params.b);
  printf("ok: relu program with a parameter\n");
}

/* A program without ops (and so without values) loads into an empty graph
 * (fuzz/run.sh found qsort called on NULL for it). */
static void test_empty(void) {
  oar_graph *g;
  oar_error err;
  oar_status st = load(HEAD(4) TAIL, NULL, &g, &err);
  CHECK(st == OAR_OK, "empty program: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(g->num_nodes == 0 && g->num_inputs == 0 && g->num_outputs == 0, "empty graph");
    oar_graph_destroy(g);
  }
  printf("ok: a program without ops\n");
}

/* Records are read in sorted-name order, not program order. */
static void test_param_order(void) {
  static const char json[] = HEAD(4) PARAM(1, "zeta", F32("[3]")) "," PARAM(2, "alpha", F32("[2]")) "," DATA(
      3, "x", F32("[3]")) "," OP("1.add", IN(3) "," IN(1), 4, F32("[3]"),
                                 "") "," FETCH(5, 4, "y", 0, F32("[3]")) "," PARAM(6, "beta", F32("[1]"))
      TAIL;
  const float a[2] = {1, 2}, b[1] = {3}, z[3] = {4, 5, 6};
  const int64_t d2[] = {2}, d1[] = {1};
  pb params = {0};
  pb_dense_record(&params, OAR_PD_FP32, d2, 1, a, sizeof a);
  pb_dense_record(&params, OAR_PD_FP32, d1, 1, b, sizeof b);
  pb_dense_record(&params, OAR_PD_FP32, D3, 1, z, sizeof z);
  oar_graph *g;
  oar_error err;
  oar_status st = load(json, &params, &g, &err);
  CHECK(st == OAR_OK, "three parameters: %s", err.msg);
  if (st == OAR_OK) {
    int ia = oar_graph_find_value(g, "alpha"), ib = oar_graph_find_value(g, "beta"),
        iz = oar_graph_find_value(g, "zeta");
    CHECK(ia >= 0 && memcmp(g->values[ia].data, a, sizeof a) == 0, "alpha");
    CHECK(ib >= 0 && memcmp(g->values[ib].data, b, sizeof b) == 0, "beta");
    CHECK(iz >= 0 && memcmp(g->values[iz].data, z, sizeof z) == 0, "zeta");
    const oar_node *add = node_of(g, "elementwise_add");
    CHECK(add && g->values[add->in[1]].kind == OAR_VALUE_CONSTANT && add->in[1] == iz, "add reads zeta");
    oar_graph_destroy(g);
  }
  free(params.b);
  /* A record whose shape is not the parameter's. */
  pb bad = {0};
  pb_dense_record(&bad, OAR_PD_FP32, D3, 1, z, sizeof z);
  pb_dense_record(&bad, OAR_PD_FP32, d1, 1, b, sizeof b);
  pb_dense_record(&bad, OAR_PD_FP32, D3, 1, z, sizeof z);
  st = load(json, &bad, &g, &err);
  CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "'alpha'") && strstr(err.msg, "[3]") &&
            strstr(err.msg, "[2]"),
        "alpha given [3]: %s", err.msg);
  free(bad.b);
  printf("ok: parameters in sorted order, checked against their types\n");
}

/* Fetching an input: an assign gives the output its fetch name. Two data
 * ops: inputs in block order. A fetch col decides output order. */
static void test_io(void) {
  static const char json[] =
      HEAD(4) DATA(1, "b_first", F32("[2]")) "," DATA(2, "a_second", F32("[2]")) "," OP(
          "1.multiply", IN(1) "," IN(2), 3, F32("[2]"),
          "") "," FETCH(4, 3, "prod", 1, F32("[2]")) "," FETCH(5, 1, "echo", 0, F32("[2]")) TAIL;
  oar_graph *g;
  oar_error err;
  oar_status st = load(json, NULL, &g, &err);
  CHECK(st == OAR_OK, "io: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(g->num_inputs == 2 && strcmp(g->values[g->inputs[0]].name, "b_first") == 0 &&
              strcmp(g->values[g->inputs[1]].name, "a_second") == 0,
          "inputs in block order");
    CHECK(g->num_outputs == 2 && strcmp(g->values[g->outputs[0]].name, "echo") == 0 &&
              strcmp(g->values[g->outputs[1]].name, "prod") == 0,
          "outputs in col order: %s %s", g->num_outputs > 0 ? g->values[g->outputs[0]].name : "",
          g->num_outputs > 1 ? g->values[g->outputs[1]].name : "");
    const oar_node *as = node_of(g, "assign");
    CHECK(as && as->in[0] == g->inputs[0] && as->out[0] == g->outputs[0], "assign b_first -> echo");
    oar_graph_destroy(g);
  }
  printf("ok: inputs in data order, outputs by col and named by their fetch\n");
}

/* reshape's shape: a constant, a tensor, a list of scalars. */
static void test_mutable_attributes(void) {
  static const char constant[] =
      HEAD(4) DATA(1, "x", F32("[2,6]")) "," FULL_INT_ARRAY(2, I64S2(0, -1), 2) "," OP(
          "1.reshape", IN(1) "," IN(2), 3, F32("[2,6]"), "") "," FETCH(4, 3, "y", 0, F32("[2,6]")) TAIL;
  static const char tensor[] = HEAD(4) DATA(1, "x", F32("[2,6]")) "," DATA(2, "s", I64("[2]")) "," OP(
      "1.reshape", IN(1) "," IN(2), 3, F32("[-1,-1]"), "") "," FETCH(4, 3, "y", 0, F32("[-1,-1]")) TAIL;
  /* [shape(x)[0], 3 (a full)]: ShapeTensor, the constant a fill_constant */
  static const char list[] = HEAD(4) DATA(1, "x", F32("[2,6]")) "," OP("1.shape", IN(1), 2, I32("[2]"), "") "," FULL_INT_ARRAY(3, I64S1(0), 1) "," FULL_INT_ARRAY(4, I64S1(1), 1) "," OP(
      "1.slice", IN(2) "," IN(3) "," IN(4), 5, I32("[]"),
      "{\"AT\":{\"#\":\"0.a_array\",\"D\":" I64S1(0) "},\"N\":\"axes\"},{\"AT\":{\"#\":\"0.a_array\",\"D\":" I64S1(
          0) "},\"N\":\"decrease_axis\"}") "," OP("1.full", "", 6, I32("[]"), INTARRAY("shape", "[]") "," F64A("value", 3.0) "," DTYPE("dtype", "int32")) ",{\"#\":\"0.combine\",\"I\":[" IN(5) "," IN(6) "],\"O\":[{\"%\":7,\"TT\":{\"#\":\"0.t_vec\",\"D\":[" I32("[]") "," I32("[]") "]}}]}," OP("1.reshape", IN(1) "," IN(7), 8, F32("[-1,3]"), "") "," FETCH(9, 8, "y", 0, F32("[-1,3]")) TAIL;
  oar_graph *g;
  oar_error err;
  oar_status st = load(constant, NULL, &g, &err);
  CHECK(st == OAR_OK, "constant shape: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *r = node_of(g, "reshape2");
    size_t n;
    const int64_t *shape = r ? ints_attr(r, "shape", &n) : NULL;
    CHECK(r && shape && n == 2 && shape[0] == 0 && shape[1] == -1, "reshape2 shape attribute [0, -1]");
    CHECK(r && oar_node_input_count(r, 1) == 0 && oar_node_input_count(r, 2) == 0, "no shape tensors");
    CHECK(g->num_nodes == 1, "full_int_array folded away (%d nodes)", g->num_nodes);
    oar_graph_destroy(g);
  }
  st = load(tensor, NULL, &g, &err);
  CHECK(st == OAR_OK, "tensor shape: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *r = node_of(g, "reshape2");
    CHECK(r && oar_node_input_count(r, 1) == 1 && r->in[r->in_start[1]] == g->inputs[1], "Shape <- s");
    oar_graph_destroy(g);
  }
  st = load(list, NULL, &g, &err);
  CHECK(st == OAR_OK, "list shape: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *r = node_of(g, "reshape2"), *fill = node_of(g, "fill_constant"),
                   *sl = node_of(g, "slice");
    CHECK(r && oar_node_input_count(r, 2) == 2, "ShapeTensor has 2 values");
    CHECK(fill && sl && r && r->in[r->in_start[2]] == sl->out[0] && r->in[r->in_start[2] + 1] == fill->out[0],
          "ShapeTensor = [slice, fill_constant]");
    size_t n;
    const int64_t *starts = sl ? ints_attr(sl, "starts", &n) : NULL;
    CHECK(starts && n == 1 && starts[0] == 0, "slice starts folded");
    oar_graph_destroy(g);
  }
  printf("ok: mutable attributes: constant, tensor, list of scalars\n");
}

/* A full_int_array read as a tensor becomes a constant; builtin.split names
 * split's outputs; an in-place op maps like its out-of-place form. */
static void test_constants_and_vectors(void) {
  static const char json[] = HEAD(4) DATA(1, "x", I64("[2]")) "," FULL_INT_ARRAY(2, I64S2(7, -9), 2) "," OP(
      "1.add_", IN(1) "," IN(2), 3, I64("[2]"), "") "," OP("1.full", "", 4, I32("[1]"), INTARRAY("shape", "[1]") "," F64A("value", 0.0) "," DTYPE("dtype", "int32")) ","
      "{\"#\":\"1.split_with_num\",\"A\":[" I32A("num", 2) "],\"I\":[" IN(3) "," IN(4) "],\"O\":[{\"%\":5,\"TT\":{\"#\":\"0.t_vec\",\"D\":[" I64("[1]") "," I64("[1]") "]}}]},"
      "{\"#\":\"0.split\",\"I\":[" IN(5) "],\"O\":[{\"%\":6,\"TT\":" I64("[1]") "},{\"%\":7,\"TT\":" I64("[1]") "}]}," FETCH(8, 7, "second", 0, I64("[1]")) TAIL;
  oar_graph *g;
  oar_error err;
  oar_status st = load(json, NULL, &g, &err);
  CHECK(st == OAR_OK, "constants and vectors: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *add = node_of(g, "elementwise_add"), *split = node_of(g, "split");
    CHECK(add && g->values[add->in[1]].kind == OAR_VALUE_CONSTANT &&
              g->values[add->in[1]].dtype == OAR_DTYPE_INT64 && g->values[add->in[1]].bytes == 16 &&
              ((const int64_t *)g->values[add->in[1]].data)[1] == -9,
          "full_int_array [7, -9] as an int64 constant");
    CHECK(split && oar_node_num_out(split) == 2 && split->out[1] == g->outputs[0],
          "split's 2nd output is 'second'");
    CHECK(split && oar_node_attr(split, oar_schema_attr_index(split->schema, "num"))->i == 2 &&
              oar_node_attr(split, oar_schema_attr_index(split->schema, "axis"))->i == 0,
          "split num 2, axis 0 from the full");
    CHECK(g->num_nodes == 2, "%d nodes (the full folded)", g->num_nodes);
    oar_graph_destroy(g);
  }
  printf("ok: constant tensors, split outputs, in-place ops\n");
}

/* PIR ops whose legacy twins the Paddle frontend lowers to generic IR ops
 * (paddle_lower.c): tril / triu give tril_triu's `lower`; arange's place
 * is dropped; clip's min from a tensor is clamp's Min input, its max from
 * a pd_op.full the constant the lowering makes; pd_op.sum with a dtype
 * other than its input's is refused (the generic reduce keeps the type). */
#define PLACE "{\"AT\":{\"#\":\"1.a_place\",\"D\":[0,0,\"\"]},\"N\":\"place\"}"
#define FULL1(id, v)               \
  OP("1.full", "", id, F32("[1]"), \
     INTARRAY("shape", "[1]") "," F64A("value", v) "," DTYPE("dtype", "float32") "," PLACE)

static bool attr_is(const oar_node *n, const char *name, int64_t v) {
  int k = n ? oar_schema_attr_index(n->schema, name) : -1;
  return k >= 0 && oar_node_attr(n, k)->i == v;
}

static void test_lowered_ops(void) {
  static const char tril[] = HEAD(4) DATA(1, "x", F32("[4,5]")) "," OP(
      "1.tril", IN(1), 2, F32("[4,5]"), I32A("diagonal", 1)) "," FETCH(3, 2, "y", 0, F32("[4,5]")) TAIL;
  static const char triu[] = HEAD(4) DATA(1, "x", F32("[4,5]")) "," OP(
      "1.triu", IN(1), 2, F32("[4,5]"), I32A("diagonal", 1)) "," FETCH(3, 2, "y", 0, F32("[4,5]")) TAIL;
  static const char arange[] = HEAD(4) FULL1(1, 1.5) "," FULL1(2, 7.0) "," FULL1(3, 0.75) "," OP(
      "1.arange", IN(1) "," IN(2) "," IN(3), 4, F32("[-1]"),
      DTYPE("dtype", "float32") "," PLACE) "," FETCH(5, 4, "y", 0, F32("[-1]")) TAIL;
  static const char clip[] = HEAD(4) DATA(1, "x", F32("[2,3]")) "," DATA(2, "lo", F32("[1]")) "," FULL1(
      3, 0.5) "," OP("1.clip", IN(1) "," IN(2) "," IN(3), 4, F32("[2,3]"), "") "," FETCH(5, 4, "y", 0,
                                                                                         F32("[2,3]")) TAIL;
  static const char sum_cast[] = HEAD(4) DATA(1, "x", F32("[2,3]")) "," FULL_INT_ARRAY(2, I64S1(1), 1) "," OP(
      "1.sum", IN(1) "," IN(2), 3, I64("[2]"),
      DTYPE("dtype",
            "int64") ",{\"AT\":{\"#\":\"0.a_bool\",\"D\":false},\"N\":\"keepdim\"}") "," FETCH(4, 3, "y", 0,
                                                                                               I64("[2]"))
      TAIL;
  oar_graph *g;
  oar_error err;
  oar_status st = load(tril, NULL, &g, &err);
  CHECK(st == OAR_OK, "tril: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(g->num_nodes == 1 && attr_is(node_of(g, "trilu"), "upper", 0), "tril: trilu, upper false");
    oar_graph_destroy(g);
  }
  st = load(triu, NULL, &g, &err);
  CHECK(st == OAR_OK, "triu: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(g->num_nodes == 1 && attr_is(node_of(g, "trilu"), "upper", 1), "triu: trilu, upper true");
    oar_graph_destroy(g);
  }
  st = load(arange, NULL, &g, &err);
  CHECK(st == OAR_OK, "arange with places: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *r = node_of(g, "arange");
    CHECK(r && g->num_nodes == 4 && r->out[0] == g->outputs[0], "arange of three fill_constants");
    oar_graph_destroy(g);
  }
  st = load(clip, NULL, &g, &err);
  CHECK(st == OAR_OK, "clip: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *c = node_of(g, "clamp");
    const float *hi = c && oar_node_input_count(c, 2) == 1 ? g->values[c->in[c->in_start[2]]].data : NULL;
    CHECK(c && oar_node_input_count(c, 1) == 1 && c->in[c->in_start[1]] == g->inputs[1], "clamp Min <- lo");
    CHECK(hi && *hi == 0.5f, "clamp Max: the constant 0.5");
    CHECK(g->num_nodes == 1, "%d nodes (the full folded)", g->num_nodes);
    oar_graph_destroy(g);
  }
  /* Paddle casts x to the dtype, then sums: a cast to int64 (VarType 3) in front of the reduce */
  st = load(sum_cast, NULL, &g, &err);
  CHECK(st == OAR_OK, "sum to int64 of float32: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *c = node_of(g, "cast"), *r = node_of(g, "reduce");
    CHECK(c && r && attr_is(c, "out_dtype", 3) && c->in[0] == g->inputs[0] && r->in[0] == c->out[0] &&
              r->out[0] == g->outputs[0],
          "sum to int64 of float32: cast (out_dtype 3) -> reduce");
    oar_graph_destroy(g);
  }
  printf("ok: ops lowered to generic IR ops: tril / triu, arange, clip, sum's dtype\n");
}

/* ---- programs that fail --------------------------------------------------------- */

typedef struct bad_case {
  const char *what;
  const char *json;
  oar_status status;
  const char *anchor;  /* the message's first %zu is the offset of this text in json */
  size_t shift;        /* added to it */
  const char *anchor2; /* second %zu, searched after the first anchor */
  size_t shift2;
  const char *msg; /* printf format with up to two %zu */
} bad_case;

#define OPS(...) HEAD(4) __VA_ARGS__ TAIL
#define X DATA(1, "x", F32("[-1,3]"))

static const bad_case kBad[] = {
    {"unknown op", OPS(X "," OP("1.foo_bar", IN(1), 2, F32("[-1,3]"), "")), OAR_ERR_UNSUPPORTED,
     "{\"#\":\"1.foo_bar\"", 0, NULL, 0,
     "PIR program '<memory>': op #1 'pd_op.foo_bar' (byte %zu): unsupported op: oar maps no IR op to "
     "'pd_op.foo_bar'"},
    {"unknown dialect", OPS(X "," OP("onednn_op.fc", IN(1), 2, F32("[-1,3]"), "")), OAR_ERR_UNSUPPORTED,
     "{\"#\":\"onednn_op.fc\"", 0, NULL, 0,
     "PIR program '<memory>': op #1 'onednn_op.fc' (byte %zu): unsupported op: oar maps no IR op to "
     "'onednn_op.fc'"},
    {"control flow region without a block",
     OPS(X ",{\"#\":\"1.if\",\"I\":[" IN(1) "],\"O\":[],\"regions\":[{\"#\":\"region_1\",\"blocks\":[]}]}"),
     OAR_ERR_UNSUPPORTED, "{\"#\":\"1.if\"", 0, "\"blocks\":[]", 9,
     "PIR program '<memory>': op #1 'pd_op.if' (byte %zu): region 0 has 0 blocks (byte %zu), expected 1"},
    {"wrong magic", "{\"base_code\":{\"magic\":\"pyr\",\"version\":4},\"program\":{}}", OAR_ERR_INVALID_MODEL,
     "\"pyr\"", 0, NULL, 0, "PIR program '<memory>': \"magic\" (byte %zu) is \"pyr\", expected \"pir\""},
    {"no magic", "{\"base_code\":{\"version\":4},\"program\":{}}", OAR_ERR_INVALID_MODEL, "{\"version\"", 0,
     NULL, 0, "PIR program '<memory>': \"base_code\" (byte %zu) has no \"magic\""},
    {"newer version", "{\"base_code\":{\"magic\":\"pir\",\"version\":5},\"program\":{}}", OAR_ERR_UNSUPPORTED,
     "5}", 0, NULL, 0,
     "PIR program '<memory>': serialization version 5 (byte %zu) is not one oar reads (1 to 4; Paddle 3.3 "
     "writes "
     "4)"},
    {"version as a string", "{\"base_code\":{\"magic\":\"pir\",\"version\":\"4\"},\"program\":{}}",
     OAR_ERR_INVALID_MODEL, "\"4\"", 0, NULL, 0,
     "PIR program '<memory>': \"version\" of \"base_code\" (byte %zu) is a JSON string, expected an integer"},
    {"not an object", "{\"base_code\":[],\"program\":{}}", OAR_ERR_INVALID_MODEL, "[]", 0, NULL, 0,
     "PIR program '<memory>': \"base_code\" of the top-level object (byte %zu) is a JSON array, expected an "
     "object"},
    {"two regions",
     "{\"base_code\":{\"magic\":\"pir\",\"version\":4},\"program\":{\"regions\":[{\"blocks\":[]},{\"blocks\":"
     "[]}]}}",
     OAR_ERR_UNSUPPORTED, "[{\"blocks", 0, NULL, 0,
     "PIR program '<memory>': \"program\" has 2 regions (byte %zu), expected 1"},
    {"block arguments",
     "{\"base_code\":{\"magic\":\"pir\",\"version\":4},\"program\":{\"regions\":[{\"blocks\":[{\"args\":[{\"#"
     "\":-1}],"
     "\"ops\":[]}]}]}}",
     OAR_ERR_UNSUPPORTED, "[{\"#\":-1}]", 0, NULL, 0,
     "PIR program '<memory>': block 0 has 1 block arguments (byte %zu); oar reads none"},
    {"truncated JSON", "{\"base_code\"", OAR_ERR_INVALID_MODEL, NULL, 0, NULL, 0,
     "PIR program '<memory>': invalid JSON at byte 12: expected ':' after a member name, got end of input"},
    {"undefined operand", OPS(X "," OP("1.relu", IN(9), 2, F32("[-1,3]"), "")), OAR_ERR_INVALID_MODEL,
     "{\"#\":\"1.relu\"", 0, "{\"%\":9}", 5,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): operand 0 (byte %zu) is value 9, which no "
     "earlier op "
     "defines"},
    {"operand defined later",
     OPS(X "," OP("1.relu", IN(3), 2, F32("[-1,3]"), "") "," OP("1.relu", IN(2), 3, F32("[-1,3]"), "")),
     OAR_ERR_INVALID_MODEL, "{\"#\":\"1.relu\"", 0, "{\"%\":3}", 5,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): operand 0 (byte %zu) is value 3, which no "
     "earlier op "
     "defines"},
    {"result id twice", OPS(X "," OP("1.relu", IN(1), 1, F32("[-1,3]"), "")), OAR_ERR_INVALID_MODEL,
     "{\"#\":\"1.relu\"", 0, "\"O\":[{\"%\":1", 10,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): result id 1 (byte %zu) is already defined by an "
     "earlier op"},
    {"result id 0", OPS(DATA(0, "x", F32("[3]"))), OAR_ERR_INVALID_MODEL, "{\"#\":\"1.data\"", 0, "{\"%\":0",
     5, "PIR program '<memory>': op #0 'pd_op.data' (byte %zu): result id 0 (byte %zu) must be > 0"},
    {"parameter with 3 A entries",
     OPS("{\"#\":\"p\",\"A\":[0,1,\"w\"],\"O\":{\"%\":1,\"TT\":" F32("[3]") "}}"), OAR_ERR_INVALID_MODEL,
     "{\"#\":\"p\"", 0, "[0,1,\"w\"]", 0,
     "PIR program '<memory>': op #0 'builtin.parameter' (byte %zu): \"A\" (byte %zu) has 3 entries, expected "
     "4 "
     "[is_distributed, is_parameter, need_clip, name]"},
    /* A parameter with no data (nn.LSTM's dropout state) leaves its readers'
     * slot empty: an op that needs it is refused when the graph is built. */
    {"required input from a non-persistable parameter",
     OPS("{\"#\":\"p\",\"A\":[0,1,1,\"w\"],\"O\":{\"%\":1,\"TT\":" F32("[3]") "},\"OA\":[0,0,1]}," OP(
         "1.relu", IN(1), 2, F32("[3]"), "") "," FETCH(3, 2, "y", 0, F32("[3]"))),
     OAR_ERR_INVALID_MODEL, NULL, 0, NULL, 0,
     "op 'relu' (op #0 in block 0, first output 'y') in <memory> lacks required input 'X'"},
    {"op results not an array", OPS(X ",{\"#\":\"1.relu\",\"I\":[" IN(1) "],\"O\":{\"%\":2}}"),
     OAR_ERR_INVALID_MODEL, "{\"#\":\"1.relu\"", 0, "{\"%\":2}", 0,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): \"O\" of op (byte %zu) is a JSON object, "
     "expected an "
     "array"},
    {"a name used twice", OPS(PARAM(1, "w", F32("[3]")) "," DATA(2, "w", F32("[3]"))), OAR_ERR_INVALID_MODEL,
     "{\"#\":\"1.data\"", 0, NULL, 0,
     "PIR program '<memory>': op #1 'pd_op.data' (byte %zu): name 'w' is already given to another parameter, "
     "input or "
     "output"},
    {"too many operands", OPS(X "," OP("1.relu", IN(1) "," IN(1), 2, F32("[-1,3]"), "")), OAR_ERR_UNSUPPORTED,
     "{\"#\":\"1.relu\"", 0, NULL, 0,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): has 2 operands; oar knows the first 1 of "
     "'pd_op.relu'"},
    {"kernel size computed at run time",
     OPS(DATA(1, "x", F32("[1,1,4,4]")) "," OP("1.shape64", IN(1), 2, I64("[4]"), "") "," OP(
         "1.pool2d", IN(1) "," IN(2), 3, F32("[1,1,-1,-1]"), STR("pooling_type", "max"))),
     OAR_ERR_UNSUPPORTED, "{\"#\":\"1.pool2d\"", 0, NULL, 0,
     "PIR program '<memory>': op #2 'pd_op.pool2d' (byte %zu): operand 1 ('ksize') is value %%2, computed at "
     "run "
     "time by 'pd_op.shape64'; oar's 'pool2d' takes 'ksize' only as a constant"},
    {"unused result only",
     OPS(X ",{\"#\":\"1.relu\",\"I\":[" IN(1) "],\"O\":[{\"%\":2,\"TT\":" F32(
         "[-1,3]") "},{\"%\":3,\"TT\":" F32("[-1,3]") "}]}," OP("1.exp", IN(3), 4, F32("[-1,3]"), "")),
     OAR_ERR_UNSUPPORTED, "{\"#\":\"1.relu\"", 0, NULL, 0,
     "PIR program '<memory>': op #1 'pd_op.relu' (byte %zu): result 1 (value %%3) is used, but oar's 'relu' "
     "has no "
     "such output"},
    {"scalar from a constant of two values",
     OPS(X
         "," FULL_INT_ARRAY(2, I64S2(1, 2), 2) "," OP("1.full_like", IN(1) "," IN(2), 3, F32("[-1,3]"), "")),
     OAR_ERR_UNSUPPORTED, "{\"#\":\"1.full_like\"", 0, NULL, 0,
     "PIR program '<memory>': op #2 'pd_op.full_like' (byte %zu): operand 1 ('value') is value %%2 from "
     "'pd_op.full_int_array', not a single constant; oar's 'fill_any_like' takes 'value' only as a constant"},
    {"element type oar lacks", OPS(DATA(1, "x", TT("t_f8e4m3fn", "[3]"))), OAR_ERR_UNSUPPORTED,
     "{\"#\":\"1.data\"", 0, NULL, 0,
     "PIR program '<memory>': op #0 'pd_op.data' (byte %zu): value 'x' has element type 0.t_f8e4m3fn, which "
     "oar does "
     "not support"},
    {"data without a name", OPS(OP("1.data", "", 1, F32("[3]"), "")), OAR_ERR_INVALID_MODEL,
     "{\"#\":\"1.data\"", 0, NULL, 0,
     "PIR program '<memory>': op #0 'pd_op.data' (byte %zu): has no attribute 'name'"},
    /* Absent values (id 0) inside a builtin.combine: found by CI's fuzz
     * stage, where a one-element shape list and a split of the vector
     * read through the absent element. */
    {"absent element of a shape list",
     OPS(X ",{\"#\":\"0.combine\",\"I\":[" IN(0) "],\"O\":[{\"%\":2,\"TT\":{\"#\":\"0.t_vec\",\"D\":[" I64(
         "[1]") "]}}]}," OP("1.reshape", IN(1) "," IN(2), 3, F32("[-1]"), "")),
     OAR_ERR_INVALID_MODEL, "{\"#\":\"1.reshape\"", 0, NULL, 0,
     "PIR program '<memory>': op #2 'pd_op.reshape' (byte %zu): operand 1: list element 0 is absent"},
    {"split of a combine with an absent element",
     OPS(X ",{\"#\":\"0.combine\",\"I\":[" IN(1) "," IN(
         0) "],\"O\":[{\"%\":2,\"TT\":{\"#\":\"0.t_vec\","
            "\"D\":[" F32("[-1,3]") "," F32("[-1,3]") "]}}]},{\"#\":\"0.split\",\"I\":"
                                                      "[" IN(2) "],\"O\":[{\"%\":3,"
                                                                "\"TT\":" F32("[-1,3]") "}"
                                                                                        ","
                                                                                        "{"
                                                                                        "\"%\":4,\"TT\":" F32(
                                                                                            "[-1,3]") "}]}"),
     OAR_ERR_INVALID_MODEL, "{\"#\":\"0.split\"", 0, NULL, 0,
     "PIR program '<memory>': op #2 'builtin.split' (byte %zu): takes apart element 1 of a vector, which is "
     "absent"},
    {"bad dtype attribute", OPS(X "," OP("1.cast", IN(1), 2, F32("[-1,3]"), DTYPE("dtype", "float128"))),
     OAR_ERR_UNSUPPORTED, "{\"#\":\"1.cast\"", 0, "\"float128\"", 0,
     "PIR program '<memory>': op #1 'pd_op.cast' (byte %zu): attribute 'dtype' is data type \"float128\" "
     "(byte %zu), "
     "which oar does not support"},
};

static void test_bad(void) {
  for (size_t k = 0; k < sizeof kBad / sizeof kBad[0]; k++) {
    const bad_case *b = &kBad[k];
    size_t a = b->anchor ? at(b->json, b->anchor) : 0;
    size_t a2 = 0;
    if (b->anchor2) {
      const char *from = b->json + (b->anchor ? a : 0);
      const char *p = strstr(from, b->anchor2);
      a2 = p ? (size_t)(p - b->json) + b->shift2 : (size_t)-1;
    }
    char want[OAR_ERROR_MSG_MAX];
    snprintf(want, sizeof want, b->msg, a + b->shift, a2);
    oar_graph *g;
    oar_error err;
    oar_status st = load(b->json, NULL, &g, &err);
    CHECK(st == b->status, "%s: status %d, expected %d (%s)", b->what, (int)st, (int)b->status, err.msg);
    CHECK(strcmp(err.msg, want) == 0, "%s:\n  got  %s\n  want %s", b->what, err.msg, want);
    if (st == OAR_OK) oar_graph_destroy(g);
  }
  printf("ok: %zu broken programs refused with their messages\n", sizeof kBad / sizeof kBad[0]);
}

/* An attribute of the wrong JSON type reaches the legacy builder's checks. */
static void test_attribute_type(void) {
  static const char json[] = OPS(X "," OP("1.softmax", IN(1), 2, F32("[-1,3]"),
                                          STR("axis", "last")) "," FETCH(3, 2, "y", 0, F32("[-1,3]")));
  oar_graph *g;
  oar_error err;
  oar_status st = load(json, NULL, &g, &err);
  CHECK(st != OAR_OK && strstr(err.msg, "op 'softmax'") && strstr(err.msg, "attribute 'axis'"),
        "softmax axis 'last': %s", err.msg);
  if (st == OAR_OK) oar_graph_destroy(g);
  printf("ok: an attribute of the wrong type: %s\n", err.msg);
}

/* ---- robustness -------------------------------------------------------------------- */

static void test_truncations(void) {
  pb params = {0};
  pb_dense_record(&params, OAR_PD_FP32, D3, 1, W3, sizeof W3);
  size_t n = strlen(kRelu), refused = 0;
  char *buf = malloc(n + 1);
  if (!buf) return;
  for (size_t len = 1; len < n; len++) {
    memcpy(buf, kRelu, len);
    buf[len] = '\0';
    oar_graph *g;
    oar_error err;
    oar_status st = load(buf, &params, &g, &err);
    CHECK(st != OAR_OK, "cut at %zu loads", len);
    if (st == OAR_OK)
      oar_graph_destroy(g);
    else
      refused++;
  }
  /* Every byte replaced by a few others: load or fail, never crash. */
  static const char repl[] = {'0', '9', '"', '{', ']', ',', '-', 'x', '\\'};
  size_t loaded = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < sizeof repl; r++) {
      memcpy(buf, kRelu, n + 1);
      buf[i] = repl[r];
      oar_graph *g;
      oar_error err;
      if (load(buf, &params, &g, &err) == OAR_OK) {
        loaded++;
        oar_graph_destroy(g);
      } else {
        CHECK(err.msg[0] != '\0', "byte %zu -> '%c': failure without a message", i, repl[r]);
      }
    }
  free(buf);
  free(params.b);
  printf("ok: %zu truncations refused; %zu one-byte changes loaded, the rest refused with a message\n",
         refused, loaded);
}

static void test_alloc_failures(void) {
  /* clang-format off */
  static const char json[] = HEAD(4)
      PARAM(1, "w", F32("[3]")) ","
      DATA(2, "x", F32("[2,6]")) ","
      FULL_INT_ARRAY(3, I64S2(3, -1), 2) ","
      OP("1.reshape", IN(2) "," IN(3), 4, F32("[3,4]"), "") ","
      OP("1.full", "", 8, F32("[1]"), INTARRAY("shape", "[1]") "," F64A("value", 2.5) "," DTYPE("dtype", "float32")) ","
      OP("1.full_like", IN(4) "," IN(8), 5, F32("[3,4]"), DTYPE("dtype", "float32")) ","
      FETCH(6, 5, "y", 0, F32("[3,4]")) ","
      FETCH(7, 2, "x_again", 1, F32("[2,6]"))
      TAIL;
  /* clang-format on */
  pb params = {0};
  pb_dense_record(&params, OAR_PD_FP32, D3, 1, W3, sizeof W3);
  oar_graph *g;
  oar_error err;
  oar_status st = load(json, &params, &g, &err);
  CHECK(st == OAR_OK, "alloc program: %s", err.msg);
  if (st == OAR_OK) oar_graph_destroy(g);
  long n = 0;
  for (;; n++) {
    oar_alloc_fail_after(n);
    st = load(json, &params, &g, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) {
      oar_graph_destroy(g);
      break;
    }
    if (st != OAR_ERR_OUT_OF_MEMORY) {
      CHECK(0, "allocation %ld failing: status %d (%s)", n, (int)st, err.msg);
      break;
    }
  }
  free(params.b);
  printf("ok: failing each of %ld allocations gives OUT_OF_MEMORY\n", n);
}

int main(void) {
  test_relu();
  test_empty();
  test_param_order();
  test_io();
  test_mutable_attributes();
  test_constants_and_vectors();
  test_lowered_ops();
  test_bad();
  test_attribute_type();
  test_truncations();
  test_alloc_failures();
  printf("%s: %d checks, %d failures\n", failures ? "FAILED" : "PASSED", checks, failures);
  return failures ? 1 : 0;
}
