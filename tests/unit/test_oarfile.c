/* The optimized model file (oar opt, src/frontend/oarfile): XXH64 against
 * the reference's test vectors; a model written and read back runs to the
 * very same outputs (from a path and from a buffer); every damaged file
 * gives its exact error: truncated, bad magic, wrong version, checksum
 * mismatch, offset out of range, another ISA's layouts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/cpu.h"
#include "base/hash.h"
#include "base/thread.h"
#include "frontend/oarfile/oarfile.h"
#include "oar/oar.h"
#include "test_check.h"

static void test_xxh64(void) {
  CHECK(oar_xxh64("", 0, 0) == 0xEF46DB3751D8E999ULL, "XXH64('')");
  CHECK(oar_xxh64("abc", 3, 0) == 0x44BC2CF5AD770999ULL, "XXH64('abc')");
  const char *s = "Nobody inspects the spammish repetition";
  CHECK(oar_xxh64(s, strlen(s), 0) == 0xFBCEA83C8A378BF1ULL, "XXH64 of 39 bytes");
  uint8_t buf[200];
  for (int i = 0; i < 200; i++) buf[i] = (uint8_t)(i * 7 + 3);
  for (size_t n = 0; n <= sizeof buf; n += 13) {
    const uint64_t want = oar_xxh64(buf, n, 42);
    for (size_t cut = 0; cut <= n; cut += 5) {
      oar_xxh64_state st;
      oar_xxh64_init(&st, 42);
      oar_xxh64_update(&st, buf, cut);
      oar_xxh64_update(&st, buf + cut, n - cut);
      CHECK(oar_xxh64_digest(&st) == want, "streamed XXH64 of %zu bytes split at %zu", n, cut);
    }
  }
}

static char *case_dir(const char *name) {
  const char *data = getenv("OAR_TEST_DATA");
  static char path[4096];
  snprintf(path, sizeof path, "%s/models/%s", data ? data : "tests/data", name);
  return path;
}

static oar_predictor *open_model(const char *model, const void *buf, size_t size) {
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  if (oar_config_create(&c) != OAR_OK) return NULL;
  oar_status st =
      model ? oar_config_set_model(c, model, NULL) : oar_config_set_model_buffer(c, buf, size, NULL, 0);
  if (st == OAR_OK) st = oar_predictor_create(c, &p);
  if (st != OAR_OK) printf("  (open: %s)\n", oar_config_last_error(c));
  oar_config_destroy(c);
  return p;
}

/* Runs on a ramp of the declared shapes (-1 as 2); the first output into
 * out (at most cap floats). Returns its element count, 0 on failure. */
static size_t run_ramp(oar_predictor *p, float *out, size_t cap) {
  size_t n = 0;
  if (oar_predictor_input_count(p, &n) != OAR_OK) return 0;
  for (size_t i = 0; i < n; i++) {
    const char *name;
    oar_tensor *t;
    size_t rank;
    int64_t dims[OAR_MAX_RANK];
    oar_dtype dtype;
    if (oar_predictor_input_name(p, i, &name) || oar_predictor_get_input(p, name, &t) ||
        oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK) || oar_tensor_dtype(t, &dtype))
      return 0;
    size_t numel = 1;
    for (size_t d = 0; d < rank; d++) numel *= (size_t)(dims[d] < 0 ? (dims[d] = 2) : dims[d]);
    if (oar_tensor_reshape(t, rank, dims) != OAR_OK) return 0;
    oar_status st;
    if (dtype == OAR_DTYPE_FLOAT32) {
      float *x = malloc(numel * sizeof *x);
      if (!x) return 0;
      for (size_t k = 0; k < numel; k++) x[k] = (float)((k * 37) % 19) / 19.0f - 0.5f;
      st = oar_tensor_copy_from_host(t, OAR_DTYPE_FLOAT32, x, numel * sizeof *x);
      free(x);
    } else { /* token ids, positions, masks: small integers */
      int64_t *x = malloc(numel * sizeof *x);
      if (!x) return 0;
      for (size_t k = 0; k < numel; k++) x[k] = (int64_t)(k % 2);
      st = oar_tensor_copy_from_host(t, OAR_DTYPE_INT64, x, numel * sizeof *x);
      free(x);
    }
    if (st != OAR_OK) return 0;
  }
  if (oar_predictor_run(p) != OAR_OK) {
    printf("  (run: %s)\n", oar_predictor_last_error(p));
    return 0;
  }
  const char *name;
  oar_tensor *t;
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
  if (oar_predictor_output_name(p, 0, &name) || oar_predictor_get_output(p, name, &t) ||
      oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK))
    return 0;
  size_t numel = 1;
  for (size_t d = 0; d < rank; d++) numel *= (size_t)dims[d];
  if (numel > cap || oar_tensor_copy_to_host(t, out, numel * sizeof *out) != OAR_OK) return 0;
  return numel;
}

static uint8_t *read_all(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  *size = (size_t)n;
  return b;
}

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static void rehash_header(uint8_t *b) { put64(b + 72, oar_xxh64(b, 72, 0)); }

/* The reader's message for bytes b (copied to aligned memory). */
static const char *read_error(const uint8_t *b, size_t size) {
  static oar_error err;
  oar_error_clear(&err);
  uint8_t *a = oar_aligned_alloc(size ? size : 1);
  memcpy(a, b, size);
  oar_oarfile f;
  oar_status st = oar_oarfile_read(a, size, "m.oar", &f, &err);
  if (st == OAR_OK) {
    oar_oarfile_free(&f);
    oar_aligned_free(a);
    return "(no error)";
  }
  oar_aligned_free(a);
  return err.msg;
}

#define CHECK_MSG(got, want) \
  CHECK(strcmp((got), (want)) == 0, "message\n    got:  %s\n    want: %s", (got), (want))

static void test_model(const char *name) {
  printf("%s\n", name);
  char path[256];
  snprintf(path, sizeof path, "oarfile_%s.oar", name);
  oar_predictor *src = open_model(case_dir(name), NULL, 0);
  CHECK(src != NULL, "%s loads", name);
  if (!src) return;
  static float want[1 << 16], got[1 << 16];
  size_t n = run_ramp(src, want, 1 << 16);
  CHECK(n > 0, "%s runs", name);
  CHECK(oar_predictor_save_optimized(src, path) == OAR_OK, "save: %s", oar_predictor_last_error(src));
  CHECK(oar_predictor_save_optimized(src, "/no/such/dir/x.oar") == OAR_ERR_IO, "unwritable path");
  CHECK(strstr(oar_predictor_last_error(src), "cannot create '/no/such/dir/x.oar'") != NULL, "%s",
        oar_predictor_last_error(src));
  oar_predictor_destroy(src);

  /* From the path, from a buffer, and a clone: the same numbers, bit for bit. */
  size_t size = 0;
  uint8_t *bytes = read_all(path, &size);
  CHECK(bytes != NULL, "read back %s", path);
  for (int form = 0; form < 3 && bytes; form++) {
    oar_predictor *p = open_model(form == 1 ? NULL : path, bytes, size), *q = NULL;
    CHECK(p != NULL, "%s: form %d loads", name, form);
    if (!p) continue;
    if (form == 2) {
      CHECK(oar_predictor_clone(p, &q) == OAR_OK, "clone");
      oar_predictor_destroy(p);
      p = q;
    }
    memset(got, 0, sizeof got);
    CHECK(run_ramp(p, got, 1 << 16) == n, "%s: form %d runs", name, form);
    CHECK(memcmp(got, want, n * sizeof *got) == 0, "%s: form %d gives the same outputs", name, form);
    /* Written again from the optimized file: the same file. */
    if (form == 0) {
      char again[300];
      snprintf(again, sizeof again, "%s.again.oar", path);
      CHECK(oar_predictor_save_optimized(p, again) == OAR_OK, "save again");
      size_t size2 = 0;
      uint8_t *bytes2 = read_all(again, &size2);
      /* The same weights (the metadata names another source file). */
      const uint64_t off = get64(bytes + 48);
      CHECK(bytes2 && size2 == size && get64(bytes2 + 48) == off &&
                memcmp(bytes2 + off, bytes + off, size - (size_t)off) == 0,
            "re-saving gives the same weights");
      free(bytes2);
      remove(again);
    }
    oar_predictor_destroy(p);
  }
  free(bytes);
  remove(path);
}

/* Clones of a fresh predictor over an optimized file plan at once: the
 * first-use checks of its weights happen under their locks. */
typedef struct clone_job {
  oar_predictor *p;
  float out[1 << 12];
  size_t n;
} clone_job;

static void *clone_run(void *arg) {
  clone_job *j = arg;
  j->n = run_ramp(j->p, j->out, 1 << 12);
  return NULL;
}

static void test_clones(void) {
  printf("clones\n");
  const char *path = "oarfile_clones.oar";
  oar_predictor *src = open_model(case_dir("digits_cnn"), NULL, 0);
  CHECK(src && oar_predictor_save_optimized(src, path) == OAR_OK, "save");
  static float want[1 << 12];
  const size_t n = src ? run_ramp(src, want, 1 << 12) : 0;
  oar_predictor_destroy(src);
  oar_predictor *p = open_model(path, NULL, 0);
  CHECK(p != NULL, "load");
  if (!p) return;
  enum { JOBS = 4 };
  static clone_job jobs[JOBS];
  oar_thread threads[JOBS];
  for (int i = 0; i < JOBS; i++) {
    jobs[i].p = NULL;
    CHECK(oar_predictor_clone(p, &jobs[i].p) == OAR_OK, "clone %d", i);
  }
  int started[JOBS];
  for (int i = 0; i < JOBS; i++) started[i] = oar_thread_start(&threads[i], clone_run, &jobs[i]) == 0;
  for (int i = 0; i < JOBS; i++)
    if (started[i]) oar_thread_join(threads[i]);
  for (int i = 0; i < JOBS; i++) {
    CHECK(jobs[i].n == n && memcmp(jobs[i].out, want, n * sizeof *want) == 0, "clone %d: same outputs", i);
    oar_predictor_destroy(jobs[i].p);
  }
  oar_predictor_destroy(p);
  remove(path);
}

static void test_errors(void) {
  printf("errors\n");
  const char *path = "oarfile_errors.oar";
  oar_predictor *src = open_model(case_dir("digits_cnn"), NULL, 0);
  CHECK(src && oar_predictor_save_optimized(src, path) == OAR_OK, "save");
  oar_predictor_destroy(src);
  size_t size = 0;
  uint8_t *good = read_all(path, &size);
  CHECK(good != NULL && size > 4096, "read");
  if (!good) return;
  uint8_t *b = malloc(size);
  char want[512];
  CHECK_MSG(read_error(good, size), "(no error)");

  CHECK_MSG(read_error(good, 100), "m.oar: truncated: 100 bytes, the header alone needs 128");
  snprintf(want, sizeof want, "m.oar: truncated: the header says %zu bytes, the file has %zu", size,
           size - 1);
  CHECK_MSG(read_error(good, size - 1), want);

  memcpy(b, good, size);
  b[1] = 'X';
  CHECK_MSG(read_error(b, size), "m.oar: bad magic: not an optimized oar model");

  memcpy(b, good, size);
  b[8] = 2;
  CHECK_MSG(
      read_error(b, size),
      "m.oar: wrong format version 2: this build reads optimized models of version 1 (run `oar opt` again)");

  memcpy(b, good, size);
  b[30] ^= 1;
  CHECK_MSG(read_error(b, size), "m.oar: checksum mismatch in the header");

  memcpy(b, good, size);
  b[200] ^= 0x20;
  CHECK_MSG(read_error(b, size), "m.oar: checksum mismatch in the metadata");

  memcpy(b, good, size);
  const uint64_t data_offset = get64(good + 48), data_bytes = get64(good + 56);
  put64(b + 56, data_bytes + 64);
  rehash_header(b);
  snprintf(want, sizeof want, "m.oar: offset out of range: weights at %llu (+%llu bytes) in a %zu-byte file",
           (unsigned long long)data_offset, (unsigned long long)(data_bytes + 64), size);
  CHECK_MSG(read_error(b, size), want);

  memcpy(b, good, size);
  put64(b + 40, size);
  rehash_header(b);
  snprintf(want, sizeof want, "m.oar: offset out of range: metadata at 128 (+%zu bytes) in a %zu-byte file",
           size, size);
  CHECK_MSG(read_error(b, size), want);

  /* The weights section shrunk under the constants: the first constant is
   * out of range (its name comes from the file). */
  memcpy(b, good, size);
  put64(b + 56, 0);
  rehash_header(b);
  const char *msg = read_error(b, size);
  const char *prefix = "m.oar: offset out of range: constant '";
  CHECK(strncmp(msg, prefix, strlen(prefix)) == 0 && strstr(msg, "the weights hold 0"),
        "constant out of range: %s", msg);

  /* Through the public API: a *.oar path reports the loader's error, the
   * path named; other ISA layouts are refused, never run. */
  const char *bad_path = "oarfile_bad.oar";
  memcpy(b, good, size);
  b[0] = 'P';
  FILE *f = fopen(bad_path, "wb");
  fwrite(b, 1, size, f);
  fclose(f);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model(c, bad_path, NULL);
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_INVALID_MODEL, "bad magic through the API");
  CHECK_MSG(oar_config_last_error(c), "oarfile_bad.oar: bad magic: not an optimized oar model");

  memcpy(b, good, size);
  uint32_t target = (uint32_t)b[20] | (uint32_t)b[21] << 8;
  b[20] = (uint8_t)(target ^ 0xf);
  rehash_header(b);
  f = fopen(bad_path, "wb");
  fwrite(b, 1, size, f);
  fclose(f);
  CHECK(oar_predictor_create(c, &p) == OAR_ERR_UNSUPPORTED, "other layouts through the API");
  CHECK(strstr(oar_config_last_error(c), "run `oar opt` again on the source model here") != NULL, "%s",
        oar_config_last_error(c));

  /* A damaged weight: refused when it is loaded or, for a packed one, when
   * it is first used; a raw weight whose packed twin runs instead is never
   * read. Never a wrong number. */
  float ref[64], out[64];
  p = open_model(NULL, good, size);
  const size_t nref = p ? run_ramp(p, ref, 64) : 0;
  CHECK(nref > 0, "the good file runs");
  oar_predictor_destroy(p);
  int refused = 0, constants_refused = 0;
  /* Every 64-byte slot of the first constants (each starts on one), then
   * samples across the packed weights. */
  for (uint64_t at = data_offset; at < size;
       at += at < data_offset + 8192 ? 64 : (size - data_offset) / 13 + 1) {
    memcpy(b, good, size);
    b[at] ^= 0x40;
    p = open_model(NULL, b, size);
    const char *err = p ? NULL : oar_last_error();
    size_t n = p ? run_ramp(p, out, 64) : 0;
    if (p && n == 0) err = oar_predictor_last_error(p);
    if (err) {
      refused++;
      constants_refused += strstr(err, "checksum mismatch in the weights of constant '") != NULL;
      CHECK(strstr(err, "checksum mismatch in the "), "byte %llu of the weights flipped: %s",
            (unsigned long long)(at - data_offset), err);
    } else {
      CHECK(n == nref && memcmp(out, ref, n * sizeof *out) == 0,
            "byte %llu of the weights flipped: ran, and differs", (unsigned long long)(at - data_offset));
    }
    oar_predictor_destroy(p);
  }
  CHECK(refused >= 5, "most flipped weight bytes refused (%d)", refused);
  CHECK(constants_refused >= 3, "flipped constants (biases) refused by the plan that reads them (%d)",
        constants_refused);
  oar_config_destroy(c);
  remove(bad_path);
  remove(path);
  free(b);
  free(good);
}

int main(void) {
  test_xxh64();
  test_model("digits_cnn");
  test_model("bert_tiny");
  test_model("mnist_fc_pir");
  test_clones();
  test_errors();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
