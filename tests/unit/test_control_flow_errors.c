/* Bad control flow in hand-written Paddle programs fails clearly, never
 * crashes: a while whose sub_block is not in the program, a body that
 * reads a variable nothing defines, a loop whose condition the body never
 * updates (it would never stop), and a body that refers to its own block. */
#include <stdio.h>
#include <string.h>

#include "oar/oar.h"
#include "paddle_program_builder.h"

static int failures;

/* The builder's helpers this test does not call. */
__attribute__((unused)) static void unused_helpers(void) {
  (void)pb_tensor_record;
  (void)pb_program;
  (void)pb_attr_bool;
  (void)pb_attr_string;
}

#define CHECK(cond, ...)                                    \
  do {                                                      \
    if (!(cond)) {                                          \
      fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                         \
      fprintf(stderr, "\n");                                \
      failures++;                                           \
    }                                                       \
  } while (0)

static void pb_attr_block(pb *op, const char *name, int32_t idx) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 2, 8); /* BLOCK */
  pb_int(&a, 12, idx);
  pb_msg(op, 4, &a);
}

static void add_block(pb *prog, int idx, int parent, pb *block) {
  pb b = {0};
  pb_int(&b, 1, idx);
  pb_int(&b, 2, parent);
  pb_put(&b, block->b, block->n);
  free(block->b);
  memset(block, 0, sizeof *block);
  pb_msg(prog, 1, &b);
}

/* Block 0: feed x; c = x-shaped bool declared; while(X=x, Condition=c,
 * Out=outs, sub_block=sub); fetch x. Block 1: `body_op` reading `reads`. */
static void build(pb *prog, int sub, const char *reads, const char *outs) {
  pb block = {0}, body = {0}, op = {0};
  const int64_t d[] = {2};
  pb_add_var(&block, "feed", PT_FEED, 0, NULL, 0, 1);
  pb_add_var(&block, "fetch", PT_FETCH, 0, NULL, 0, 1);
  pb_add_var(&block, "x", PT_LOD_TENSOR, PT_FP32, d, 1, 0);
  pb_add_var(&block, "c", PT_LOD_TENSOR, 0, (int64_t[]){1}, 1, 0);
  pb_op_type(&op, "feed");
  pb_op_input(&op, "X", "feed");
  pb_op_output(&op, "Out", "x");
  pb_attr_int(&op, "col", 0);
  pb_add_op(&block, &op);
  pb_op_type(&op, "fill_constant");
  pb_op_output(&op, "Out", "c");
  pb_attr_int(&op, "dtype", 0);
  pb_attr_float(&op, "value", 1.0f);
  pb a = {0};
  pb_str(&a, 1, "shape");
  pb_int(&a, 2, 3);
  pb_int(&a, 6, 1);
  pb_msg(&op, 4, &a);
  pb_add_op(&block, &op);
  pb_op_type(&op, "while");
  pb_op_input(&op, "X", "x");
  pb_op_input(&op, "Condition", "c");
  pb_op_output(&op, "Out", outs);
  pb_attr_block(&op, "sub_block", sub);
  pb_add_op(&block, &op);
  pb_op_type(&op, "fetch");
  pb_op_input(&op, "X", "x");
  pb_op_output(&op, "Out", "fetch");
  pb_attr_int(&op, "col", 0);
  pb_add_op(&block, &op);
  pb_op_type(&op, "scale");
  pb_op_input(&op, "X", reads);
  pb_op_output(&op, "Out", "x");
  pb_attr_float(&op, "scale", 2.0f);
  pb_add_op(&body, &op);
  memset(prog, 0, sizeof *prog);
  add_block(prog, 0, -1, &block);
  add_block(prog, 1, 0, &body);
}

/* Loads and runs the program on x = {1, 2}; the status and message of the
 * first failing call. */
static oar_status try_run(const pb *prog, char *msg, size_t size) {
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_max_loop_iterations(c, 50);
  oar_status st = oar_config_set_model_buffer(c, prog->b, prog->n, NULL, 0);
  if (st == OAR_OK) st = oar_predictor_create(c, &p);
  snprintf(msg, size, "%s", oar_config_last_error(c));
  if (st == OAR_OK) {
    oar_tensor *x = NULL;
    const float v[2] = {1, 2};
    const int64_t d[1] = {2};
    oar_predictor_get_input(p, "x", &x);
    oar_tensor_reshape(x, 1, d);
    oar_tensor_copy_from_host(x, OAR_DTYPE_FLOAT32, v, sizeof v);
    st = oar_predictor_run(p);
    snprintf(msg, size, "%s", oar_predictor_last_error(p));
  }
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  return st;
}

static void expect(const char *what, int sub, const char *reads, const char *outs, oar_status want_st,
                   const char *want) {
  pb prog;
  build(&prog, sub, reads, outs);
  char msg[2048];
  oar_status st = try_run(&prog, msg, sizeof msg);
  CHECK(st == want_st, "%s: status %d, want %d (%s)", what, (int)st, (int)want_st, msg);
  CHECK(strstr(msg, want) != NULL, "%s:\n  got  %s\n  want (in it) %s", what, msg, want);
  free(prog.b);
}

int main(void) {
  expect("missing sub-block", 7, "x", "x", OAR_ERR_INVALID_MODEL,
         "op 'while' (op #2 in block 0, first output 'x') in <memory> runs block 7, which the program (2 "
         "blocks) "
         "lacks");
  expect("own block", 0, "x", "x", OAR_ERR_INVALID_MODEL, "runs block 0");
  expect("body reads nothing defined", 1, "nope", "x", OAR_ERR_INVALID_MODEL,
         "op 'scale' (op #0 in block 1, first output 'x') in <memory> reads variable 'nope' (input 'X'), "
         "which no "
         "earlier op produces and which is neither an input nor a parameter");
  /* Refused when the loop is planned (the first run). */
  expect("condition never updated", 1, "x", "x", OAR_ERR_INVALID_ARGUMENT,
         "loop condition is never updated by the body and there is no trip count: the loop would never stop");
  if (failures) return 1;
  printf("control_flow_errors: ok\n");
  return 0;
}
