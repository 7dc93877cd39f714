/* The public API end to end on a model written byte by byte: loading in
 * every Paddle layout and from memory, outputs against a hand computation,
 * clones, and every misuse and bad input the API promises to report. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "oar/oar.h"
#include "paddle_program_builder.h"
#include "portable.h"

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
#define CHECK_MSG(text, needle) \
  CHECK((text) && strstr((text), (needle)), "message '%s' lacks '%s'", (text) ? (text) : "(null)", (needle))

static const float W[12] = {0.5f, -1.0f, 0.25f, 1.5f, 0.0f, -0.5f, -0.75f, 2.0f, 1.0f, 0.125f, 0.5f, -2.0f};
static const float B[3] = {0.1f, -0.2f, 0.3f};

/* x[-1,4] -> mul(w[4,3]) -> elementwise_add(b, axis=1) -> <act> -> out. */
static void build_model(pb *program, pb *params, const char *act_type, int w_rows) {
  pb block = {0};
  int64_t xd[] = {-1, 4}, wd[] = {w_rows, 3}, bd[] = {3}, yd[] = {-1, 3};
  pb_add_var(&block, "feed", PT_FEED, 0, NULL, 0, 1);
  pb_add_var(&block, "fetch", PT_FETCH, 0, NULL, 0, 1);
  pb_add_var(&block, "x", PT_LOD_TENSOR, PT_FP32, xd, 2, 0);
  pb_add_var(&block, "w", PT_LOD_TENSOR, PT_FP32, (int64_t[]){4, 3}, 2, 1);
  pb_add_var(&block, "b", PT_LOD_TENSOR, PT_FP32, bd, 1, 1);
  pb_add_var(&block, "xw", PT_LOD_TENSOR, PT_FP32, yd, 2, 0);
  pb_add_var(&block, "xwb", PT_LOD_TENSOR, PT_FP32, yd, 2, 0);
  pb_add_var(&block, "out", PT_LOD_TENSOR, PT_FP32, yd, 2, 0);
  pb op = {0};
  pb_op_type(&op, "feed");
  pb_op_input(&op, "X", "feed");
  pb_op_output(&op, "Out", "x");
  pb_attr_int(&op, "col", 0);
  pb_add_op(&block, &op);
  pb_op_type(&op, "mul");
  pb_op_input(&op, "X", "x");
  pb_op_input(&op, "Y", "w");
  pb_op_output(&op, "Out", "xw");
  pb_attr_int(&op, "x_num_col_dims", 1);
  pb_attr_int(&op, "y_num_col_dims", 1);
  pb_attr_string(&op, "op_namescope", "/"); /* bookkeeping attrs are ignored */
  pb_add_op(&block, &op);
  pb_op_type(&op, "elementwise_add");
  pb_op_input(&op, "X", "xw");
  pb_op_input(&op, "Y", "b");
  pb_op_output(&op, "Out", "xwb");
  pb_attr_int(&op, "axis", 1);
  pb_attr_bool(&op, "use_mkldnn", 0);
  pb_add_op(&block, &op);
  pb_op_type(&op, act_type);
  pb_op_input(&op, "X", "xwb");
  pb_op_output(&op, "Out", "out");
  pb_attr_float(&op, "alpha", 0.1f);
  pb_add_op(&block, &op);
  pb_op_type(&op, "fetch");
  pb_op_input(&op, "X", "out");
  pb_op_output(&op, "Out", "fetch");
  pb_attr_int(&op, "col", 0);
  pb_add_op(&block, &op);
  *program = pb_program(&block);
  memset(params, 0, sizeof *params);
  pb_tensor_record(params, bd, 1, B); /* "b" < "w": strcmp order */
  float wbig[24] = {0};
  memcpy(wbig, W, sizeof W);
  pb_tensor_record(params, wd, 2, wbig);
}

static void expected(const float *x, int rows, float *out) {
  for (int r = 0; r < rows; r++)
    for (int j = 0; j < 3; j++) {
      float s = 0;
      for (int k = 0; k < 4; k++) s += x[r * 4 + k] * W[k * 3 + j];
      s += B[j];
      out[r * 3 + j] = s > 0 ? s : 0;
    }
}

static void write_file(const char *path, const void *d, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(d, 1, n, f) != n) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
  fclose(f);
}

static const float X[8] = {1, 2, 3, 4, -1, 0.5f, -2, 1};

/* Runs x (2 rows) through a predictor and compares with `expected`. */
static void check_run(oar_predictor *p, const char *what) {
  oar_tensor *in = NULL, *out = NULL;
  CHECK(oar_predictor_get_input(p, "x", &in) == OAR_OK, "%s: get_input", what);
  CHECK(oar_predictor_get_output(p, "out", &out) == OAR_OK, "%s: get_output", what);
  if (!in || !out) return;
  CHECK(oar_tensor_reshape(in, 2, (int64_t[]){2, 4}) == OAR_OK, "%s: reshape: %s", what, oar_last_error());
  CHECK(oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, X, sizeof X) == OAR_OK, "%s: copy_from_host: %s",
        what, oar_last_error());
  oar_status st = oar_predictor_run(p);
  CHECK(st == OAR_OK, "%s: run: %s", what, oar_predictor_last_error(p));
  if (st != OAR_OK) return;
  size_t rank = 0;
  int64_t dims[4] = {0};
  CHECK(oar_tensor_shape(out, &rank, dims, 4) == OAR_OK && rank == 2 && dims[0] == 2 && dims[1] == 3,
        "%s: output shape rank %zu [%lld, %lld]", what, rank, (long long)dims[0], (long long)dims[1]);
  float got[6], want[6];
  CHECK(oar_tensor_copy_to_host(out, got, sizeof got) == OAR_OK, "%s: copy_to_host", what);
  expected(X, 2, want);
  for (int i = 0; i < 6; i++)
    CHECK(fabsf(got[i] - want[i]) <= 1e-6f * (1 + fabsf(want[i])), "%s: out[%d] = %g, want %g", what, i,
          got[i], want[i]);
}

static oar_predictor *create_from_path(const char *model, const char *params, oar_status want,
                                       const char *needle) {
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model(c, model, params);
  oar_status st = oar_predictor_create(c, &p);
  CHECK(st == want, "loading %s: status %s, want %s (%s)", model, oar_status_string(st),
        oar_status_string(want), oar_config_last_error(c));
  if (needle) CHECK_MSG(oar_config_last_error(c), needle);
  if (needle) CHECK_MSG(oar_last_error(), needle);
  oar_config_destroy(c);
  return p;
}

static void test_layouts(const char *dir, const pb *program, const pb *params) {
  char path[512], path2[512];
  /* (a) x.pdmodel + x.pdiparams, by directory and by file. */
  snprintf(path, sizeof path, "%s/a", dir);
  portable_mkdir(path);
  snprintf(path, sizeof path, "%s/a/net.pdmodel", dir);
  write_file(path, program->b, program->n);
  snprintf(path2, sizeof path2, "%s/a/net.pdiparams", dir);
  write_file(path2, params->b, params->n);
  oar_predictor *p = create_from_path(path, NULL, OAR_OK, NULL);
  if (p) check_run(p, "layout a (file)");
  oar_predictor_destroy(p);
  snprintf(path, sizeof path, "%s/a", dir);
  p = create_from_path(path, NULL, OAR_OK, NULL);
  if (p) check_run(p, "layout a (dir)");
  oar_predictor_destroy(p);
  /* (c) __model__ + __params__ */
  snprintf(path, sizeof path, "%s/c", dir);
  portable_mkdir(path);
  snprintf(path, sizeof path, "%s/c/__model__", dir);
  write_file(path, program->b, program->n);
  snprintf(path, sizeof path, "%s/c/__params__", dir);
  write_file(path, params->b, params->n);
  snprintf(path, sizeof path, "%s/c", dir);
  p = create_from_path(path, NULL, OAR_OK, NULL);
  if (p) check_run(p, "layout c");
  oar_predictor_destroy(p);
  /* (b) __model__ + one file per parameter: split the combined stream. */
  snprintf(path, sizeof path, "%s/b", dir);
  portable_mkdir(path);
  snprintf(path, sizeof path, "%s/b/__model__", dir);
  write_file(path, program->b, program->n);
  size_t b_record = 4 + 8 + 4 + 4 + 4 + 3 * 4; /* desc "08 05 10 03" is 4 bytes */
  snprintf(path, sizeof path, "%s/b/b", dir);
  write_file(path, params->b, b_record);
  snprintf(path, sizeof path, "%s/b/w", dir);
  write_file(path, params->b + b_record, params->n - b_record);
  snprintf(path, sizeof path, "%s/b", dir);
  p = create_from_path(path, NULL, OAR_OK, NULL);
  if (p) check_run(p, "layout b");
  oar_predictor_destroy(p);
  /* A missing per-parameter file names it. */
  snprintf(path, sizeof path, "%s/b/w", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/b", dir);
  p = create_from_path(path, NULL, OAR_ERR_IO, "/b/w");
  oar_predictor_destroy(p);
  /* Named program + params files with any names. */
  snprintf(path, sizeof path, "%s/c/__model__", dir);
  snprintf(path2, sizeof path2, "%s/c/__params__", dir);
  p = create_from_path(path, path2, OAR_OK, NULL);
  if (p) check_run(p, "named files");
  oar_predictor_destroy(p);
}

static void test_bad_files(const char *dir, const pb *program, const pb *params) {
  char path[512], path2[512];
  snprintf(path, sizeof path, "%s/does-not-exist.pdmodel", dir);
  oar_predictor_destroy(create_from_path(path, NULL, OAR_ERR_IO, "does-not-exist.pdmodel"));
  snprintf(path, sizeof path, "%s/empty", dir);
  portable_mkdir(path);
  oar_predictor_destroy(create_from_path(path, NULL, OAR_ERR_IO, "no Paddle model"));

  /* Params: one byte short, one byte long, wrong shape. */
  snprintf(path, sizeof path, "%s/bad.pdmodel", dir);
  write_file(path, program->b, program->n);
  snprintf(path2, sizeof path2, "%s/bad.pdiparams", dir);
  write_file(path2, params->b, params->n - 1);
  oar_predictor_destroy(create_from_path(path, NULL, OAR_ERR_INVALID_MODEL, "bad.pdiparams"));
  uint8_t *longer = malloc(params->n + 1);
  memcpy(longer, params->b, params->n);
  longer[params->n] = 7;
  write_file(path2, longer, params->n + 1);
  free(longer);
  oar_predictor_destroy(create_from_path(path, NULL, OAR_ERR_INVALID_MODEL, "bad.pdiparams"));
  pb prog5 = {0}, params5 = {0};
  build_model(&prog5, &params5, "relu", 5); /* w saved as [5,3], declared [4,3] */
  write_file(path2, params5.b, params5.n);
  oar_predictor_destroy(create_from_path(path, NULL, OAR_ERR_INVALID_MODEL, "'w'"));
  free(prog5.b);
  free(params5.b);

  /* Unsupported op: named with its output and position. */
  pb prog_u = {0}, params_u = {0};
  build_model(&prog_u, &params_u, "no_such_op", 4);
  snprintf(path, sizeof path, "%s/unsupported.pdmodel", dir);
  write_file(path, prog_u.b, prog_u.n);
  snprintf(path2, sizeof path2, "%s/unsupported.pdiparams", dir);
  write_file(path2, params_u.b, params_u.n);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model(c, path, NULL);
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_UNSUPPORTED, "unsupported op not reported: %s",
        oar_config_last_error(c));
  CHECK_MSG(oar_config_last_error(c), "no_such_op");
  CHECK_MSG(oar_config_last_error(c), "'out'");
  CHECK_MSG(oar_config_last_error(c), "#3");
  oar_config_destroy(c);
  free(prog_u.b);
  free(params_u.b);

  /* Truncated and corrupted programs: an error or a valid smaller program,
   * never a crash (ASan/UBSan builds check the "never"). */
  size_t clean_errors = 0;
  for (size_t len = 0; len < program->n; len++) {
    oar_config *cc = NULL;
    oar_predictor *pp = NULL;
    oar_config_create(&cc);
    oar_config_set_model_buffer(cc, program->b, len ? len : 1, params->b, params->n);
    oar_status st = oar_predictor_create(cc, &pp);
    if (st != OAR_OK) {
      clean_errors += strlen(oar_config_last_error(cc)) > 0;
      CHECK(st == OAR_ERR_INVALID_MODEL || st == OAR_ERR_UNSUPPORTED, "truncated at %zu: status %s (%s)", len,
            oar_status_string(st), oar_config_last_error(cc));
    }
    oar_predictor_destroy(pp);
    oar_config_destroy(cc);
  }
  CHECK(clean_errors > program->n / 2, "only %zu of %zu truncations reported an error", clean_errors,
        program->n);
  uint8_t *flipped = malloc(program->n);
  for (size_t i = 0; i < program->n; i++) {
    memcpy(flipped, program->b, program->n);
    flipped[i] ^= 0xA5;
    oar_config *cc = NULL;
    oar_predictor *pp = NULL;
    oar_config_create(&cc);
    oar_config_set_model_buffer(cc, flipped, program->n, params->b, params->n);
    /* A flip inside a name or a number can leave a valid, different
     * program; only the absence of crashes is checked. */
    (void)oar_predictor_create(cc, &pp);
    oar_predictor_destroy(pp);
    oar_config_destroy(cc);
  }
  free(flipped);
}

static void test_misuse(const pb *program, const pb *params) {
  /* NULL handles. */
  CHECK(oar_config_create(NULL) == OAR_ERR_MISUSE, "config_create(NULL)");
  CHECK(oar_config_set_model(NULL, "x", NULL) == OAR_ERR_MISUSE, "set_model(NULL)");
  CHECK_MSG(oar_last_error(), "oar_config_set_model");
  CHECK(oar_predictor_run(NULL) == OAR_ERR_MISUSE, "run(NULL)");
  CHECK_MSG(oar_last_error(), "oar_predictor_run");
  CHECK(oar_tensor_reshape(NULL, 0, NULL) == OAR_ERR_MISUSE, "reshape(NULL)");
  CHECK(oar_predictor_create(NULL, NULL) == OAR_ERR_MISUSE, "create(NULL)");
  oar_config_destroy(NULL);
  oar_predictor_destroy(NULL);
  CHECK(oar_config_last_error(NULL) == NULL, "last_error(NULL)");

  oar_config *c = NULL;
  CHECK(oar_config_create(&c) == OAR_OK, "config_create");
  oar_predictor *p = NULL;
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_MISUSE, "create without model");
  CHECK_MSG(oar_config_last_error(c), "no model set");
  CHECK(oar_config_set_num_threads(c, 0) == OAR_ERR_INVALID_ARGUMENT, "0 threads");
  CHECK(oar_config_set_num_threads(c, 2) == OAR_OK, "2 threads");
  CHECK(oar_config_set_model_buffer(c, program->b, program->n, params->b, params->n) == OAR_OK, "set buffer");
  CHECK(oar_predictor_create(c, &p) == OAR_OK, "create from buffer: %s", oar_config_last_error(c));
  oar_config_destroy(c);
  CHECK(oar_config_set_num_threads(c, 1) == OAR_ERR_MISUSE, "destroyed config");
  if (!p) return;

  /* The fc fusion turned mul + add + relu into one fc. */
  size_t passes = 0;
  CHECK(oar_predictor_pass_count(p, &passes) == OAR_OK && passes > 0, "pass count");
  int fc_fired = -2;
  for (size_t i = 0; i < passes; i++) {
    const char *pname, *notes;
    int fired;
    if (oar_predictor_pass_report(p, i, &pname, &fired, &notes) == OAR_OK && strcmp(pname, "fuse_fc") == 0)
      fc_fired = fired;
  }
  CHECK(fc_fired == 1, "fuse_fc fired %d times, want 1", fc_fired);
  size_t types = 0;
  const char *type = NULL;
  size_t nodes = 0;
  CHECK(oar_predictor_op_type_count(p, &types) == OAR_OK && types == 1, "%zu op types after fusion", types);
  CHECK(oar_predictor_op_type(p, 0, &type, &nodes) == OAR_OK && strcmp(type, "fc") == 0 && nodes == 1,
        "op after fusion: %s x %zu", type ? type : "?", nodes);
  uint64_t arena, naive, live;
  CHECK(oar_predictor_memory_stats(p, &arena, &naive, &live) == OAR_ERR_MISUSE, "memory stats before a run");

  /* delete_pass: an unknown name (Paddle's, say) is reported at once and
   * leaves the config working: the predictor runs every pass. */
  oar_config *c2 = NULL;
  oar_predictor *p2 = NULL;
  oar_config_create(&c2);
  oar_config_set_model_buffer(c2, program->b, program->n, params->b, params->n);
  CHECK(oar_config_delete_pass(c2, "conv_transpose_eltwiseadd_bn_fuse_pass") == OAR_ERR_NOT_FOUND,
        "unknown pass name accepted");
  CHECK_MSG(oar_config_last_error(c2), "delete_pass: no pass named 'conv_transpose_eltwiseadd_bn_fuse_pass'");
  CHECK_MSG(oar_config_last_error(c2), "fuse_fc");
  CHECK(oar_predictor_create(c2, &p2) == OAR_OK, "predictor after an unknown delete_pass: %s",
        oar_config_last_error(c2));
  CHECK(oar_predictor_op_type_count(p2, &types) == OAR_OK && types == 1,
        "%zu op types after an unknown delete_pass (fuse_fc must still run)", types);
  if (p2) check_run(p2, "after an unknown delete_pass");
  oar_predictor_destroy(p2);
  p2 = NULL;
  oar_config_destroy(c2);
  oar_config_create(&c2);
  oar_config_set_model_buffer(c2, program->b, program->n, params->b, params->n);
  oar_config_delete_pass(c2, "fuse_fc");
  CHECK(oar_predictor_create(c2, &p2) == OAR_OK, "delete_pass fuse_fc: %s", oar_config_last_error(c2));
  CHECK(oar_predictor_op_type_count(p2, &types) == OAR_OK && types == 3, "%zu op types without fuse_fc",
        types);
  if (p2) check_run(p2, "without fuse_fc");
  oar_predictor_destroy(p2);
  CHECK(oar_config_enable_gpu(c2, 0, 100) == OAR_ERR_UNSUPPORTED, "gpu in a CPU build");
  CHECK_MSG(oar_config_last_error(c2), "no CUDA backend");
  CHECK(oar_config_enable_onednn(c2) == OAR_ERR_UNSUPPORTED, "onednn");
  CHECK(oar_config_set_precision(c2, OAR_PRECISION_FLOAT32) == OAR_OK, "fp32 precision");
  CHECK(oar_config_set_precision(c2, OAR_PRECISION_INT8) == OAR_ERR_UNSUPPORTED, "int8 precision");
  CHECK(strstr(oar_last_error(),
               "int8 precision (OAR_PRECISION_INT8) is not a switch for float models: quantized models") !=
            NULL,
        "int8 precision message: %s", oar_last_error());
  oar_config_destroy(c2);

  size_t n = 0;
  const char *name = NULL;
  CHECK(oar_predictor_input_count(p, &n) == OAR_OK && n == 1, "input count %zu", n);
  CHECK(oar_predictor_input_name(p, 0, &name) == OAR_OK && strcmp(name, "x") == 0, "input name");
  CHECK(oar_predictor_input_name(p, 1, &name) == OAR_ERR_INVALID_ARGUMENT, "input index out of range");
  CHECK(oar_predictor_output_name(p, 0, &name) == OAR_OK && strcmp(name, "out") == 0, "output name");
  oar_tensor *t = NULL;
  CHECK(oar_predictor_get_input(p, "nope", &t) == OAR_ERR_NOT_FOUND, "unknown input");
  CHECK_MSG(oar_predictor_last_error(p), "'nope'");
  CHECK_MSG(oar_predictor_last_error(p), "'x'");

  /* Run before inputs are set. */
  CHECK(oar_predictor_run(p) == OAR_ERR_MISUSE, "run before input");
  CHECK_MSG(oar_predictor_last_error(p), "'x' has no data");

  oar_tensor *in = NULL, *out = NULL;
  oar_predictor_get_input(p, "x", &in);
  oar_predictor_get_output(p, "out", &out);
  size_t rank = 0;
  int64_t dims[8];
  CHECK(oar_tensor_shape(in, &rank, dims, 8) == OAR_OK && rank == 2 && dims[0] == -1 && dims[1] == 4,
        "declared input shape");
  oar_dtype dt;
  CHECK(oar_tensor_dtype(in, &dt) == OAR_OK && dt == OAR_DTYPE_FLOAT32, "declared dtype");
  float buf[8] = {0};
  CHECK(oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, buf, sizeof buf) == OAR_ERR_MISUSE,
        "copy before reshape");
  CHECK_MSG(oar_predictor_last_error(p), "oar_tensor_reshape");
  /* A size the declared shape does not have is taken (Paddle's leniency);
   * this network cannot take it, and the run says which op cannot. */
  CHECK(oar_tensor_reshape(in, 2, (int64_t[]){2, 5}) == OAR_OK, "other size: %s", oar_last_error());
  float buf10[10] = {0};
  CHECK(oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, buf10, sizeof buf10) == OAR_OK, "copy [2, 5]: %s",
        oar_last_error());
  CHECK(oar_predictor_run(p) != OAR_OK, "a [2, 5] input through a [4, 3] weight ran");
  CHECK_MSG(oar_predictor_last_error(p), "[2, 5]");
  CHECK_MSG(oar_predictor_last_error(p), "fc (op #1, output 'out')");
  CHECK(oar_tensor_reshape(in, 3, (int64_t[]){2, 4, 1}) == OAR_ERR_INVALID_ARGUMENT, "wrong rank");
  CHECK_MSG(oar_predictor_last_error(p), "[-1, 4]");
  CHECK(oar_tensor_reshape(in, 2, (int64_t[]){-3, 4}) == OAR_ERR_INVALID_ARGUMENT, "negative dim");
  CHECK(oar_tensor_reshape(out, 2, (int64_t[]){2, 3}) == OAR_ERR_MISUSE, "reshape an output");
  CHECK(oar_tensor_reshape(in, 2, (int64_t[]){2, 4}) == OAR_OK, "reshape");
  int64_t ibuf[8] = {0};
  CHECK(oar_tensor_copy_from_host(in, OAR_DTYPE_INT64, ibuf, sizeof ibuf) == OAR_ERR_INVALID_ARGUMENT,
        "wrong dtype");
  CHECK_MSG(oar_predictor_last_error(p), "float32");
  CHECK_MSG(oar_predictor_last_error(p), "int64");
  CHECK(oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, buf, 7 * sizeof(float)) == OAR_ERR_INVALID_ARGUMENT,
        "wrong size");
  CHECK_MSG(oar_predictor_last_error(p), "needs 32 bytes, got 28");
  float small[2];
  CHECK(oar_tensor_copy_to_host(out, small, sizeof small) == OAR_ERR_MISUSE, "output before run");

  check_run(p, "buffer");
  CHECK(oar_tensor_copy_to_host(out, small, sizeof small) == OAR_ERR_INVALID_ARGUMENT, "small output buffer");
  CHECK_MSG(oar_predictor_last_error(p), "holds 24 bytes");

  /* Filling the input in place: no copy at all. */
  void *direct = NULL;
  CHECK(oar_tensor_mutable_data(out, OAR_DTYPE_FLOAT32, &direct) == OAR_ERR_MISUSE,
        "mutable_data on an output");
  CHECK(oar_tensor_mutable_data(in, OAR_DTYPE_INT64, &direct) == OAR_ERR_INVALID_ARGUMENT,
        "mutable_data dtype");
  /* Filled in place with the rows swapped: the run must see exactly that
   * (no reshape or copy after it, unlike check_run). */
  CHECK(oar_tensor_mutable_data(in, OAR_DTYPE_FLOAT32, &direct) == OAR_OK && direct, "mutable_data");
  if (direct) {
    float swapped[8];
    memcpy(swapped, X + 4, 4 * sizeof(float));
    memcpy(swapped + 4, X, 4 * sizeof(float));
    memcpy(direct, swapped, sizeof swapped);
    float got_direct[6], want_direct[6];
    CHECK(oar_predictor_run(p) == OAR_OK, "run after mutable_data: %s", oar_predictor_last_error(p));
    oar_tensor_copy_to_host(out, got_direct, sizeof got_direct);
    expected(swapped, 2, want_direct);
    for (int i = 0; i < 6; i++)
      CHECK(fabsf(got_direct[i] - want_direct[i]) <= 1e-6f * (1 + fabsf(want_direct[i])),
            "mutable_data out[%d] = %g, want %g", i, got_direct[i], want_direct[i]);
  }

  size_t npasses = 0;
  const char *pass_name = NULL, *summary = NULL;
  CHECK(oar_pass_count(&npasses) == OAR_OK && npasses >= 8, "oar_pass_count %zu", npasses);
  CHECK(oar_pass_info(0, &pass_name, &summary) == OAR_OK && strcmp(pass_name, "paddle_quant_to_qdq") == 0,
        "pass 0");
  CHECK(oar_pass_info(npasses, &pass_name, &summary) == OAR_ERR_INVALID_ARGUMENT, "pass index out of range");

  /* A different batch size re-plans. */
  oar_tensor_reshape(in, 2, (int64_t[]){1, 4});
  oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, X, 4 * sizeof(float));
  CHECK(oar_predictor_run(p) == OAR_OK, "batch 1: %s", oar_predictor_last_error(p));
  float one[3], want[6];
  oar_tensor_copy_to_host(out, one, sizeof one);
  expected(X, 1, want);
  for (int i = 0; i < 3; i++) CHECK(fabsf(one[i] - want[i]) < 1e-6f, "batch 1 out[%d]", i);

  /* Back to batch 2 (a cached plan), then 1 again: each gives its own numbers. */
  for (int round = 0; round < 2; round++) {
    check_run(p, "batch 2 again (plan cache)");
    oar_tensor_reshape(in, 2, (int64_t[]){1, 4});
    oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, X, 4 * sizeof(float));
    CHECK(oar_predictor_run(p) == OAR_OK, "batch 1 again: %s", oar_predictor_last_error(p));
    oar_tensor_copy_to_host(out, one, sizeof one);
    for (int i = 0; i < 3; i++) CHECK(fabsf(one[i] - want[i]) < 1e-6f, "batch 1 again out[%d]", i);
  }

  /* Clone, then destroy the original: the clone keeps working. */
  oar_predictor *q = NULL;
  CHECK(oar_predictor_clone(p, &q) == OAR_OK, "clone");
  oar_predictor_destroy(p);
  CHECK(oar_predictor_run(p) == OAR_ERR_MISUSE, "destroyed predictor");
  CHECK(oar_tensor_reshape(in, 2, (int64_t[]){2, 4}) == OAR_ERR_MISUSE, "tensor of destroyed predictor");
  CHECK(oar_predictor_get_input(p, "x", &t) == OAR_ERR_MISUSE, "destroyed predictor get_input");
  if (q) check_run(q, "clone");
  oar_predictor_destroy(q);
}

/* Fail the Nth allocation for every N over load and run: each failure is a
 * clean error (LeakSanitizer checks nothing leaks). */
static void test_alloc_failures(const pb *program, const pb *params) {
  int reached_ok = 0;
  for (long n = 0; n < 100000 && !reached_ok; n++) {
    oar_config *c = NULL;
    oar_predictor *p = NULL;
    oar_alloc_fail_after(n);
    oar_status st = oar_config_create(&c);
    if (st == OAR_OK) st = oar_config_set_model_buffer(c, program->b, program->n, params->b, params->n);
    if (st == OAR_OK) st = oar_predictor_create(c, &p);
    oar_tensor *in = NULL;
    if (st == OAR_OK) st = oar_predictor_get_input(p, "x", &in);
    if (st == OAR_OK) st = oar_tensor_reshape(in, 2, (int64_t[]){2, 4});
    if (st == OAR_OK) st = oar_tensor_copy_from_host(in, OAR_DTYPE_FLOAT32, X, sizeof X);
    if (st == OAR_OK) st = oar_predictor_run(p);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK)
      reached_ok = 1;
    else
      CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failing gave %s: %s", n, oar_status_string(st),
            oar_last_error());
    oar_predictor_destroy(p);
    oar_config_destroy(c);
  }
  CHECK(reached_ok, "never succeeded with allocation failures off");
}

int main(void) {
  pb program = {0}, params = {0};
  build_model(&program, &params, "relu", 4);
  char dir[] = "/tmp/oar_test_api_XXXXXX";
  if (!portable_mkdtemp(dir)) return 2;
  test_misuse(&program, &params);
  printf("misuse and bad arguments: checked\n");
  test_layouts(dir, &program, &params);
  printf("layouts a, b, c and named files: checked\n");
  test_bad_files(dir, &program, &params);
  printf("missing, truncated, corrupt and mismatched files: checked\n");
  test_alloc_failures(&program, &params);
  printf("allocation failures: checked\n");
  if (portable_remove_tree(dir) != 0) fprintf(stderr, "could not remove %s\n", dir);
  free(program.b);
  free(params.b);
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("all API checks passed\n");
  return failures ? 1 : 0;
}
