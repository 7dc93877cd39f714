/* The ONNX frontend on good and bad input: a small model built here byte
 * by byte loads and runs (from a path and from a buffer), and so does a
 * Reshape by an Identity of a Constant before a pooling; unsupported op
 * types, domains and opsets, a missing initializer, external data that is
 * missing, too short or outside the model's directory, and corrupt
 * protobuf (every truncation, byte flips) each give a clear error and no
 * crash. Run it under ASan + UBSan (cmake -DOAR_SANITIZE=ON). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "frontend/onnx/onnx_loader.h"
#include "oar/oar.h"

static int failures = 0;

#define CHECK(cond, ...)                          \
  do {                                            \
    if (!(cond)) {                                \
      failures++;                                 \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                        \
      printf("\n");                               \
    }                                             \
  } while (0)

#include "pb_writer.h"
#include "portable.h"

/* ValueInfoProto of a float tensor with the given dims. */
static void value_info(pb *g, int field, const char *name, int rank, const int64_t *dims) {
  pb vi = {0}, type = {0}, tt = {0}, shape = {0};
  for (int i = 0; i < rank; i++) {
    pb dim = {0};
    pb_int(&dim, 1, dims[i]);
    pb_msg(&shape, 1, &dim);
  }
  pb_int(&tt, 1, 1); /* FLOAT */
  pb_msg(&tt, 2, &shape);
  pb_msg(&type, 1, &tt);
  pb_str(&vi, 1, name);
  pb_msg(&vi, 2, &type);
  pb_msg(g, field, &vi);
}

typedef struct model_spec {
  const char *op_type;
  const char *domain;
  int64_t opset;
  const char *second_input; /* a second node input (Add), or NULL */
  bool external;            /* the initializer "w" lives in an external file */
  const char *location;
  int64_t ext_length; /* -1: not given */
  bool with_initializer;
} model_spec;

/* A model: y = op(x [, second]) with x [1, 3] float, and when asked an
 * initializer w [1, 3] = {1, 2, 3}. */
static pb make_model(const model_spec *s) {
  pb model = {0}, graph = {0}, node = {0}, opset = {0};
  const int64_t dims[2] = {1, 3};
  pb_str(&node, 1, "x");
  if (s->second_input) pb_str(&node, 1, s->second_input);
  pb_str(&node, 2, "y");
  pb_str(&node, 3, "the_node");
  pb_str(&node, 4, s->op_type);
  if (s->domain) pb_str(&node, 7, s->domain);
  pb_msg(&graph, 1, &node);
  pb_str(&graph, 2, "g");
  if (s->with_initializer) {
    pb t = {0};
    pb_int(&t, 1, 1);
    pb_int(&t, 1, 3);
    pb_int(&t, 2, 1);
    pb_str(&t, 8, "w");
    if (s->external) {
      pb e = {0};
      pb_str(&e, 1, "location");
      pb_str(&e, 2, s->location);
      pb_msg(&t, 13, &e);
      if (s->ext_length >= 0) {
        char len[32];
        snprintf(len, sizeof len, "%lld", (long long)s->ext_length);
        pb_str(&e, 1, "length");
        pb_str(&e, 2, len);
        pb_msg(&t, 13, &e);
      }
      pb_int(&t, 14, 1);
    } else {
      const float w[3] = {1, 2, 3};
      pb_bytes(&t, 9, w, sizeof w);
    }
    pb_msg(&graph, 5, &t);
  }
  value_info(&graph, 11, "x", 2, dims);
  value_info(&graph, 12, "y", 2, dims);
  pb_int(&model, 1, 8);
  pb_str(&opset, 1, "");
  pb_int(&opset, 2, s->opset);
  pb_msg(&model, 8, &opset);
  pb_msg(&model, 7, &graph);
  return model;
}

static char g_dir[256];

static const char *write_file(const char *name, const void *d, size_t n) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(d, 1, n, f) != n) abort();
  fclose(f);
  return path;
}

/* Loads from a path; returns the status and the message in err. */
static oar_status load_path(const char *path, oar_error *err) {
  oar_graph *g = NULL;
  oar_error_clear(err);
  oar_status st = oar_onnx_load(path, NULL, 0, &g, err);
  oar_graph_destroy(g);
  return st;
}

static oar_status load_buf(const void *d, size_t n, oar_error *err) {
  oar_graph *g = NULL;
  oar_error_clear(err);
  oar_status st = oar_onnx_load(NULL, d, n, &g, err);
  oar_graph_destroy(g);
  return st;
}

static bool has(const char *msg, const char *what) { return strstr(msg, what) != NULL; }

/* ---- good models -------------------------------------------------------------- */

static void test_good_model_runs(void) {
  model_spec s = {
      .op_type = "Add", .opset = 13, .second_input = "w", .with_initializer = true, .ext_length = -1};
  pb m = make_model(&s);
  const char *path = write_file("add.onnx", m.b, m.n);
  const float x[3] = {10, 20, 30};
  for (int from_buffer = 0; from_buffer < 2; from_buffer++) {
    oar_config *c = NULL;
    oar_predictor *p = NULL;
    oar_tensor *t = NULL;
    oar_config_create(&c);
    if (from_buffer)
      oar_config_set_model_buffer(c, m.b, m.n, NULL, 0);
    else
      oar_config_set_model(c, path, NULL);
    oar_status st = oar_predictor_create(c, &p);
    CHECK(st == OAR_OK, "good model (%s) did not load: %s", from_buffer ? "buffer" : "path",
          oar_last_error());
    if (st == OAR_OK) {
      const int64_t dims[2] = {1, 3};
      float y[3] = {0};
      oar_predictor_get_input(p, "x", &t);
      oar_tensor_reshape(t, 2, dims);
      oar_tensor_copy_from_host(t, OAR_DTYPE_FLOAT32, x, sizeof x);
      CHECK(oar_predictor_run(p) == OAR_OK, "run failed: %s", oar_last_error());
      oar_predictor_get_output(p, "y", &t);
      CHECK(oar_tensor_copy_to_host(t, y, sizeof y) == OAR_OK, "no output");
      CHECK(y[0] == 11 && y[1] == 22 && y[2] == 33, "y = %g %g %g, expected 11 22 33", y[0], y[1], y[2]);
    }
    oar_predictor_destroy(p);
    oar_config_destroy(c);
  }
  free(m.b);
}

/* paddle2onnx routes Reshape's shape through an Identity of a Constant
 * (CRNN's export): the shape stays known at load time, so the pooling after
 * the Reshape knows its rank (it failed to load: "the rank of X is not
 * known at load time"). x [1, 3] -> Reshape to [1, 3, 1, 1] -> AveragePool
 * 1x1 -> y = x. */
static void test_identity_of_constant_shape(void) {
  pb model = {0}, graph = {0}, opset = {0};
  {
    pb node = {0}, attr = {0}, t = {0};
    const int64_t shape[4] = {1, 3, 1, 1};
    pb_int(&t, 1, 4);
    pb_int(&t, 2, 7); /* INT64 */
    pb_bytes(&t, 9, shape, sizeof shape);
    pb_str(&attr, 1, "value");
    pb_msg(&attr, 5, &t);
    pb_int(&attr, 20, 4); /* TENSOR */
    pb_str(&node, 2, "shape_c");
    pb_str(&node, 3, "the_constant");
    pb_str(&node, 4, "Constant");
    pb_msg(&node, 5, &attr);
    pb_msg(&graph, 1, &node);
  }
  const char *chain[3][4] = {{"shape_c", NULL, "shape", "Identity"},
                             {"x", "shape", "x4", "Reshape"},
                             {"x4", NULL, "y", "AveragePool"}};
  for (int i = 0; i < 3; i++) {
    pb node = {0};
    pb_str(&node, 1, chain[i][0]);
    if (chain[i][1]) pb_str(&node, 1, chain[i][1]);
    pb_str(&node, 2, chain[i][2]);
    pb_str(&node, 3, chain[i][3]);
    pb_str(&node, 4, chain[i][3]);
    if (i == 2) {
      pb attr = {0};
      pb_str(&attr, 1, "kernel_shape");
      pb_int(&attr, 8, 1);
      pb_int(&attr, 8, 1);
      pb_int(&attr, 20, 7); /* INTS */
      pb_msg(&node, 5, &attr);
    }
    pb_msg(&graph, 1, &node);
  }
  pb_str(&graph, 2, "g");
  const int64_t xd[2] = {1, 3}, yd[4] = {1, 3, 1, 1};
  value_info(&graph, 11, "x", 2, xd);
  value_info(&graph, 12, "y", 4, yd);
  pb_int(&model, 1, 8);
  pb_str(&opset, 1, "");
  pb_int(&opset, 2, 13);
  pb_msg(&model, 8, &opset);
  pb_msg(&model, 7, &graph);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_tensor *tx = NULL;
  oar_config_create(&c);
  oar_config_set_model_buffer(c, model.b, model.n, NULL, 0);
  oar_status st = oar_predictor_create(c, &p);
  CHECK(st == OAR_OK, "Reshape by an Identity of a Constant, then AveragePool, did not load: %s",
        oar_last_error());
  if (st == OAR_OK) {
    const float x[3] = {4, 5, 6};
    float y[3] = {0};
    oar_predictor_get_input(p, "x", &tx);
    oar_tensor_reshape(tx, 2, xd);
    oar_tensor_copy_from_host(tx, OAR_DTYPE_FLOAT32, x, sizeof x);
    CHECK(oar_predictor_run(p) == OAR_OK, "run failed: %s", oar_last_error());
    oar_predictor_get_output(p, "y", &tx);
    CHECK(oar_tensor_copy_to_host(tx, y, sizeof y) == OAR_OK, "no output");
    CHECK(y[0] == 4 && y[1] == 5 && y[2] == 6, "y = %g %g %g, expected 4 5 6", y[0], y[1], y[2]);
  }
  oar_predictor_destroy(p);
  oar_config_destroy(c);
  free(model.b);
}

/* A Loop whose body declares an input without a name (found by the fuzzer:
 * the name was copied from a NULL pointer): a clear error, no crash. */
static void test_loop_body_unnamed_input(void) {
  pb model = {0}, graph = {0}, opset = {0}, node = {0}, attr = {0}, body = {0};
  const int64_t dims[2] = {1, 3};
  {
    pb vi = {0}, type = {0}, tt = {0};
    pb_int(&tt, 1, 7); /* INT64 */
    pb_msg(&type, 1, &tt);
    pb_msg(&vi, 2, &type); /* no name (field 1) */
    pb_msg(&body, 11, &vi);
  }
  value_info(&body, 11, "cond_in", 0, NULL);
  value_info(&body, 11, "x_in", 2, dims);
  const char *ids[2][2] = {{"cond_in", "cond_out"}, {"x_in", "x_out"}};
  for (int i = 0; i < 2; i++) {
    pb body_node = {0};
    pb_str(&body_node, 1, ids[i][0]);
    pb_str(&body_node, 2, ids[i][1]);
    pb_str(&body_node, 4, "Identity");
    pb_msg(&body, 1, &body_node);
  }
  pb_str(&body, 2, "body");
  value_info(&body, 12, "cond_out", 0, NULL);
  value_info(&body, 12, "x_out", 2, dims);
  pb_str(&attr, 1, "body");
  pb_msg(&attr, 6, &body);
  pb_int(&attr, 20, 5); /* GRAPH */
  pb_str(&node, 1, "");
  pb_str(&node, 1, "");
  pb_str(&node, 1, "x");
  pb_str(&node, 2, "y");
  pb_str(&node, 3, "the_loop");
  pb_str(&node, 4, "Loop");
  pb_msg(&node, 5, &attr);
  pb_msg(&graph, 1, &node);
  pb_str(&graph, 2, "g");
  value_info(&graph, 11, "x", 2, dims);
  value_info(&graph, 12, "y", 2, dims);
  pb_int(&model, 1, 8);
  pb_str(&opset, 1, "");
  pb_int(&opset, 2, 13);
  pb_msg(&model, 8, &opset);
  pb_msg(&model, 7, &graph);
  oar_error err;
  oar_status st = load_buf(model.b, model.n, &err);
  CHECK(
      st == OAR_ERR_INVALID_MODEL && has(err.msg, "the_loop") && has(err.msg, "subgraph input 0 has no name"),
      "Loop body input without a name: status %d, '%s'", (int)st, err.msg);
  free(model.b);
}

static void test_external_data_good(void) {
  const float w[4] = {9, 1, 2, 3}; /* the tensor starts at offset 4 */
  write_file("weights.bin", w, sizeof w);
  model_spec s = {.op_type = "Add",
                  .opset = 13,
                  .second_input = "w",
                  .with_initializer = true,
                  .external = true,
                  .location = "weights.bin",
                  .ext_length = -1};
  pb m = make_model(&s);
  /* without an offset the tensor reads the first 12 bytes: loads fine */
  oar_error err;
  CHECK(load_path(write_file("ext_ok.onnx", m.b, m.n), &err) == OAR_OK, "external data: %s", err.msg);
  /* a model in memory cannot reach external data */
  CHECK(load_buf(m.b, m.n, &err) == OAR_ERR_UNSUPPORTED && has(err.msg, "external"), "buffer + external: %s",
        err.msg);
  free(m.b);
}

/* ---- unsupported --------------------------------------------------------------- */

static void test_unsupported(void) {
  oar_error err;
  model_spec s = {.op_type = "FrobnicateV9", .opset = 13, .ext_length = -1};
  pb m = make_model(&s);
  CHECK(load_path(write_file("op.onnx", m.b, m.n), &err) == OAR_ERR_UNSUPPORTED, "unknown op: %s", err.msg);
  CHECK(has(err.msg, "FrobnicateV9") && has(err.msg, "ai.onnx") && has(err.msg, "opset 13") &&
            has(err.msg, "the_node"),
        "unknown op message lacks type, domain, opset or node: %s", err.msg);
  free(m.b);

  model_spec d = {.op_type = "FusedConv", .domain = "com.microsoft", .opset = 13, .ext_length = -1};
  m = make_model(&d);
  CHECK(load_path(write_file("domain.onnx", m.b, m.n), &err) == OAR_ERR_UNSUPPORTED, "foreign domain: %s",
        err.msg);
  CHECK(has(err.msg, "FusedConv") && has(err.msg, "com.microsoft") && has(err.msg, "the_node"),
        "domain message: %s", err.msg);
  free(m.b);

  const int64_t bad_opsets[] = {1, 6, 23, 1000};
  for (size_t i = 0; i < sizeof bad_opsets / sizeof *bad_opsets; i++) {
    model_spec o = {.op_type = "Relu", .opset = bad_opsets[i], .ext_length = -1};
    m = make_model(&o);
    char want[32];
    snprintf(want, sizeof want, "opset %lld", (long long)bad_opsets[i]);
    CHECK(load_path(write_file("opset.onnx", m.b, m.n), &err) == OAR_ERR_UNSUPPORTED && has(err.msg, want),
          "opset %lld: %s", (long long)bad_opsets[i], err.msg);
    free(m.b);
  }

  /* and through the public API, by file name */
  model_spec o = {.op_type = "FrobnicateV9", .opset = 13, .ext_length = -1};
  m = make_model(&o);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model(c, write_file("api.onnx", m.b, m.n), NULL);
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_UNSUPPORTED && has(oar_config_last_error(c), "FrobnicateV9"),
        "public API: %s", oar_config_last_error(c));
  oar_config_destroy(c);
  free(m.b);
}

/* ---- invalid -------------------------------------------------------------------- */

static void test_missing_initializer(void) {
  oar_error err;
  model_spec s = {.op_type = "Add", .opset = 13, .second_input = "w", .ext_length = -1};
  pb m = make_model(&s);
  CHECK(load_path(write_file("missing.onnx", m.b, m.n), &err) == OAR_ERR_INVALID_MODEL && has(err.msg, "'w'"),
        "missing initializer: %s", err.msg);
  free(m.b);
}

static void test_external_data_bad(void) {
  oar_error err;
  struct {
    const char *location;
    int64_t length;
    oar_status want;
    const char *says;
  } cases[] = {
      {"nowhere.bin", -1, OAR_ERR_IO, "nowhere.bin"},
      {"short.bin", -1, OAR_ERR_INVALID_MODEL, "too short"},
      {"weights.bin", 4, OAR_ERR_INVALID_MODEL, "length"},
      {"../etc/passwd", -1, OAR_ERR_INVALID_MODEL, "leaves the model's directory"},
      {"/etc/passwd", -1, OAR_ERR_INVALID_MODEL, "absolute"},
  };
  const float w[2] = {1, 2};
  write_file("short.bin", w, sizeof w);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    model_spec s = {.op_type = "Add",
                    .opset = 13,
                    .second_input = "w",
                    .with_initializer = true,
                    .external = true,
                    .location = cases[i].location,
                    .ext_length = cases[i].length};
    pb m = make_model(&s);
    oar_status st = load_path(write_file("ext.onnx", m.b, m.n), &err);
    CHECK(st == cases[i].want && has(err.msg, cases[i].says) && has(err.msg, "'w'"),
          "external data '%s': status %d, message: %s", cases[i].location, (int)st, err.msg);
    free(m.b);
  }
}

/* Every truncation and every byte flip of a valid model: a status and a
 * message, never a crash (ASan/UBSan check the rest). */
static void test_corrupt_protobuf(void) {
  model_spec s = {
      .op_type = "Add", .opset = 13, .second_input = "w", .with_initializer = true, .ext_length = -1};
  pb m = make_model(&s);
  oar_error err;
  int errors = 0;
  for (size_t n = 0; n < m.n; n++) {
    oar_status st = load_buf(m.b, n, &err);
    if (st != OAR_OK) {
      errors++;
      CHECK(err.msg[0] != 0, "truncation at %zu: status %d without a message", n, (int)st);
    }
  }
  CHECK(errors > (int)m.n / 2, "only %d of %zu truncations were refused", errors, m.n);
  unsigned char *copy = malloc(m.n);
  for (size_t i = 0; i < m.n; i++) {
    static const unsigned char flips[] = {0xff, 0x80, 0x01, 0x7f};
    for (size_t f = 0; f < sizeof flips; f++) {
      memcpy(copy, m.b, m.n);
      copy[i] ^= flips[f];
      oar_status st = load_buf(copy, m.n, &err);
      CHECK(st == OAR_OK || err.msg[0] != 0, "flip at %zu: status %d without a message", i, (int)st);
    }
  }
  free(copy);
  /* a Paddle-looking or empty buffer through the public API is an error too */
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  const unsigned char junk[] = {0x08, 0xff, 0xff};
  oar_config_set_model_buffer(c, junk, sizeof junk, NULL, 0);
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_INVALID_MODEL, "junk buffer: %s", oar_config_last_error(c));
  oar_config_destroy(c);
  free(m.b);
}

/* Fails every allocation of a load in turn: each failure is reported. */
static void test_alloc_failures(void) {
  model_spec s = {
      .op_type = "Add", .opset = 13, .second_input = "w", .with_initializer = true, .ext_length = -1};
  pb m = make_model(&s);
  oar_error err;
  for (long k = 0; k < 400; k++) {
    oar_alloc_fail_after(k);
    oar_status st = load_buf(m.b, m.n, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) break;
    CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failed with status %d: %s", k, (int)st, err.msg);
  }
  free(m.b);
}

int main(void) {
  snprintf(g_dir, sizeof g_dir, "/tmp/oar_onnx_test_XXXXXX");
  if (!portable_mkdtemp(g_dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_good_model_runs();
  test_identity_of_constant_shape();
  test_loop_body_unnamed_input();
  test_external_data_good();
  test_unsupported();
  test_missing_initializer();
  test_external_data_bad();
  test_corrupt_protobuf();
  test_alloc_failures();
  if (portable_remove_tree(g_dir) != 0) printf("note: could not remove %s\n", g_dir);
  printf("%s\n", failures ? "FAILED" : "all ONNX bad-input checks passed");
  return failures ? 1 : 0;
}
