/* Unit test of the JSON reader (src/frontend/json/json.c): valid documents
 * read into the right values (integers exactly, doubles as strtod in the C
 * locale would, escapes and surrogate pairs as UTF-8), and every invalid
 * document fails with OAR_ERR_INVALID_MODEL and the exact message, byte
 * offset included. Also: nesting at and past the depth limit, duplicate
 * names, a locale whose decimal point is ',' (when the host has one), and
 * failing each allocation in turn. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/json/json.h"

#include "test_check.h"

static oar_status parse(const char *text, oar_json_doc *doc, oar_error *err) {
  return oar_json_parse(text, strlen(text), doc, err);
}

/* ---- valid documents ------------------------------------------------------- */

static void test_scalars(void) {
  static const struct {
    const char *text;
    oar_json_type type;
    int64_t i;
    double d;
  } cases[] = {
      {"0", OAR_JSON_INT, 0, 0},
      {"-0", OAR_JSON_INT, 0, 0},
      {" 42 ", OAR_JSON_INT, 42, 0},
      {"-17", OAR_JSON_INT, -17, 0},
      {"9223372036854775807", OAR_JSON_INT, INT64_MAX, 0},
      {"-9223372036854775808", OAR_JSON_INT, INT64_MIN, 0},
      {"9223372036854775808", OAR_JSON_DOUBLE, 0, 9223372036854775808.0},
      {"-9223372036854775809", OAR_JSON_DOUBLE, 0, -9223372036854775809.0},
      {"18446744073709551616", OAR_JSON_DOUBLE, 0, 18446744073709551616.0},
      {"123456789012345678901234567890", OAR_JSON_DOUBLE, 0, 1.2345678901234568e29},
      {"1.5", OAR_JSON_DOUBLE, 0, 1.5},
      {"-0.0", OAR_JSON_DOUBLE, 0, -0.0},
      {"2.0", OAR_JSON_DOUBLE, 0, 2.0},
      {"1e3", OAR_JSON_DOUBLE, 0, 1000.0},
      {"1E+3", OAR_JSON_DOUBLE, 0, 1000.0},
      {"25e-1", OAR_JSON_DOUBLE, 0, 2.5},
      {"0.10000000149011612", OAR_JSON_DOUBLE, 0, 0.10000000149011612},
      {"9.999999960041972e-13", OAR_JSON_DOUBLE, 0, 9.999999960041972e-13},
      {"1.7976931348623157e308", OAR_JSON_DOUBLE, 0, 1.7976931348623157e308},
      {"4.9e-324", OAR_JSON_DOUBLE, 0, 4.9e-324},
      {"1e-400", OAR_JSON_DOUBLE, 0, 0.0},
      {"true", OAR_JSON_BOOL, 1, 0},
      {"false", OAR_JSON_BOOL, 0, 0},
      {"\tnull\r\n", OAR_JSON_NULL, 0, 0},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    oar_json_doc doc;
    oar_error err = {0};
    oar_status st = parse(cases[k].text, &doc, &err);
    CHECK(st == OAR_OK, "'%s': %s", cases[k].text, err.msg);
    if (st != OAR_OK) continue;
    const oar_json *v = &doc.root;
    CHECK(v->type == cases[k].type, "'%s': type %s", cases[k].text, oar_json_type_name(v->type));
    if (v->type == OAR_JSON_INT) CHECK(v->u.i == cases[k].i, "'%s': %lld", cases[k].text, (long long)v->u.i);
    if (v->type == OAR_JSON_BOOL) CHECK(v->u.b == (cases[k].i != 0), "'%s'", cases[k].text);
    if (v->type == OAR_JSON_DOUBLE)
      CHECK(v->u.d == cases[k].d && signbit(v->u.d) == signbit(cases[k].d), "'%s': %.17g", cases[k].text,
            v->u.d);
    oar_json_doc_free(&doc);
  }
}

/* Empty containers, also as the first container of a document (clang's
 * UBSan once flagged NULL + 0 on the empty member stack; found by
 * fuzz/run.sh). */
static void test_empty_containers(void) {
  static const char *docs[] = {
      "{}", "[]", " { } ", "[{}]", "[[], {}, {\"a\": {}}]", "{\"a\": [], \"b\": {}}"};
  for (size_t k = 0; k < sizeof docs / sizeof docs[0]; k++) {
    oar_json_doc doc;
    oar_error err = {0};
    oar_status st = parse(docs[k], &doc, &err);
    CHECK(st == OAR_OK, "'%s': %s", docs[k], err.msg);
    if (st == OAR_OK) oar_json_doc_free(&doc);
  }
}

static void test_strings(void) {
  static const struct {
    const char *text;
    const char *want;
    size_t len;
  } cases[] = {
      {"\"\"", "", 0},
      {"\"pd_op.conv2d\"", "pd_op.conv2d", 12},
      {"\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d", 7},
      {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5},
      {"\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac", 6},
      {"\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4}, /* U+1F600 from a surrogate pair */
      {"\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4}, /* U+10FFFF */
      {"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14},
      {"\"a\\u0000b\"", "a\0b", 3},
      {"\"\x7f\"", "\x7f", 1},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    oar_json_doc doc;
    oar_error err = {0};
    oar_status st = parse(cases[k].text, &doc, &err);
    CHECK(st == OAR_OK, "'%s': %s", cases[k].text, err.msg);
    if (st != OAR_OK) continue;
    CHECK(doc.root.type == OAR_JSON_STRING, "'%s': type %s", cases[k].text,
          oar_json_type_name(doc.root.type));
    CHECK(doc.root.u.str.len == cases[k].len && memcmp(doc.root.u.str.s, cases[k].want, cases[k].len) == 0 &&
              doc.root.u.str.s[cases[k].len] == '\0',
          "'%s': got %zu bytes '%s'", cases[k].text, doc.root.u.str.len, doc.root.u.str.s);
    oar_json_doc_free(&doc);
  }
}

/* A PIR-shaped document: nested objects and arrays, lookups, offsets. */
static void test_structure(void) {
  const char *text =
      "{\"base_code\":{\"magic\":\"pir\",\"trainable\":true,\"version\":4},\n"
      " \"program\":{\"regions\":[{\"#\":\"region_0\",\"blocks\":[{\"#\":\"block_0\",\"args\":[],\"ops\":[\n"
      "  "
      "{\"#\":\"p\",\"A\":[0,1,1,\"fc_0.w_0\"],\"O\":{\"%\":1,\"TT\":{\"#\":\"0.t_dtensor\",\"D\":[{\"#\":"
      "\"0.t_f32\"},"
      "[30,30],\"NCHW\",[],0]}},\"OA\":[1,0,1]} ]}]}]}, \"empty\": {} }";
  oar_json_doc doc;
  oar_error err = {0};
  oar_status st = parse(text, &doc, &err);
  CHECK(st == OAR_OK, "PIR document: %s", err.msg);
  if (st != OAR_OK) return;
  const oar_json *root = &doc.root;
  CHECK(root->type == OAR_JSON_OBJECT && root->u.obj.n == 3, "root: %s with %zu members",
        oar_json_type_name(root->type), root->u.obj.n);
  const oar_json *magic = oar_json_get(oar_json_get(root, "base_code"), "magic");
  CHECK(magic && magic->type == OAR_JSON_STRING && strcmp(magic->u.str.s, "pir") == 0, "magic");
  CHECK(magic && magic->offset == 22, "magic's offset %zu", magic ? magic->offset : 0);
  const oar_json *version = oar_json_get(oar_json_get(root, "base_code"), "version");
  CHECK(version && version->type == OAR_JSON_INT && version->u.i == 4, "version");
  CHECK(root->u.obj.members[1].key_offset == 60, "'program' key at %zu", root->u.obj.members[1].key_offset);
  const oar_json *regions = oar_json_get(oar_json_get(root, "program"), "regions");
  CHECK(regions && regions->type == OAR_JSON_ARRAY && regions->u.arr.n == 1, "regions");
  const oar_json *blocks = regions ? oar_json_get(&regions->u.arr.items[0], "blocks") : NULL;
  const oar_json *ops = blocks && blocks->u.arr.n ? oar_json_get(&blocks->u.arr.items[0], "ops") : NULL;
  CHECK(ops && ops->type == OAR_JSON_ARRAY && ops->u.arr.n == 1, "ops");
  const oar_json *args = blocks && blocks->u.arr.n ? oar_json_get(&blocks->u.arr.items[0], "args") : NULL;
  CHECK(args && args->type == OAR_JSON_ARRAY && args->u.arr.n == 0, "empty args");
  if (ops && ops->u.arr.n) {
    const oar_json *a = oar_json_get(&ops->u.arr.items[0], "A");
    CHECK(a && a->u.arr.n == 4 && a->u.arr.items[3].type == OAR_JSON_STRING &&
              strcmp(a->u.arr.items[3].u.str.s, "fc_0.w_0") == 0,
          "parameter name");
    const oar_json *d = oar_json_get(oar_json_get(oar_json_get(&ops->u.arr.items[0], "O"), "TT"), "D");
    CHECK(
        d && d->u.arr.n == 5 && d->u.arr.items[1].u.arr.n == 2 && d->u.arr.items[1].u.arr.items[1].u.i == 30,
        "dims");
  }
  const oar_json *empty = oar_json_get(root, "empty");
  CHECK(empty && empty->type == OAR_JSON_OBJECT && empty->u.obj.n == 0, "empty object");
  CHECK(oar_json_get(root, "missing") == NULL, "absent member");
  CHECK(oar_json_get(magic, "x") == NULL, "lookup in a non-object");
  oar_json_doc_free(&doc);
  oar_json_doc_free(&doc); /* freeing twice is harmless */
}

/* ---- invalid documents: the exact message ---------------------------------- */

static void test_errors(void) {
  static const struct {
    const char *text;
    size_t len; /* 0: strlen */
    const char *msg;
  } cases[] = {
      {"", 0, "invalid JSON at byte 0: expected a value, got end of input"},
      {"   ", 0, "invalid JSON at byte 3: expected a value, got end of input"},
      {"{", 0, "invalid JSON at byte 1: expected a string (member name), got end of input"},
      {"{\"a\" 1}", 0, "invalid JSON at byte 5: expected ':' after a member name, got '1'"},
      {"{\"a\":1,}", 0, "invalid JSON at byte 7: expected a string (member name), got '}'"},
      {"{\"a\":1 \"b\":2}", 0,
       "invalid JSON at byte 7: expected ',' or '}' after an object member, got '\"'"},
      {"{'a':1}", 0, "invalid JSON at byte 1: expected a string (member name), got '''"},
      {"{a:1}", 0, "invalid JSON at byte 1: expected a string (member name), got 'a'"},
      {"[1,2", 0, "invalid JSON at byte 4: expected ',' or ']' after an array element, got end of input"},
      {"[1,]", 0, "invalid JSON at byte 3: expected a value, got ']'"},
      {"[1 2]", 0, "invalid JSON at byte 3: expected ',' or ']' after an array element, got '2'"},
      {"[1]]", 0, "invalid JSON at byte 3: expected end of input after the value, got ']'"},
      {"{} x", 0, "invalid JSON at byte 3: expected end of input after the value, got 'x'"},
      {"1 2", 0, "invalid JSON at byte 2: expected end of input after the value, got '2'"},
      {"// c\n1", 0, "invalid JSON at byte 0: expected a value, got '/'"},
      {"\xef\xbb\xbf{}", 0, "invalid JSON at byte 0: expected a value, got byte 0xef"},
      {"tru", 0, "invalid JSON at byte 3: expected 'true', got end of input"},
      {"trUe", 0, "invalid JSON at byte 2: expected 'true', got 'U'"},
      {"nul", 0, "invalid JSON at byte 3: expected 'null', got end of input"},
      {"False", 0, "invalid JSON at byte 0: expected a value, got 'F'"},
      {"NaN", 0, "invalid JSON at byte 0: expected a value, got 'N'"},
      {"-", 0, "invalid JSON at byte 1: expected a digit after '-', got end of input"},
      {"-a", 0, "invalid JSON at byte 1: expected a digit after '-', got 'a'"},
      {"+1", 0, "invalid JSON at byte 0: expected a value, got '+'"},
      {"01", 0, "invalid JSON at byte 0: number with a leading zero"},
      {"-012", 0, "invalid JSON at byte 0: number with a leading zero"},
      {"1.", 0, "invalid JSON at byte 2: expected a digit after '.', got end of input"},
      {".5", 0, "invalid JSON at byte 0: expected a value, got '.'"},
      {"1.e5", 0, "invalid JSON at byte 2: expected a digit after '.', got 'e'"},
      {"1e", 0, "invalid JSON at byte 2: expected a digit in the exponent, got end of input"},
      {"1e+", 0, "invalid JSON at byte 3: expected a digit in the exponent, got end of input"},
      {"[1e999]", 0, "invalid JSON at byte 1: number 1e999 is out of the range of a double"},
      {"-1e400", 0, "invalid JSON at byte 0: number -1e400 is out of the range of a double"},
      {"Infinity", 0, "invalid JSON at byte 0: expected a value, got 'I'"},
      {"0x10", 0, "invalid JSON at byte 1: expected end of input after the value, got 'x'"},
      {"\"abc", 0, "invalid JSON at byte 4: unterminated string (it starts at byte 0)"},
      {"[\"a\nb\"]", 0, "invalid JSON at byte 3: control character 0x0a in a string; expected it escaped"},
      {"\"a\tb\"", 0, "invalid JSON at byte 2: control character 0x09 in a string; expected it escaped"},
      {"\"\\x\"", 0,
       "invalid JSON at byte 2: expected an escape (one of \" \\ / b f n r t u) after '\\', got 'x'"},
      {"\"\\", 0,
       "invalid JSON at byte 2: expected an escape (one of \" \\ / b f n r t u) after '\\', got end of "
       "input"},
      {"\"\\u12\"", 0, "invalid JSON at byte 5: expected 4 hex digits after \\u, got '\"'"},
      {"\"\\u12G4\"", 0, "invalid JSON at byte 5: expected 4 hex digits after \\u, got 'G'"},
      {"\"\\uDC00\"", 0, "invalid JSON at byte 1: low surrogate \\uDC00 without a high surrogate before it"},
      {"\"\\uD800\"", 0,
       "invalid JSON at byte 1: high surrogate \\uD800 not followed by a \\u low surrogate"},
      {"\"\\uD800x\"", 0,
       "invalid JSON at byte 1: high surrogate \\uD800 not followed by a \\u low surrogate"},
      {"\"\\uD800\\u0041\"", 0,
       "invalid JSON at byte 7: expected a low surrogate \\uDC00-\\uDFFF after \\uD800, got \\u0041"},
      {"\"\\uD800\\uD800\"", 0,
       "invalid JSON at byte 7: expected a low surrogate \\uDC00-\\uDFFF after \\uD800, got \\uD800"},
      {"\"\xff\"", 0, "invalid JSON at byte 1: invalid UTF-8 (byte 0xff) in a string"},
      {"\"\xc0\xaf\"", 0, "invalid JSON at byte 1: invalid UTF-8 (byte 0xc0) in a string"},     /* overlong */
      {"\"\xe0\x80\xaf\"", 0, "invalid JSON at byte 1: invalid UTF-8 (byte 0xe0) in a string"}, /* overlong */
      {"\"\xed\xa0\x80\"", 0,
       "invalid JSON at byte 1: invalid UTF-8 (byte 0xed) in a string"}, /* surrogate */
      {"\"\xf4\x90\x80\x80\"", 0,
       "invalid JSON at byte 1: invalid UTF-8 (byte 0xf4) in a string"},                    /* > U+10FFFF */
      {"\"\xe2\x82\"", 0, "invalid JSON at byte 1: invalid UTF-8 (byte 0xe2) in a string"}, /* truncated */
      {"\"a\x80\"", 0, "invalid JSON at byte 2: invalid UTF-8 (byte 0x80) in a string"},
      {"{\"a\":1,\"b\":2,\"a\":3}", 0,
       "invalid JSON at byte 13: duplicate member name \"a\" (first at byte 1)"},
      {"[1,\x00]", 5, "invalid JSON at byte 3: expected a value, got byte 0x00"},
      {"{\"a\":[1,{\"b\":nul}]}", 0, "invalid JSON at byte 16: expected 'null', got '}'"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    oar_json_doc doc;
    oar_error err = {0};
    size_t len = cases[k].len ? cases[k].len : strlen(cases[k].text);
    oar_status st = oar_json_parse(cases[k].text, len, &doc, &err);
    CHECK(st == OAR_ERR_INVALID_MODEL, "case %zu ('%s'): status %d", k, cases[k].text, (int)st);
    CHECK(strcmp(err.msg, cases[k].msg) == 0, "case %zu ('%s'):\n  got  %s\n  want %s", k, cases[k].text,
          err.msg, cases[k].msg);
    CHECK(doc.root.type == OAR_JSON_NULL && doc.chunks == NULL, "case %zu: document not left empty", k);
    oar_json_doc_free(&doc);
  }
  oar_json_doc doc;
  oar_error err = {0};
  CHECK(oar_json_parse(NULL, 0, &doc, &err) == OAR_ERR_INVALID_MODEL &&
            strcmp(err.msg, "invalid JSON at byte 0: expected a value, got end of input") == 0,
        "NULL buffer: %s", err.msg);
}

/* ---- limits ----------------------------------------------------------------- */

static char *nested(int depth, char open, char close) {
  char *s = malloc((size_t)depth * 2 + 1);
  if (!s) return NULL;
  for (int i = 0; i < depth; i++) {
    s[i] = open;
    s[depth * 2 - 1 - i] = close;
  }
  s[depth * 2] = '\0';
  return s;
}

static void test_depth(void) {
  char *ok = nested(OAR_JSON_MAX_DEPTH, '[', ']');
  char *deep = nested(OAR_JSON_MAX_DEPTH + 1, '[', ']');
  char *huge = nested(100000, '[', ']');
  if (!ok || !deep || !huge) {
    CHECK(0, "out of memory");
  } else {
    oar_json_doc doc;
    oar_error err = {0};
    CHECK(parse(ok, &doc, &err) == OAR_OK, "%d levels: %s", OAR_JSON_MAX_DEPTH, err.msg);
    oar_json_doc_free(&doc);
    CHECK(parse(deep, &doc, &err) == OAR_ERR_INVALID_MODEL &&
              strcmp(err.msg, "invalid JSON at byte 128: nesting deeper than 128 arrays and objects") == 0,
          "%d levels: %s", OAR_JSON_MAX_DEPTH + 1, err.msg);
    CHECK(parse(huge, &doc, &err) == OAR_ERR_INVALID_MODEL, "100000 levels: %s", err.msg);
    /* Objects count too. */
    char obj[OAR_JSON_MAX_DEPTH * 6 + 8];
    size_t n = 0;
    for (int i = 0; i <= OAR_JSON_MAX_DEPTH; i++) n += (size_t)snprintf(obj + n, sizeof obj - n, "{\"a\":");
    CHECK(parse(obj, &doc, &err) == OAR_ERR_INVALID_MODEL &&
              strstr(err.msg, "byte 640: nesting deeper") != NULL,
          "nested objects: %s", err.msg);
  }
  free(ok);
  free(deep);
  free(huge);
}

/* An object with many members, the last a duplicate of the first: the
 * check must find it (and be fast: it sorts). */
static void test_many_members(void) {
  const int n = 20000;
  size_t cap = (size_t)n * 16 + 16, len = 0;
  char *s = malloc(cap);
  if (!s) return;
  s[len++] = '{';
  for (int i = 0; i < n; i++) len += (size_t)snprintf(s + len, cap - len, "%s\"k%d\":%d", i ? "," : "", i, i);
  size_t tail = len;
  len += (size_t)snprintf(s + len, cap - len, "}");
  oar_json_doc doc;
  oar_error err = {0};
  CHECK(oar_json_parse(s, len, &doc, &err) == OAR_OK, "%d members: %s", n, err.msg);
  const oar_json *last = oar_json_get(&doc.root, "k19999");
  CHECK(last && last->type == OAR_JSON_INT && last->u.i == 19999, "member k19999");
  oar_json_doc_free(&doc);
  snprintf(s + tail, cap - tail, ",\"k0\":1}");
  CHECK(oar_json_parse(s, strlen(s), &doc, &err) == OAR_ERR_INVALID_MODEL &&
            strstr(err.msg, "duplicate member name \"k0\" (first at byte 1)") != NULL,
        "duplicate among %d: %s", n, err.msg);
  free(s);
}

/* strtod follows LC_NUMERIC; the reader must not. */
static void test_locale(void) {
  static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8"};
  const char *set = NULL;
  for (size_t k = 0; k < sizeof names / sizeof names[0] && !set; k++) set = setlocale(LC_NUMERIC, names[k]);
  if (!set) {
    printf("note: no locale with a ',' decimal point installed; locale check skipped\n");
    return;
  }
  oar_json_doc doc;
  oar_error err = {0};
  CHECK(parse("[0.125, 2.5e1]", &doc, &err) == OAR_OK && doc.root.u.arr.items[0].u.d == 0.125 &&
            doc.root.u.arr.items[1].u.d == 25.0,
        "under %s: %s", set, err.msg);
  oar_json_doc_free(&doc);
  setlocale(LC_NUMERIC, "C");
}

/* Fail each allocation in turn: an error, never a crash or a leak (run
 * under ASan). */
static void test_alloc_failures(void) {
  const char *text = "{\"a\":[1,2.5,\"x\\u00e9\",{\"b\":[true,null]}],\"c\":{\"d\":\"e\"},\"f\":\"g\"}";
  long total = 0;
  for (long n = 0; n < 100; n++) {
    oar_json_doc doc;
    oar_error err = {0};
    oar_alloc_fail_after(n);
    oar_status st = parse(text, &doc, &err);
    oar_alloc_fail_after(-1);
    if (st == OAR_OK) {
      total = n;
      oar_json_doc_free(&doc);
      break;
    }
    CHECK(st == OAR_ERR_OUT_OF_MEMORY, "allocation %ld failing: status %d (%s)", n, (int)st, err.msg);
  }
  CHECK(total > 0, "never succeeded");
}

int main(void) {
  test_scalars();
  test_empty_containers();
  test_strings();
  test_structure();
  test_errors();
  test_depth();
  test_many_members();
  test_locale();
  test_alloc_failures();
  printf("%d checks, %d failures\n", checks, failures);
  return failures ? 1 : 0;
}
