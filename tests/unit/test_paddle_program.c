/* Unit test of the Paddle ProgramDesc decoder (src/frontend/paddle/
 * program.c) and of turning block 0 into the IR (paddle_to_graph.c, through
 * oar_paddle_load on in-memory buffers).
 *
 * Programs are written byte by byte here (the spec's worked example 1.10
 * literally), then decoded whole, cut at every length, corrupted, and
 * decoded with every allocation failing in turn: each must succeed or fail
 * with a message, never crash or leak (run under -fsanitize=address,undefined).
 * The graph tests use ops whose Paddle slot names are fixed (relu,
 * elementwise_add, batch_norm, concat). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/paddle/paddle_loader.h"
#include "frontend/paddle/paddle_to_graph.h"
#include "frontend/paddle/program.h"

#include "test_check.h"

#include "pb_writer.h"

/* VarDesc with a LoDTensorDesc (kind 7) or a bare kind (feed/fetch). */
static void add_var(pb *block, const char *name, int kind, int dtype, const int64_t *dims, int rank,
                    int persistable) {
  pb var = {0}, type = {0};
  pb_str(&var, 1, name);
  pb_int(&type, 1, kind);
  if (kind == OAR_PD_LOD_TENSOR) {
    pb lod = {0}, td = {0};
    pb_int(&td, 1, dtype);
    for (int i = 0; i < rank; i++) pb_int(&td, 2, dims[i]);
    pb_msg(&lod, 1, &td);
    pb_msg(&type, 3, &lod);
  }
  pb_msg(&var, 2, &type);
  if (persistable) pb_int(&var, 3, 1);
  pb_msg(block, 3, &var);
}

/* Slot `field` (1 inputs, 2 outputs) named `slot` bound to n names. */
static void add_slot(pb *op, int field, const char *slot, int n, const char *const *names) {
  pb s = {0};
  pb_str(&s, 1, slot);
  for (int i = 0; i < n; i++) pb_str(&s, 2, names[i]);
  pb_msg(op, field, &s);
}
static void in1(pb *op, const char *slot, const char *name) { add_slot(op, 1, slot, name ? 1 : 0, &name); }
static void out1(pb *op, const char *slot, const char *name) { add_slot(op, 2, slot, name ? 1 : 0, &name); }

static void attr_int(pb *op, const char *name, int type, int field, int64_t v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, type);
  pb_int(&a, field, v);
  pb_msg(op, 4, &a);
}
static void attr_str(pb *op, const char *name, int type, int field, const char *v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, type);
  pb_str(&a, field, v);
  pb_msg(op, 4, &a);
}

static void end_op(pb *block, pb *op, const char *type) {
  pb_str(op, 3, type);
  pb_msg(block, 4, op);
}

static void feed_op(pb *block, const char *var, int col) {
  pb op = {0};
  in1(&op, "X", "feed");
  out1(&op, "Out", var);
  attr_int(&op, "col", OAR_PD_ATTR_INT, 3, col);
  end_op(block, &op, "feed");
}
static void fetch_op(pb *block, const char *var, int col) {
  pb op = {0};
  in1(&op, "X", var);
  out1(&op, "Out", "fetch");
  attr_int(&op, "col", OAR_PD_ATTR_INT, 3, col);
  end_op(block, &op, "fetch");
}

static void finish_program(pb *prog, pb *block) {
  pb b0 = {0};
  pb_int(&b0, 1, 0);
  pb_int(&b0, 2, -1);
  pb_put(&b0, block->b, block->n);
  free(block->b);
  memset(block, 0, sizeof *block);
  pb_msg(prog, 1, &b0);
}

/* ---- decoding -------------------------------------------------------------- */

static void test_worked_example(void) {
  /* Spec 1.10, byte for byte: VarDesc for x, float32, [-1, 3]. */
  const uint8_t var[] = {0x0A, 0x01, 0x78, /* name "x" */
                         0x12, 0x15,       /* type: 21 bytes */
                         0x08, 0x07,       /* LOD_TENSOR */
                         0x1A, 0x11,       /* lod_tensor: 17 */
                         0x0A, 0x0F,       /* tensor: 15 */
                         0x08, 0x05,       /* FP32 */
                         0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, /* -1 */
                         0x10, 0x03,                                                       /* 3 */
                         0x20, 0x01}; /* need_check_feed */
  pb block = {0}, prog = {0};
  pb_bytes(&block, 3, var, sizeof var);
  finish_program(&prog, &block);
  oar_pd_program p;
  oar_error err = {0};
  oar_status st = oar_pd_program_decode(prog.b, prog.n, &p, &err);
  CHECK(st == OAR_OK, "worked example decodes: %s", err.msg);
  if (st == OAR_OK) {
    CHECK(p.num_blocks == 1 && p.blocks[0].idx == 0 && p.blocks[0].parent_idx == -1 &&
              p.blocks[0].num_vars == 1,
          "one block, idx 0, parent -1, one var");
    const oar_pd_var *v = &p.blocks[0].vars[0];
    CHECK(strcmp(v->name, "x") == 0 && v->kind == OAR_PD_LOD_TENSOR && v->has_tensor &&
              v->tensor.dtype == OAR_PD_FP32 && v->tensor.dims.n == 2 && v->tensor.dims.v[0] == -1 &&
              v->tensor.dims.v[1] == 3 && v->need_check_feed && !v->persistable,
          "x: FP32 [-1, 3], need_check_feed");
    CHECK(oar_pd_block_find_var(&p.blocks[0], "x") == v && !oar_pd_block_find_var(&p.blocks[0], "y"),
          "find_var");
    oar_pd_program_free(&p);
  }
  free(prog.b);
  printf("ok: spec 1.10 VarDesc (x, FP32, [-1, 3]) decodes byte for byte\n");
}

/* An op carrying one attribute of every AttrType, plus unknown fields. */
static void build_all_attrs_program(pb *prog) {
  pb block = {0}, op = {0}, a = {0};
  int64_t dims[] = {2, 3};
  add_var(&block, "x", OAR_PD_LOD_TENSOR, OAR_PD_FP32, dims, 2, 0);
  add_var(&block, "w", OAR_PD_LOD_TENSOR, OAR_PD_INT64, dims, 1, 1);
  const char *xs[] = {"x", "w"};
  add_slot(&op, 1, "X", 2, xs);
  add_slot(&op, 1, "Empty", 0, NULL);
  out1(&op, "Out", "y");
  attr_int(&op, "i", OAR_PD_ATTR_INT, 3, -7);
  /* FLOAT */
  pb_str(&a, 1, "f");
  pb_int(&a, 2, OAR_PD_ATTR_FLOAT);
  pb_float(&a, 4, 0.5f);
  pb_msg(&op, 4, &a);
  attr_str(&op, "s", OAR_PD_ATTR_STRING, 5, "NCHW");
  /* INTS: unpacked 1, packed {-2, 3} */
  pb_str(&a, 1, "ints");
  pb_int(&a, 2, OAR_PD_ATTR_INTS);
  pb_int(&a, 6, 1);
  {
    pb packed = {0};
    pb_varint(&packed, (uint64_t)(int64_t)-2);
    pb_varint(&packed, 3);
    pb_msg(&a, 6, &packed);
  }
  pb_msg(&op, 4, &a);
  /* FLOATS packed {1.5, -0.25} */
  pb_str(&a, 1, "floats");
  pb_int(&a, 2, OAR_PD_ATTR_FLOATS);
  {
    float fl[2] = {1.5f, -0.25f};
    pb_bytes(&a, 7, fl, sizeof fl);
  }
  pb_msg(&op, 4, &a);
  /* STRINGS */
  pb_str(&a, 1, "strings");
  pb_int(&a, 2, OAR_PD_ATTR_STRINGS);
  pb_str(&a, 8, "a");
  pb_str(&a, 8, "");
  pb_str(&a, 8, "bc");
  pb_msg(&op, 4, &a);
  attr_int(&op, "b", OAR_PD_ATTR_BOOLEAN, 10, 1);
  /* BOOLEANS unpacked {1, 0, 1} */
  pb_str(&a, 1, "bools");
  pb_int(&a, 2, OAR_PD_ATTR_BOOLEANS);
  pb_int(&a, 11, 1);
  pb_int(&a, 11, 0);
  pb_int(&a, 11, 1);
  pb_msg(&op, 4, &a);
  attr_int(&op, "block", OAR_PD_ATTR_BLOCK, 12, 1);
  attr_int(&op, "l", OAR_PD_ATTR_LONG, 13, -5000000000LL);
  /* BLOCKS packed {1, 2} */
  pb_str(&a, 1, "blocks");
  pb_int(&a, 2, OAR_PD_ATTR_BLOCKS);
  pb_bytes(&a, 14, "\x01\x02", 2);
  pb_msg(&op, 4, &a);
  /* LONGS unpacked {1 << 40, -1} */
  pb_str(&a, 1, "longs");
  pb_int(&a, 2, OAR_PD_ATTR_LONGS);
  pb_int(&a, 15, (int64_t)1 << 40);
  pb_int(&a, 15, -1);
  pb_msg(&op, 4, &a);
  /* FLOAT64S: unpacked 0.1, packed {2.5} */
  pb_str(&a, 1, "float64s");
  pb_int(&a, 2, OAR_PD_ATTR_FLOAT64S);
  pb_double(&a, 16, 0.1);
  {
    double d = 2.5;
    pb_bytes(&a, 16, &d, 8);
  }
  pb_msg(&op, 4, &a);
  attr_str(&op, "var", OAR_PD_ATTR_VAR, 17, "shape_tensor");
  /* VARS */
  pb_str(&a, 1, "vars");
  pb_int(&a, 2, OAR_PD_ATTR_VARS);
  pb_str(&a, 18, "v0");
  pb_str(&a, 18, "v1");
  pb_msg(&op, 4, &a);
  /* FLOAT64 */
  pb_str(&a, 1, "float64");
  pb_int(&a, 2, OAR_PD_ATTR_FLOAT64);
  pb_double(&a, 19, -3.75);
  pb_msg(&op, 4, &a);
  /* SCALAR: FLOAT64 1.25 */
  {
    pb sc = {0};
    pb_int(&sc, 1, OAR_PD_SCALAR_FLOAT64);
    pb_double(&sc, 4, 1.25);
    pb_str(&a, 1, "scalar");
    pb_int(&a, 2, OAR_PD_ATTR_SCALAR);
    pb_msg(&a, 20, &sc);
    pb_msg(&op, 4, &a);
  }
  /* SCALARS: LONG 7, BOOLEAN true, COMPLEX128 (1, -1) */
  {
    pb s1 = {0}, s2 = {0}, s3 = {0}, c = {0};
    pb_int(&s1, 1, OAR_PD_SCALAR_LONG);
    pb_int(&s1, 3, 7);
    pb_int(&s2, 1, OAR_PD_SCALAR_BOOLEAN);
    pb_int(&s2, 2, 1);
    pb_int(&s3, 1, OAR_PD_SCALAR_COMPLEX128);
    pb_double(&c, 1, 1.0);
    pb_double(&c, 2, -1.0);
    pb_msg(&s3, 5, &c);
    pb_str(&a, 1, "scalars");
    pb_int(&a, 2, OAR_PD_ATTR_SCALARS);
    pb_msg(&a, 21, &s1);
    pb_msg(&a, 21, &s2);
    pb_msg(&a, 21, &s3);
    pb_msg(&op, 4, &a);
  }
  /* Bookkeeping attrs and unknown fields that must be skipped. */
  attr_str(&op, "op_callstack", OAR_PD_ATTR_STRINGS, 8, "  File \"x.py\", line 1");
  pb_int(&op, 5, 1);  /* is_target */
  pb_tag(&op, 99, 5); /* unknown i32 field */
  pb_put(&op, "\0\0\0\0", 4);
  pb_tag(&op, 98, 3); /* unknown group with a field inside */
  pb_int(&op, 1, 5);
  pb_tag(&op, 98, 4);
  end_op(&block, &op, "test_op");
  pb_int(&block, 5, -1); /* forward_block_idx */
  finish_program(prog, &block);
  /* A second block, op_compatible_map (1.x field 3), version, op_version_map. */
  pb b1 = {0}, compat = {0}, version = {0}, opver = {0};
  pb_int(&b1, 1, 1);
  pb_int(&b1, 2, 0);
  pb_msg(prog, 1, &b1);
  pb_str(&compat, 1, "conv2d");
  pb_msg(prog, 3, &compat);
  pb_int(&version, 1, 2006000);
  pb_msg(prog, 4, &version);
  pb_str(&opver, 1, "pair bytes");
  pb_msg(prog, 5, &opver);
}

static void test_all_attrs(void) {
  pb prog = {0};
  build_all_attrs_program(&prog);
  oar_pd_program p;
  oar_error err = {0};
  oar_status st = oar_pd_program_decode(prog.b, prog.n, &p, &err);
  CHECK(st == OAR_OK, "all-attrs program decodes: %s", err.msg);
  if (st != OAR_OK) {
    free(prog.b);
    return;
  }
  CHECK(p.num_blocks == 2 && p.version == 2006000 && p.blocks[1].idx == 1 && p.blocks[1].parent_idx == 0,
        "2 blocks, version 2006000");
  CHECK(p.blocks[0].num_ops == 1 && p.blocks[0].forward_block_idx == -1, "one op");
  const oar_pd_op *op = &p.blocks[0].ops[0];
  CHECK(strcmp(op->type, "test_op") == 0 && op->is_target && op->num_inputs == 2 && op->num_outputs == 1 &&
            op->num_attrs == 19,
        "op test_op: %zu inputs, %zu outputs, %zu attrs", op->num_inputs, op->num_outputs, op->num_attrs);
  const oar_pd_slot *x = oar_pd_op_find_input(op, "X");
  CHECK(x && x->args.n == 2 && strcmp(x->args.v[1], "w") == 0, "input X = [x, w]");
  CHECK(oar_pd_op_find_input(op, "Empty") && oar_pd_op_find_input(op, "Empty")->args.n == 0,
        "empty slot kept");
  CHECK(oar_pd_op_find_output(op, "Out") && !oar_pd_op_find_output(op, "X"), "output lookup");
#define A(name) oar_pd_op_find_attr(op, name)
  const oar_pd_attr *a;
  CHECK((a = A("i")) && a->type == OAR_PD_ATTR_INT && a->i == -7, "INT -7");
  CHECK((a = A("f")) && a->type == OAR_PD_ATTR_FLOAT && a->f == 0.5f, "FLOAT 0.5");
  CHECK((a = A("s")) && a->type == OAR_PD_ATTR_STRING && strcmp(a->s, "NCHW") == 0, "STRING");
  CHECK((a = A("ints")) && a->ints.n == 3 && a->ints.v[0] == 1 && a->ints.v[1] == -2 && a->ints.v[2] == 3,
        "INTS unpacked+packed [1, -2, 3]");
  CHECK((a = A("floats")) && a->floats.n == 2 && a->floats.v[0] == 1.5 && a->floats.v[1] == -0.25, "FLOATS");
  CHECK((a = A("strings")) && a->strings.n == 3 && strcmp(a->strings.v[0], "a") == 0 &&
            strcmp(a->strings.v[1], "") == 0 && strcmp(a->strings.v[2], "bc") == 0,
        "STRINGS incl. empty");
  CHECK((a = A("b")) && a->type == OAR_PD_ATTR_BOOLEAN && a->b, "BOOLEAN");
  CHECK((a = A("bools")) && a->bools.n == 3 && a->bools.v[0] == 1 && a->bools.v[1] == 0, "BOOLEANS");
  CHECK((a = A("block")) && a->type == OAR_PD_ATTR_BLOCK && a->block_idx == 1, "BLOCK");
  CHECK((a = A("l")) && a->type == OAR_PD_ATTR_LONG && a->l == -5000000000LL, "LONG -5e9");
  CHECK((a = A("blocks")) && a->blocks_idx.n == 2 && a->blocks_idx.v[1] == 2, "BLOCKS packed");
  CHECK((a = A("longs")) && a->longs.n == 2 && a->longs.v[0] == (int64_t)1 << 40 && a->longs.v[1] == -1,
        "LONGS");
  CHECK((a = A("float64s")) && a->float64s.n == 2 && a->float64s.v[0] == 0.1 && a->float64s.v[1] == 2.5,
        "FLOAT64S unpacked+packed");
  CHECK((a = A("var")) && a->type == OAR_PD_ATTR_VAR && strcmp(a->var_name, "shape_tensor") == 0, "VAR");
  CHECK((a = A("vars")) && a->vars_name.n == 2 && strcmp(a->vars_name.v[1], "v1") == 0, "VARS");
  CHECK((a = A("float64")) && a->float64 == -3.75, "FLOAT64");
  CHECK((a = A("scalar")) && a->scalar.type == OAR_PD_SCALAR_FLOAT64 && a->scalar.r == 1.25, "SCALAR");
  CHECK((a = A("scalars")) && a->num_scalars == 3 && a->scalars[0].i == 7 && a->scalars[1].b &&
            a->scalars[2].type == OAR_PD_SCALAR_COMPLEX128 && a->scalars[2].c_real == 1.0 &&
            a->scalars[2].c_imag == -1.0,
        "SCALARS long/bool/complex");
  CHECK(!A("nope"), "absent attr");
  printf(
      "ok: every AttrType decodes (INT..SCALARS, packed and unpacked); unknown fields and groups skipped\n");

  /* IR conversion of each attribute type. */
  struct {
    const char *name;
    oar_status st;
    oar_attr_type type;
  } conv[] = {
      {"i", OAR_OK, OAR_ATTR_INT},           {"f", OAR_OK, OAR_ATTR_FLOAT},
      {"s", OAR_OK, OAR_ATTR_STRING},        {"ints", OAR_OK, OAR_ATTR_INTS},
      {"floats", OAR_OK, OAR_ATTR_FLOATS},   {"strings", OAR_OK, OAR_ATTR_STRINGS},
      {"b", OAR_OK, OAR_ATTR_BOOL},          {"bools", OAR_OK, OAR_ATTR_INTS},
      {"block", OAR_ERR_UNSUPPORTED, 0},     {"l", OAR_OK, OAR_ATTR_INT},
      {"blocks", OAR_ERR_UNSUPPORTED, 0},    {"longs", OAR_OK, OAR_ATTR_INTS},
      {"float64s", OAR_OK, OAR_ATTR_FLOATS}, {"var", OAR_ERR_UNSUPPORTED, 0},
      {"vars", OAR_ERR_UNSUPPORTED, 0},      {"float64", OAR_OK, OAR_ATTR_FLOAT},
      {"scalar", OAR_OK, OAR_ATTR_FLOAT},    {"scalars", OAR_ERR_UNSUPPORTED, 0},
  };
  for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
    oar_attr v;
    void *owned = NULL;
    st = oar_pd_attr_to_ir(A(conv[i].name), &v, &owned, &err);
    CHECK(st == conv[i].st && (st != OAR_OK || v.type == conv[i].type),
          "convert '%s': status %d type %d (%s)", conv[i].name, st, st == OAR_OK ? (int)v.type : -1,
          st == OAR_OK ? "" : err.msg);
    oar_free(owned);
  }
  oar_attr v;
  void *owned = NULL;
  CHECK(oar_pd_attr_to_ir(A("l"), &v, &owned, &err) == OAR_OK && v.i == -5000000000LL, "LONG keeps 64 bits");
  CHECK(oar_pd_attr_to_ir(A("longs"), &v, &owned, &err) == OAR_OK && v.n == 2 && v.ints[1] == -1,
        "LONGS values");
  CHECK(
      oar_pd_attr_to_ir(A("var"), &v, &owned, &err) == OAR_ERR_UNSUPPORTED && strstr(err.msg, "shape_tensor"),
      "VAR names the variable: %s", err.msg);
  /* SCALARS without the complex element: long + bool -> INTS; + float -> FLOATS. */
  oar_pd_attr *sc = (oar_pd_attr *)A("scalars");
  sc->num_scalars = 2;
  CHECK(oar_pd_attr_to_ir(sc, &v, &owned, &err) == OAR_OK && v.type == OAR_ATTR_INTS && v.n == 2 &&
            v.ints[0] == 7 && v.ints[1] == 1,
        "SCALARS long/bool -> INTS [7, 1]");
  oar_free(owned);
  sc->scalars[1].type = OAR_PD_SCALAR_FLOAT64;
  sc->scalars[1].r = 0.5;
  CHECK(oar_pd_attr_to_ir(sc, &v, &owned, &err) == OAR_OK && v.type == OAR_ATTR_FLOATS && v.n == 2 &&
            v.floats[0] == 7.0 && v.floats[1] == 0.5,
        "SCALARS long/float -> FLOATS [7, 0.5]");
  oar_free(owned);
  sc->num_scalars = 3;
#undef A
  printf(
      "ok: attribute conversion INT/LONG->INT, FLOAT/FLOAT64->FLOAT, lists, SCALAR(S); VAR/BLOCK "
      "unsupported\n");
  oar_pd_program_free(&p);
  free(prog.b);
}

/* Every prefix, many corruptions, every allocation failure. */
static void test_robustness(void) {
  pb prog = {0};
  build_all_attrs_program(&prog);
  oar_error err = {0};
  oar_pd_program p;
  size_t ok = 0, bad = 0;
  for (size_t len = 0; len < prog.n; len++) {
    oar_status st = oar_pd_program_decode(prog.b, len, &p, &err);
    if (st == OAR_OK) {
      ok++;
      oar_pd_program_free(&p);
    } else {
      bad++;
      CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset"), "prefix %zu: status %d '%s'", len,
            st, err.msg);
    }
  }
  CHECK(bad > prog.n / 2, "most prefixes fail (%zu of %zu)", bad, prog.n);
  printf("ok: program cut at each of %zu lengths: %zu errors, %zu valid prefixes, no crash\n", prog.n, bad,
         ok);

  /* Corruptions: flip bytes at pseudo-random places. */
  uint32_t seed = 12345;
  uint8_t *copy = malloc(prog.n);
  size_t errors = 0;
  for (int iter = 0; iter < 3000; iter++) {
    memcpy(copy, prog.b, prog.n);
    for (int k = 0; k < 1 + iter % 4; k++) {
      seed = seed * 1103515245u + 12345u;
      size_t at = (seed >> 8) % prog.n;
      seed = seed * 1103515245u + 12345u;
      copy[at] = (uint8_t)(seed >> 16);
    }
    oar_status st = oar_pd_program_decode(copy, prog.n, &p, &err);
    if (st == OAR_OK)
      oar_pd_program_free(&p);
    else
      errors++;
    CHECK(st == OAR_OK || st == OAR_ERR_INVALID_MODEL || st == OAR_ERR_OUT_OF_MEMORY, "corruption %d: %d",
          iter, st);
  }
  free(copy);
  printf("ok: 3000 corrupted programs: %zu errors, the rest decode; no crash\n", errors);

  /* Fail each allocation in turn. */
  long n = 0;
  oar_status st;
  for (;; n++) {
    oar_alloc_fail_after(n);
    st = oar_pd_program_decode(prog.b, prog.n, &p, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) break;
    CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failing: status %d '%s'", n, st, err.msg);
  }
  oar_pd_program_free(&p);
  printf("ok: failing each of %ld allocations in turn gives OUT_OF_MEMORY, nothing leaks\n", n);
  free(prog.b);
}

static oar_status decode_block_bytes(pb *block, oar_pd_program *p, oar_error *err) {
  pb prog = {0};
  finish_program(&prog, block);
  oar_status st = oar_pd_program_decode(prog.b, prog.n, p, err);
  free(prog.b);
  if (st == OAR_OK) oar_pd_program_free(p);
  return st;
}

static void test_malformed(void) {
  oar_error err = {0};
  oar_pd_program p;
  pb block = {0}, var = {0}, type = {0}, op = {0}, a = {0};

  pb_int(&type, 1, OAR_PD_LOD_TENSOR);
  pb_msg(&var, 2, &type);
  pb_msg(&block, 3, &var);
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "block #0: var #0: ") && strstr(err.msg, "lacks required field 'name'"),
        "var without name: '%s'", err.msg);

  pb_str(&var, 1, "v");
  pb_msg(&block, 3, &var);
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "var #0 ('v')") &&
            strstr(err.msg, "'type'"),
        "var without type: '%s'", err.msg);

  in1(&op, "X", "x");
  pb_msg(&block, 4, &op);
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "op #0: ") &&
            strstr(err.msg, "OpDesc") && strstr(err.msg, "'type'"),
        "op without type: '%s'", err.msg);

  pb_str(&a, 1, "axis");
  pb_int(&a, 3, 1);
  pb_msg(&op, 4, &a);
  end_op(&block, &op, "relu");
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "op #0: attr 'axis'") && strstr(err.msg, "'type'"),
        "attr without type: '%s'", err.msg);

  /* A TensorDesc without data_type. */
  {
    pb lod = {0}, td = {0};
    pb_int(&td, 2, 3);
    pb_msg(&lod, 1, &td);
    pb_int(&type, 1, OAR_PD_LOD_TENSOR);
    pb_msg(&type, 3, &lod);
    pb_str(&var, 1, "t");
    pb_msg(&var, 2, &type);
    pb_msg(&block, 3, &var);
  }
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "TensorDesc") &&
            strstr(err.msg, "data_type"),
        "TensorDesc without data_type: '%s'", err.msg);

  /* A known field with the wrong wire type. */
  pb_int(&var, 1, 5);
  pb_msg(&block, 3, &var);
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "field 'name' (#1)") && strstr(err.msg, "expected wire type len, found varint"),
        "name as varint: '%s'", err.msg);

  /* A NUL inside a name. */
  pb_bytes(&var, 1, "a\0b", 3);
  pb_msg(&block, 3, &var);
  CHECK(decode_block_bytes(&block, &p, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "NUL"),
        "NUL in a name: '%s'", err.msg);

  /* Empty input: no blocks, not an error for the decoder. */
  CHECK(oar_pd_program_decode(NULL, 0, &p, &err) == OAR_OK && p.num_blocks == 0, "empty program decodes");
  oar_pd_program_free(&p);
  printf("ok: missing required fields, wrong wire types and NUL in names are errors: %s\n", err.msg);
}

/* ---- graphs ------------------------------------------------------------------ */

static const float W[3] = {0.5f, -1.0f, 2.0f};

/* feed y (col 1), feed x (col 0), elementwise_add(x, w) -> t, relu(t) -> out,
 * fetch t (col 1), fetch out (col 0). `variant` inserts faults. */
enum {
  GOOD,
  UNSUPPORTED_OP,
  UNKNOWN_INPUT_SLOT,
  UNKNOWN_EMPTY_SLOT,
  USE_BEFORE_DEF,
  SUB_BLOCK,
  DUP_COL,
  MISSING_INPUT,
  TWO_IN_ONE,
  BAD_ATTR,
  VAR_ATTR,
  IN_PLACE,
  FETCH_UNKNOWN,
  BF16_INPUT,
  BATCH_NORM,
  CONCAT
};

static void build_graph_program(int variant, pb *prog, pb *params) {
  pb block = {0}, op = {0};
  int64_t xd[] = {-1, 3}, yd[] = {2}, wd[] = {3}, cd[] = {1};
  add_var(&block, "feed", OAR_PD_FEED_MINIBATCH, 0, NULL, 0, 1);
  add_var(&block, "fetch", OAR_PD_FETCH_LIST, 0, NULL, 0, 1);
  add_var(&block, "x", OAR_PD_LOD_TENSOR, OAR_PD_FP32, xd, 2, 0);
  add_var(&block, "y", OAR_PD_LOD_TENSOR, variant == BF16_INPUT ? OAR_PD_BF16 : OAR_PD_INT64, yd, 1, 0);
  add_var(&block, "w", OAR_PD_LOD_TENSOR, OAR_PD_FP32, wd, 1, 1);
  add_var(&block, "t", OAR_PD_LOD_TENSOR, OAR_PD_FP32, xd, 2, 0);
  add_var(&block, "out", OAR_PD_LOD_TENSOR, OAR_PD_FP32, xd, 2, 0);
  if (variant == BATCH_NORM) {
    add_var(&block, "bn_mean", OAR_PD_LOD_TENSOR, OAR_PD_FP32, cd, 1, 1);
    add_var(&block, "bn_scale", OAR_PD_LOD_TENSOR, OAR_PD_FP32, cd, 1, 1);
  }
  feed_op(&block, "y", 1);
  feed_op(&block, "x", variant == DUP_COL ? 1 : 0);

  if (variant == USE_BEFORE_DEF) {
    in1(&op, "X", "t");
    out1(&op, "Out", "u");
    end_op(&block, &op, "relu");
  }
  in1(&op, "X", "x");
  if (variant != MISSING_INPUT) in1(&op, "Y", "w");
  if (variant == UNKNOWN_INPUT_SLOT) in1(&op, "Mystery", "x");
  if (variant == UNKNOWN_EMPTY_SLOT) in1(&op, "Mystery", NULL);
  out1(&op, "Out", "t");
  out1(&op, "XShape", NULL);
  attr_int(&op, "op_role", OAR_PD_ATTR_INT, 3, 0);
  attr_str(&op, "op_callstack", OAR_PD_ATTR_STRINGS, 8, "File \"a.py\"");
  attr_int(&op, "use_mkldnn", OAR_PD_ATTR_BOOLEAN, 10, 0);
  if (variant == BAD_ATTR)
    attr_str(&op, "axis", OAR_PD_ATTR_STRING, 5, "one");
  else if (variant == VAR_ATTR)
    attr_str(&op, "axis", OAR_PD_ATTR_VAR, 17, "axis_var");
  else
    attr_int(&op, "axis", OAR_PD_ATTR_LONG, 13, 1);
  end_op(&block, &op, "elementwise_add");

  if (variant == UNSUPPORTED_OP) { /* two types, one twice: all are reported at once */
    in1(&op, "X", "t");
    out1(&op, "Out", "z");
    end_op(&block, &op, "my_custom_op");
    in1(&op, "X", "z");
    out1(&op, "Out", "z2");
    end_op(&block, &op, "my_custom_op");
    in1(&op, "X", "z2");
    out1(&op, "Out", "z3");
    end_op(&block, &op, "other_op");
  }
  if (variant == CONCAT) {
    const char *both[] = {"t", "x"};
    add_slot(&op, 1, "X", 2, both);
    in1(&op, "AxisTensor", NULL);
    out1(&op, "Out", "cat");
    attr_int(&op, "axis", OAR_PD_ATTR_INT, 3, 1);
    end_op(&block, &op, "concat");
  }
  if (variant == BATCH_NORM) {
    in1(&op, "X", "t");
    in1(&op, "Scale", "bn_scale");
    in1(&op, "Bias", "bn_scale");
    in1(&op, "Mean", "bn_mean");
    in1(&op, "Variance", "bn_scale");
    out1(&op, "Y", "bn_y");
    out1(&op, "MeanOut", "bn_mean"); /* in place on the parameter, as Paddle writes it */
    out1(&op, "VarianceOut", "bn_scale");
    pb a = {0};
    pb_str(&a, 1, "epsilon");
    pb_int(&a, 2, OAR_PD_ATTR_FLOAT);
    pb_float(&a, 4, 0.001f);
    pb_msg(&op, 4, &a);
    end_op(&block, &op, "batch_norm");
  }
  if (variant == TWO_IN_ONE) {
    const char *both[] = {"t", "x"};
    add_slot(&op, 1, "X", 2, both);
  } else {
    in1(&op, "X", "t");
  }
  out1(&op, "Out", variant == IN_PLACE ? "t" : "out");
  if (variant == SUB_BLOCK) attr_int(&op, "sub_block", OAR_PD_ATTR_BLOCK, 12, 1);
  end_op(&block, &op, "relu");

  fetch_op(&block, variant == FETCH_UNKNOWN ? "nowhere" : "t", 1);
  fetch_op(&block, variant == IN_PLACE ? "t" : "out", 0);
  finish_program(prog, &block);

  /* Parameters in strcmp order: bn_mean, bn_scale, w. */
  if (variant == BATCH_NORM) {
    float one = 1.0f;
    pb_dense_record(params, OAR_PD_FP32, cd, 1, &one, 4);
    pb_dense_record(params, OAR_PD_FP32, cd, 1, &one, 4);
  }
  pb_dense_record(params, OAR_PD_FP32, wd, 1, W, sizeof W);
}

static oar_status load_variant(int variant, oar_graph **g, oar_error *err) {
  pb prog = {0}, params = {0};
  build_graph_program(variant, &prog, &params);
  oar_paddle_source src = {
      .program_buf = prog.b, .program_size = prog.n, .params_buf = params.b, .params_size = params.n};
  oar_status st = oar_paddle_load(&src, g, err);
  free(prog.b);
  free(params.b);
  return st;
}

static const char *value_name(const oar_graph *g, int id) { return g->values[id].name; }

static void test_graph_good(void) {
  oar_graph *g = NULL;
  oar_error err = {0};
  oar_status st = load_variant(GOOD, &g, &err);
  CHECK(st == OAR_OK, "good program loads: %s", err.msg);
  if (st != OAR_OK) return;
  CHECK(strcmp(g->source, "<memory>") == 0, "source is <memory>: %s", g->source);
  CHECK(g->num_inputs == 2 && strcmp(value_name(g, g->inputs[0]), "x") == 0 &&
            strcmp(value_name(g, g->inputs[1]), "y") == 0,
        "inputs in col order: x, y");
  const oar_value *x = &g->values[g->inputs[0]], *y = &g->values[g->inputs[1]];
  CHECK(x->kind == OAR_VALUE_INPUT && x->dtype == OAR_DTYPE_FLOAT32 && x->shape.rank == 2 &&
            x->shape.dims[0] == -1 && x->shape.dims[1] == 3,
        "x: float32 [-1, 3]");
  CHECK(y->dtype == OAR_DTYPE_INT64 && y->shape.rank == 1 && y->shape.dims[0] == 2, "y: int64 [2]");
  int w = oar_graph_find_value(g, "w");
  CHECK(w >= 0 && g->values[w].kind == OAR_VALUE_CONSTANT && g->values[w].bytes == sizeof W &&
            memcmp(g->values[w].data, W, sizeof W) == 0 && g->values[w].shape.rank == 1,
        "w: constant float32 [3] with its data");
  CHECK(g->num_nodes == 2, "two nodes (feed/fetch make none): %d", g->num_nodes);
  if (g->num_nodes == 2) {
    const oar_node *add = &g->nodes[0], *relu = &g->nodes[1];
    CHECK(strcmp(add->schema->name, "elementwise_add") == 0 && add->source_index == 2,
          "node 0: elementwise_add op #2");
    CHECK(oar_node_num_in(add) == 2 && add->in[0] == g->inputs[0] && add->in[1] == w, "add reads x, w");
    int axis = oar_schema_attr_index(add->schema, "axis");
    CHECK(axis >= 0 && add->attrs[axis].type == OAR_ATTR_INT && add->attrs[axis].i == 1,
          "axis LONG 1 -> INT 1");
    CHECK(strcmp(relu->schema->name, "relu") == 0 && relu->in[0] == add->out[0], "relu reads t");
    CHECK(g->values[add->out[0]].dtype == OAR_DTYPE_FLOAT32 && g->values[add->out[0]].shape.rank == 2,
          "t gets its declared dtype and dims");
  }
  CHECK(g->num_outputs == 2 && strcmp(value_name(g, g->outputs[0]), "out") == 0 &&
            strcmp(value_name(g, g->outputs[1]), "t") == 0,
        "outputs in col order: out, t");
  CHECK(oar_graph_verify(g, &err) == OAR_OK, "graph verifies: %s", err.msg);
  oar_graph_destroy(g);
  printf("ok: feed/fetch -> inputs/outputs in col order, params -> constants, ops -> nodes with attrs\n");

  /* Every allocation failing in turn over the whole load. */
  long n = 0;
  for (;; n++) {
    oar_alloc_fail_after(n);
    st = load_variant(GOOD, &g, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) break;
    CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failing: %d '%s'", n, st, err.msg);
  }
  oar_graph_destroy(g);
  printf("ok: failing each of %ld allocations of a whole load gives OUT_OF_MEMORY, nothing leaks\n", n);
}

static void test_graph_errors(void) {
  struct {
    int variant;
    oar_status st;
    const char *text;
  } cases[] = {
      {UNSUPPORTED_OP, OAR_ERR_UNSUPPORTED,
       "<memory>: 2 op types (3 ops) not supported: 'my_custom_op' x2 (first: op #3, output 'z'), 'other_op' "
       "x1 "
       "(first: op #5, output 'z3')"},
      {UNKNOWN_INPUT_SLOT, OAR_ERR_UNSUPPORTED, "input slot 'Mystery'"},
      {USE_BEFORE_DEF, OAR_ERR_INVALID_MODEL,
       "op 'relu' (op #2 in block 0, first output 'u') in <memory> reads variable 't' (input 'X'), which no "
       "earlier "
       "op produces"},
      {SUB_BLOCK, OAR_ERR_UNSUPPORTED, "uses a sub-block (attribute 'sub_block')"},
      {DUP_COL, OAR_ERR_INVALID_MODEL, "both have col 1"},
      {MISSING_INPUT, OAR_ERR_INVALID_MODEL, "lacks required input 'Y'"},
      {TWO_IN_ONE, OAR_ERR_INVALID_MODEL, "binds 2 variables to input 'X', which takes one"},
      {BAD_ATTR, OAR_ERR_INVALID_MODEL, "attribute 'axis'"},
      {VAR_ATTR, OAR_ERR_UNSUPPORTED, "axis_var"},
      {FETCH_UNKNOWN, OAR_ERR_INVALID_MODEL, "fetches 'nowhere'"},
      {BF16_INPUT, OAR_ERR_UNSUPPORTED, "input 'y' has element type BF16"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    oar_graph *g = NULL;
    oar_error err = {0};
    oar_status st = load_variant(cases[i].variant, &g, &err);
    CHECK(st == cases[i].st && strstr(err.msg, cases[i].text), "variant %d: status %d, message '%s'",
          cases[i].variant, st, err.msg);
    if (st == OAR_OK)
      oar_graph_destroy(g);
    else
      printf("ok: %s\n", err.msg);
  }
}

static void test_graph_special(void) {
  oar_graph *g = NULL;
  oar_error err = {0};
  /* An unknown but empty input slot is ignored. */
  oar_status st = load_variant(UNKNOWN_EMPTY_SLOT, &g, &err);
  CHECK(st == OAR_OK, "empty unknown slot ignored: %s", err.msg);
  if (st == OAR_OK) oar_graph_destroy(g);

  /* relu writes t in place: the new value takes the name, the old is renamed. */
  st = load_variant(IN_PLACE, &g, &err);
  CHECK(st == OAR_OK, "in-place relu loads: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *relu = &g->nodes[1];
    CHECK(strcmp(value_name(g, relu->out[0]), "t") == 0 && strcmp(value_name(g, relu->in[0]), "t@1") == 0,
          "relu: t@1 -> t");
    CHECK(g->outputs[0] == relu->out[0] && g->outputs[1] == relu->out[0], "both fetches see the newest t");
    CHECK(oar_graph_verify(g, &err) == OAR_OK, "in-place graph verifies: %s", err.msg);
    oar_graph_destroy(g);
  }
  printf("ok: an op writing the variable it reads gets a new value (old one renamed t@1)\n");

  /* batch_norm's MeanOut/VarianceOut alias parameters: they get new values,
   * the constants keep their names. */
  st = load_variant(BATCH_NORM, &g, &err);
  CHECK(st == OAR_OK, "batch_norm with in-place MeanOut loads: %s", err.msg);
  if (st == OAR_OK) {
    int mean = oar_graph_find_value(g, "bn_mean");
    CHECK(mean >= 0 && g->values[mean].kind == OAR_VALUE_CONSTANT, "bn_mean stays the constant");
    const oar_node *bn = &g->nodes[1];
    CHECK(strcmp(bn->schema->name, "batch_norm") == 0 && oar_node_num_out(bn) == 3 &&
              strcmp(value_name(g, bn->out[1]), "bn_mean@1") == 0 && bn->in[3] == mean,
          "MeanOut is a new value bn_mean@1, Mean reads the constant");
    int eps = oar_schema_attr_index(bn->schema, "epsilon");
    CHECK(eps >= 0 && bn->attrs[eps].f == (double)0.001f, "epsilon FLOAT");
    CHECK(oar_graph_verify(g, &err) == OAR_OK, "batch_norm graph verifies: %s", err.msg);
    oar_graph_destroy(g);
  }
  printf("ok: batch_norm MeanOut aliasing its parameter loads (bn_mean@1)\n");

  st = load_variant(CONCAT, &g, &err);
  CHECK(st == OAR_OK, "concat with two X loads: %s", err.msg);
  if (st == OAR_OK) {
    const oar_node *cat = &g->nodes[1];
    CHECK(oar_node_input_count(cat, 0) == 2 && oar_node_input_count(cat, 1) == 0,
          "concat X has 2, AxisTensor 0");
    oar_graph_destroy(g);
  }
  printf("ok: variadic slot takes several variables, empty optional slot none\n");

  /* JSON in a buffer is read as a PIR program (its own tests: test_pir_loader.c). */
  const char *json = "  {\"base_code\":{\"magic\":\"pir\"}}";
  oar_paddle_source src = {.program_buf = json, .program_size = strlen(json)};
  st = oar_paddle_load(&src, &g, &err);
  CHECK(st == OAR_ERR_INVALID_MODEL &&
            strcmp(err.msg, "PIR program '<memory>': \"base_code\" (byte 15) has no \"version\"") == 0,
        "PIR JSON buffer: %s", err.msg);
  src.program_buf = NULL;
  CHECK(oar_paddle_load(&src, &g, &err) == OAR_ERR_INVALID_ARGUMENT, "no program: %s", err.msg);
  CHECK(oar_paddle_load(NULL, &g, &err) == OAR_ERR_INVALID_ARGUMENT, "NULL source");
  printf("ok: JSON buffers go to the PIR reader, missing program is an invalid argument\n");
}

int main(void) {
  test_worked_example();
  test_all_attrs();
  test_robustness();
  test_malformed();
  test_graph_good();
  test_graph_errors();
  test_graph_special();
  printf("%s: %d checks, %d failures\n", failures ? "FAILED" : "PASSED", checks, failures);
  return failures ? 1 : 0;
}
