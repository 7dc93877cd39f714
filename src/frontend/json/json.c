#include "frontend/json/json.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/platform.h"

/* ---- memory: values live in chunks freed with the document --------------- */

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[]; /* cap bytes */
} chunk;

#define CHUNK_BYTES ((size_t)64 * 1024)

static void *chunk_alloc(chunk **head, size_t size) {
  size = (size + 15) & ~(size_t)15;
  chunk *c = *head;
  if (!c || c->cap - c->used < size) {
    size_t cap = size > CHUNK_BYTES ? size : CHUNK_BYTES;
    if (cap > SIZE_MAX - sizeof(chunk)) return NULL;
    c = oar_malloc(sizeof(chunk) + cap);
    if (!c) return NULL;
    c->next = *head;
    c->used = 0;
    c->cap = cap;
    *head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += size;
  return p;
}

static void chunks_free(chunk *c) {
  while (c) {
    chunk *next = c->next;
    oar_free(c);
    c = next;
  }
}

/* ---- the parser ----------------------------------------------------------- */

/* Children of the containers being read wait on these stacks until their
 * container closes, then move into the chunks in one piece. */
typedef struct parser {
  const uint8_t *p;
  size_t size, pos;
  chunk *chunks;
  oar_json *vals;
  size_t num_vals, cap_vals;
  oar_json_member *mems;
  size_t num_mems, cap_mems;
  char *text; /* scratch for strings and numbers */
  size_t cap_text;
  oar_error *err;
} parser;

/* What is at `pos`, for messages: "end of input", "'x'" or "byte 0x9c". */
static const char *describe(const parser *ps, size_t pos, char *buf, size_t size) {
  if (pos >= ps->size) return "end of input";
  uint8_t c = ps->p[pos];
  if (c >= 0x21 && c < 0x7f)
    snprintf(buf, size, "'%c'", c);
  else
    snprintf(buf, size, "byte 0x%02x", c);
  return buf;
}

static oar_status fail_at(parser *ps, size_t pos, const char *fmt, ...) OAR_PRINTF_FMT(3, 4);
static oar_status fail_at(parser *ps, size_t pos, const char *fmt, ...) {
  char what[OAR_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return oar_error_set(ps->err, OAR_ERR_INVALID_MODEL, "invalid JSON at byte %zu: %s", pos, what);
}

/* "expected X, got <what is at pos>". */
static oar_status expected(parser *ps, size_t pos, const char *what) {
  char buf[16];
  return fail_at(ps, pos, "expected %s, got %s", what, describe(ps, pos, buf, sizeof buf));
}

static oar_status oom(parser *ps) {
  return oar_error_set(ps->err, OAR_ERR_OUT_OF_MEMORY, "out of memory reading JSON at byte %zu", ps->pos);
}

static bool grow(void **v, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t n = *cap ? *cap : 16;
  while (n < need) {
    if (n > SIZE_MAX / 2 / elem) return false;
    n *= 2;
  }
  void *p = oar_realloc(*v, n * elem);
  if (!p) return false;
  *v = p;
  *cap = n;
  return true;
}

static void skip_space(parser *ps) {
  while (ps->pos < ps->size) {
    uint8_t c = ps->p[ps->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
    ps->pos++;
  }
}

static int peek(const parser *ps) { return ps->pos < ps->size ? ps->p[ps->pos] : -1; }

static oar_status parse_value(parser *ps, oar_json *out, int depth);

/* ---- strings -------------------------------------------------------------- */

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits at pos (just after "\u"). */
static oar_status read_hex4(parser *ps, size_t pos, unsigned *out) {
  unsigned v = 0;
  for (size_t k = 0; k < 4; k++) {
    int h = pos + k < ps->size ? hex_value(ps->p[pos + k]) : -1;
    if (h < 0) return expected(ps, pos + k, "4 hex digits after \\u");
    v = v * 16 + (unsigned)h;
  }
  *out = v;
  return OAR_OK;
}

/* Length of the valid UTF-8 sequence starting at p[pos] (a byte >= 0x80),
 * or 0 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_length(const uint8_t *p, size_t size, size_t pos) {
  uint8_t c = p[pos];
  size_t n;
  uint8_t lo = 0x80, hi = 0xbf; /* range of the second byte */
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (size - pos < n) return 0;
  if (p[pos + 1] < lo || p[pos + 1] > hi) return 0;
  for (size_t k = 2; k < n; k++)
    if (p[pos + k] < 0x80 || p[pos + k] > 0xbf) return 0;
  return n;
}

static size_t put_utf8(char *dst, unsigned cp) {
  if (cp < 0x80) {
    dst[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = (char)(0xc0 | (cp >> 6));
    dst[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = (char)(0xe0 | (cp >> 12));
    dst[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    dst[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  dst[0] = (char)(0xf0 | (cp >> 18));
  dst[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  dst[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  dst[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* An escape after the backslash at ps->pos - 1; appends its UTF-8 to text. */
static oar_status read_escape(parser *ps, size_t *len) {
  size_t at = ps->pos - 1;
  int c = peek(ps);
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit = c > 0 ? strchr(from, c) : NULL;
  if (hit) {
    ps->text[(*len)++] = to[hit - from];
    ps->pos++;
    return OAR_OK;
  }
  if (c != 'u') {
    char buf[16];
    return fail_at(ps, ps->pos, "expected an escape (one of \" \\ / b f n r t u) after '\\', got %s",
                   describe(ps, ps->pos, buf, sizeof buf));
  }
  unsigned cp = 0;
  OAR_TRY(read_hex4(ps, ps->pos + 1, &cp));
  ps->pos += 5;
  if (cp >= 0xdc00 && cp <= 0xdfff)
    return fail_at(ps, at, "low surrogate \\u%04X without a high surrogate before it", cp);
  if (cp >= 0xd800 && cp <= 0xdbff) {
    if (ps->size - ps->pos < 2 || ps->p[ps->pos] != '\\' || ps->p[ps->pos + 1] != 'u')
      return fail_at(ps, at, "high surrogate \\u%04X not followed by a \\u low surrogate", cp);
    unsigned low = 0;
    OAR_TRY(read_hex4(ps, ps->pos + 2, &low));
    if (low < 0xdc00 || low > 0xdfff)
      return fail_at(ps, ps->pos, "expected a low surrogate \\uDC00-\\uDFFF after \\u%04X, got \\u%04X", cp,
                     low);
    ps->pos += 6;
    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
  }
  *len += put_utf8(ps->text + *len, cp);
  return OAR_OK;
}

/* A string whose opening quote is at ps->pos; the unescaped bytes go into
 * the chunks. */
static oar_status parse_string(parser *ps, const char **out, size_t *out_len) {
  size_t start = ps->pos++;
  size_t len = 0;
  for (;;) {
    /* Room for the longest thing one step appends (4 bytes) and the NUL. */
    if (!grow((void **)&ps->text, &ps->cap_text, len + 8, 1)) return oom(ps);
    if (ps->pos >= ps->size)
      return fail_at(ps, ps->pos, "unterminated string (it starts at byte %zu)", start);
    uint8_t c = ps->p[ps->pos];
    if (c == '"') {
      ps->pos++;
      break;
    }
    if (c == '\\') {
      ps->pos++;
      OAR_TRY(read_escape(ps, &len));
    } else if (c < 0x20) {
      return fail_at(ps, ps->pos, "control character 0x%02x in a string; expected it escaped", c);
    } else if (c < 0x80) {
      ps->text[len++] = (char)c;
      ps->pos++;
    } else {
      size_t n = utf8_length(ps->p, ps->size, ps->pos);
      if (!n) return fail_at(ps, ps->pos, "invalid UTF-8 (byte 0x%02x) in a string", c);
      memcpy(ps->text + len, ps->p + ps->pos, n);
      len += n;
      ps->pos += n;
    }
  }
  char *s = chunk_alloc(&ps->chunks, len + 1);
  if (!s) return oom(ps);
  memcpy(s, ps->text, len);
  s[len] = '\0';
  *out = s;
  *out_len = len;
  return OAR_OK;
}

/* ---- numbers -------------------------------------------------------------- */

static bool is_digit(int c) { return c >= '0' && c <= '9'; }

/* strtod over text[0 .. len) in the C notation, whatever LC_NUMERIC the
 * embedding program chose: the '.' becomes the locale's decimal point. */
static bool to_double(parser *ps, size_t start, size_t len, double *out) {
  const char *point = localeconv()->decimal_point;
  size_t plen = point && *point ? strlen(point) : 1;
  if (!grow((void **)&ps->text, &ps->cap_text, len + plen + 1, 1)) return false;
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    char c = (char)ps->p[start + i];
    if (c == '.' && point && *point) {
      memcpy(ps->text + k, point, plen);
      k += plen;
    } else {
      ps->text[k++] = c;
    }
  }
  ps->text[k] = '\0';
  *out = strtod(ps->text, NULL);
  return true;
}

static oar_status parse_number(parser *ps, oar_json *out) {
  size_t start = ps->pos;
  bool negative = peek(ps) == '-';
  if (negative) ps->pos++;
  if (!is_digit(peek(ps))) return expected(ps, ps->pos, "a digit after '-'");
  bool integral = true, overflow = false;
  uint64_t mag = 0;
  if (peek(ps) == '0') {
    ps->pos++;
    if (is_digit(peek(ps))) return fail_at(ps, start, "number with a leading zero");
  } else {
    while (is_digit(peek(ps))) {
      unsigned d = (unsigned)(ps->p[ps->pos++] - '0');
      if (mag > (UINT64_MAX - d) / 10) overflow = true;
      mag = mag * 10 + d;
    }
  }
  if (peek(ps) == '.') {
    integral = false;
    ps->pos++;
    if (!is_digit(peek(ps))) return expected(ps, ps->pos, "a digit after '.'");
    while (is_digit(peek(ps))) ps->pos++;
  }
  if (peek(ps) == 'e' || peek(ps) == 'E') {
    integral = false;
    ps->pos++;
    if (peek(ps) == '+' || peek(ps) == '-') ps->pos++;
    if (!is_digit(peek(ps))) return expected(ps, ps->pos, "a digit in the exponent");
    while (is_digit(peek(ps))) ps->pos++;
  }
  out->offset = start;
  uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (integral && !overflow && mag <= limit) {
    out->type = OAR_JSON_INT;
    out->u.i = negative ? (int64_t)(0 - mag) : (int64_t)mag;
    return OAR_OK;
  }
  double d;
  if (!to_double(ps, start, ps->pos - start, &d)) return oom(ps);
  if (!isfinite(d))
    return fail_at(ps, start, "number %.*s is out of the range of a double",
                   (int)(ps->pos - start < 40 ? ps->pos - start : 40), (const char *)ps->p + start);
  out->type = OAR_JSON_DOUBLE;
  out->u.d = d;
  return OAR_OK;
}

/* ---- containers ----------------------------------------------------------- */

static oar_status parse_array(parser *ps, oar_json *out, int depth) {
  size_t base = ps->num_vals;
  ps->pos++; /* '[' */
  skip_space(ps);
  if (peek(ps) == ']') {
    ps->pos++;
  } else {
    for (;;) {
      oar_json v;
      OAR_TRY(parse_value(ps, &v, depth + 1));
      if (!grow((void **)&ps->vals, &ps->cap_vals, ps->num_vals + 1, sizeof v)) return oom(ps);
      ps->vals[ps->num_vals++] = v;
      skip_space(ps);
      int c = peek(ps);
      ps->pos += c == ',' || c == ']';
      if (c == ']') break;
      if (c != ',') return expected(ps, ps->pos, "',' or ']' after an array element");
    }
  }
  size_t n = ps->num_vals - base;
  oar_json *items = NULL;
  if (n) {
    if (!(items = chunk_alloc(&ps->chunks, n * sizeof *items))) return oom(ps);
    memcpy(items, ps->vals + base, n * sizeof *items);
  }
  ps->num_vals = base;
  out->type = OAR_JSON_ARRAY;
  out->u.arr.items = items;
  out->u.arr.n = n;
  return OAR_OK;
}

static int by_key(const void *a, const void *b) {
  const oar_json_member *x = *(const oar_json_member *const *)a, *y = *(const oar_json_member *const *)b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  if (c) return c;
  if (x->key_len != y->key_len) return x->key_len < y->key_len ? -1 : 1;
  /* Equal names in document order, so the message names the first as first. */
  return x->key_offset < y->key_offset ? -1 : 1;
}

/* Duplicate names make "which value counts" a guess; reject them. Sorting
 * pointers keeps this O(n log n) on hostile objects with many members. */
static oar_status check_unique(parser *ps, const oar_json_member *m, size_t n) {
  if (n < 2) return OAR_OK;
  const oar_json_member **order = oar_malloc(n * sizeof *order);
  if (!order) return oom(ps);
  for (size_t i = 0; i < n; i++) order[i] = &m[i];
  qsort(order, n, sizeof *order, by_key);
  oar_status st = OAR_OK;
  for (size_t i = 1; i < n && st == OAR_OK; i++) {
    const oar_json_member *a = order[i - 1], *b = order[i];
    if (a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0)
      st = fail_at(ps, b->key_offset, "duplicate member name \"%.*s\" (first at byte %zu)",
                   (int)(b->key_len < 64 ? b->key_len : 64), b->key, a->key_offset);
  }
  oar_free(order);
  return st;
}

static oar_status parse_object(parser *ps, oar_json *out, int depth) {
  size_t base = ps->num_mems;
  ps->pos++; /* '{' */
  skip_space(ps);
  if (peek(ps) == '}') {
    ps->pos++;
  } else {
    for (;;) {
      skip_space(ps);
      if (peek(ps) != '"') return expected(ps, ps->pos, "a string (member name)");
      oar_json_member m;
      m.key_offset = ps->pos;
      OAR_TRY(parse_string(ps, &m.key, &m.key_len));
      skip_space(ps);
      if (peek(ps) != ':') return expected(ps, ps->pos, "':' after a member name");
      ps->pos++;
      OAR_TRY(parse_value(ps, &m.value, depth + 1));
      if (!grow((void **)&ps->mems, &ps->cap_mems, ps->num_mems + 1, sizeof m)) return oom(ps);
      ps->mems[ps->num_mems++] = m;
      skip_space(ps);
      int c = peek(ps);
      ps->pos += c == ',' || c == '}';
      if (c == '}') break;
      if (c != ',') return expected(ps, ps->pos, "',' or '}' after an object member");
    }
  }
  size_t n = ps->num_mems - base;
  /* Only with members: before the first one ps->mems is NULL, and NULL + 0
   * is undefined behaviour. */
  if (n > 1) OAR_TRY(check_unique(ps, ps->mems + base, n));
  oar_json_member *members = NULL;
  if (n) {
    if (!(members = chunk_alloc(&ps->chunks, n * sizeof *members))) return oom(ps);
    memcpy(members, ps->mems + base, n * sizeof *members);
  }
  ps->num_mems = base;
  out->type = OAR_JSON_OBJECT;
  out->u.obj.members = members;
  out->u.obj.n = n;
  return OAR_OK;
}

/* ---- values ---------------------------------------------------------------- */

static oar_status parse_literal(parser *ps, oar_json *out) {
  static const struct {
    const char *text;
    oar_json_type type;
    bool b;
  } lits[] = {{"true", OAR_JSON_BOOL, true}, {"false", OAR_JSON_BOOL, false}, {"null", OAR_JSON_NULL, false}};
  for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
    size_t n = strlen(lits[k].text);
    if (ps->p[ps->pos] != (uint8_t)lits[k].text[0]) continue;
    if (ps->size - ps->pos < n || memcmp(ps->p + ps->pos, lits[k].text, n) != 0) {
      size_t at = ps->pos;
      while (at < ps->size && at - ps->pos < n && ps->p[at] == (uint8_t)lits[k].text[at - ps->pos]) at++;
      char want[32];
      snprintf(want, sizeof want, "'%s'", lits[k].text);
      return expected(ps, at, want);
    }
    ps->pos += n;
    out->type = lits[k].type;
    out->u.b = lits[k].b;
    return OAR_OK;
  }
  return expected(ps, ps->pos, "a value");
}

static oar_status parse_value(parser *ps, oar_json *out, int depth) {
  skip_space(ps);
  memset(out, 0, sizeof *out);
  out->offset = ps->pos;
  int c = peek(ps);
  if ((c == '[' || c == '{') && depth >= OAR_JSON_MAX_DEPTH)
    return fail_at(ps, ps->pos, "nesting deeper than %d arrays and objects", OAR_JSON_MAX_DEPTH);
  switch (c) {
    case '[': return parse_array(ps, out, depth);
    case '{': return parse_object(ps, out, depth);
    case '"': out->type = OAR_JSON_STRING; return parse_string(ps, &out->u.str.s, &out->u.str.len);
    case 't':
    case 'f':
    case 'n': return parse_literal(ps, out);
    default:
      if (c == '-' || is_digit(c)) return parse_number(ps, out);
      return expected(ps, ps->pos, "a value");
  }
}

oar_status oar_json_parse(const void *data, size_t size, oar_json_doc *doc, oar_error *err) {
  memset(doc, 0, sizeof *doc);
  parser ps;
  memset(&ps, 0, sizeof ps);
  ps.p = data;
  ps.size = data ? size : 0;
  ps.err = err;
  oar_status st = parse_value(&ps, &doc->root, 0);
  if (st == OAR_OK) {
    skip_space(&ps);
    if (ps.pos < ps.size) st = expected(&ps, ps.pos, "end of input after the value");
  }
  oar_free(ps.vals);
  oar_free(ps.mems);
  oar_free(ps.text);
  if (st != OAR_OK) {
    chunks_free(ps.chunks);
    memset(doc, 0, sizeof *doc);
    return st;
  }
  doc->chunks = ps.chunks;
  return OAR_OK;
}

void oar_json_doc_free(oar_json_doc *doc) {
  if (!doc) return;
  chunks_free(doc->chunks);
  memset(doc, 0, sizeof *doc);
}

const oar_json *oar_json_get(const oar_json *v, const char *key) {
  if (!v || v->type != OAR_JSON_OBJECT) return NULL;
  size_t n = strlen(key);
  for (size_t i = 0; i < v->u.obj.n; i++) {
    const oar_json_member *m = &v->u.obj.members[i];
    if (m->key_len == n && memcmp(m->key, key, n) == 0) return &m->value;
  }
  return NULL;
}

const char *oar_json_type_name(oar_json_type type) {
  switch (type) {
    case OAR_JSON_NULL: return "null";
    case OAR_JSON_BOOL: return "boolean";
    case OAR_JSON_INT: return "integer";
    case OAR_JSON_DOUBLE: return "number";
    case OAR_JSON_STRING: return "string";
    case OAR_JSON_ARRAY: return "array";
    case OAR_JSON_OBJECT: return "object";
  }
  return "unknown";
}
