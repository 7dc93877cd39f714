/* HTTP Content-Encoding for infer requests and responses (serving-protocol.md
 * 5.7): "gzip" is the gzip container, "deflate" the zlib container (RFC
 * 1950), as tritonclient and Triton use them. Without zlib at configure time
 * requests in either coding are answered 501 and responses go uncompressed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve.h"

#ifdef OAR_SERVE_HAVE_ZLIB
#include <zlib.h>
#endif

int serve_coding_supported(const char *coding) {
#ifdef OAR_SERVE_HAVE_ZLIB
  return strcasecmp(coding, "gzip") == 0 || strcasecmp(coding, "deflate") == 0;
#else
  (void)coding;
  return 0;
#endif
}

int serve_inflate(const char *in, size_t n, uint64_t max_out, serve_buf *out, char *err, size_t err_size) {
#ifdef OAR_SERVE_HAVE_ZLIB
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 | 32) != Z_OK) { /* gzip or zlib header, detected */
    snprintf(err, err_size, "out of memory");
    return 500;
  }
  z.next_in = (Bytef *)(uintptr_t)in;
  int rc = Z_OK;
  char chunk[65536];
  size_t left = n;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0) {
      if (left == 0) break;
      uInt take = left > (1u << 30) ? (1u << 30) : (uInt)left;
      z.avail_in = take;
      left -= take;
    }
    z.next_out = (Bytef *)chunk;
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
    size_t got = sizeof chunk - z.avail_out;
    if (got > max_out - out->len) {
      inflateEnd(&z);
      snprintf(err, err_size, "decompressed request body is larger than the server's limit of %llu bytes",
               (unsigned long long)max_out);
      return 400;
    }
    serve_buf_put(out, chunk, got);
    if (rc == Z_BUF_ERROR && got == 0 && z.avail_in == 0 && left == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END || z.avail_in != 0 || left != 0) {
    snprintf(err, err_size, "failed to decompress the request body (%s)",
             z.msg ? z.msg : "truncated or corrupt");
    return 400;
  }
  if (out->oom) {
    snprintf(err, err_size, "out of memory");
    return 500;
  }
  return 200;
#else
  (void)in, (void)n, (void)max_out, (void)out;
  snprintf(err, err_size, "Unsupported compression type");
  return 501;
#endif
}

int serve_pick_coding(const char *accept) {
  int best = SERVE_CODING_IDENTITY;
  double best_q = 0;
  if (accept == NULL) return best;
  const char *p = accept;
  while (*p) {
    while (*p == ' ' || *p == ',') p++;
    const char *tok = p;
    while (*p && *p != ',' && *p != ';' && *p != ' ') p++;
    size_t len = (size_t)(p - tok);
    double q = 1.0;
    while (*p && *p != ',') {
      if (*p == ';') {
        const char *v = strstr(p, "q=");
        const char *comma = strchr(p, ',');
        if (v && (!comma || v < comma)) q = strtod(v + 2, NULL);
      }
      p++;
    }
    int coding = -1;
    if (len == 8 && strncasecmp(tok, "identity", 8) == 0) coding = SERVE_CODING_IDENTITY;
    if (len == 7 && strncasecmp(tok, "deflate", 7) == 0) coding = SERVE_CODING_DEFLATE;
    if (len == 4 && strncasecmp(tok, "gzip", 4) == 0) coding = SERVE_CODING_GZIP;
    if (coding >= 0 && q > best_q && (coding == SERVE_CODING_IDENTITY || serve_coding_supported(tok))) {
      best = coding;
      best_q = q;
    }
  }
  return best;
}

int serve_deflate(const char *in, size_t n, int coding, serve_buf *out) {
#ifdef OAR_SERVE_HAVE_ZLIB
  z_stream z;
  memset(&z, 0, sizeof z);
  int bits = coding == SERVE_CODING_GZIP ? 15 | 16 : 15;
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  uLong bound = deflateBound(&z, (uLong)n);
  serve_buf_put(out, NULL, 0);
  char *dst = malloc(bound ? bound : 1);
  if (dst == NULL) {
    deflateEnd(&z);
    return -1;
  }
  z.next_in = (Bytef *)(uintptr_t)in;
  z.avail_in = (uInt)n;
  z.next_out = (Bytef *)dst;
  z.avail_out = (uInt)bound;
  int rc = (n <= (1u << 30)) ? deflate(&z, Z_FINISH) : Z_STREAM_ERROR;
  if (rc == Z_STREAM_END) serve_buf_put(out, dst, bound - z.avail_out);
  free(dst);
  deflateEnd(&z);
  return rc == Z_STREAM_END && !out->oom ? 0 : -1;
#else
  (void)in, (void)n, (void)coding, (void)out;
  return -1;
#endif
}
