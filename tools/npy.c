/* .npy reading and writing; see npy.h for the contract.
 *
 * Format (numpy/lib/format.py): "\x93NUMPY", major, minor, a little-endian
 * header length (2 bytes in 1.0, 4 bytes in 2.0 and 3.0), then the header: a
 * Python dict literal with exactly the keys 'descr', 'fortran_order' and
 * 'shape', padded with spaces and ended by '\n'. The raw array follows. */
#include "npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* A well-formed header for rank <= 8 is under 200 bytes; anything this large
 * is a corrupt or hostile file, refused before allocating for it. */
#define NPY_MAX_HEADER_LEN (1u << 20)
#define NPY_ALIGN 64

typedef struct npy_type {
  const char *code; /* descr without the byte-order character */
  oar_dtype dtype;
  size_t size;
} npy_type;

static const npy_type kNpyTypes[] = {
    {"f4", OAR_DTYPE_FLOAT32, 4}, {"i4", OAR_DTYPE_INT32, 4},   {"i8", OAR_DTYPE_INT64, 8},
    {"u1", OAR_DTYPE_UINT8, 1},   {"i1", OAR_DTYPE_INT8, 1},    {"b1", OAR_DTYPE_BOOL, 1},
    {"f8", OAR_DTYPE_FLOAT64, 8}, {"f2", OAR_DTYPE_FLOAT16, 2}, {"i2", OAR_DTYPE_INT16, 2},
};
#define NPY_TYPE_COUNT (sizeof(kNpyTypes) / sizeof(kNpyTypes[0]))

static void set_err(char *err, size_t errlen, const char *name, const char *fmt, ...) OAR_PRINTF_FMT(4, 5);

static void set_err(char *err, size_t errlen, const char *name, const char *fmt, ...) {
  if (err == NULL || errlen == 0) return;
  int n = snprintf(err, errlen, "%s: ", name ? name : "(npy)");
  if (n < 0 || (size_t)n >= errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
  va_end(ap);
}

static int host_is_little_endian(void) {
  const uint16_t probe = 1;
  uint8_t first;
  memcpy(&first, &probe, 1);
  return first == 1;
}

static const npy_type *type_by_dtype(oar_dtype dtype) {
  for (size_t i = 0; i < NPY_TYPE_COUNT; i++) {
    if (kNpyTypes[i].dtype == dtype) return &kNpyTypes[i];
  }
  return NULL;
}

size_t oar_npy_dtype_size(oar_dtype dtype) {
  const npy_type *t = type_by_dtype(dtype);
  return t ? t->size : 0;
}

int oar_npy_element_count(size_t rank, const int64_t *dims, size_t *count) {
  size_t n = 1;
  if (rank > OAR_MAX_RANK) return -1;
  for (size_t i = 0; i < rank; i++) {
    if (dims[i] < 0) return -1;
    if ((uint64_t)dims[i] > SIZE_MAX) return -1;
    size_t d = (size_t)dims[i];
    if (d != 0 && n > SIZE_MAX / d) return -1;
    n *= d;
  }
  *count = n;
  return 0;
}

char *oar_npy_shape_string(size_t rank, const int64_t *dims, char *buf, size_t buflen) {
  if (buf == NULL || buflen == 0) return buf;
  size_t pos = 0;
  buf[0] = '\0';
  int n = snprintf(buf, buflen, "[");
  if (n < 0) return buf;
  pos = (size_t)n;
  for (size_t i = 0; i < rank && i < OAR_MAX_RANK && pos < buflen; i++) {
    n = snprintf(buf + pos, buflen - pos, "%s%" PRId64, i ? ", " : "", dims[i]);
    if (n < 0) return buf;
    pos += (size_t)n;
  }
  if (pos < buflen) {
    n = snprintf(buf + pos, buflen - pos, "]");
    if (n > 0) pos += (size_t)n;
  }
  if (pos >= buflen && buflen >= 4) memcpy(buf + buflen - 4, "...", 4);
  return buf;
}

void oar_npy_free(oar_npy *npy) {
  if (npy == NULL) return;
  free(npy->data);
  memset(npy, 0, sizeof(*npy));
}

/* ---- header parsing ------------------------------------------------------ */

typedef struct cursor {
  const char *s;
  size_t n;
  size_t pos;
} cursor;

static void skip_ws(cursor *c) {
  while (c->pos < c->n &&
         (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' || c->s[c->pos] == '\n' || c->s[c->pos] == '\r')) {
    c->pos++;
  }
}

static int peek(const cursor *c) { return c->pos < c->n ? (unsigned char)c->s[c->pos] : -1; }

static int accept_char(cursor *c, char ch) {
  skip_ws(c);
  if (peek(c) == (unsigned char)ch) {
    c->pos++;
    return 1;
  }
  return 0;
}

/* A quoted string without escapes (numpy never writes any in these fields). */
static int parse_string(cursor *c, char *out, size_t outlen) {
  skip_ws(c);
  int q = peek(c);
  if (q != '\'' && q != '"') return -1;
  c->pos++;
  size_t len = 0;
  while (c->pos < c->n && c->s[c->pos] != (char)q) {
    if (c->s[c->pos] == '\\' || len + 1 >= outlen) return -1;
    out[len++] = c->s[c->pos++];
  }
  if (c->pos >= c->n) return -1;
  c->pos++;
  out[len] = '\0';
  return 0;
}

static int accept_word(cursor *c, const char *word) {
  skip_ws(c);
  size_t len = strlen(word);
  if (c->n - c->pos < len || memcmp(c->s + c->pos, word, len) != 0) return 0;
  /* "Trueish" is not True. */
  if (c->pos + len < c->n) {
    char next = c->s[c->pos + len];
    if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '_') return 0;
  }
  c->pos += len;
  return 1;
}

typedef struct npy_header {
  oar_dtype dtype;
  size_t elem_size;
  size_t rank;
  int64_t dims[OAR_MAX_RANK];
} npy_header;

static int parse_descr(cursor *c, const char *name, npy_header *h, char *err, size_t errlen) {
  char descr[32];
  skip_ws(c);
  if (peek(c) == '[') {
    set_err(err, errlen, name, "structured dtypes (a list as 'descr') are not supported");
    return -1;
  }
  if (parse_string(c, descr, sizeof(descr)) != 0) {
    set_err(err, errlen, name, "header 'descr' is not a short quoted string");
    return -1;
  }
  char order = descr[0];
  const char *code = descr + 1;
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    set_err(err, errlen, name, "dtype '%s' has no byte-order character ('<', '>' or '|')", descr);
    return -1;
  }
  for (size_t i = 0; i < NPY_TYPE_COUNT; i++) {
    if (strcmp(kNpyTypes[i].code, code) != 0) continue;
    if (kNpyTypes[i].size > 1 && order == '>') {
      set_err(err, errlen, name, "big-endian dtype '%s' is not supported; save with '<%s'", descr, code);
      return -1;
    }
    if (kNpyTypes[i].size > 1 && order == '|') {
      set_err(err, errlen, name, "dtype '%s' has no byte order but needs one", descr);
      return -1;
    }
    if (kNpyTypes[i].size > 1 && order == '=' && !host_is_little_endian()) {
      set_err(err, errlen, name, "native-order dtype '%s' on a big-endian host is not supported", descr);
      return -1;
    }
    h->dtype = kNpyTypes[i].dtype;
    h->elem_size = kNpyTypes[i].size;
    return 0;
  }
  set_err(err, errlen, name,
          "dtype '%s' is not supported (supported: float32 '<f4', float64 '<f8', float16 '<f2', int64 "
          "'<i8', int32 '<i4', int16 '<i2', int8 '|i1', uint8 '|u1', bool '|b1')",
          descr);
  return -1;
}

static int parse_shape(cursor *c, const char *name, npy_header *h, char *err, size_t errlen) {
  if (!accept_char(c, '(')) {
    set_err(err, errlen, name, "header 'shape' is not a tuple");
    return -1;
  }
  size_t rank = 0;
  int saw_comma = 0;
  for (;;) {
    skip_ws(c);
    if (accept_char(c, ')')) break;
    if (rank > 0 && !saw_comma) {
      set_err(err, errlen, name, "header 'shape' lacks a comma between dimensions");
      return -1;
    }
    if (peek(c) == '-') {
      set_err(err, errlen, name, "header 'shape' has a negative dimension");
      return -1;
    }
    if (peek(c) < '0' || peek(c) > '9') {
      set_err(err, errlen, name, "header 'shape' holds something other than integers");
      return -1;
    }
    uint64_t v = 0;
    while (peek(c) >= '0' && peek(c) <= '9') {
      unsigned digit = (unsigned)(peek(c) - '0');
      if (v > ((uint64_t)INT64_MAX - digit) / 10) {
        set_err(err, errlen, name, "header 'shape' has a dimension larger than 2^63-1");
        return -1;
      }
      v = v * 10 + digit;
      c->pos++;
    }
    if (peek(c) == 'L') c->pos++; /* Python 2 long literal */
    if (rank >= OAR_MAX_RANK) {
      set_err(err, errlen, name, "array has more than %d dimensions", OAR_MAX_RANK);
      return -1;
    }
    h->dims[rank++] = (int64_t)v;
    saw_comma = accept_char(c, ',');
    if (!saw_comma && peek(c) != ')' && (peek(c) < '0' || peek(c) > '9')) {
      set_err(err, errlen, name, "header 'shape' holds something other than integers");
      return -1;
    }
  }
  if (rank == 1 && !saw_comma) {
    set_err(err, errlen, name,
            "header 'shape' (%" PRId64 ") is not a tuple; a 1-D shape is written (%" PRId64 ",)", h->dims[0],
            h->dims[0]);
    return -1;
  }
  h->rank = rank;
  return 0;
}

/* Parses the dict literal; all three keys exactly once, no others (as numpy
 * itself requires). */
static int parse_dict(const char *text, size_t n, const char *name, npy_header *h, char *err, size_t errlen) {
  cursor c = {text, n, 0};
  int have_descr = 0, have_order = 0, have_shape = 0;
  if (!accept_char(&c, '{')) {
    set_err(err, errlen, name, "header does not start with '{'");
    return -1;
  }
  for (;;) {
    if (accept_char(&c, '}')) break;
    char key[32];
    if (parse_string(&c, key, sizeof(key)) != 0) {
      set_err(err, errlen, name, "header key is not a short quoted string (at byte %zu)", c.pos);
      return -1;
    }
    if (!accept_char(&c, ':')) {
      set_err(err, errlen, name, "header has no ':' after key '%s'", key);
      return -1;
    }
    if (strcmp(key, "descr") == 0) {
      if (have_descr++) goto duplicate;
      if (parse_descr(&c, name, h, err, errlen) != 0) return -1;
    } else if (strcmp(key, "fortran_order") == 0) {
      if (have_order++) goto duplicate;
      if (accept_word(&c, "True")) {
        set_err(err, errlen, name,
                "array is stored in Fortran order; only C order is supported (save it with "
                "numpy.ascontiguousarray)");
        return -1;
      }
      if (!accept_word(&c, "False")) {
        set_err(err, errlen, name, "header 'fortran_order' is neither True nor False");
        return -1;
      }
    } else if (strcmp(key, "shape") == 0) {
      if (have_shape++) goto duplicate;
      if (parse_shape(&c, name, h, err, errlen) != 0) return -1;
    } else {
      set_err(err, errlen, name, "header has unexpected key '%s'", key);
      return -1;
    }
    if (accept_char(&c, ',')) continue;
    if (accept_char(&c, '}')) break;
    set_err(err, errlen, name, "header has no ',' or '}' after key '%s'", key);
    return -1;
  duplicate:
    set_err(err, errlen, name, "header has key '%s' twice", key);
    return -1;
  }
  skip_ws(&c);
  if (c.pos != c.n) {
    set_err(err, errlen, name, "header has text after the closing '}'");
    return -1;
  }
  if (!have_descr || !have_order || !have_shape) {
    set_err(err, errlen, name, "header lacks '%s'",
            !have_descr   ? "descr"
            : !have_order ? "fortran_order"
                          : "shape");
    return -1;
  }
  return 0;
}

/* Checks magic and version; gives the header length and where data starts.
 * `pre` holds the first min(12, file_len) bytes. */
static int parse_preamble(const uint8_t *pre, uint64_t file_len, const char *name, size_t *header_len,
                          size_t *data_offset, char *err, size_t errlen) {
  if (file_len < NPY_MAGIC_LEN + 2 || memcmp(pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
    set_err(err, errlen, name, "not a .npy file (no \\x93NUMPY magic)");
    return -1;
  }
  unsigned major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0) {
    set_err(err, errlen, name, ".npy format version %u.%u is not supported (1.0, 2.0, 3.0 are)", major,
            minor);
    return -1;
  }
  size_t fixed = major == 1 ? 10 : 12;
  if (file_len < fixed) {
    set_err(err, errlen, name, "file ends inside the header length field (%" PRIu64 " bytes)", file_len);
    return -1;
  }
  uint32_t hlen = major == 1 ? (uint32_t)pre[8] | (uint32_t)pre[9] << 8
                             : (uint32_t)pre[8] | (uint32_t)pre[9] << 8 | (uint32_t)pre[10] << 16 |
                                   (uint32_t)pre[11] << 24;
  if (hlen > file_len - fixed) {
    set_err(err, errlen, name, "header length %" PRIu32 " runs past the end of the file (%" PRIu64 " bytes)",
            hlen, file_len);
    return -1;
  }
  if (hlen > NPY_MAX_HEADER_LEN) {
    set_err(err, errlen, name, "header length %" PRIu32 " is implausibly large (limit %u)", hlen,
            NPY_MAX_HEADER_LEN);
    return -1;
  }
  *header_len = hlen;
  *data_offset = fixed + hlen;
  return 0;
}

/* Parses the header text and checks the data size against what follows it. */
static int finish_header(const char *text, size_t hlen, uint64_t file_len, size_t data_offset,
                         const char *name, npy_header *h, size_t *bytes, char *err, size_t errlen) {
  for (size_t i = 0; i < hlen; i++) {
    if (text[i] == '\0') {
      set_err(err, errlen, name, "header contains a NUL byte");
      return -1;
    }
  }
  if (parse_dict(text, hlen, name, h, err, errlen) != 0) return -1;
  size_t count;
  char shape[160];
  if (oar_npy_element_count(h->rank, h->dims, &count) != 0 || count > SIZE_MAX / h->elem_size) {
    set_err(err, errlen, name, "shape %s is too large to address",
            oar_npy_shape_string(h->rank, h->dims, shape, sizeof(shape)));
    return -1;
  }
  uint64_t have = file_len - data_offset;
  size_t need = count * h->elem_size;
  if ((uint64_t)need != have) {
    set_err(err, errlen, name,
            "shape %s of %zu-byte elements needs %zu data bytes but the file holds %" PRIu64
            " bytes after its %zu-byte header",
            oar_npy_shape_string(h->rank, h->dims, shape, sizeof(shape)), h->elem_size, need, have,
            data_offset);
    return -1;
  }
  *bytes = need;
  return 0;
}

static void fill_out(oar_npy *out, const npy_header *h, void *data, size_t bytes) {
  out->dtype = h->dtype;
  out->rank = h->rank;
  for (size_t i = 0; i < h->rank; i++) out->dims[i] = h->dims[i];
  out->data = data;
  out->bytes = bytes;
}

int oar_npy_parse(const void *buf, size_t len, const char *name, oar_npy *out, char *err, size_t errlen) {
  if (out == NULL) return -1;
  memset(out, 0, sizeof(*out));
  if (buf == NULL && len != 0) {
    set_err(err, errlen, name, "no buffer");
    return -1;
  }
  const uint8_t *p = buf;
  uint8_t pre[12] = {0};
  memcpy(pre, p, len < sizeof(pre) ? len : sizeof(pre));
  size_t hlen, data_offset, bytes;
  npy_header h;
  memset(&h, 0, sizeof(h));
  if (parse_preamble(pre, len, name, &hlen, &data_offset, err, errlen) != 0) return -1;
  if (finish_header((const char *)p + (data_offset - hlen), hlen, len, data_offset, name, &h, &bytes, err,
                    errlen) != 0) {
    return -1;
  }
  void *data = malloc(bytes ? bytes : 1);
  if (data == NULL) {
    set_err(err, errlen, name, "out of memory for %zu data bytes", bytes);
    return -1;
  }
  if (bytes) memcpy(data, p + data_offset, bytes);
  fill_out(out, &h, data, bytes);
  return 0;
}

int oar_npy_read(const char *path, oar_npy *out, char *err, size_t errlen) {
  if (out == NULL) return -1;
  memset(out, 0, sizeof(*out));
  if (path == NULL) {
    set_err(err, errlen, "(null)", "no path");
    return -1;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    set_err(err, errlen, path, "cannot open: %s", strerror(errno));
    return -1;
  }
  char *text = NULL;
  void *data = NULL;
  long end;
  if (fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    set_err(err, errlen, path, "cannot determine the file size (not a regular file?)");
    goto fail;
  }
  uint64_t file_len = (uint64_t)end;
  uint8_t pre[12] = {0};
  size_t pre_len = file_len < sizeof(pre) ? (size_t)file_len : sizeof(pre);
  if (fread(pre, 1, pre_len, f) != pre_len) {
    set_err(err, errlen, path, "read error in the header");
    goto fail;
  }
  size_t hlen, data_offset, bytes;
  if (parse_preamble(pre, file_len, path, &hlen, &data_offset, err, errlen) != 0) goto fail;
  text = malloc(hlen ? hlen : 1);
  if (text == NULL) {
    set_err(err, errlen, path, "out of memory for a %zu-byte header", hlen);
    goto fail;
  }
  if (fseek(f, (long)(data_offset - hlen), SEEK_SET) != 0 || fread(text, 1, hlen, f) != hlen) {
    set_err(err, errlen, path, "read error in the header");
    goto fail;
  }
  npy_header h;
  memset(&h, 0, sizeof(h));
  if (finish_header(text, hlen, file_len, data_offset, path, &h, &bytes, err, errlen) != 0) goto fail;
  data = malloc(bytes ? bytes : 1);
  if (data == NULL) {
    set_err(err, errlen, path, "out of memory for %zu data bytes", bytes);
    goto fail;
  }
  if (fread(data, 1, bytes, f) != bytes) {
    set_err(err, errlen, path, "read error: file shorter than its header says (%zu data bytes)", bytes);
    goto fail;
  }
  free(text);
  fclose(f);
  fill_out(out, &h, data, bytes);
  return 0;
fail:
  free(text);
  free(data);
  fclose(f);
  return -1;
}

/* ---- writing ------------------------------------------------------------- */

int oar_npy_write(const char *path, oar_dtype dtype, size_t rank, const int64_t *dims, const void *data,
                  size_t bytes, char *err, size_t errlen) {
  const char *name = path ? path : "(null)";
  const npy_type *t = type_by_dtype(dtype);
  if (path == NULL) {
    set_err(err, errlen, name, "no path");
    return -1;
  }
  if (t == NULL) {
    set_err(err, errlen, name, "dtype %d cannot be written to .npy", (int)dtype);
    return -1;
  }
  if (t->size > 1 && !host_is_little_endian()) {
    set_err(err, errlen, name, "writing on a big-endian host is not supported");
    return -1;
  }
  if (rank > OAR_MAX_RANK || (rank > 0 && dims == NULL)) {
    set_err(err, errlen, name, "bad rank %zu", rank);
    return -1;
  }
  size_t count;
  if (oar_npy_element_count(rank, dims, &count) != 0 || count > SIZE_MAX / t->size ||
      count * t->size != bytes) {
    char shape[160];
    set_err(err, errlen, name, "shape %s of %s does not match %zu data bytes",
            oar_npy_shape_string(rank, dims, shape, sizeof(shape)), t->code, bytes);
    return -1;
  }
  if (bytes > 0 && data == NULL) {
    set_err(err, errlen, name, "no data");
    return -1;
  }

  /* Header text, then padding so that data starts at a multiple of 64. */
  char hdr[512];
  int n = snprintf(hdr, sizeof(hdr), "{'descr': '%c%s', 'fortran_order': False, 'shape': (",
                   t->size == 1 ? '|' : '<', t->code);
  size_t len = (size_t)n;
  for (size_t i = 0; i < rank; i++) {
    n = snprintf(hdr + len, sizeof(hdr) - len, "%" PRId64 "%s", dims[i],
                 (rank == 1 || i + 1 < rank) ? "," : "");
    len += (size_t)n;
    if (i + 1 < rank) hdr[len++] = ' ';
  }
  n = snprintf(hdr + len, sizeof(hdr) - len, "), }");
  len += (size_t)n;
  /* Version 1.0 when the padded header fits its 2-byte length. */
  size_t fixed = 10;
  size_t total = (fixed + len + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
  if (total - fixed > 65535) {
    fixed = 12;
    total = (fixed + len + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
  }
  size_t hlen = total - fixed;
  if (total > sizeof(hdr) + 12) {
    set_err(err, errlen, name, "internal: header too long");
    return -1;
  }
  uint8_t out[sizeof(hdr) + 12 + NPY_ALIGN];
  memcpy(out, NPY_MAGIC, NPY_MAGIC_LEN);
  out[6] = fixed == 10 ? 1 : 2;
  out[7] = 0;
  out[8] = (uint8_t)(hlen & 0xff);
  out[9] = (uint8_t)((hlen >> 8) & 0xff);
  if (fixed == 12) {
    out[10] = (uint8_t)((hlen >> 16) & 0xff);
    out[11] = (uint8_t)((hlen >> 24) & 0xff);
  }
  memcpy(out + fixed, hdr, len);
  memset(out + fixed + len, ' ', hlen - len - 1);
  out[total - 1] = '\n';

  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    set_err(err, errlen, name, "cannot create: %s", strerror(errno));
    return -1;
  }
  int ok = fwrite(out, 1, total, f) == total;
  if (ok && bytes > 0) ok = fwrite(data, 1, bytes, f) == bytes;
  int saved = errno;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    saved = errno;
  }
  if (!ok) {
    set_err(err, errlen, name, "write failed: %s", strerror(saved));
    return -1;
  }
  return 0;
}
