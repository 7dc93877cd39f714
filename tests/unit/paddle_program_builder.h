/* Test helper: writes Paddle ProgramDesc protobufs and tensor records by
 * hand, so API and bad-input tests need no Python and no fixture files.
 * Field numbers follow /work/shared/spec/paddle-format.md sections 1-2. */
#ifndef OAR_TESTS_PADDLE_PROGRAM_BUILDER_H
#define OAR_TESTS_PADDLE_PROGRAM_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb_writer.h"

enum { PT_FP32 = 5, PT_INT64 = 3, PT_LOD_TENSOR = 7, PT_FEED = 9, PT_FETCH = 10 };

static pb pb_tensor_desc(int dtype, const int64_t *dims, int rank) {
  pb t = {0};
  pb_int(&t, 1, dtype);
  for (int i = 0; i < rank; i++) pb_int(&t, 2, dims[i]);
  return t;
}

/* A VarDesc: kind PT_LOD_TENSOR (with dtype/dims) or PT_FEED / PT_FETCH. */
static void pb_add_var(pb *block, const char *name, int kind, int dtype, const int64_t *dims, int rank,
                       int persistable) {
  pb var = {0}, type = {0};
  pb_str(&var, 1, name);
  pb_int(&type, 1, kind);
  if (kind == PT_LOD_TENSOR) {
    pb lod = {0}, td = pb_tensor_desc(dtype, dims, rank);
    pb_msg(&lod, 1, &td);
    pb_msg(&type, 3, &lod);
  }
  pb_msg(&var, 2, &type);
  if (persistable) pb_int(&var, 3, 1);
  pb_msg(block, 3, &var);
}

/* Attribute kinds of OpDesc.Attr. */
static void pb_attr_int(pb *op, const char *name, int32_t v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, 0);
  pb_int(&a, 3, v);
  pb_msg(op, 4, &a);
}
static void pb_attr_float(pb *op, const char *name, float v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, 1);
  pb_float(&a, 4, v);
  pb_msg(op, 4, &a);
}
static void pb_attr_string(pb *op, const char *name, const char *v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, 2);
  pb_str(&a, 5, v);
  pb_msg(op, 4, &a);
}
static void pb_attr_bool(pb *op, const char *name, int v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, 6);
  pb_int(&a, 10, v);
  pb_msg(op, 4, &a);
}

static void pb_op_slot(pb *op, int field, const char *slot, const char *arg) {
  pb v = {0};
  pb_str(&v, 1, slot);
  if (arg) pb_str(&v, 2, arg);
  pb_msg(op, field, &v);
}
static void pb_op_input(pb *op, const char *slot, const char *arg) { pb_op_slot(op, 1, slot, arg); }
static void pb_op_output(pb *op, const char *slot, const char *arg) { pb_op_slot(op, 2, slot, arg); }
static void pb_op_type(pb *op, const char *type) { pb_str(op, 3, type); }
static void pb_add_op(pb *block, pb *op) { pb_msg(block, 4, op); }

/* Wraps block 0 into a ProgramDesc. */
static pb pb_program(pb *block) {
  pb prog = {0}, b = {0};
  pb_int(&b, 1, 0);
  pb_int(&b, 2, -1);
  pb_put(&b, block->b, block->n);
  free(block->b);
  memset(block, 0, sizeof *block);
  pb_msg(&prog, 1, &b);
  return prog;
}

/* One serialized dense tensor record (spec 2.3), fp32. */
static void pb_tensor_record(pb *out, const int64_t *dims, int rank, const float *data) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++) n *= dims[i];
  pb_dense_record(out, PT_FP32, dims, rank, data, (size_t)n * 4);
}

#endif
