/* The fixture the consumer programs run: a model directory with in_x.npy
 * (float32 input) and out_softmax_0.tmp_0.npy (Paddle's float32 output).
 * Plain C, included by the C and C++ programs alike. */
#ifndef CONSUMER_FIXTURE_H
#define CONSUMER_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int rank;
  int64_t dims[8];
  size_t count;
  float *data;
} fixture_array;

/* Reads a little-endian float32 .npy file (format 1.0, C order). */
static int fixture_load(const char *dir, const char *name, fixture_array *out) {
  char path[4096], header[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  unsigned char pre[10];
  if (!f || fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY\x01", 7) != 0) {
    fprintf(stderr, "%s: not an .npy file\n", path);
    if (f) fclose(f);
    return 1;
  }
  size_t header_len = (size_t)pre[8] | (size_t)pre[9] << 8;
  if (header_len >= sizeof header || fread(header, 1, header_len, f) != header_len) {
    fclose(f);
    return 1;
  }
  header[header_len] = 0;
  const char *shape = strstr(header, "'shape': (");
  if (!strstr(header, "'<f4'") || !shape) {
    fprintf(stderr, "%s: float32 only\n", path);
    fclose(f);
    return 1;
  }
  out->rank = 0;
  out->count = 1;
  for (char *p = (char *)shape + 10; *p != ')' && out->rank < 8;) {
    long long d = strtoll(p, &p, 10);
    out->dims[out->rank++] = d;
    out->count *= (size_t)d;
    while (*p == ',' || *p == ' ') p++;
  }
  out->data = (float *)malloc(out->count * sizeof(float));
  size_t got = fread(out->data, sizeof(float), out->count, f);
  fclose(f);
  return got == out->count ? 0 : 1;
}

/* Compares with Paddle's output (absolute tolerance 1e-5 on softmax
 * scores) and prints one line; returns the exit code. */
static int fixture_check(const char *who, const float *got, const fixture_array *want) {
  double worst = 0;
  for (size_t i = 0; i < want->count; i++) {
    double d = (double)got[i] - (double)want->data[i];
    if (d < 0) d = -d;            /* no fabs: the README's compile lines need no -lm */
    if (!(d <= worst)) worst = d; /* NaN counts as worst */
  }
  int ok = worst <= 1e-5;
  printf("%s: %zu scores, max |oar - paddle| = %.3g: %s\n", who, want->count, worst, ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}

#endif
