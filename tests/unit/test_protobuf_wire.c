/* Unit test of the protobuf wire reader (src/frontend/protobuf/wire.c):
 * varints up to 10 bytes, fixed widths, length-delimited fields, skipping
 * every wire type, packed and unpacked repeated scalars, and an error (never
 * a crash) with a byte offset for every truncation and malformation. Run it
 * under -fsanitize=address,undefined to make "never a crash" mean something. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "frontend/protobuf/wire.h"

#include "test_check.h"

static oar_pb_reader reader(const uint8_t *d, size_t n) {
  oar_pb_reader r;
  oar_pb_reader_init(&r, d, n);
  return r;
}

/* ---- varints ------------------------------------------------------------ */

static void test_varints(void) {
  struct {
    uint8_t bytes[11];
    size_t n;
    uint64_t value;
  } ok[] = {
      {{0x00}, 1, 0},
      {{0x01}, 1, 1},
      {{0x7f}, 1, 127},
      {{0x80, 0x01}, 2, 128},
      {{0xAC, 0x02}, 2, 300},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 5, 0xFFFFFFFFu},
      /* -1 as int32/int64: ten bytes, sign-extended */
      {{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 10, UINT64_MAX},
      /* INT64_MIN */
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 10, (uint64_t)1 << 63},
      /* non-minimal encoding of 1 is still valid protobuf */
      {{0x81, 0x80, 0x00}, 3, 1},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    oar_pb_reader r = reader(ok[i].bytes, ok[i].n);
    uint64_t v = 0;
    oar_error err = {0};
    oar_status st = oar_pb_read_varint(&r, &v, &err);
    CHECK(st == OAR_OK && v == ok[i].value && r.pos == ok[i].n,
          "varint case %zu: status %d value %llu pos %zu (%s)", i, st, (unsigned long long)v, r.pos, err.msg);
    /* Every proper prefix is truncated. */
    for (size_t len = 0; len < ok[i].n; len++) {
      r = reader(ok[i].bytes, len);
      st = oar_pb_read_varint(&r, &v, &err);
      CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset 0") && strstr(err.msg, "varint"),
            "varint case %zu cut to %zu bytes: status %d, message '%s'", i, len, st, err.msg);
    }
  }
  printf("ok: %zu varints incl. 10-byte negatives decode; every prefix reports truncation at offset 0\n",
         sizeof ok / sizeof ok[0]);

  /* 10th byte with more than bit 63, and 11-byte varints, do not fit. */
  const uint8_t too_big[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  const uint8_t too_long[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00};
  oar_error err = {0};
  uint64_t v;
  oar_pb_reader r = reader(too_big, sizeof too_big);
  CHECK(oar_pb_read_varint(&r, &v, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "longer than 64 bits"),
        "10th byte 0x02: '%s'", err.msg);
  r = reader(too_long, sizeof too_long);
  CHECK(oar_pb_read_varint(&r, &v, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "longer than 64 bits"),
        "11-byte varint: '%s'", err.msg);
  printf("ok: varints longer than 64 bits are rejected: %s\n", err.msg);
}

/* ---- fixed widths -------------------------------------------------------- */

static void test_fixed(void) {
  const uint8_t d[] = {0x78, 0x56, 0x34, 0x12, 0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
  oar_pb_reader r = reader(d, sizeof d);
  uint32_t a = 0;
  uint64_t b = 0;
  oar_error err = {0};
  CHECK(oar_pb_read_fixed32(&r, &a, &err) == OAR_OK && a == 0x12345678u, "fixed32 0x%08x", a);
  CHECK(oar_pb_read_fixed64(&r, &b, &err) == OAR_OK && b == 0x0123456789ABCDEFull, "fixed64 0x%016llx",
        (unsigned long long)b);
  CHECK(oar_pb_at_end(&r), "fixed values consume 12 bytes");
  for (size_t len = 0; len < 4; len++) {
    r = reader(d, len);
    CHECK(oar_pb_read_fixed32(&r, &a, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "fixed32"),
          "fixed32 from %zu bytes: '%s'", len, err.msg);
    CHECK(r.pos == 0, "a failed read consumes nothing");
  }
  for (size_t len = 0; len < 8; len++) {
    r = reader(d, len);
    CHECK(oar_pb_read_fixed64(&r, &b, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "fixed64"),
          "fixed64 from %zu bytes: '%s'", len, err.msg);
  }
  /* Offsets in messages count from the start of the whole buffer. */
  r = reader(d, sizeof d);
  r.pos = 10;
  CHECK(oar_pb_read_fixed32(&r, &a, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset 10") &&
            strstr(err.msg, "only 2 bytes left"),
        "fixed32 at offset 10: '%s'", err.msg);
  printf("ok: fixed32/fixed64 little-endian, truncation at each length: %s\n", err.msg);
}

/* ---- tags ----------------------------------------------------------------- */

static void test_tags(void) {
  oar_error err = {0};
  uint32_t field;
  oar_pb_wire wire;
  const uint8_t t1[] = {0x0A};                          /* field 1, len */
  const uint8_t t2[] = {0x82, 0x01};                    /* field 16, len */
  const uint8_t big[] = {0xF8, 0xFF, 0xFF, 0xFF, 0x0F}; /* field 2^29-1, varint */
  oar_pb_reader r = reader(t1, sizeof t1);
  CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_OK && field == 1 && wire == OAR_PB_LEN, "tag 0x0A");
  r = reader(t2, sizeof t2);
  CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_OK && field == 16 && wire == OAR_PB_LEN, "tag 82 01");
  r = reader(big, sizeof big);
  CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_OK && field == 0x1FFFFFFF && wire == OAR_PB_VARINT,
        "largest field number: %u (%s)", field, err.msg);

  const uint8_t zero[] = {0x02};                         /* field 0 */
  const uint8_t w6[] = {0x0E}, w7[] = {0x0F};            /* wire types 6, 7 */
  const uint8_t huge[] = {0x80, 0x80, 0x80, 0x80, 0x10}; /* field 2^29 */
  const uint8_t *bad[] = {zero, w6, w7, huge};
  size_t bad_n[] = {1, 1, 1, 5};
  const char *expect[] = {"invalid field number 0", "invalid wire type 6", "invalid wire type 7",
                          "invalid field number 536870912"};
  for (int i = 0; i < 4; i++) {
    r = reader(bad[i], bad_n[i]);
    CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, expect[i]) &&
              strstr(err.msg, "byte offset 0"),
          "bad tag %d: '%s'", i, err.msg);
  }
  r = reader(t1, 0);
  CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "field key"),
        "tag from no bytes: '%s'", err.msg);
  printf("ok: tags (field 1, 16, 2^29-1) decode; field 0, 2^29, wire types 6/7 and empty input fail\n");
}

/* ---- length-delimited and sub-messages ------------------------------------ */

static void test_bytes(void) {
  oar_error err = {0};
  const uint8_t d[] = {0x03, 'a', 'b', 'c', 0x05, 'x'};
  oar_pb_reader r = reader(d, sizeof d);
  const uint8_t *p;
  size_t n;
  CHECK(oar_pb_read_bytes(&r, &p, &n, &err) == OAR_OK && n == 3 && memcmp(p, "abc", 3) == 0 && r.pos == 4,
        "bytes 'abc'");
  CHECK(oar_pb_read_bytes(&r, &p, &n, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset 4") &&
            strstr(err.msg, "5 bytes follow") && strstr(err.msg, "only 1"),
        "length past the end: '%s'", err.msg);
  /* A huge length (2^64-1) must not wrap around. */
  const uint8_t huge[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 'a'};
  r = reader(huge, sizeof huge);
  CHECK(oar_pb_read_bytes(&r, &p, &n, &err) == OAR_ERR_INVALID_MODEL, "length 2^64-1: '%s'", err.msg);

  /* Sub-message bounds: reading past the sub-message end fails even when the
   * outer buffer has more bytes, and offsets stay absolute. */
  const uint8_t outer[] = {0x0A, 0x02, 0x08, 0x96, 0x01, 0x10, 0x01};
  r = reader(outer, sizeof outer);
  uint32_t field;
  oar_pb_wire wire;
  oar_pb_reader sub;
  CHECK(oar_pb_read_tag(&r, &field, &wire, &err) == OAR_OK, "outer tag");
  CHECK(oar_pb_read_message(&r, &sub, &err) == OAR_OK && sub.pos == 2 && sub.end == 4 && sub.depth == 1,
        "sub-message spans [2, 4)");
  CHECK(oar_pb_read_tag(&sub, &field, &wire, &err) == OAR_OK && field == 1 && wire == OAR_PB_VARINT,
        "inner tag");
  uint64_t v;
  CHECK(oar_pb_read_varint(&sub, &v, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset 3") &&
            strstr(err.msg, "ending at offset 4"),
        "varint cut by the sub-message end: '%s'", err.msg);
  printf("ok: length-delimited fields and sub-messages are bounded: %s\n", err.msg);

  /* Nesting deeper than OAR_PB_MAX_DEPTH is refused. */
  /* Each level: key 0x0A and a two-byte length of everything inside. */
  uint8_t nest[3 * (OAR_PB_MAX_DEPTH + 2)];
  size_t levels = OAR_PB_MAX_DEPTH + 2;
  for (size_t i = 0; i < levels; i++) {
    size_t inside = 3 * (levels - i - 1);
    nest[3 * i] = 0x0A;
    nest[3 * i + 1] = (uint8_t)(0x80 | (inside & 0x7f));
    nest[3 * i + 2] = (uint8_t)(inside >> 7);
  }
  r = reader(nest, sizeof nest);
  oar_status st = OAR_OK;
  int depth = 0;
  while (st == OAR_OK && !oar_pb_at_end(&r)) {
    st = oar_pb_read_tag(&r, &field, &wire, &err);
    if (st == OAR_OK) st = oar_pb_read_message(&r, &sub, &err);
    if (st == OAR_OK) {
      r = sub;
      depth++;
    }
  }
  CHECK(st == OAR_ERR_INVALID_MODEL && depth == OAR_PB_MAX_DEPTH && strstr(err.msg, "nests deeper"),
        "depth limit: reached %d, '%s'", depth, err.msg);
  printf("ok: nesting is limited to %d levels\n", OAR_PB_MAX_DEPTH);
}

/* ---- skipping -------------------------------------------------------------- */

/* Skips every field of d; returns the status. */
static oar_status skip_all(const uint8_t *d, size_t n, oar_error *err) {
  oar_pb_reader r = reader(d, n);
  while (!oar_pb_at_end(&r)) {
    uint32_t field;
    oar_pb_wire wire;
    OAR_TRY(oar_pb_read_tag(&r, &field, &wire, err));
    OAR_TRY(oar_pb_skip(&r, field, wire, err));
  }
  return OAR_OK;
}

static void test_skip(void) {
  oar_error err = {0};
  /* One field of every wire type, including a group holding a nested group
   * and fields of every other type. */
  const uint8_t all[] = {
      0x08, 0x96, 0x01,                         /* 1: varint 150 */
      0x11, 1,    2,    3,    4,    5, 6, 7, 8, /* 2: i64 */
      0x1A, 0x03, 'a',  'b',  'c',              /* 3: len */
      0x25, 1,    2,    3,    4,                /* 4: i32 */
      0x2B,                                     /* 5: start group */
      0x08, 0x01, 0x12, 0x00, 0x1D, 0, 0, 0, 0, /*    fields inside */
      0x33, 0x08, 0x02, 0x34,                   /*    group 6 nested */
      0x2C,                                     /* 5: end group */
      0x38, 0x00,                               /* 7: varint 0 */
  };
  CHECK(skip_all(all, sizeof all, &err) == OAR_OK, "skip every wire type: '%s'", err.msg);
  int errors = 0;
  for (size_t len = 0; len < sizeof all; len++) {
    oar_status st = skip_all(all, len, &err);
    /* Some prefixes end on a field boundary and are valid. */
    if (st != OAR_OK) {
      errors++;
      CHECK(st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset"), "prefix %zu: status %d '%s'", len,
            st, err.msg);
    }
  }
  CHECK(errors > 20, "most prefixes of the skip buffer are errors (%d)", errors);
  printf("ok: skipping varint, i64, len, i32 and (nested) groups; %d of %zu prefixes fail cleanly\n", errors,
         sizeof all);

  const uint8_t stray_end[] = {0x0C};              /* end group of field 1, no start */
  const uint8_t wrong_end[] = {0x0B, 0x14};        /* start 1, end 2 */
  const uint8_t open_group[] = {0x0B, 0x08, 0x01}; /* start 1, never closed */
  CHECK(skip_all(stray_end, 1, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "no matching start"),
        "stray end group: '%s'", err.msg);
  CHECK(skip_all(wrong_end, 2, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "closes field #2, expected #1"),
        "mismatched end group: '%s'", err.msg);
  CHECK(skip_all(open_group, 3, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "no end-group"),
        "unterminated group: '%s'", err.msg);
  /* Deeply nested groups hit the depth limit instead of the C stack. */
  uint8_t deep[2 * 200];
  for (int i = 0; i < 200; i++) {
    deep[i] = 0x0B;
    deep[200 + i] = 0x0C;
  }
  CHECK(skip_all(deep, sizeof deep, &err) == OAR_ERR_INVALID_MODEL && strstr(err.msg, "nests deeper"),
        "200 nested groups: '%s'", err.msg);
  printf("ok: stray, mismatched, unterminated and too deep groups are errors\n");
}

/* ---- repeated scalars -------------------------------------------------------- */

static oar_status read_field(const uint8_t *d, size_t n, oar_pb_wire elem, oar_pb_u64s *out, oar_error *err) {
  oar_pb_reader r = reader(d, n);
  while (!oar_pb_at_end(&r)) {
    uint32_t field;
    oar_pb_wire wire;
    size_t tag_pos = r.pos;
    OAR_TRY(oar_pb_read_tag(&r, &field, &wire, err));
    OAR_TRY(oar_pb_read_repeated(&r, field, "values", tag_pos, wire, elem, out, err));
  }
  return OAR_OK;
}

static void test_repeated(void) {
  oar_error err = {0};
  oar_pb_u64s v = {0};
  /* Unpacked 1, packed {2, 300, -1}, unpacked 4: one field, both forms. */
  const uint8_t ints[] = {0x30, 0x01, 0x32, 0x0D, 0x02, 0xAC, 0x02, 0xFF, 0xFF, 0xFF,
                          0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x30, 0x04};
  CHECK(read_field(ints, sizeof ints, OAR_PB_VARINT, &v, &err) == OAR_OK && v.n == 5 && v.v[0] == 1 &&
            v.v[1] == 2 && v.v[2] == 300 && (int64_t)v.v[3] == -1 && v.v[4] == 4,
        "mixed packed/unpacked varints: n=%zu (%s)", v.n, err.msg);
  oar_pb_u64s_free(&v);

  float f[3] = {1.5f, -2.0f, 0.25f};
  uint8_t floats[2 + 12 + 5];
  floats[0] = 0x3A;
  floats[1] = 12;
  memcpy(floats + 2, f, 12);
  floats[14] = 0x3D;
  memcpy(floats + 15, &f[0], 4);
  CHECK(read_field(floats, sizeof floats, OAR_PB_I32, &v, &err) == OAR_OK && v.n == 4, "floats: n=%zu (%s)",
        v.n, err.msg);
  for (size_t i = 0; i < v.n && i < 4; i++) {
    uint32_t bits = (uint32_t)v.v[i];
    float x;
    memcpy(&x, &bits, 4);
    CHECK(x == f[i % 3], "float %zu = %g", i, (double)x);
  }
  oar_pb_u64s_free(&v);

  double dd[2] = {3.25, -1e300};
  uint8_t doubles[3 + 16];
  doubles[0] = 0x82;
  doubles[1] = 0x01;
  doubles[2] = 16;
  memcpy(doubles + 3, dd, 16);
  CHECK(read_field(doubles, sizeof doubles, OAR_PB_I64, &v, &err) == OAR_OK && v.n == 2, "doubles (%s)",
        err.msg);
  for (size_t i = 0; i < v.n; i++) {
    double x;
    memcpy(&x, &v.v[i], 8);
    CHECK(x == dd[i], "double %zu = %g", i, x);
  }
  oar_pb_u64s_free(&v);
  printf("ok: repeated varint/i32/i64, packed and unpacked in one field\n");

  /* Packed fixed-width runs must be whole values. */
  const uint8_t ragged[] = {0x3A, 0x05, 1, 2, 3, 4, 5};
  CHECK(read_field(ragged, sizeof ragged, OAR_PB_I32, &v, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "not a whole number of 4-byte values") && strstr(err.msg, "'values'"),
        "ragged packed floats: '%s'", err.msg);
  oar_pb_u64s_free(&v);
  /* A truncated varint inside a packed run. */
  const uint8_t cut[] = {0x32, 0x02, 0x01, 0x80};
  CHECK(read_field(cut, sizeof cut, OAR_PB_VARINT, &v, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "byte offset 3") && strstr(err.msg, "varint"),
        "packed run ending mid-varint: '%s'", err.msg);
  oar_pb_u64s_free(&v);
  /* Wrong wire type for the element. */
  const uint8_t wrong[] = {0x35, 0, 0, 0, 0};
  CHECK(read_field(wrong, sizeof wrong, OAR_PB_VARINT, &v, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "expected wire type varint or packed (len), found i32") &&
            strstr(err.msg, "byte offset 0"),
        "i32 for a varint field: '%s'", err.msg);
  oar_pb_u64s_free(&v);
  for (size_t len = 0; len < sizeof ints; len++) {
    oar_status st = read_field(ints, len, OAR_PB_VARINT, &v, &err);
    CHECK(st == OAR_OK || (st == OAR_ERR_INVALID_MODEL && strstr(err.msg, "byte offset")),
          "ints prefix %zu: '%s'", len, err.msg);
    oar_pb_u64s_free(&v);
  }
  printf("ok: ragged packed runs, cut varints and wrong wire types are errors naming the field\n");

  CHECK(oar_pb_check_wire(4, "f", 17, OAR_PB_VARINT, OAR_PB_I32, &err) == OAR_ERR_INVALID_MODEL &&
            strcmp(err.msg,
                   "protobuf field 'f' (#4) at byte offset 17: expected wire type i32, found varint") == 0,
        "check_wire message: '%s'", err.msg);
  printf("ok: wire type mismatch message: %s\n", err.msg);
}

int main(void) {
  test_varints();
  test_fixed();
  test_tags();
  test_bytes();
  test_skip();
  test_repeated();
  printf("%s: %d checks, %d failures\n", failures ? "FAILED" : "PASSED", checks, failures);
  return failures ? 1 : 0;
}
