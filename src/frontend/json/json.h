/* A small, strict JSON reader (RFC 8259) for untrusted model files.
 *
 * It reads a whole document into a tree of values held by one document
 * object (freed at once). Strict means: exactly one value and nothing but
 * white space around it; no comments, trailing commas, single quotes, NaN
 * or leading zeros; strings are valid UTF-8 with every escape of the RFC,
 * \uXXXX surrogates paired; control characters escaped; member names
 * unique within an object. Nesting is limited to OAR_JSON_MAX_DEPTH, so a
 * hostile file cannot exhaust the stack.
 *
 * Numbers without a fraction or exponent that fit int64 are OAR_JSON_INT;
 * every other number is OAR_JSON_DOUBLE (an integer beyond int64 is kept
 * as the nearest double; a number beyond double's range is an error).
 *
 * Every error is OAR_ERR_INVALID_MODEL (OAR_ERR_OUT_OF_MEMORY when
 * allocation fails) with a message "invalid JSON at byte N: expected X, got
 * Y", N counted from the start of the buffer. We wrote this reader rather
 * than vendor one: it is on the load path only, small, and no vendored
 * library was at hand offline. */
#ifndef OAR_FRONTEND_JSON_JSON_H
#define OAR_FRONTEND_JSON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define OAR_JSON_MAX_DEPTH 128

typedef enum oar_json_type {
  OAR_JSON_NULL,
  OAR_JSON_BOOL,
  OAR_JSON_INT,
  OAR_JSON_DOUBLE,
  OAR_JSON_STRING,
  OAR_JSON_ARRAY,
  OAR_JSON_OBJECT
} oar_json_type;

typedef struct oar_json oar_json;
typedef struct oar_json_member oar_json_member;

struct oar_json {
  oar_json_type type;
  size_t offset; /* of the value's first byte in the document */
  union {
    bool b;
    int64_t i;
    double d;
    struct {
      const char *s; /* NUL-terminated; may hold NULs from \u0000 (see len) */
      size_t len;
    } str;
    struct {
      const oar_json *items;
      size_t n;
    } arr;
    struct {
      const oar_json_member *members; /* in document order */
      size_t n;
    } obj;
  } u;
};

struct oar_json_member {
  const char *key; /* NUL-terminated, key_len bytes */
  size_t key_len;
  size_t key_offset; /* of the name's opening quote */
  oar_json value;
};

/* A parsed document: root and the memory of every value under it. */
typedef struct oar_json_doc {
  oar_json root;
  void *chunks; /* private */
} oar_json_doc;

/* Parses data[0 .. size) (data may be NULL when size is 0, which is an
 * error: no value). On success *doc holds the tree (oar_json_doc_free);
 * on failure *doc is left empty and freeable. */
oar_status oar_json_parse(const void *data, size_t size, oar_json_doc *doc, oar_error *err);
void oar_json_doc_free(oar_json_doc *doc);

/* The member `key` of an object, or NULL (absent, or v is not an object).
 * Linear: objects of model files have a handful of members. */
const oar_json *oar_json_get(const oar_json *v, const char *key);

/* "null", "boolean", "integer", "number", "string", "array", "object". */
const char *oar_json_type_name(oar_json_type type);

#endif
