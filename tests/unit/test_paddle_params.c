/* Unit test of Paddle parameter files (src/frontend/paddle/params.c) and
 * of the model layout detection of oar_paddle_load (paddle_loader.c).
 *
 * Records are written byte for byte (the spec's worked examples of 2.3
 * literally), then read whole, cut at every length and malformed field by
 * field; combined streams are checked for order, record count, trailing
 * bytes and dtype/dims mismatches; the directory layouts are built in a
 * temporary directory. Run under -fsanitize=address,undefined. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "frontend/paddle/paddle_loader.h"
#include "frontend/paddle/params.h"
#include "frontend/paddle/program.h"

#include "test_check.h"

#include "pb_writer.h"
#include "portable.h"

static void add_var(pb *block, const char *name, int kind, int dtype, const int64_t *dims, int rank,
                    int persistable) {
  pb var = {0}, type = {0};
  pb_str(&var, 1, name);
  pb_int(&type, 1, kind);
  if (kind == OAR_PD_LOD_TENSOR || kind == OAR_PD_SELECTED_ROWS) {
    pb td = {0};
    pb_int(&td, 1, dtype);
    for (int i = 0; i < rank; i++) pb_int(&td, 2, dims[i]);
    if (kind == OAR_PD_LOD_TENSOR) {
      pb lod = {0};
      pb_msg(&lod, 1, &td);
      pb_msg(&type, 3, &lod);
    } else {
      pb_msg(&type, 2, &td);
    }
  }
  pb_msg(&var, 2, &type);
  if (persistable) pb_int(&var, 3, 1);
  pb_msg(block, 3, &var);
}

/* Decodes a program made of one block. */
static oar_pd_program decode_block(pb *block) {
  pb b0 = {0}, prog = {0};
  pb_int(&b0, 1, 0);
  pb_put(&b0, block->b, block->n);
  free(block->b);
  memset(block, 0, sizeof *block);
  pb_msg(&prog, 1, &b0);
  oar_pd_program p;
  oar_error err = {0};
  if (oar_pd_program_decode(prog.b, prog.n, &p, &err) != OAR_OK) {
    printf("test program does not decode: %s\n", err.msg);
    exit(2);
  }
  free(prog.b);
  return p;
}

/* ---- one record ---------------------------------------------------------------- */

/* Spec 2.3: float32 [2, 3] holding 1..6, 50 bytes. */
static const uint8_t EXAMPLE_F32[] = {0x00, 0x00, 0x00, 0x00,                         /* LoD-tensor version */
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* lod_level 0 */
                                      0x00, 0x00, 0x00, 0x00,                         /* tensor version */
                                      0x06, 0x00, 0x00, 0x00,                         /* desc_size 6 */
                                      0x08, 0x05, 0x10, 0x02, 0x10, 0x03,             /* FP32 [2, 3] */
                                      0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40,
                                      0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xA0, 0x40, 0x00, 0x00, 0xC0, 0x40};

/* Spec 2.3: int64 [1] = 7 with one LoD level [0, 1]. */
static const uint8_t EXAMPLE_LOD[] = {0x00, 0x00, 0x00, 0x00,                         /* version */
                                      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* lod_level 1 */
                                      0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 16 bytes follow */
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0 */
                                      0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 1 */
                                      0x00, 0x00, 0x00, 0x00,                         /* tensor version */
                                      0x04, 0x00, 0x00, 0x00,                         /* desc_size 4 */
                                      0x08, 0x03, 0x10, 0x01,                         /* INT64 [1] */
                                      0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static void test_worked_examples(void) {
  oar_pd_tensor_record rec;
  oar_error err = {0};
  size_t pos = 0;
  CHECK(sizeof EXAMPLE_F32 == 50, "example is 50 bytes");
  oar_status st = oar_pd_tensor_record_read(EXAMPLE_F32, sizeof EXAMPLE_F32, &pos, "ex", &rec, &err);
  CHECK(st == OAR_OK && pos == 50 && rec.dtype == OAR_PD_FP32 && rec.shape.rank == 2 &&
            rec.shape.dims[0] == 2 && rec.shape.dims[1] == 3 && rec.bytes == 24 &&
            rec.data == EXAMPLE_F32 + 26 && rec.lod_levels == 0,
        "float32 [2, 3] record: %s", err.msg);
  if (st == OAR_OK) {
    float v[6];
    memcpy(v, rec.data, 24);
    CHECK(v[0] == 1.0f && v[5] == 6.0f, "values 1..6");
  }
  pos = 0;
  st = oar_pd_tensor_record_read(EXAMPLE_LOD, sizeof EXAMPLE_LOD, &pos, "ex", &rec, &err);
  CHECK(st == OAR_OK && pos == sizeof EXAMPLE_LOD && rec.dtype == OAR_PD_INT64 && rec.lod_levels == 1 &&
            rec.shape.rank == 1 && rec.bytes == 8 && rec.data[0] == 7,
        "int64 [1] with LoD: %s", err.msg);
  printf("ok: spec 2.3 worked examples (float32 [2,3] 1..6; int64 [7] with LoD [0,1]) read exactly\n");

  /* Every proper prefix is an error with an offset. */
  const uint8_t *ex[] = {EXAMPLE_F32, EXAMPLE_LOD};
  size_t ex_n[] = {sizeof EXAMPLE_F32, sizeof EXAMPLE_LOD};
  for (int e = 0; e < 2; e++)
    for (size_t len = 0; len < ex_n[e]; len++) {
      pos = 0;
      st = oar_pd_tensor_record_read(ex[e], len, &pos, "cut.pdiparams", &rec, &err);
      CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset") &&
                strstr(err.msg, "cut.pdiparams") && pos == 0,
            "example %d cut to %zu: %d '%s'", e, len, st, err.msg);
    }
  printf("ok: both records cut at every length fail with the file and offset, e.g. '%s'\n", err.msg);
}

/* Reads `d` after patching bytes; expects `st` and `text`. */
static void expect_record(const char *what, const uint8_t *d, size_t n, oar_status want, const char *text) {
  oar_pd_tensor_record rec;
  oar_error err = {0};
  size_t pos = 0;
  oar_status st = oar_pd_tensor_record_read(d, n, &pos, "f", &rec, &err);
  CHECK(st == want && strstr(err.msg, text), "%s: status %d, message '%s'", what, st, err.msg);
  if (st == want) printf("ok: %s: %s\n", what, err.msg);
}

static void test_bad_records(void) {
  uint8_t d[sizeof EXAMPLE_F32];
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[0] = 1;
  expect_record("LoD-tensor version 1", d, sizeof d, OAR_ERR_INVALID_MODEL,
                "LoD-tensor version is 1, expected 0");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[12] = 2;
  expect_record("tensor version 2", d, sizeof d, OAR_ERR_INVALID_MODEL, "tensor version is 2, expected 0");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[19] = 0x80;
  expect_record("negative desc_size", d, sizeof d, OAR_ERR_INVALID_MODEL, "expected >= 0");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[16] = 200;
  expect_record("desc_size past the end", d, sizeof d, OAR_ERR_INVALID_MODEL,
                "tensor description (200 bytes)");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[21] = 7; /* LOD_TENSOR is a kind, not an element type */
  expect_record("kind as element type", d, sizeof d, OAR_ERR_INVALID_MODEL, "not a tensor element type");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[21] = 6; /* FP64 [2, 3] needs 48 bytes, 24 left */
  expect_record("data shorter than dims", d, sizeof d, OAR_ERR_INVALID_MODEL,
                "expected 48 bytes of FP64 [2, 3]");
  memcpy(d, EXAMPLE_F32, sizeof d);
  d[4] = 0xFF; /* 255 LoD levels */
  expect_record("LoD levels past the end", d, sizeof d, OAR_ERR_INVALID_MODEL, "LoD offsets");

  uint8_t lod[sizeof EXAMPLE_LOD];
  memcpy(lod, EXAMPLE_LOD, sizeof lod);
  lod[12] = 0x0F; /* 15 bytes: not whole offsets */
  expect_record("LoD level of 15 bytes", lod, sizeof lod, OAR_ERR_INVALID_MODEL,
                "not a whole number of 8-byte");
  memset(lod + 12, 0xFF, 8);
  lod[12] = 0xF8; /* 2^64 - 8 bytes: must not wrap */
  expect_record("LoD level of 2^64-8 bytes", lod, sizeof lod, OAR_ERR_INVALID_MODEL, "LoD offsets");
  memcpy(lod, EXAMPLE_LOD, sizeof lod);
  memset(lod + 4, 0xFF, 8); /* 2^64-1 levels */
  expect_record("2^64-1 LoD levels", lod, sizeof lod, OAR_ERR_INVALID_MODEL, "truncated");

  /* Dims: negative, rank 9, overflow. */
  pb r = {0};
  int64_t neg[] = {2, -1};
  pb_dense_record(&r, OAR_PD_FP32, neg, 2, NULL, 0);
  expect_record("negative dim", r.b, r.n, OAR_ERR_INVALID_MODEL, "dim 1 is -1");
  r.n = 0;
  int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  float one = 1;
  pb_dense_record(&r, OAR_PD_FP32, nine, 9, &one, 4);
  expect_record("rank 9", r.b, r.n, OAR_ERR_UNSUPPORTED, "rank 9 is above");
  r.n = 0;
  int64_t huge[] = {(int64_t)1 << 40, (int64_t)1 << 40};
  pb_dense_record(&r, OAR_PD_FP32, huge, 2, NULL, 0);
  expect_record("2^80 elements", r.b, r.n, OAR_ERR_INVALID_MODEL, "too large");
  r.n = 0;
  /* A corrupt TensorDesc protobuf inside the record. */
  pb_dense_record(&r, OAR_PD_FP32, NULL, 0, &one, 4);
  r.b[20] = 0x0B; /* group start with no end */
  expect_record("corrupt TensorDesc", r.b, r.n, OAR_ERR_INVALID_MODEL,
                "tensor description at byte offset 20");
  /* A 0-D scalar: numel 1. */
  r.n = 0;
  pb_dense_record(&r, OAR_PD_FP32, NULL, 0, &one, 4);
  oar_pd_tensor_record rec;
  oar_error err = {0};
  size_t pos = 0;
  CHECK(oar_pd_tensor_record_read(r.b, r.n, &pos, "f", &rec, &err) == OAR_OK && rec.shape.rank == 0 &&
            rec.bytes == 4,
        "0-D record holds one element: %s", err.msg);
  /* Zero-size tensors are fine. */
  r.n = 0;
  int64_t empty[] = {0, 5};
  pb_dense_record(&r, OAR_PD_FP32, empty, 2, NULL, 0);
  pos = 0;
  CHECK(oar_pd_tensor_record_read(r.b, r.n, &pos, "f", &rec, &err) == OAR_OK && rec.bytes == 0 && pos == r.n,
        "[0, 5] record has no data: %s", err.msg);
  free(r.b);
}

/* ---- combined streams ------------------------------------------------------------ */

static const int64_t D23[] = {2, 3}, D32[] = {3, 2}, D3[] = {3}, D1[] = {1}, DM1[] = {-1, 3};
static const float F6[6] = {1, 2, 3, 4, 5, 6};
static const int64_t I3[3] = {7, 8, 9};

enum { BLOCK_PLAIN, BLOCK_WILDCARD, BLOCK_SELECTED_ROWS, BLOCK_DUPLICATE };

/* Parameters (strcmp order): "Conv.w" fp32 [2,3], "batch_norm_0.w_1" int64 [3],
 * "fc_0.b_0" fp32 [] (0-D), "fc_0.w_0" fp32 [3,2]; plus vars that are not
 * parameters: feed, fetch, a RAW persistable, a non-persistable x. */
static oar_pd_program params_program(int variant) {
  pb block = {0};
  add_var(&block, "x", OAR_PD_LOD_TENSOR, OAR_PD_FP32, D23, 2, 0);
  add_var(&block, "fc_0.w_0", OAR_PD_LOD_TENSOR, OAR_PD_FP32, D32, 2, 1);
  add_var(&block, "feed", OAR_PD_FEED_MINIBATCH, 0, NULL, 0, 1);
  add_var(&block, "Conv.w", OAR_PD_LOD_TENSOR, OAR_PD_FP32, variant == BLOCK_WILDCARD ? DM1 : D23, 2, 1);
  add_var(&block, "fetch", OAR_PD_FETCH_LIST, 0, NULL, 0, 1);
  add_var(&block, "fc_0.b_0", OAR_PD_LOD_TENSOR, OAR_PD_FP32, NULL, 0, 1);
  add_var(&block, "batch_norm_0.w_1",
          variant == BLOCK_SELECTED_ROWS ? OAR_PD_SELECTED_ROWS : OAR_PD_LOD_TENSOR, OAR_PD_INT64, D3, 1, 1);
  add_var(&block, "raw", OAR_PD_RAW, 0, NULL, 0, 1);
  if (variant == BLOCK_DUPLICATE) add_var(&block, "fc_0.b_0", OAR_PD_LOD_TENSOR, OAR_PD_FP32, NULL, 0, 1);
  return decode_block(&block);
}

/* The four records in order; `fault` changes one. */
enum { REC_GOOD, REC_SWAP_DIMS, REC_WRONG_DTYPE, REC_ONE_VECTOR, REC_MISSING_LAST, REC_EXTRA, REC_TRAILING };

static void params_stream(int fault, pb *s) {
  float b = 0.5f;
  pb_dense_record(s, OAR_PD_FP32, fault == REC_SWAP_DIMS ? D32 : D23, 2, F6, sizeof F6);
  pb_dense_record(s, fault == REC_WRONG_DTYPE ? OAR_PD_FP64 : OAR_PD_INT64, D3, 1, I3, sizeof I3);
  pb_dense_record(s, OAR_PD_FP32, D1, fault == REC_ONE_VECTOR ? 1 : 0, &b, 4);
  if (fault != REC_MISSING_LAST) pb_dense_record(s, OAR_PD_FP32, D32, 2, F6, sizeof F6);
  if (fault == REC_EXTRA) pb_dense_record(s, OAR_PD_FP32, D32, 2, F6, sizeof F6);
  if (fault == REC_TRAILING) pb_put(s, "\0", 1);
}

static void test_param_list(void) {
  oar_pd_program p = params_program(BLOCK_PLAIN);
  const oar_pd_var **vars;
  size_t n;
  oar_error err = {0};
  CHECK(oar_pd_param_vars(&p.blocks[0], &vars, &n, &err) == OAR_OK && n == 4, "4 parameters: %zu", n);
  const char *want[] = {"Conv.w", "batch_norm_0.w_1", "fc_0.b_0", "fc_0.w_0"};
  for (size_t i = 0; i < n && i < 4; i++)
    CHECK(strcmp(vars[i]->name, want[i]) == 0, "parameter %zu is %s, expected %s", i, vars[i]->name, want[i]);
  oar_free(vars);
  oar_pd_program_free(&p);
  printf("ok: parameters = persistable minus feed/fetch/RAW, in strcmp order (uppercase first)\n");

  p = params_program(BLOCK_DUPLICATE);
  CHECK(oar_pd_param_vars(&p.blocks[0], &vars, &n, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "'fc_0.b_0' is declared twice"),
        "duplicate parameter: %s", err.msg);
  oar_pd_program_free(&p);
}

static oar_status read_combined(int block_variant, int fault, oar_pd_params *out, oar_error *err) {
  oar_pd_program p = params_program(block_variant);
  pb s = {0};
  params_stream(fault, &s);
  oar_status st = oar_pd_params_read_combined(&p.blocks[0], s.b, s.n, "m.pdiparams", out, err);
  /* Records point into s: check them before freeing. */
  if (st == OAR_OK) {
    CHECK(out->count == 4 && strcmp(out->items[0].var->name, "Conv.w") == 0 &&
              memcmp(out->items[0].rec.data, F6, sizeof F6) == 0 && out->items[1].rec.dtype == OAR_PD_INT64 &&
              memcmp(out->items[1].rec.data, I3, sizeof I3) == 0 && out->items[3].rec.shape.dims[0] == 3,
          "combined records land on the right names with their data");
    oar_pd_params_free(out);
  }
  free(s.b);
  oar_pd_program_free(&p);
  return st;
}

static void test_combined(void) {
  oar_pd_params params;
  oar_error err = {0};
  CHECK(read_combined(BLOCK_PLAIN, REC_GOOD, &params, &err) == OAR_OK, "good stream: %s", err.msg);
  CHECK(read_combined(BLOCK_WILDCARD, REC_GOOD, &params, &err) == OAR_OK, "declared -1 matches 2: %s",
        err.msg);
  CHECK(read_combined(BLOCK_PLAIN, REC_ONE_VECTOR, &params, &err) == OAR_OK, "declared [] matches [1]: %s",
        err.msg);
  printf("ok: combined stream of 4 records read in name order; -1 and []/[1] accepted\n");

  struct {
    int block, fault;
    oar_status st;
    const char *text;
  } bad[] = {
      {BLOCK_PLAIN, REC_SWAP_DIMS, OAR_ERR_INVALID_MODEL,
       "parameter 'Conv.w' in 'm.pdiparams' (record at byte offset 0) holds FP32 [3, 2], but the program "
       "declares "
       "FP32 [2, 3]"},
      {BLOCK_PLAIN, REC_WRONG_DTYPE, OAR_ERR_INVALID_MODEL,
       "holds FP64 [3], but the program declares INT64 [3]"},
      {BLOCK_PLAIN, REC_MISSING_LAST, OAR_ERR_INVALID_MODEL,
       "'m.pdiparams' ends after 3 records (byte offset 124), but the program declares 4 parameters; the "
       "first "
       "without data is 'fc_0.w_0'"},
      {BLOCK_PLAIN, REC_EXTRA, OAR_ERR_INVALID_MODEL, "bytes left after the last of 4 records"},
      {BLOCK_PLAIN, REC_TRAILING, OAR_ERR_INVALID_MODEL,
       "'m.pdiparams' has 1 byte left after the last of 4 records"},
      {BLOCK_SELECTED_ROWS, REC_GOOD, OAR_ERR_UNSUPPORTED,
       "parameter 'batch_norm_0.w_1' is a SELECTED_ROWS variable"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    oar_status st = read_combined(bad[i].block, bad[i].fault, &params, &err);
    CHECK(st == bad[i].st && strstr(err.msg, bad[i].text), "case %zu: status %d '%s'", i, st, err.msg);
    if (st == bad[i].st) printf("ok: %s\n", err.msg);
  }

  /* No parameters: an empty stream is right, a byte is too many. */
  pb block = {0};
  add_var(&block, "x", OAR_PD_LOD_TENSOR, OAR_PD_FP32, D3, 1, 0);
  oar_pd_program p = decode_block(&block);
  CHECK(oar_pd_params_read_combined(&p.blocks[0], NULL, 0, "e", &params, &err) == OAR_OK && params.count == 0,
        "no parameters, empty stream");
  oar_pd_params_free(&params);
  CHECK(oar_pd_params_read_combined(&p.blocks[0], "x", 1, "e", &params, &err) == OAR_ERR_INVALID_MODEL,
        "no parameters, one byte: %s", err.msg);
  oar_pd_program_free(&p);

  /* Cut at every length; fail each allocation in turn. */
  p = params_program(BLOCK_PLAIN);
  pb s = {0};
  params_stream(REC_GOOD, &s);
  for (size_t len = 0; len < s.n; len++) {
    oar_status st = oar_pd_params_read_combined(&p.blocks[0], s.b, len, "cut", &params, &err);
    CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset"), "stream cut to %zu: %d '%s'", len,
          st, err.msg);
  }
  printf("ok: combined stream cut at each of %zu lengths fails with an offset\n", s.n);
  long k = 0;
  oar_status st;
  for (;; k++) {
    oar_alloc_fail_after(k);
    st = oar_pd_params_read_combined(&p.blocks[0], s.b, s.n, "m", &params, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) break;
    CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failing: %d '%s'", k, st, err.msg);
  }
  oar_pd_params_free(&params);
  printf("ok: failing each of %ld allocations gives OUT_OF_MEMORY\n", k);
  free(s.b);
  oar_pd_program_free(&p);
}

/* ---- files and layouts ------------------------------------------------------------ */

static char tmp_root[256];
static char *created[64];
static int num_created;

static char *path_of(const char *rel) {
  size_t n = strlen(tmp_root) + strlen(rel) + 2;
  char *p = malloc(n);
  snprintf(p, n, "%s/%s", tmp_root, rel);
  return p;
}

static void write_file(const char *rel, const void *d, size_t n) {
  char *p = path_of(rel);
  FILE *f = fopen(p, "wb");
  if (!f || (n && fwrite(d, 1, n, f) != n)) {
    printf("cannot write %s\n", p);
    exit(2);
  }
  fclose(f);
  created[num_created++] = p;
}

static void make_dir(const char *rel) {
  char *p = path_of(rel);
  if (portable_mkdir(p) != 0) {
    printf("cannot mkdir %s\n", p);
    exit(2);
  }
  created[num_created++] = p;
}

/* feed x [-1, 3] -> relu -> fetch out, and one parameter per name given
 * (fp32 [3], unused by the ops: constants need no reader). */
static void layout_program(pb *prog, int num_params, const char *const *params) {
  pb block = {0}, op = {0}, s = {0}, a = {0};
  add_var(&block, "feed", OAR_PD_FEED_MINIBATCH, 0, NULL, 0, 1);
  add_var(&block, "fetch", OAR_PD_FETCH_LIST, 0, NULL, 0, 1);
  add_var(&block, "x", OAR_PD_LOD_TENSOR, OAR_PD_FP32, DM1, 2, 0);
  add_var(&block, "out", OAR_PD_LOD_TENSOR, OAR_PD_FP32, DM1, 2, 0);
  for (int i = 0; i < num_params; i++) add_var(&block, params[i], OAR_PD_LOD_TENSOR, OAR_PD_FP32, D3, 1, 1);
  /* {type, X, Out} of feed, relu, fetch */
  const char *ops[3][3] = {{"feed", "feed", "x"}, {"relu", "x", "out"}, {"fetch", "out", "fetch"}};
  for (int k = 0; k < 3; k++) {
    pb_str(&s, 1, "X");
    pb_str(&s, 2, ops[k][1]);
    pb_msg(&op, 1, &s);
    pb_str(&s, 1, "Out");
    pb_str(&s, 2, ops[k][2]);
    pb_msg(&op, 2, &s);
    pb_str(&op, 3, ops[k][0]);
    if (k != 1) {
      pb_str(&a, 1, "col");
      pb_int(&a, 2, OAR_PD_ATTR_INT);
      pb_int(&a, 3, 0);
      pb_msg(&op, 4, &a);
    }
    pb_msg(&block, 4, &op);
  }
  pb b0 = {0};
  pb_int(&b0, 1, 0);
  pb_put(&b0, block.b, block.n);
  free(block.b);
  pb_msg(prog, 1, &b0);
}

static const float W3[3] = {1.5f, 2.5f, 3.5f};

/* layout_program's model (x [-1, 3] -> relu -> out, parameter w [3]) as
 * Paddle 3 writes it in PIR JSON (spec 4). */
#define PIR_TT(dims) "{\"#\":\"0.t_dtensor\",\"D\":[{\"#\":\"0.t_f32\"}," dims ",\"NCHW\",[],0]}"
#define PIR_RELU_JSON \
  "{\"base_code\":{\"magic\":\"pir\",\"trainable\":true,\"version\":4},\"program\":{\"regions\":[{\"#\":" \
  "\"region_0\",\"blocks\":[{\"#\":\"block_0\",\"args\":[],\"ops\":["                                        \
  "{\"#\":\"p\",\"A\":[0,1,1,\"w\"],\"O\":{\"%\":1,\"TT\":" PIR_TT("[3]") "},\"OA\":[1,0,1]},"             \
  "{\"#\":\"1.data\",\"A\":[{\"AT\":{\"#\":\"0.a_str\",\"D\":\"x\"},\"N\":\"name\"}],\"I\":[],"          \
  "\"O\":[{\"%\":2,\"TT\":" PIR_TT("[-1,3]") "}]},"                                                           \
  "{\"#\":\"1.relu\",\"I\":[{\"%\":2}],\"O\":[{\"%\":3,\"TT\":" PIR_TT("[-1,3]") "}]},"                     \
  "{\"#\":\"1.fetch\",\"A\":[{\"AT\":{\"#\":\"0.a_str\",\"D\":\"out\"},\"N\":\"name\"},{\"AT\":{\"#\":"   \
  "\"0.a_i32\",\"D\":0},\"N\":\"col\"}],\"I\":[{\"%\":3}],\"O\":[{\"%\":4,\"TT\":" PIR_TT("[-1,3]") "}]}"  \
  "]}]}]}}"

static void one_record(pb *s) { pb_dense_record(s, OAR_PD_FP32, D3, 1, W3, sizeof W3); }

/* Loads model (+ params) and checks the graph has x -> relu -> out and
 * the parameters named. */
static void expect_load(const char *what, const char *model_rel, const char *params_rel,
                        const char *source_rel, int num_params, const char *const *params) {
  char *model = path_of(model_rel), *ps = params_rel ? path_of(params_rel) : NULL;
  char *source = path_of(source_rel);
  oar_paddle_source src = {.model = model, .params = ps};
  oar_graph *g = NULL;
  oar_error err = {0};
  oar_status st = oar_paddle_load(&src, &g, &err);
  CHECK(st == OAR_OK, "%s: %s", what, err.msg);
  if (st == OAR_OK) {
    CHECK(strcmp(g->source, source) == 0, "%s: source '%s', expected '%s'", what, g->source, source);
    CHECK(g->num_inputs == 1 && g->num_outputs == 1 && g->num_nodes == 1, "%s: x -> relu -> out", what);
    for (int i = 0; i < num_params; i++) {
      int id = oar_graph_find_value(g, params[i]);
      CHECK(id >= 0 && g->values[id].kind == OAR_VALUE_CONSTANT && g->values[id].bytes == sizeof W3 &&
                memcmp(g->values[id].data, W3, sizeof W3) == 0,
            "%s: parameter %s loaded", what, params[i]);
    }
    oar_graph_destroy(g);
    printf("ok: %s\n", what);
  }
  free(model);
  free(ps);
  free(source);
}

static void expect_fail(const char *what, const char *model_rel, const char *params_rel, oar_status want,
                        const char *text) {
  char *model = path_of(model_rel), *ps = params_rel ? path_of(params_rel) : NULL;
  oar_paddle_source src = {.model = model, .params = ps};
  oar_graph *g = NULL;
  oar_error err = {0};
  oar_status st = oar_paddle_load(&src, &g, &err);
  CHECK(st == want && strstr(err.msg, text), "%s: status %d, message '%s' (expected '%s')", what, st, err.msg,
        text);
  if (st == OAR_OK)
    oar_graph_destroy(g);
  else if (st == want)
    printf("ok: %s: %s\n", what, err.msg);
  free(model);
  free(ps);
}

static void test_layouts(void) {
  snprintf(tmp_root, sizeof tmp_root, "%s/oar_paddle_test_XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!portable_mkdtemp(tmp_root)) {
    printf("cannot create a temporary directory\n");
    failures++;
    return;
  }
  const char *two[] = {"a.w", "sub/b.w"};
  const char *one[] = {"w"};
  pb prog2 = {0}, prog1 = {0}, prog0 = {0}, rec = {0}, rec2 = {0};
  layout_program(&prog2, 2, two);
  layout_program(&prog1, 1, one);
  layout_program(&prog0, 0, NULL);
  one_record(&rec);
  one_record(&rec2);
  one_record(&rec2);

  /* 1.x: __model__ and one file per parameter (a name with a '/' is a subdirectory). */
  make_dir("legacy");
  make_dir("legacy/sub");
  write_file("legacy/__model__", prog2.b, prog2.n);
  write_file("legacy/a.w", rec.b, rec.n);
  write_file("legacy/sub/b.w", rec.b, rec.n);
  expect_load("dir with __model__ + one file per parameter", "legacy", NULL, "legacy/__model__", 2, two);
  expect_load("__model__ path + one file per parameter beside it", "legacy/__model__", NULL,
              "legacy/__model__", 2, two);
  /* A parameter file with a byte too many. */
  make_dir("legacy_bad");
  make_dir("legacy_bad/sub");
  write_file("legacy_bad/__model__", prog2.b, prog2.n);
  write_file("legacy_bad/a.w", rec2.b, rec.n + 1);
  write_file("legacy_bad/sub/b.w", rec.b, rec.n);
  expect_fail("per-parameter file with trailing bytes", "legacy_bad", NULL, OAR_ERR_INVALID_MODEL,
              "has 1 byte left after its tensor record");
  make_dir("legacy_missing");
  write_file("legacy_missing/__model__", prog1.b, prog1.n);
  expect_fail("per-parameter file missing", "legacy_missing", NULL, OAR_ERR_IO, "legacy_missing/w");

  /* 1.x combined: __params__, or params. */
  make_dir("combined");
  write_file("combined/__model__", prog1.b, prog1.n);
  write_file("combined/__params__", rec.b, rec.n);
  expect_load("dir with __model__ + __params__", "combined", NULL, "combined/__model__", 1, one);
  make_dir("combined2");
  write_file("combined2/__model__", prog1.b, prog1.n);
  write_file("combined2/params", rec.b, rec.n);
  expect_load("dir with __model__ + params", "combined2", NULL, "combined2/__model__", 1, one);
  write_file("combined2/weights", rec2.b, rec2.n); /* two records: wrong for this program */
  expect_fail("explicit params file with one record too many", "combined2", "combined2/weights",
              OAR_ERR_INVALID_MODEL, "weights' has 36 bytes left after the last of 1 record");

  /* 2.x: x.pdmodel + x.pdiparams. */
  make_dir("v2");
  write_file("v2/inference.pdmodel", prog1.b, prog1.n);
  write_file("v2/inference.pdiparams", rec.b, rec.n);
  write_file("v2/inference.pdiparams.info", "pickle", 6);
  expect_load("dir with one *.pdmodel", "v2", NULL, "v2/inference.pdmodel", 1, one);
  expect_load("x.pdmodel path -> x.pdiparams", "v2/inference.pdmodel", NULL, "v2/inference.pdmodel", 1, one);
  /* Explicit program and params with arbitrary names. */
  make_dir("named");
  write_file("named/prog.bin", prog1.b, prog1.n);
  write_file("named/weights.bin", rec.b, rec.n);
  expect_load("explicit program + params paths", "named/prog.bin", "named/weights.bin", "named/prog.bin", 1,
              one);
  /* A program without parameters needs no params file. */
  make_dir("noparams");
  write_file("noparams/m.pdmodel", prog0.b, prog0.n);
  expect_load("x.pdmodel without parameters, no x.pdiparams", "noparams", NULL, "noparams/m.pdmodel", 0,
              NULL);

  /* Failures. */
  make_dir("empty");
  char *empty = path_of("empty");
  char want[600];
  snprintf(
      want, sizeof want,
      "no Paddle model in directory '%s' (looked for __model__, __model__.json, *.pdmodel, and *.json with a "
      "*.pdiparams beside it)",
      empty);
  expect_fail("empty directory", "empty", NULL, OAR_ERR_IO, want);
  free(empty);
  make_dir("two");
  write_file("two/a.pdmodel", prog1.b, prog1.n);
  write_file("two/b.pdmodel", prog1.b, prog1.n);
  expect_fail("two *.pdmodel", "two", NULL, OAR_ERR_IO, "holds 2 *.pdmodel programs");
  make_dir("noparamsfile");
  write_file("noparamsfile/m.pdmodel", prog1.b, prog1.n);
  expect_fail("x.pdmodel with parameters but no x.pdiparams", "noparamsfile", NULL, OAR_ERR_IO,
              "noparamsfile/m.pdiparams");
  expect_fail("explicit params file missing", "v2/inference.pdmodel", "v2/nothing", OAR_ERR_IO, "v2/nothing");
  expect_fail("no such path", "does_not_exist", NULL, OAR_ERR_IO, "does_not_exist");

  /* Paddle 3 PIR programs: the same x -> relu -> out with parameter w. */
  const char *json = PIR_RELU_JSON;
  size_t json_n = strlen(json);
  make_dir("pir");
  write_file("pir/inference.json", json, json_n);
  write_file("pir/inference.pdiparams", rec.b, rec.n);
  write_file("pir/inference.yml", "x", 1); /* toolkit exports carry one; it is not a program */
  expect_load("dir with inference.json + inference.pdiparams", "pir", NULL, "pir/inference.json", 1, one);
  expect_load("x.json path -> x.pdiparams", "pir/inference.json", NULL, "pir/inference.json", 1, one);
  make_dir("pir_named");
  write_file("pir_named/prog.txt", json, json_n);
  write_file("pir_named/weights.bin", rec.b, rec.n);
  expect_load("PIR program by content, any names", "pir_named/prog.txt", "pir_named/weights.bin",
              "pir_named/prog.txt", 1, one);
  make_dir("pir2");
  write_file("pir2/__model__", json, json_n);
  write_file("pir2/w", rec.b, rec.n);
  expect_load("__model__ holding PIR JSON + one file per parameter", "pir2", NULL, "pir2/__model__", 1, one);
  make_dir("pir_separate");
  write_file("pir_separate/__model__.json", json, json_n);
  write_file("pir_separate/w", rec.b, rec.n);
  expect_load("__model__.json + one file per parameter (separate_parameters)", "pir_separate", NULL,
              "pir_separate/__model__.json", 1, one);
  make_dir("pir_both");
  write_file("pir_both/m.pdmodel", prog1.b, prog1.n);
  write_file("pir_both/m.pdiparams", rec.b, rec.n);
  write_file("pir_both/m.json", json, json_n);
  expect_load("dir with m.pdmodel and m.json: the .pdmodel", "pir_both", NULL, "pir_both/m.pdmodel", 1, one);
  make_dir("pir_two");
  write_file("pir_two/a.json", json, json_n);
  write_file("pir_two/a.pdiparams", rec.b, rec.n);
  write_file("pir_two/b.json", json, json_n);
  write_file("pir_two/b.pdiparams", rec.b, rec.n);
  expect_fail("two PIR programs", "pir_two", NULL, OAR_ERR_IO, "holds 2 PIR programs (*.json + *.pdiparams)");
  make_dir("pir_lonely");
  write_file("pir_lonely/config.json", json, json_n); /* no config.pdiparams: not taken for a model */
  expect_fail("a .json without .pdiparams in a directory", "pir_lonely", NULL, OAR_ERR_IO, "no Paddle model");
  expect_fail("x.json with parameters but no x.pdiparams", "pir_lonely/config.json", NULL, OAR_ERR_IO,
              "pir_lonely/w");
  write_file("pir_named/two.bin", rec2.b, rec2.n);
  expect_fail("PIR program, params file with a record too many", "pir_named/prog.txt", "pir_named/two.bin",
              OAR_ERR_INVALID_MODEL, "two.bin' has 36 bytes left after the last of 1 record");
  make_dir("garbage");
  write_file("garbage/__model__", "\x0A\x7F", 2);
  expect_fail("corrupt __model__", "garbage", NULL, OAR_ERR_INVALID_MODEL,
              "__model__': protobuf length at byte offset 1");

  /* Unsafe parameter names in the directory layout. */
  const char *evil[] = {"../evil"};
  pb prog_evil = {0};
  layout_program(&prog_evil, 1, evil);
  make_dir("evil");
  write_file("evil/__model__", prog_evil.b, prog_evil.n);
  expect_fail("parameter named ../evil", "evil", NULL, OAR_ERR_INVALID_MODEL, "cannot be a file name inside");

  free(prog2.b);
  free(prog1.b);
  free(prog0.b);
  free(prog_evil.b);
  free(rec.b);
  free(rec2.b);
  for (int i = num_created - 1; i >= 0; i--) {
    remove(created[i]);
    free(created[i]);
  }
  rmdir(tmp_root);
}

int main(void) {
  test_worked_examples();
  test_bad_records();
  test_param_list();
  test_combined();
  test_layouts();
  printf("%s: %d checks, %d failures\n", failures ? "FAILED" : "PASSED", checks, failures);
  return failures ? 1 : 0;
}
