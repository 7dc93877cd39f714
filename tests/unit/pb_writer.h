/* Test helper: a minimal protobuf writer (wire format only), shared by the
 * tests that build Paddle programs, tensor records and ONNX models by hand
 * so they need no Python and no fixture files. */
#ifndef OAR_TESTS_PB_WRITER_H
#define OAR_TESTS_PB_WRITER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pb {
  uint8_t *b;
  size_t n, cap;
} pb;

static inline void pb_put(pb *p, const void *d, size_t n) {
  if (p->n + n > p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 256;
    while (cap < p->n + n) cap *= 2;
    uint8_t *b = realloc(p->b, cap);
    if (!b) {
      fprintf(stderr, "test out of memory\n");
      exit(2);
    }
    p->b = b;
    p->cap = cap;
  }
  if (n) memcpy(p->b + p->n, d, n);
  p->n += n;
}
static inline void pb_varint(pb *p, uint64_t v) {
  uint8_t buf[10];
  size_t k = 0;
  do {
    buf[k] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) buf[k] |= 0x80;
    k++;
  } while (v);
  pb_put(p, buf, k);
}
static inline void pb_tag(pb *p, int field, int wire) {
  pb_varint(p, ((uint64_t)field << 3) | (uint64_t)wire);
}
static inline void pb_int(pb *p, int field, int64_t v) {
  pb_tag(p, field, 0);
  pb_varint(p, (uint64_t)v);
}
static inline void pb_bytes(pb *p, int field, const void *d, size_t n) {
  pb_tag(p, field, 2);
  pb_varint(p, n);
  pb_put(p, d, n);
}
static inline void pb_str(pb *p, int field, const char *s) { pb_bytes(p, field, s, strlen(s)); }
/* Appends `sub` as a length-delimited field and frees it. */
static inline void pb_msg(pb *p, int field, pb *sub) {
  pb_bytes(p, field, sub->b, sub->n);
  free(sub->b);
  memset(sub, 0, sizeof *sub);
}
static inline void pb_float(pb *p, int field, float f) {
  pb_tag(p, field, 5);
  pb_put(p, &f, 4);
}
static inline void pb_double(pb *p, int field, double f) {
  pb_tag(p, field, 1);
  pb_put(p, &f, 8);
}

/* A Paddle dense tensor record (spec 2.3) without LoD: LoD-tensor version,
 * LoD level count, tensor version, TensorDesc (dtype, dims), raw data. */
static inline void pb_dense_record(pb *p, int dtype, const int64_t *dims, int rank, const void *data,
                                   size_t bytes) {
  const uint8_t zero[8] = {0};
  pb_put(p, zero, 4);
  pb_put(p, zero, 8);
  pb_put(p, zero, 4);
  pb td = {0};
  pb_int(&td, 1, dtype);
  for (int i = 0; i < rank; i++) pb_int(&td, 2, dims[i]);
  uint32_t size = (uint32_t)td.n;
  pb_put(p, &size, 4);
  pb_put(p, td.b, td.n);
  free(td.b);
  pb_put(p, data, bytes);
}

#endif
