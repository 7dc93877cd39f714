/* tools/npy.c: well-formed files of every version and dtype, every malformed
 * header field, every truncation, and write/read round trips whose bytes
 * equal what numpy.save writes. Run as CTest `unit.npy`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

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

/* Builds a .npy image: magic, version, header length field, the header text
 * padded with spaces and '\n' to a multiple of 64, then `data_len` bytes of
 * 0x11. Returns its length; buf must hold 4096 bytes. */
static size_t build(uint8_t *buf, int major, int minor, const char *header, size_t data_len) {
  size_t fixed = major == 1 ? 10 : 12;
  size_t len = strlen(header);
  size_t total = (fixed + len + 1 + 63) / 64 * 64;
  size_t hlen = total - fixed;
  memcpy(buf, "\x93NUMPY", 6);
  buf[6] = (uint8_t)major;
  buf[7] = (uint8_t)minor;
  buf[8] = (uint8_t)(hlen & 0xff);
  buf[9] = (uint8_t)(hlen >> 8);
  if (fixed == 12) {
    buf[10] = (uint8_t)(hlen >> 16);
    buf[11] = (uint8_t)(hlen >> 24);
  }
  memcpy(buf + fixed, header, len);
  memset(buf + fixed + len, ' ', hlen - len - 1);
  buf[total - 1] = '\n';
  memset(buf + total, 0x11, data_len);
  return total + data_len;
}

static void expect_ok(const char *header, int major, size_t data_len, oar_dtype dtype, size_t rank,
                      const int64_t *dims) {
  static uint8_t buf[4096];
  char err[512] = "";
  oar_npy a;
  size_t len = build(buf, major, 0, header, data_len);
  int rc = oar_npy_parse(buf, len, "t.npy", &a, err, sizeof(err));
  CHECK(rc == 0, "%s: %s", header, err);
  if (rc != 0) return;
  CHECK(a.dtype == dtype, "%s: dtype %d, want %d", header, (int)a.dtype, (int)dtype);
  CHECK(a.rank == rank, "%s: rank %zu, want %zu", header, a.rank, rank);
  for (size_t i = 0; i < rank && i < a.rank; i++) CHECK(a.dims[i] == dims[i], "%s: dim %zu", header, i);
  CHECK(a.bytes == data_len && a.data != NULL, "%s: %zu bytes", header, a.bytes);
  CHECK(data_len == 0 || ((uint8_t *)a.data)[data_len - 1] == 0x11, "%s: data", header);
  oar_npy_free(&a);
  CHECK(a.data == NULL, "free zeroes the struct");
}

/* The parse fails and the message names the file and contains `needle`. */
static void expect_err_buf(const uint8_t *buf, size_t len, const char *needle, const char *what) {
  char err[512] = "";
  oar_npy a;
  int rc = oar_npy_parse(buf, len, "bad.npy", &a, err, sizeof(err));
  CHECK(rc == -1, "%s: parsed", what);
  CHECK(a.data == NULL, "%s: data left behind", what);
  CHECK(strncmp(err, "bad.npy: ", 9) == 0, "%s: message '%s' does not name the file", what, err);
  CHECK(strstr(err, needle) != NULL, "%s: message '%s' lacks '%s'", what, err, needle);
}

static void expect_err(const char *header, size_t data_len, const char *needle) {
  static uint8_t buf[4096];
  size_t len = build(buf, 1, 0, header, data_len);
  expect_err_buf(buf, len, needle, header);
}

static void test_good(void) {
  const int64_t d23[] = {2, 3}, d5[] = {5}, d03[] = {0, 3}, d1111[] = {1, 1, 1, 1};
  expect_ok("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 1, 24, OAR_DTYPE_FLOAT32, 2, d23);
  expect_ok("{'descr': '<i8', 'fortran_order': False, 'shape': (5,), }", 2, 40, OAR_DTYPE_INT64, 1, d5);
  expect_ok("{'descr': '|u1', 'fortran_order': False, 'shape': (), }", 3, 1, OAR_DTYPE_UINT8, 0, NULL);
  expect_ok("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }", 1, 20, OAR_DTYPE_INT32, 1, d5);
  expect_ok("{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }", 1, 5, OAR_DTYPE_INT8, 1, d5);
  expect_ok("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }", 1, 5, OAR_DTYPE_BOOL, 1, d5);
  expect_ok("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", 1, 40, OAR_DTYPE_FLOAT64, 1, d5);
  expect_ok("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", 1, 10, OAR_DTYPE_FLOAT16, 1, d5);
  expect_ok("{'descr': '<i2', 'fortran_order': False, 'shape': (5,), }", 1, 10, OAR_DTYPE_INT16, 1, d5);
  expect_ok("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", 1, 0, OAR_DTYPE_FLOAT32, 2, d03);
  /* Keys in any order, double quotes, Python 2 longs, no trailing comma. */
  expect_ok("{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<f4\"}", 1, 24, OAR_DTYPE_FLOAT32,
            2, d23);
  expect_ok("{'descr':'<f4','fortran_order':False,'shape':(1,1,1,1,)}", 1, 4, OAR_DTYPE_FLOAT32, 4, d1111);
}

static void test_bad_headers(void) {
  expect_err("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 24, "Fortran order");
  expect_err("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", 24, "big-endian");
  expect_err("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", 48, "'<c8' is not supported");
  expect_err("{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3), }", 24, "byte-order");
  expect_err("{'descr': '|f4', 'fortran_order': False, 'shape': (2, 3), }", 24, "needs one");
  expect_err("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8, "structured");
  expect_err("{'descr': '<f4', 'fortran_order': False, }", 4, "lacks 'shape'");
  expect_err("{'fortran_order': False, 'shape': (1,), }", 4, "lacks 'descr'");
  expect_err("{'descr': '<f4', 'shape': (1,), }", 4, "lacks 'fortran_order'");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4, "unexpected key 'x'");
  expect_err("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4, "twice");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", 12, "not a tuple");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", 12, "not a tuple");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", 12, "negative");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", 24, "comma");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", 12, "integers");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", 4, "more than 8");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 0, "too large");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 0, "2^63");
  expect_err("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", 4, "neither True nor False");
  expect_err("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,), }", 4, "neither True nor False");
  expect_err("{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }", 4, "no ',' or '}'");
  expect_err("{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }", 4, "no ':'");
  expect_err("{descr: '<f4', 'fortran_order': False, 'shape': (1,), }", 4, "key is not");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x", 4, "after the closing");
  expect_err("['descr', '<f4']", 4, "does not start with '{'");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ", 4, "key is not");
  /* Data size against the file length, both ways. */
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 23, "needs 24 data bytes");
  expect_err("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 25, "holds 25 bytes");
}

static void test_bad_preambles(void) {
  static uint8_t buf[4096];
  const char *h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  size_t len = build(buf, 1, 0, h, 8);

  expect_err_buf(buf, 0, "not a .npy", "empty");
  uint8_t copy[4096];
  memcpy(copy, buf, len);
  copy[1] = 'X';
  expect_err_buf(copy, len, "not a .npy", "bad magic");
  len = build(copy, 4, 0, h, 8);
  expect_err_buf(copy, len, "version 4.0", "version 4");
  len = build(copy, 1, 1, h, 8);
  expect_err_buf(copy, len, "version 1.1", "version 1.1");
  len = build(copy, 1, 0, h, 8);
  copy[8] = 0xff;
  copy[9] = 0xff;
  expect_err_buf(copy, len, "runs past the end", "header length");
  len = build(copy, 2, 0, h, 8);
  copy[11] = 0x80;
  expect_err_buf(copy, len, "runs past the end", "v2 header length");
  len = build(copy, 1, 0, h, 8);
  copy[30] = '\0';
  expect_err_buf(copy, len, "NUL", "NUL in header");

  /* Every truncation of a good file fails cleanly. */
  len = build(buf, 1, 0, h, 8);
  for (size_t n = 0; n < len; n++) {
    char err[512] = "";
    oar_npy a;
    CHECK(oar_npy_parse(buf, n, "cut.npy", &a, err, sizeof(err)) == -1, "truncated to %zu bytes parsed", n);
    CHECK(err[0] != '\0', "truncated to %zu bytes: no message", n);
  }
  /* Every byte of the header replaced by every troublesome value: no crash
   * (ASan builds check the reads), and a failure always comes with text. */
  static const uint8_t kBytes[] = {0, '\'', '"', '(', ')', ',', ':', '{', '}', '9', '-', 0xff};
  for (size_t i = 0; i < 10 + 54; i++) {
    for (size_t k = 0; k < sizeof(kBytes); k++) {
      memcpy(copy, buf, len);
      copy[i] = kBytes[k];
      char err[512] = "";
      oar_npy a;
      if (oar_npy_parse(copy, len, "flip.npy", &a, err, sizeof(err)) == 0) {
        CHECK(a.bytes == 8 || a.bytes == 0, "byte %zu = %u: parsed with %zu bytes", i, kBytes[k], a.bytes);
        oar_npy_free(&a);
      } else {
        CHECK(err[0] != '\0', "byte %zu = %u: no message", i, kBytes[k]);
      }
    }
  }
  /* A tiny error buffer truncates without overflow; NULL is allowed. */
  char tiny[8];
  oar_npy a;
  CHECK(oar_npy_parse(buf, 3, "a-long-file-name.npy", &a, tiny, sizeof(tiny)) == -1, "tiny buffer");
  CHECK(strlen(tiny) < sizeof(tiny), "tiny buffer overflow");
  CHECK(oar_npy_parse(buf, 3, "x.npy", &a, NULL, 0) == -1, "NULL err buffer");
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return -1;
  *len = fread(buf, 1, cap, f);
  fclose(f);
  return 0;
}

static void test_round_trip(void) {
  static const oar_dtype kTypes[] = {OAR_DTYPE_FLOAT32, OAR_DTYPE_INT32,   OAR_DTYPE_INT64,
                                     OAR_DTYPE_UINT8,   OAR_DTYPE_INT8,    OAR_DTYPE_BOOL,
                                     OAR_DTYPE_FLOAT64, OAR_DTYPE_FLOAT16, OAR_DTYPE_INT16};
  static const int64_t kShapes[][3] = {{2, 3, 4}, {7, 0, 0}, {0, 0, 0}, {0, 5, 0}};
  static const size_t kRanks[] = {3, 1, 0, 2};
  const char *path = "test_npy_round_trip.npy";
  uint8_t data[256];
  for (size_t i = 0; i < sizeof(data); i++) data[i] = (uint8_t)(i * 7 + 1);
  for (size_t t = 0; t < sizeof(kTypes) / sizeof(kTypes[0]); t++) {
    for (size_t s = 0; s < 4; s++) {
      size_t count;
      CHECK(oar_npy_element_count(kRanks[s], kShapes[s], &count) == 0, "count");
      size_t bytes = count * oar_npy_dtype_size(kTypes[t]);
      if (kTypes[t] == OAR_DTYPE_BOOL) memset(data, 1, sizeof(data));
      char err[512] = "";
      int rc = oar_npy_write(path, kTypes[t], kRanks[s], kShapes[s], data, bytes, err, sizeof(err));
      CHECK(rc == 0, "write dtype %d: %s", (int)kTypes[t], err);
      uint8_t file[1024];
      size_t len = 0;
      CHECK(read_file(path, file, sizeof(file), &len) == 0 && len == 128 + bytes,
            "dtype %d rank %zu: file is %zu bytes, want header 128 + %zu", (int)kTypes[t], kRanks[s], len,
            bytes);
      CHECK(file[127] == '\n' && file[6] == 1, "header layout");
      oar_npy a;
      rc = oar_npy_read(path, &a, err, sizeof(err));
      CHECK(rc == 0, "read back dtype %d: %s", (int)kTypes[t], err);
      if (rc != 0) continue;
      CHECK(a.dtype == kTypes[t] && a.rank == kRanks[s] && a.bytes == bytes, "round trip dtype %d rank %zu",
            (int)kTypes[t], kRanks[s]);
      for (size_t d = 0; d < a.rank; d++) CHECK(a.dims[d] == kShapes[s][d], "round trip dim %zu", d);
      CHECK(bytes == 0 || memcmp(a.data, data, bytes) == 0, "round trip data");
      oar_npy_free(&a);
    }
  }
  /* Byte for byte what numpy.save(np.zeros((2, 3), 'f4')) writes. */
  float zeros[6] = {0};
  const int64_t d23[] = {2, 3};
  char err[512] = "";
  CHECK(oar_npy_write(path, OAR_DTYPE_FLOAT32, 2, d23, zeros, sizeof(zeros), err, sizeof(err)) == 0, "%s",
        err);
  uint8_t file[256];
  size_t len = 0;
  uint8_t want[128 + 24];
  const char *h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  size_t want_len = build(want, 1, 0, h, 0);
  memset(want + want_len, 0, 24);
  CHECK(
      read_file(path, file, sizeof(file), &len) == 0 && len == want_len + 24 && memcmp(file, want, len) == 0,
      "bytes differ from numpy's");
  const int64_t d5[] = {5};
  CHECK(oar_npy_write(path, OAR_DTYPE_FLOAT32, 1, d5, zeros, sizeof(zeros), err, sizeof(err)) == -1 &&
            strstr(err, "does not match 24 data bytes") != NULL,
        "size mismatch accepted: %s", err);
  CHECK(oar_npy_write(path, OAR_DTYPE_UNKNOWN, 1, d5, zeros, 20, err, sizeof(err)) == -1,
        "unknown dtype written");
  CHECK(oar_npy_write("no/such/dir/x.npy", OAR_DTYPE_FLOAT32, 2, d23, zeros, sizeof(zeros), err,
                      sizeof(err)) == -1 &&
            strstr(err, "no/such/dir/x.npy: cannot create") != NULL,
        "write to a missing directory: %s", err);
  remove(path);

  oar_npy a;
  CHECK(oar_npy_read("no/such/file.npy", &a, err, sizeof(err)) == -1 &&
            strstr(err, "no/such/file.npy: cannot open") != NULL,
        "missing file: %s", err);
  CHECK(oar_npy_read(".", &a, err, sizeof(err)) == -1 && strncmp(err, ".: ", 3) == 0, "directory: %s", err);
}

static void test_shape_string(void) {
  char buf[64];
  const int64_t d[] = {1, 3, 224, 224};
  CHECK(strcmp(oar_npy_shape_string(4, d, buf, sizeof(buf)), "[1, 3, 224, 224]") == 0, "%s", buf);
  CHECK(strcmp(oar_npy_shape_string(0, d, buf, sizeof(buf)), "[]") == 0, "%s", buf);
  char small[8];
  oar_npy_shape_string(4, d, small, sizeof(small));
  CHECK(strlen(small) < sizeof(small) && strstr(small, "...") != NULL, "truncation: %s", small);
  size_t n;
  const int64_t neg[] = {2, -1}, big[] = {INT64_MAX, INT64_MAX};
  CHECK(oar_npy_element_count(2, neg, &n) == -1, "negative dim counted");
  CHECK(oar_npy_element_count(2, big, &n) == -1, "overflow counted");
  CHECK(oar_npy_element_count(0, NULL, &n) == 0 && n == 1, "scalar count");
}

int main(void) {
  test_good();
  test_bad_headers();
  test_bad_preambles();
  test_round_trip();
  test_shape_string();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("npy: all checks passed\n");
  return 0;
}
