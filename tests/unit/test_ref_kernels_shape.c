/* Tests of the shape and data-movement ops: reference kernels against naive
 * index formulas, infer functions against Paddle's documented results, and
 * run functions end to end on hand-built nodes.
 *
 * Builds without the rest of the library (no schema.c, no op_run.c: nodes
 * are built on the schema symbols directly), e.g. from the repository root:
 *   gcc -std=c11 -Iinclude -Isrc tests/unit/test_ref_kernels_shape.c
 *     src/kernels/ref/shape.c src/ir/ops/shape_ops*.c src/runtime/ops/shape.c
 *     src/ir/attr.c src/ir/graph.c src/base/(all).c src/tensor/(all).c -lm
 * and links as well against the whole library. Returns nonzero when a check
 * fails; prints every failure and a summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "ir/ops/shape_ops.h"
#include "kernels/ref/reduce.h"
#include "kernels/ref/shape.h"
#include "runtime/op_run.h"

#define OAR_OP(id) extern const oar_op_schema oar_schema_##id;
#include "ir/op_list.h"
#undef OAR_OP

#include "test_check.h"

/* ---- small utilities ---------------------------------------------------- */

static uint32_t rng_state = 12345u;
static uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return (rng_state >> 8) % n;
}

static oar_tensor_view view(oar_dtype dtype, int rank, const int64_t *dims, void *data) {
  oar_tensor_view v;
  memset(&v, 0, sizeof v);
  v.dtype = dtype;
  v.shape = oar_shape_make(rank, dims);
  v.data = data;
  return v;
}

static bool shape_is(const oar_shape *s, int rank, const int64_t *dims) {
  oar_shape want = oar_shape_make(rank, dims);
  return oar_shape_equal(s, &want);
}

static const char *sh(const oar_shape *s) {
  static char bufs[4][128];
  static int next;
  char *b = bufs[next++ % 4];
  return oar_shape_str(s, b, 128);
}

#define GUARD 64
/* Buffer of n bytes followed by GUARD bytes of 0xA5. */
static unsigned char *guarded(size_t n) {
  unsigned char *p = malloc(n + GUARD);
  if (!p) {
    printf("out of memory in test\n");
    exit(2);
  }
  memset(p, 0x5A, n);
  memset(p + n, 0xA5, GUARD);
  return p;
}
static bool guard_ok(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < GUARD; i++)
    if (p[n + i] != 0xA5) return false;
  return true;
}

/* ---- node building ------------------------------------------------------ */

static oar_graph *graph;
static oar_node_builder builder;
static oar_error err;

static int new_value(void) {
  char name[32];
  int id;
  snprintf(name, sizeof name, "v%d", graph->num_values);
  if (oar_graph_add_value(graph, name, OAR_DTYPE_FLOAT32, NULL, &id, &err) != OAR_OK) {
    printf("cannot add value: %s\n", err.msg);
    exit(2);
  }
  return id;
}

static void nb_begin(const oar_op_schema *s) {
  if (oar_node_begin(&builder, graph, s, graph->num_nodes, &err) != OAR_OK) {
    printf("node_begin: %s\n", err.msg);
    exit(2);
  }
}

static void nb_in(int slot, int count) {
  for (int i = 0; i < count; i++) oar_node_add_input(&builder, slot, new_value(), &err);
}

static void nb_out(int slot, int count) {
  for (int i = 0; i < count; i++) oar_node_add_output(&builder, slot, new_value(), &err);
}

static int attr_index(const char *name) {
  const oar_op_schema *s = builder.node.schema;
  for (int i = 0; i < s->num_attrs; i++)
    if (strcmp(s->attrs[i].name, name) == 0) return i;
  printf("no attribute '%s' in %s\n", name, s->name);
  exit(2);
}

static void nb_set(const char *name, const oar_attr *a) {
  if (oar_node_set_attr(&builder, attr_index(name), a, &err) != OAR_OK) {
    printf("set_attr %s: %s\n", name, err.msg);
    exit(2);
  }
}

static void nb_ints(const char *name, int n, const int64_t *v) {
  oar_attr a = {.type = OAR_ATTR_INTS, .n = (size_t)n, .ints = (int64_t *)v};
  nb_set(name, &a);
}
static void nb_int(const char *name, int64_t v) {
  oar_attr a = {.type = OAR_ATTR_INT, .i = v};
  nb_set(name, &a);
}
static void nb_float(const char *name, double v) {
  oar_attr a = {.type = OAR_ATTR_FLOAT, .f = v};
  nb_set(name, &a);
}
static void nb_str(const char *name, const char *v) {
  oar_attr a = {.type = OAR_ATTR_STRING, .s = (char *)v};
  nb_set(name, &a);
}

static const oar_node *nb_finish(void) {
  if (oar_node_finish(&builder, &err) != OAR_OK) {
    printf("node_finish: %s\n", err.msg);
    exit(2);
  }
  return &graph->nodes[graph->num_nodes - 1];
}

static oar_status infer(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out) {
  oar_error_clear(&err);
  return n->schema->infer(n, in, out, &err);
}

/* The run functions of this family (op_run.c's table would pull in every
 * op of the library). */
static oar_run_fn oar_run_fn_for_test(oar_op_id id) {
  switch (id) {
    case OAR_OP_reshape2: return oar_run_reshape2;
    case OAR_OP_reshape: return oar_run_reshape;
    case OAR_OP_flatten_contiguous_range: return oar_run_flatten_contiguous_range;
    case OAR_OP_flatten2: return oar_run_flatten2;
    case OAR_OP_transpose2: return oar_run_transpose2;
    case OAR_OP_transpose: return oar_run_transpose;
    case OAR_OP_concat: return oar_run_concat;
    case OAR_OP_split: return oar_run_split;
    case OAR_OP_squeeze2: return oar_run_squeeze2;
    case OAR_OP_unsqueeze2: return oar_run_unsqueeze2;
    case OAR_OP_slice: return oar_run_slice;
    case OAR_OP_shape: return oar_run_shape;
    case OAR_OP_fill_constant: return oar_run_fill_constant;
    case OAR_OP_assign: return oar_run_assign;
    default: printf("no run function for op %d in this test\n", (int)id); exit(2);
  }
}

static oar_status run(const oar_node *n, const oar_tensor_view *const *in, oar_tensor_view *out) {
  oar_error_clear(&err);
  return oar_run_fn_for_test(n->schema->id)(n, in, out, &err);
}

/* ---- reshape ------------------------------------------------------------ */

/* reshape2 with attribute shape; returns the status, *res the Out shape. */
static oar_status reshape_attr(const int64_t *in_dims, int in_rank, const int64_t *req, int n, oar_shape *res,
                               oar_shape *xshape) {
  nb_begin(&oar_schema_reshape2);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_out(1, 1);
  nb_ints("shape", n, req);
  const oar_node *node = nb_finish();
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, in_rank, in_dims, NULL);
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out[2];
  memset(out, 0, sizeof out);
  oar_status st = infer(node, in, out);
  *res = out[0].shape;
  if (xshape) *xshape = out[1].shape;
  return st;
}

static void test_reshape(void) {
  oar_shape r, xs;
  int64_t d234[] = {2, 3, 4};
  CHECK(
      reshape_attr(d234, 3, (int64_t[]){0, -1}, 2, &r, &xs) == OAR_OK && shape_is(&r, 2, (int64_t[]){2, 12}),
      "reshape [2,3,4] by [0,-1] gave %s (%s)", sh(&r), err.msg);
  CHECK(shape_is(&xs, 4, (int64_t[]){0, 2, 3, 4}), "XShape of [2,3,4] is %s", sh(&xs));
  CHECK(reshape_attr(d234, 3, (int64_t[]){-1}, 1, &r, NULL) == OAR_OK && shape_is(&r, 1, (int64_t[]){24}),
        "reshape by [-1] gave %s", sh(&r));
  CHECK(reshape_attr(d234, 3, (int64_t[]){4, 0, 2}, 3, &r, NULL) == OAR_OK &&
            shape_is(&r, 3, (int64_t[]){4, 3, 2}),
        "reshape by [4,0,2] gave %s", sh(&r));
  CHECK(reshape_attr(d234, 3, (int64_t[]){-1, 0, 0}, 3, &r, NULL) == OAR_OK &&
            shape_is(&r, 3, (int64_t[]){2, 3, 4}),
        "reshape by [-1,0,0] gave %s", sh(&r));
  CHECK(reshape_attr((int64_t[]){1, 1}, 2, NULL, 0, &r, NULL) == OAR_OK && r.rank == 0,
        "reshape [1,1] by [] gave %s", sh(&r));
  CHECK(reshape_attr((int64_t[]){0, 3}, 2, (int64_t[]){3, 0}, 2, &r, NULL) == OAR_OK &&
            shape_is(&r, 2, (int64_t[]){3, 0}),
        "reshape [0,3] by [3,0] gave %s (%s)", sh(&r), err.msg);

  oar_status st = reshape_attr(d234, 3, (int64_t[]){5, -1}, 2, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT && strstr(err.msg, "[2, 3, 4]") && strstr(err.msg, "[5, -1]"),
        "bad reshape [2,3,4] by [5,-1]: status %d, message '%s'", st, err.msg);
  st = reshape_attr(d234, 3, (int64_t[]){5, 5}, 2, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT && strstr(err.msg, "24") && strstr(err.msg, "25"),
        "bad reshape [2,3,4] by [5,5]: status %d, '%s'", st, err.msg);
  st = reshape_attr(d234, 3, (int64_t[]){-1, -1}, 2, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_MODEL, "two -1: status %d '%s'", st, err.msg);
  st = reshape_attr(d234, 3, (int64_t[]){-2, 12}, 2, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_MODEL, "-2: status %d '%s'", st, err.msg);
  st = reshape_attr(d234, 3, (int64_t[]){2, 3, 4, 0}, 4, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "0 past input rank: status %d '%s'", st, err.msg);
  st = reshape_attr((int64_t[]){0, 3}, 2, (int64_t[]){0, -1}, 2, &r, NULL);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "ambiguous -1 with zero-size: status %d '%s'", st, err.msg);
  /* unknown input dims pass through */
  int64_t unk[] = {-1, 3, 4};
  CHECK(
      reshape_attr(unk, 3, (int64_t[]){0, -1}, 2, &r, NULL) == OAR_OK && shape_is(&r, 2, (int64_t[]){-1, -1}),
      "reshape [-1,3,4] by [0,-1] gave %s (%s)", sh(&r), err.msg);
  CHECK(reshape_attr(unk, 3, (int64_t[]){-1, 12}, 2, &r, NULL) == OAR_OK &&
            shape_is(&r, 2, (int64_t[]){-1, 12}),
        "reshape [-1,3,4] by [-1,12] gave %s (%s)", sh(&r), err.msg);
  CHECK(reshape_attr(unk, 3, (int64_t[]){-1, -1}, 2, &r, NULL) == OAR_ERR_INVALID_MODEL,
        "reshape [-1,3,4] by [-1,-1] fails (%s)", err.msg);

  /* Shape tensor beats the attribute; ShapeTensor list beats Shape. */
  nb_begin(&oar_schema_reshape2);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_out(0, 1);
  nb_ints("shape", 1, (int64_t[]){24});
  const oar_node *node = nb_finish();
  int32_t shape_data[] = {3, 8};
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 3, d234, NULL);
  oar_tensor_view shape_t = view(OAR_DTYPE_INT32, 1, (int64_t[]){2}, shape_data);
  const oar_tensor_view *in2[] = {&x, &shape_t};
  oar_tensor_view out[2];
  memset(out, 0, sizeof out);
  CHECK(infer(node, in2, out) == OAR_OK && shape_is(&out[0].shape, 2, (int64_t[]){3, 8}),
        "Shape tensor [3,8] gave %s (%s)", sh(&out[0].shape), err.msg);
  shape_t.data = NULL;
  st = infer(node, in2, out);
  CHECK(st == OAR_ERR_UNSUPPORTED && strstr(err.msg, "'Shape'") && strstr(err.msg, "plan time"),
        "unknown Shape: status %d '%s'", st, err.msg);

  nb_begin(&oar_schema_reshape2);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_in(2, 2);
  nb_out(0, 1);
  node = nb_finish();
  int64_t six = 6, four = -1;
  oar_tensor_view st0 = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &six);
  oar_tensor_view st1 = view(OAR_DTYPE_INT64, 0, NULL, &four);
  shape_t.data = shape_data;
  const oar_tensor_view *in4[] = {&x, &shape_t, &st0, &st1};
  CHECK(infer(node, in4, out) == OAR_OK && shape_is(&out[0].shape, 2, (int64_t[]){6, 4}),
        "ShapeTensor list [6],[-1] gave %s (%s)", sh(&out[0].shape), err.msg);

  /* Run: bytes unchanged, any dtype. */
  nb_begin(&oar_schema_reshape2);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_out(1, 1);
  nb_ints("shape", 2, (int64_t[]){4, -1});
  node = nb_finish();
  int64_t src[24], dst[24];
  for (int i = 0; i < 24; i++) src[i] = i * 1000003LL;
  oar_tensor_view xi = view(OAR_DTYPE_INT64, 3, d234, src);
  const oar_tensor_view *in1[] = {&xi};
  memset(out, 0, sizeof out);
  st = infer(node, in1, out);
  out[0].data = dst;
  out[1].data = NULL;
  CHECK(st == OAR_OK && run(node, in1, out) == OAR_OK && memcmp(src, dst, sizeof src) == 0,
        "reshape2 run copies int64 bytes (%s)", err.msg);
  out[0].shape.dims[0] = 5;
  CHECK(run(node, in1, out) == OAR_ERR_INTERNAL, "reshape2 run rejects an output of the wrong size");
}

/* ---- transpose ---------------------------------------------------------- */

/* Naive transpose: dst index i maps to src index j with j[perm[k]] = i[k]. */
static void naive_transpose(const unsigned char *src, unsigned char *dst, size_t elem, int rank,
                            const int64_t *sd, const int *perm) {
  int64_t dd[OAR_MAX_RANK], numel = 1;
  for (int k = 0; k < rank; k++) {
    dd[k] = sd[perm[k]];
    numel *= dd[k];
  }
  for (int64_t lin = 0; lin < numel; lin++) {
    int64_t i[OAR_MAX_RANK], rem = lin, j[OAR_MAX_RANK];
    for (int k = rank - 1; k >= 0; k--) {
      i[k] = rem % dd[k];
      rem /= dd[k];
    }
    for (int k = 0; k < rank; k++) j[perm[k]] = i[k];
    int64_t s = 0;
    for (int k = 0; k < rank; k++) s = s * sd[k] + j[k];
    memcpy(dst + (size_t)lin * elem, src + (size_t)s * elem, elem);
  }
}

static int transpose_cases;

static void check_transpose(int rank, const int64_t *dims, const int *perm, size_t elem) {
  int64_t numel = 1;
  for (int k = 0; k < rank; k++) numel *= dims[k];
  size_t bytes = (size_t)numel * elem;
  unsigned char *src = guarded(bytes), *got = guarded(bytes), *want = guarded(bytes);
  for (size_t b = 0; b < bytes; b++) src[b] = (unsigned char)(b * 7 + b / 251);
  naive_transpose(src, want, elem, rank, dims, perm);
  oar_ref_transpose(src, got, elem, rank, dims, perm);
  oar_shape s = oar_shape_make(rank, dims);
  CHECK(memcmp(got, want, bytes) == 0 && guard_ok(got, bytes), "transpose %s perm [%d %d %d %d %d] elem %zu",
        sh(&s), perm[0], rank > 1 ? perm[1] : -1, rank > 2 ? perm[2] : -1, rank > 3 ? perm[3] : -1,
        rank > 4 ? perm[4] : -1, elem);
  transpose_cases++;
  free(src);
  free(got);
  free(want);
}

/* Calls check_transpose for every permutation of 0..rank-1 (Heap's algorithm). */
static void all_perms(int rank, const int64_t *dims, size_t elem) {
  int perm[OAR_MAX_RANK], c[OAR_MAX_RANK] = {0};
  for (int k = 0; k < rank; k++) perm[k] = k;
  check_transpose(rank, dims, perm, elem);
  int i = 1;
  while (i < rank) {
    if (c[i] < i) {
      int a = i % 2 == 0 ? 0 : c[i];
      int t = perm[a];
      perm[a] = perm[i];
      perm[i] = t;
      check_transpose(rank, dims, perm, elem);
      c[i]++;
      i = 1;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

static void test_transpose(void) {
  static const size_t elems[] = {1, 2, 4, 8, 3, 16};
  for (int rank = 1; rank <= 5; rank++) {
    for (int trial = 0; trial < 3; trial++) {
      int64_t dims[OAR_MAX_RANK];
      for (int k = 0; k < rank; k++) dims[k] = 1 + rnd(trial == 0 ? 3 : 5); /* trial 0: many size-1 dims */
      all_perms(rank, dims, elems[(rank + trial) % 6]);
    }
  }
  /* zero-size tensor: nothing written */
  unsigned char guard_only[GUARD];
  memset(guard_only, 0xA5, GUARD);
  oar_ref_transpose(NULL, guard_only, 4, 3, (int64_t[]){2, 0, 3}, (int[]){2, 0, 1});
  CHECK(guard_ok(guard_only, 0), "zero-size transpose writes nothing");
  printf("transpose: %d kernel cases vs the naive formula\n", transpose_cases);

  /* infer + run, and validation of the permutation */
  nb_begin(&oar_schema_transpose2);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_out(1, 1);
  nb_ints("axis", 3, (int64_t[]){0, -1, 1});
  const oar_node *node = nb_finish();
  float src[24], dst[24], want[24];
  for (int i = 0; i < 24; i++) src[i] = (float)i;
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 3, (int64_t[]){2, 3, 4}, src);
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out[2];
  memset(out, 0, sizeof out);
  CHECK(infer(node, in, out) == OAR_OK && shape_is(&out[0].shape, 3, (int64_t[]){2, 4, 3}) &&
            shape_is(&out[1].shape, 4, (int64_t[]){0, 2, 3, 4}),
        "transpose2 [2,3,4] axis [0,-1,1] gave %s, XShape %s (%s)", sh(&out[0].shape), sh(&out[1].shape),
        err.msg);
  out[0].data = dst;
  naive_transpose((unsigned char *)src, (unsigned char *)want, 4, 3, (int64_t[]){2, 3, 4}, (int[]){0, 2, 1});
  CHECK(run(node, in, out) == OAR_OK && memcmp(dst, want, sizeof dst) == 0, "transpose2 run (%s)", err.msg);

  nb_begin(&oar_schema_transpose);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axis", 3, (int64_t[]){0, 2, 2});
  node = nb_finish();
  oar_status st = infer(node, in, out);
  CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "permutation"), "axis [0,2,2]: %d '%s'", st, err.msg);
  nb_begin(&oar_schema_transpose);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axis", 2, (int64_t[]){1, 0});
  node = nb_finish();
  st = infer(node, in, out);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "axis of length 2 for rank 3: %d '%s'", st, err.msg);
  nb_begin(&oar_schema_transpose);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axis", 3, (int64_t[]){0, 1, 3});
  node = nb_finish();
  st = infer(node, in, out);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "axis entry 3 for rank 3: %d '%s'", st, err.msg);
  nb_begin(&oar_schema_transpose);
  nb_in(0, 1);
  nb_out(0, 1);
  node = nb_finish();
  st = infer(node, in, out);
  CHECK(st != OAR_OK, "transpose without its required axis fails: %d '%s'", st, err.msg);
}

/* ---- concat / split ----------------------------------------------------- */

static void test_concat_split(void) {
  int round_trips = 0;
  for (int rank = 1; rank <= 4; rank++) {
    for (int axis = 0; axis < rank; axis++) {
      for (int trial = 0; trial < 4; trial++) {
        int64_t dims[OAR_MAX_RANK];
        for (int k = 0; k < rank; k++) dims[k] = 1 + rnd(4);
        int parts = 1 + (int)rnd(3);
        int64_t sections[3];
        int64_t total = 0;
        for (int p = 0; p < parts; p++) total += sections[p] = (int64_t)rnd(4); /* sizes may be 0 */
        if (total == 0) sections[0] = total = 1;
        dims[axis] = total;
        bool use_minus_one = trial == 1 && parts > 1 && sections[parts - 1] > 0;
        int64_t attr_sections[3];
        memcpy(attr_sections, sections, sizeof sections);
        if (use_minus_one) attr_sections[parts - 1] = -1;
        oar_tensor_view x = view(OAR_DTYPE_INT16, rank, dims, NULL);
        int64_t numel = oar_shape_numel(&x.shape);
        int16_t *src = (int16_t *)guarded((size_t)numel * 2);
        for (int64_t i = 0; i < numel; i++) src[i] = (int16_t)(i * 31 + 7);
        x.data = src;

        /* split with sections */
        nb_begin(&oar_schema_split);
        nb_in(0, 1);
        nb_out(0, parts);
        nb_int("axis", axis);
        nb_ints("sections", parts, attr_sections);
        const oar_node *node = nb_finish();
        const oar_tensor_view *in[] = {&x};
        oar_tensor_view pieces[3];
        memset(pieces, 0, sizeof pieces);
        oar_status st = infer(node, in, pieces);
        bool ok = st == OAR_OK;
        for (int p = 0; ok && p < parts; p++) ok = pieces[p].shape.dims[axis] == sections[p];
        CHECK(ok, "split %s axis %d into %d sections: %s (%s)", sh(&x.shape), axis, parts,
              ok ? "" : sh(&pieces[0].shape), err.msg);
        if (!ok) {
          free(src);
          continue;
        }
        unsigned char *bufs[3];
        size_t sizes[3];
        for (int p = 0; p < parts; p++) {
          sizes[p] = (size_t)oar_shape_numel(&pieces[p].shape) * 2;
          bufs[p] = guarded(sizes[p]);
          pieces[p].data = bufs[p];
        }
        CHECK(run(node, in, pieces) == OAR_OK, "split run (%s)", err.msg);
        for (int p = 0; p < parts; p++) CHECK(guard_ok(bufs[p], sizes[p]), "split piece %d guard", p);

        /* concat the pieces back */
        nb_begin(&oar_schema_concat);
        nb_in(0, parts);
        nb_out(0, 1);
        nb_int("axis", axis);
        node = nb_finish();
        const oar_tensor_view *cin[3] = {&pieces[0], &pieces[1], &pieces[2]};
        oar_tensor_view whole;
        memset(&whole, 0, sizeof whole);
        st = infer(node, cin, &whole);
        CHECK(st == OAR_OK && oar_shape_equal(&whole.shape, &x.shape) && whole.dtype == OAR_DTYPE_INT16,
              "concat back gave %s, want %s (%s)", sh(&whole.shape), sh(&x.shape), err.msg);
        unsigned char *back = guarded((size_t)numel * 2);
        whole.data = back;
        CHECK(run(node, cin, &whole) == OAR_OK && memcmp(back, src, (size_t)numel * 2) == 0 &&
                  guard_ok(back, (size_t)numel * 2),
              "split then concat of %s on axis %d is the identity (%s)", sh(&x.shape), axis, err.msg);
        round_trips++;
        free(back);
        for (int p = 0; p < parts; p++) free(bufs[p]);
        free(src);
      }
    }
  }
  printf("concat/split: %d round trips\n", round_trips);

  /* A negative axis: shapes as for the normalised axis, data cut from the
   * flat buffer in order (Paddle's CPU kernel, checked against Paddle 3.3.1
   * by the split_sections_minus1 fixture). */
  {
    nb_begin(&oar_schema_split);
    nb_in(0, 1);
    nb_out(0, 3);
    nb_int("axis", -1);
    nb_ints("sections", 3, (int64_t[]){2, -1, 1});
    const oar_node *node = nb_finish();
    float src[42], a[12], b[24], c[6];
    for (int i = 0; i < 42; i++) src[i] = (float)i;
    oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 3, (int64_t[]){2, 3, 7}, src);
    const oar_tensor_view *in[] = {&x};
    oar_tensor_view outs[3];
    memset(outs, 0, sizeof outs);
    oar_status st = infer(node, in, outs);
    CHECK(st == OAR_OK && shape_is(&outs[1].shape, 3, (int64_t[]){2, 3, 4}),
          "split axis -1 [2,-1,1] gave %s (%s)", sh(&outs[1].shape), err.msg);
    outs[0].data = a;
    outs[1].data = b;
    outs[2].data = c;
    CHECK(run(node, in, outs) == OAR_OK && a[0] == 0 && a[11] == 11 && b[0] == 12 && b[23] == 35 &&
              c[0] == 36 && c[5] == 41,
          "split with axis -1 cuts the flat buffer (%s)", err.msg);
  }

  /* Split by num with AxisTensor; concat with AxisTensor. */
  nb_begin(&oar_schema_split);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_out(0, 3);
  nb_int("num", 3);
  nb_int("axis", 0);
  const oar_node *node = nb_finish();
  int32_t axis_val = 1;
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 2, (int64_t[]){2, 6}, NULL);
  oar_tensor_view axis_t = view(OAR_DTYPE_INT32, 1, (int64_t[]){1}, &axis_val);
  const oar_tensor_view *in2[] = {&x, &axis_t};
  oar_tensor_view outs[3];
  memset(outs, 0, sizeof outs);
  CHECK(infer(node, in2, outs) == OAR_OK && shape_is(&outs[2].shape, 2, (int64_t[]){2, 2}),
        "split [2,6] num 3 AxisTensor 1 gave %s (%s)", sh(&outs[2].shape), err.msg);
  x.shape.dims[1] = 7;
  oar_status st = infer(node, in2, outs);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "split 7 by num 3: %d '%s'", st, err.msg);

  nb_begin(&oar_schema_split);
  nb_in(0, 1);
  nb_out(0, 2);
  nb_int("axis", 1);
  nb_ints("sections", 2, (int64_t[]){3, 3});
  node = nb_finish();
  const oar_tensor_view *in1[] = {&x};
  st = infer(node, in1, outs);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT && strstr(err.msg, "[2, 7]"), "sections [3,3] of 7: %d '%s'", st,
        err.msg);

  nb_begin(&oar_schema_split);
  nb_in(0, 1);
  nb_out(0, 2);
  nb_int("axis", 1);
  nb_ints("sections", 2, (int64_t[]){7, -1});
  node = nb_finish();
  st = infer(node, in1, outs);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "sections [7,-1] of 7 leaves nothing for -1: %d '%s'", st, err.msg);

  nb_begin(&oar_schema_split);
  nb_in(0, 1);
  nb_in(2, 2);
  nb_out(0, 2);
  nb_int("axis", 1);
  nb_ints("sections", 2, (int64_t[]){1, 6});
  node = nb_finish();
  int64_t s0 = 5, s1 = -1;
  oar_tensor_view t0 = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &s0);
  oar_tensor_view t1 = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &s1);
  const oar_tensor_view *in3[] = {&x, &t0, &t1};
  CHECK(infer(node, in3, outs) == OAR_OK && outs[0].shape.dims[1] == 5 && outs[1].shape.dims[1] == 2,
        "SectionsTensorList [5,-1] beats sections (%s)", err.msg);

  nb_begin(&oar_schema_concat);
  nb_in(0, 2);
  nb_in(1, 1);
  nb_out(0, 1);
  node = nb_finish();
  oar_tensor_view a = view(OAR_DTYPE_FLOAT32, 2, (int64_t[]){2, 3}, NULL);
  oar_tensor_view b = view(OAR_DTYPE_FLOAT32, 2, (int64_t[]){2, 5}, NULL);
  int64_t cat_axis = -1;
  oar_tensor_view cat_axis_t = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &cat_axis);
  const oar_tensor_view *cin[] = {&a, &b, &cat_axis_t};
  oar_tensor_view whole;
  CHECK(infer(node, cin, &whole) == OAR_OK && shape_is(&whole.shape, 2, (int64_t[]){2, 8}),
        "concat [2,3]+[2,5] on AxisTensor -1 gave %s (%s)", sh(&whole.shape), err.msg);
  cat_axis = 0;
  st = infer(node, cin, &whole);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT && strstr(err.msg, "[2, 5]"), "concat [2,3]+[2,5] on axis 0: %d '%s'",
        st, err.msg);
  cat_axis = 2;
  st = infer(node, cin, &whole);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "concat axis 2 of rank 2: %d '%s'", st, err.msg);
  b.dtype = OAR_DTYPE_INT32;
  cat_axis = 1;
  st = infer(node, cin, &whole);
  CHECK(st == OAR_ERR_INVALID_MODEL, "concat of float32 and int32: %d '%s'", st, err.msg);
}

/* ---- slice -------------------------------------------------------------- */

typedef struct slice_case {
  int naxes;
  int64_t axes[3], starts[3], ends[3];
  int ndec;
  int64_t decrease[3];
  int out_rank;
  int64_t out_dims[3];
  int64_t first[3]; /* per-dim start of the expected slice (undecreased) */
} slice_case;

static void test_slice(void) {
  const int64_t xd[] = {4, 5, 6};
  int32_t src[120];
  for (int i = 0; i < 120; i++) src[i] = i;
  oar_tensor_view x = view(OAR_DTYPE_INT32, 3, xd, src);
  static const slice_case cases[] = {
      /* negative start, end past the dim, negative end */
      {2, {0, 2}, {-3, 1}, {100, -1}, 0, {0}, 3, {3, 5, 4}, {1, 0, 1}},
      /* start before the beginning clamps to 0 */
      {1, {1}, {-100}, {2}, 0, {0}, 3, {4, 2, 6}, {0, 0, 0}},
      /* end before start: empty */
      {1, {2}, {4}, {2}, 0, {0}, 3, {4, 5, 0}, {0, 0, 4}},
      /* negative axis, decrease_axis */
      {1, {-2}, {2}, {3}, 1, {1}, 2, {4, 6}, {0, 2, 0}},
      /* all axes decreased: 0-D */
      {3, {0, 1, 2}, {3, -1, 2}, {4, 5, 3}, 3, {0, 1, 2}, 0, {0}, {3, 4, 2}},
      /* start == dim: empty */
      {1, {0}, {4}, {10}, 0, {0}, 3, {0, 5, 6}, {0, 0, 0}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    const slice_case *sc = &cases[c];
    nb_begin(&oar_schema_slice);
    nb_in(0, 1);
    nb_out(0, 1);
    nb_ints("axes", sc->naxes, sc->axes);
    nb_ints("starts", sc->naxes, sc->starts);
    nb_ints("ends", sc->naxes, sc->ends);
    nb_ints("infer_flags", sc->naxes, (int64_t[]){1, 1, 1});
    nb_ints("decrease_axis", sc->ndec, sc->decrease);
    const oar_node *node = nb_finish();
    const oar_tensor_view *in[] = {&x};
    oar_tensor_view out;
    memset(&out, 0, sizeof out);
    oar_status st = infer(node, in, &out);
    CHECK(st == OAR_OK && shape_is(&out.shape, sc->out_rank, sc->out_dims) && out.dtype == OAR_DTYPE_INT32,
          "slice case %zu gave %s (%s)", c, sh(&out.shape), err.msg);
    if (st != OAR_OK) continue;
    size_t bytes = (size_t)oar_shape_numel(&out.shape) * 4;
    int32_t *dst = (int32_t *)guarded(bytes);
    out.data = dst;
    st = run(node, in, &out);
    /* expected: walk the undecreased slice */
    oar_shapeops_slice p;
    oar_shapeops_slice_resolve(node, in, &p, &err);
    bool ok = st == OAR_OK && guard_ok((unsigned char *)dst, bytes);
    int64_t n = 0;
    for (int64_t i = 0; ok && i < p.sliced.dims[0]; i++)
      for (int64_t j = 0; ok && j < p.sliced.dims[1]; j++)
        for (int64_t k = 0; ok && k < p.sliced.dims[2]; k++) {
          int32_t want = (int32_t)(((sc->first[0] + i) * 5 + sc->first[1] + j) * 6 + sc->first[2] + k);
          ok = dst[n++] == want;
        }
    CHECK(ok, "slice case %zu data (%s)", c, err.msg);
    free(dst);
  }

  /* decrease_axis on a dim that is not 1 */
  nb_begin(&oar_schema_slice);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axes", 1, (int64_t[]){0});
  nb_ints("starts", 1, (int64_t[]){0});
  nb_ints("ends", 1, (int64_t[]){2});
  nb_ints("decrease_axis", 1, (int64_t[]){0});
  const oar_node *node = nb_finish();
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out;
  oar_status st = infer(node, in, &out);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT && strstr(err.msg, "decrease_axis"), "decrease of size 2: %d '%s'", st,
        err.msg);

  /* starts/ends length mismatch */
  nb_begin(&oar_schema_slice);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axes", 2, (int64_t[]){0, 1});
  nb_ints("starts", 1, (int64_t[]){0});
  nb_ints("ends", 2, (int64_t[]){2, 2});
  node = nb_finish();
  st = infer(node, in, &out);
  CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "starts"), "starts of length 1 for 2 axes: %d '%s'",
        st, err.msg);

  /* StartsTensor + EndsTensorList, and Paddle's x[-1] quirk on a tensor bound */
  nb_begin(&oar_schema_slice);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_in(4, 1);
  nb_out(0, 1);
  nb_ints("axes", 1, (int64_t[]){2});
  nb_ints("starts", 1, (int64_t[]){0});
  nb_ints("ends", 1, (int64_t[]){1});
  nb_ints("infer_flags", 1, (int64_t[]){-1});
  nb_ints("decrease_axis", 1, (int64_t[]){2});
  node = nb_finish();
  int64_t start_v = -1;
  int32_t end_v = 0;
  oar_tensor_view starts_t = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &start_v);
  oar_tensor_view end_t = view(OAR_DTYPE_INT32, 1, (int64_t[]){1}, &end_v);
  const oar_tensor_view *in3[] = {&x, &starts_t, &end_t};
  memset(&out, 0, sizeof out);
  CHECK(infer(node, in3, &out) == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){4, 5}),
        "x[..., -1] through tensors gave %s (%s)", sh(&out.shape), err.msg);
  int32_t last[20];
  out.data = last;
  CHECK(run(node, in3, &out) == OAR_OK && last[0] == 5 && last[19] == 119, "x[..., -1] data %d..%d (%s)",
        last[0], last[19], err.msg);
  starts_t.data = NULL;
  st = infer(node, in3, &out);
  CHECK(st == OAR_ERR_UNSUPPORTED && strstr(err.msg, "'StartsTensor'"), "unknown StartsTensor: %d '%s'", st,
        err.msg);

  /* kernel with steps (for strided_slice later): negative and > 1 */
  int32_t got[6];
  oar_ref_slice(src, got, 4, 3, xd, (int64_t[]){3, 0, 5}, (int64_t[]){-2, 2, -3}, (int64_t[]){2, 3, 1});
  int32_t want[6];
  for (int i = 0, n = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) want[n++] = ((3 - 2 * i) * 5 + 2 * j) * 6 + 5;
  CHECK(memcmp(got, want, sizeof got) == 0, "strided slice kernel with negative steps");
}

/* ---- squeeze / unsqueeze / flatten -------------------------------------- */

static oar_status squeeze(const int64_t *dims, int rank, const int64_t *axes, int n, oar_shape *res) {
  nb_begin(&oar_schema_squeeze2);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_out(1, 1);
  nb_ints("axes", n, axes);
  const oar_node *node = nb_finish();
  oar_tensor_view x = view(OAR_DTYPE_UINT8, rank, dims, NULL);
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out[2];
  memset(out, 0, sizeof out);
  oar_status st = infer(node, in, out);
  *res = out[0].shape;
  return st;
}

static oar_status unsqueeze(const int64_t *dims, int rank, const int64_t *axes, int n, oar_shape *res) {
  nb_begin(&oar_schema_unsqueeze2);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axes", n, axes);
  const oar_node *node = nb_finish();
  oar_tensor_view x = view(OAR_DTYPE_UINT8, rank, dims, NULL);
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out;
  memset(&out, 0, sizeof out);
  oar_status st = infer(node, in, &out);
  *res = out.shape;
  return st;
}

static void test_squeeze_unsqueeze(void) {
  oar_shape r;
  int64_t d[] = {1, 3, 1, 2};
  CHECK(squeeze(d, 4, NULL, 0, &r) == OAR_OK && shape_is(&r, 2, (int64_t[]){3, 2}), "squeeze all: %s",
        sh(&r));
  CHECK(squeeze(d, 4, (int64_t[]){2, 0}, 2, &r) == OAR_OK && shape_is(&r, 2, (int64_t[]){3, 2}),
        "squeeze [2,0]: %s", sh(&r));
  CHECK(squeeze(d, 4, (int64_t[]){-2}, 1, &r) == OAR_OK && shape_is(&r, 3, (int64_t[]){1, 3, 2}),
        "squeeze [-2]: %s", sh(&r));
  CHECK(squeeze(d, 4, (int64_t[]){1}, 1, &r) == OAR_OK && shape_is(&r, 4, d),
        "squeeze of a non-1 dim keeps it: %s", sh(&r));
  CHECK(squeeze(d, 4, (int64_t[]){4}, 1, &r) == OAR_ERR_INVALID_ARGUMENT, "squeeze axis 4 of rank 4 (%s)",
        err.msg);
  CHECK(squeeze((int64_t[]){1}, 1, NULL, 0, &r) == OAR_OK && r.rank == 0, "squeeze [1] -> 0-D: %s", sh(&r));
  CHECK(squeeze(NULL, 0, (int64_t[]){-1}, 1, &r) == OAR_OK && r.rank == 0, "squeeze 0-D axis -1: %s", sh(&r));

  int64_t e[] = {3, 4};
  CHECK(unsqueeze(e, 2, (int64_t[]){0, -1}, 2, &r) == OAR_OK && shape_is(&r, 4, (int64_t[]){1, 3, 4, 1}),
        "unsqueeze [0,-1]: %s", sh(&r));
  CHECK(unsqueeze(e, 2, (int64_t[]){2, 0}, 2, &r) == OAR_OK && shape_is(&r, 4, (int64_t[]){1, 3, 4, 1}),
        "unsqueeze [2,0]: %s", sh(&r));
  CHECK(unsqueeze(e, 2, (int64_t[]){0, 2}, 2, &r) == OAR_OK && shape_is(&r, 4, (int64_t[]){1, 3, 1, 4}),
        "unsqueeze [0,2]: %s", sh(&r));
  CHECK(unsqueeze(e, 2, (int64_t[]){1, 1}, 2, &r) == OAR_OK && shape_is(&r, 4, (int64_t[]){3, 1, 1, 4}),
        "unsqueeze [1,1]: %s", sh(&r));
  CHECK(unsqueeze(e, 2, (int64_t[]){-1, -1}, 2, &r) == OAR_OK && shape_is(&r, 4, (int64_t[]){3, 4, 1, 1}),
        "unsqueeze [-1,-1]: %s", sh(&r));
  CHECK(unsqueeze(e, 2, (int64_t[]){3}, 1, &r) == OAR_ERR_INVALID_ARGUMENT, "unsqueeze axis 3 of rank 2 (%s)",
        err.msg);
  CHECK(unsqueeze(NULL, 0, (int64_t[]){0}, 1, &r) == OAR_OK && shape_is(&r, 1, (int64_t[]){1}),
        "unsqueeze 0-D: %s", sh(&r));
  CHECK(unsqueeze((int64_t[]){1, 1, 1, 1, 1, 1, 1}, 7, (int64_t[]){0, 0}, 2, &r) == OAR_ERR_UNSUPPORTED,
        "unsqueeze past rank 8 (%s)", err.msg);

  /* AxesTensorList beats AxesTensor beats the attribute */
  nb_begin(&oar_schema_unsqueeze2);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_out(0, 1);
  nb_ints("axes", 1, (int64_t[]){0});
  const oar_node *node = nb_finish();
  int32_t axes_data[] = {1};
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 2, e, NULL);
  oar_tensor_view axes_t = view(OAR_DTYPE_INT32, 1, (int64_t[]){1}, axes_data);
  const oar_tensor_view *in2[] = {&x, &axes_t};
  oar_tensor_view out;
  CHECK(infer(node, in2, &out) == OAR_OK && shape_is(&out.shape, 3, (int64_t[]){3, 1, 4}),
        "AxesTensor [1] gave %s (%s)", sh(&out.shape), err.msg);
  nb_begin(&oar_schema_unsqueeze2);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_in(2, 1);
  nb_out(0, 1);
  node = nb_finish();
  int64_t two = 2;
  oar_tensor_view one_t = view(OAR_DTYPE_INT64, 0, NULL, &two);
  const oar_tensor_view *in3[] = {&x, &axes_t, &one_t};
  CHECK(infer(node, in3, &out) == OAR_OK && shape_is(&out.shape, 3, (int64_t[]){3, 4, 1}),
        "AxesTensorList [2] gave %s (%s)", sh(&out.shape), err.msg);

  /* flatten_contiguous_range */
  struct {
    int64_t start, stop;
    int rank;
    int64_t dims[4];
    oar_status st;
  } fc[] = {
      {1, 2, 3, {2, 12, 5}, OAR_OK},
      {-3, -1, 2, {2, 60}, OAR_OK},
      {0, 3, 1, {120}, OAR_OK},
      {2, 1, 0, {0}, OAR_ERR_INVALID_MODEL},
      {1, 4, 0, {0}, OAR_ERR_INVALID_ARGUMENT},
  };
  oar_tensor_view x4 = view(OAR_DTYPE_FLOAT32, 4, (int64_t[]){2, 3, 4, 5}, NULL);
  const oar_tensor_view *in1[] = {&x4};
  for (size_t c = 0; c < sizeof fc / sizeof fc[0]; c++) {
    nb_begin(&oar_schema_flatten_contiguous_range);
    nb_in(0, 1);
    nb_out(0, 1);
    nb_out(1, 1);
    nb_int("start_axis", fc[c].start);
    nb_int("stop_axis", fc[c].stop);
    node = nb_finish();
    oar_tensor_view outs[2];
    memset(outs, 0, sizeof outs);
    oar_status st = infer(node, in1, outs);
    CHECK(st == fc[c].st && (st != OAR_OK || shape_is(&outs[0].shape, fc[c].rank, fc[c].dims)),
          "flatten_contiguous_range %lld..%lld of [2,3,4,5]: status %d shape %s (%s)", (long long)fc[c].start,
          (long long)fc[c].stop, st, sh(&outs[0].shape), err.msg);
  }
  oar_tensor_view x0 = view(OAR_DTYPE_FLOAT32, 0, NULL, NULL);
  const oar_tensor_view *in0[] = {&x0};
  nb_begin(&oar_schema_flatten_contiguous_range);
  nb_in(0, 1);
  nb_out(0, 1);
  node = nb_finish(); /* defaults 1, 1: invalid for 0-D, as in Paddle */
  oar_status st0 = infer(node, in0, &out);
  CHECK(st0 == OAR_ERR_INVALID_ARGUMENT, "flatten_contiguous_range 1..1 of 0-D: %d '%s'", st0, err.msg);
  nb_begin(&oar_schema_flatten_contiguous_range);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_int("start_axis", 0);
  nb_int("stop_axis", -1);
  node = nb_finish();
  CHECK(infer(node, in0, &out) == OAR_OK && shape_is(&out.shape, 1, (int64_t[]){1}),
        "flatten_contiguous_range 0..-1 of 0-D gave %s (%s)", sh(&out.shape), err.msg);

  /* flatten2 */
  struct {
    int64_t axis;
    int64_t d0, d1;
    oar_status st;
  } f2[] = {{0, 1, 120, OAR_OK},
            {2, 6, 20, OAR_OK},
            {4, 120, 1, OAR_OK},
            {5, 0, 0, OAR_ERR_INVALID_ARGUMENT},
            {-1, 0, 0, OAR_ERR_INVALID_ARGUMENT}};
  for (size_t c = 0; c < sizeof f2 / sizeof f2[0]; c++) {
    nb_begin(&oar_schema_flatten2);
    nb_in(0, 1);
    nb_out(0, 1);
    nb_int("axis", f2[c].axis);
    node = nb_finish();
    memset(&out, 0, sizeof out);
    oar_status st = infer(node, in1, &out);
    CHECK(st == f2[c].st && (st != OAR_OK || shape_is(&out.shape, 2, (int64_t[]){f2[c].d0, f2[c].d1})),
          "flatten2 axis %lld of [2,3,4,5]: status %d shape %s", (long long)f2[c].axis, st, sh(&out.shape));
  }
}

/* ---- shape, assign, fill_constant --------------------------------------- */

static void test_shape_assign(void) {
  nb_begin(&oar_schema_shape);
  nb_in(0, 1);
  nb_out(0, 1);
  const oar_node *node = nb_finish();
  CHECK(node->schema->flags & OAR_OP_SHAPE_ONLY, "shape is flagged OAR_OP_SHAPE_ONLY");
  oar_tensor_view x = view(OAR_DTYPE_FLOAT64, 3, (int64_t[]){2, 3, 0}, NULL); /* no data: shape only */
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out;
  int32_t dims[3] = {-1, -1, -1};
  CHECK(infer(node, in, &out) == OAR_OK && out.dtype == OAR_DTYPE_INT32 &&
            shape_is(&out.shape, 1, (int64_t[]){3}),
        "shape of rank 3 gave %s %s", oar_dtype_str(out.dtype), sh(&out.shape));
  out.data = dims;
  CHECK(run(node, in, &out) == OAR_OK && dims[0] == 2 && dims[1] == 3 && dims[2] == 0,
        "shape values %d %d %d (%s)", dims[0], dims[1], dims[2], err.msg);

  nb_begin(&oar_schema_assign);
  nb_in(0, 1);
  nb_out(0, 1);
  node = nb_finish();
  uint8_t src[5] = {1, 2, 3, 4, 5}, dst[5] = {0};
  oar_tensor_view b = view(OAR_DTYPE_BOOL, 1, (int64_t[]){5}, src);
  const oar_tensor_view *in1[] = {&b};
  CHECK(infer(node, in1, &out) == OAR_OK && oar_shape_equal(&out.shape, &b.shape) &&
            out.dtype == OAR_DTYPE_BOOL,
        "assign infer");
  out.data = dst;
  CHECK(run(node, in1, &out) == OAR_OK && memcmp(src, dst, 5) == 0, "assign copies (%s)", err.msg);
}

typedef struct fill_case {
  int64_t dtype;
  double value;
  const char *str_value;
  unsigned char want[8];
  size_t size;
} fill_case;

static void test_fill_constant(void) {
  float inf = INFINITY;
  int64_t big = 9007199254740993LL; /* 2^53 + 1: not a double */
  int32_t i32max = INT32_MAX;
  fill_case cases[] = {
      {3, 0, "9007199254740993", {0}, 8},
      {5, 0, "inf", {0}, 4},
      {2, 3.7, "", {0}, 4},
      {2, 0, "1e+20", {0}, 4},
      {4, 1.0, "", {0x00, 0x3c}, 2},
      {4, 65504.0, "", {0xff, 0x7b}, 2},
      {4, 1e6, "", {0x00, 0x7c}, 2},
      {4, 5.960464477539063e-08, "", {0x01, 0x00}, 2}, /* smallest half subnormal */
      {0, 2.0, "", {1}, 1},
      {20, -1.0, "", {0xff}, 1}, /* float -1 to uint8 wraps, as on x86 */
      {20, 300.0, "", {44}, 1},
      {21, 0, "-5", {0xfb}, 1},
      {6, 0.1, "", {0}, 8},
  };
  memcpy(cases[0].want, &big, 8);
  memcpy(cases[1].want, &inf, 4);
  int32_t three = 3;
  memcpy(cases[2].want, &three, 4);
  memcpy(cases[3].want, &i32max, 4);
  double pt1 = (double)(float)0.1; /* Paddle's value attribute is a float32 */
  cases[12].value = pt1;
  memcpy(cases[12].want, &pt1, 8);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    nb_begin(&oar_schema_fill_constant);
    nb_out(0, 1);
    nb_int("dtype", cases[c].dtype);
    nb_ints("shape", 2, (int64_t[]){2, 3});
    nb_float("value", cases[c].value);
    nb_str("str_value", cases[c].str_value);
    const oar_node *node = nb_finish();
    oar_tensor_view out;
    memset(&out, 0, sizeof out);
    oar_status st = infer(node, NULL, &out);
    CHECK(st == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){2, 3}) &&
              oar_dtype_bytes(out.dtype) == cases[c].size,
          "fill_constant case %zu infer: %s %s (%s)", c, oar_dtype_str(out.dtype), sh(&out.shape), err.msg);
    if (st != OAR_OK) continue;
    unsigned char *buf = guarded(6 * cases[c].size);
    out.data = buf;
    st = run(node, NULL, &out);
    bool ok = st == OAR_OK && guard_ok(buf, 6 * cases[c].size);
    for (int i = 0; ok && i < 6; i++) ok = memcmp(buf + i * cases[c].size, cases[c].want, cases[c].size) == 0;
    CHECK(ok, "fill_constant case %zu (dtype %lld, value %g, str_value \"%s\") bytes %02x %02x (%s)", c,
          (long long)cases[c].dtype, cases[c].value, cases[c].str_value, buf[0], buf[1], err.msg);
    free(buf);
  }

  /* nan, and -inf via str_value */
  const char *specials[] = {"nan", "-inf"};
  for (int k = 0; k < 2; k++) {
    nb_begin(&oar_schema_fill_constant);
    nb_out(0, 1);
    nb_ints("shape", 1, (int64_t[]){1});
    nb_str("str_value", specials[k]);
    const oar_node *node = nb_finish();
    oar_tensor_view out;
    float v = 0;
    CHECK(infer(node, NULL, &out) == OAR_OK && out.dtype == OAR_DTYPE_FLOAT32,
          "fill_constant default dtype float32");
    out.data = &v;
    CHECK(run(node, NULL, &out) == OAR_OK && (k == 0 ? isnan(v) : (isinf(v) && v < 0)),
          "str_value \"%s\" gave %g", specials[k], v);
  }

  /* ValueTensor beats str_value; ShapeTensor beats ShapeTensorList beats shape */
  nb_begin(&oar_schema_fill_constant);
  nb_in(0, 1);
  nb_in(1, 1);
  nb_in(2, 1);
  nb_out(0, 1);
  nb_int("dtype", 3);
  nb_ints("shape", 1, (int64_t[]){7});
  nb_str("str_value", "99");
  const oar_node *node = nb_finish();
  float value = -2.5f;
  int32_t shape_data[] = {2, 2};
  int64_t list_dim = 9;
  oar_tensor_view value_t = view(OAR_DTYPE_FLOAT32, 1, (int64_t[]){1}, &value);
  oar_tensor_view shape_t = view(OAR_DTYPE_INT32, 1, (int64_t[]){2}, shape_data);
  oar_tensor_view list_t = view(OAR_DTYPE_INT64, 1, (int64_t[]){1}, &list_dim);
  const oar_tensor_view *in[] = {&value_t, &shape_t, &list_t};
  oar_tensor_view out;
  int64_t got[4];
  CHECK(infer(node, in, &out) == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){2, 2}) &&
            out.dtype == OAR_DTYPE_INT64,
        "fill_constant ShapeTensor [2,2] gave %s (%s)", sh(&out.shape), err.msg);
  out.data = got;
  CHECK(run(node, in, &out) == OAR_OK && got[0] == -2 && got[3] == -2,
        "ValueTensor -2.5 as int64 gave %lld (%s)", (long long)got[0], err.msg);
  value_t.data = NULL;
  oar_status st = run(node, in, &out);
  CHECK(st == OAR_ERR_UNSUPPORTED && strstr(err.msg, "'ValueTensor'"), "unknown ValueTensor: %d '%s'", st,
        err.msg);

  nb_begin(&oar_schema_fill_constant);
  nb_out(0, 1);
  nb_int("dtype", 22);
  node = nb_finish();
  st = infer(node, NULL, &out);
  CHECK(st == OAR_ERR_UNSUPPORTED && strstr(err.msg, "22"), "bf16 dtype: %d '%s'", st, err.msg);
  nb_begin(&oar_schema_fill_constant);
  nb_out(0, 1);
  nb_ints("shape", 2, (int64_t[]){2, -1});
  node = nb_finish();
  st = infer(node, NULL, &out);
  CHECK(st == OAR_ERR_INVALID_ARGUMENT, "negative fill shape: %d '%s'", st, err.msg);
  nb_begin(&oar_schema_fill_constant);
  nb_out(0, 1);
  nb_str("str_value", "abc");
  node = nb_finish();
  st = infer(node, NULL, &out);
  CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "abc"), "str_value \"abc\" at plan time: %d '%s'", st,
        err.msg);
}

/* ---- kernels directly: concat/split with odd element sizes -------------- */

/* Integer reductions over nothing: the mean (0 / 0) and the max (-inf) of
 * an empty axis have no integer value; they must come out defined (0 and
 * the type's minimum), not through a float-to-integer conversion out of
 * range (undefined behaviour the fuzzer found). */
static void test_reduce_integer_empty(void) {
  oar_reduce_params p = {.rank = 2, .dims = {3, 0}, .reduce = {false, true}};
  double acc[3];
  int64_t out64[3];
  int32_t src32[1] = {0}, out32[3];
  p.func = 1; /* mean */
  oar_ref_reduce(&p, OAR_DTYPE_INT64, src32, out64, acc);
  CHECK(out64[0] == 0 && out64[2] == 0, "int64 mean of nothing: %lld", (long long)out64[0]);
  p.func = 2; /* max */
  oar_ref_reduce(&p, OAR_DTYPE_INT64, src32, out64, acc);
  CHECK(out64[1] == INT64_MIN, "int64 max of nothing: %lld", (long long)out64[1]);
  p.func = 3; /* min */
  oar_ref_reduce(&p, OAR_DTYPE_INT32, src32, out32, acc);
  CHECK(out32[2] == INT32_MAX, "int32 min of nothing: %d", out32[2]);
}

static void test_concat_kernel_odd_elem(void) {
  /* complex128-like 16-byte elements through views of uint8 with a scaled
   * last dim: the kernels only see bytes. */
  unsigned char a[2 * 3 * 16], b[2 * 1 * 16], whole[2 * 4 * 16];
  for (size_t i = 0; i < sizeof a; i++) a[i] = (unsigned char)i;
  for (size_t i = 0; i < sizeof b; i++) b[i] = (unsigned char)(200 + i);
  oar_tensor_view va = view(OAR_DTYPE_UINT8, 3, (int64_t[]){2, 3, 16}, a);
  oar_tensor_view vb = view(OAR_DTYPE_UINT8, 3, (int64_t[]){2, 1, 16}, b);
  oar_tensor_view vw = view(OAR_DTYPE_UINT8, 3, (int64_t[]){2, 4, 16}, whole);
  const oar_tensor_view *srcs[] = {&va, &vb};
  oar_ref_concat(srcs, 2, 1, &vw);
  bool ok = memcmp(whole, a, 48) == 0 && memcmp(whole + 48, b, 16) == 0 &&
            memcmp(whole + 64, a + 48, 48) == 0 && memcmp(whole + 112, b + 16, 16) == 0;
  CHECK(ok, "concat kernel on axis 1 of [2,3,16]+[2,1,16]");
}

/* ---- unknown (-1) dims: inferred through, refused at run time ----------- */

static void test_unknown_dims(void) {
  oar_shape r;
  CHECK(squeeze((int64_t[]){-1, 3}, 2, (int64_t[]){0}, 1, &r) == OAR_OK && shape_is(&r, 1, (int64_t[]){3}),
        "squeeze [-1,3] axes [0] gave %s", sh(&r));
  CHECK(squeeze((int64_t[]){-1, 1}, 2, NULL, 0, &r) == OAR_OK && shape_is(&r, 1, (int64_t[]){-1}),
        "squeeze [-1,1] axes [] gave %s", sh(&r));

  nb_begin(&oar_schema_flatten_contiguous_range);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_int("start_axis", 0);
  nb_int("stop_axis", 1);
  const oar_node *node = nb_finish();
  oar_tensor_view x = view(OAR_DTYPE_FLOAT32, 3, (int64_t[]){-1, 3, 4}, NULL);
  const oar_tensor_view *in[] = {&x};
  oar_tensor_view out;
  memset(&out, 0, sizeof out);
  CHECK(infer(node, in, &out) == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){-1, 4}),
        "flatten [-1,3,4] 0..1 gave %s (%s)", sh(&out.shape), err.msg);

  nb_begin(&oar_schema_concat);
  nb_in(0, 2);
  nb_out(0, 1);
  node = nb_finish();
  oar_tensor_view a = view(OAR_DTYPE_FLOAT32, 2, (int64_t[]){-1, 3}, NULL);
  oar_tensor_view b = view(OAR_DTYPE_FLOAT32, 2, (int64_t[]){2, -1}, NULL);
  const oar_tensor_view *cin[] = {&a, &b};
  CHECK(infer(node, cin, &out) == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){-1, 3}),
        "concat [-1,3]+[2,-1] on axis 0 gave %s (%s)", sh(&out.shape), err.msg);

  nb_begin(&oar_schema_split);
  nb_in(0, 1);
  nb_out(0, 2);
  nb_ints("sections", 2, (int64_t[]){2, -1});
  node = nb_finish();
  oar_tensor_view outs[2];
  memset(outs, 0, sizeof outs);
  CHECK(infer(node, in, outs) == OAR_OK && shape_is(&outs[0].shape, 3, (int64_t[]){2, 3, 4}) &&
            shape_is(&outs[1].shape, 3, (int64_t[]){-1, 3, 4}),
        "split [-1,3,4] sections [2,-1] gave %s %s (%s)", sh(&outs[0].shape), sh(&outs[1].shape), err.msg);

  nb_begin(&oar_schema_slice);
  nb_in(0, 1);
  nb_out(0, 1);
  nb_ints("axes", 2, (int64_t[]){0, 1});
  nb_ints("starts", 2, (int64_t[]){0, 1});
  nb_ints("ends", 2, (int64_t[]){1, 3});
  nb_ints("decrease_axis", 1, (int64_t[]){0});
  node = nb_finish();
  CHECK(infer(node, in, &out) == OAR_OK && shape_is(&out.shape, 2, (int64_t[]){2, 4}),
        "slice [-1,3,4] gave %s (%s)", sh(&out.shape), err.msg);
  float dst[8];
  out.data = dst;
  oar_status st = run(node, in, &out);
  CHECK(st == OAR_ERR_INTERNAL && strstr(err.msg, "[-1, 3, 4]"), "run with unknown dims: %d '%s'", st,
        err.msg);

  nb_begin(&oar_schema_shape);
  nb_in(0, 1);
  nb_out(0, 1);
  node = nb_finish();
  CHECK(infer(node, in, &out) == OAR_OK && shape_is(&out.shape, 1, (int64_t[]){3}),
        "shape of [-1,3,4] gave %s", sh(&out.shape));
}

/* ---- main --------------------------------------------------------------- */

int main(void) {
  if (oar_graph_create(&graph, &err) != OAR_OK) {
    printf("graph_create: %s\n", err.msg);
    return 2;
  }
  test_reshape();
  test_transpose();
  test_concat_split();
  test_slice();
  test_squeeze_unsqueeze();
  test_shape_assign();
  test_fill_constant();
  test_concat_kernel_odd_elem();
  test_reduce_integer_empty();
  test_unknown_dims();
  oar_graph_destroy(graph);
  printf("test_ref_kernels_shape: %d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
