/* PIR attribute values (spec 4.5: {"#": type, "D": payload}) read into the
 * legacy attribute struct the Paddle frontend builds IR attributes from,
 * and read as plain numbers, integer lists and strings.
 *
 * Messages are predicates ("is a 0.a_str, expected a number") for the
 * caller to prefix with the file, op and attribute name. */
#ifndef OAR_FRONTEND_PIR_PIR_ATTR_H
#define OAR_FRONTEND_PIR_PIR_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "frontend/json/json.h"
#include "frontend/paddle/program.h"

/* Converts `at` into *out (zeroed first; out->name is a copy of `name`):
 * a_bool -> BOOLEAN, a_i32 -> INT, a_i64 / a_index -> LONG, a_f32 ->
 * FLOAT, a_f64 -> FLOAT64, a_str / a_layout -> STRING, a_intarray ->
 * LONGS, a_dtype -> INT (the Paddle VarType.Type; "undefined" -> -1, as
 * legacy ops write "same as the input"), a_array -> INTS, LONGS,
 * BOOLEANS, FLOATS, FLOAT64S or STRINGS by its elements (empty: LONGS).
 * OAR_ERR_INVALID_MODEL for a malformed value, OAR_ERR_UNSUPPORTED for
 * attribute types oar does not read (places, types, complex, dist),
 * OAR_ERR_OUT_OF_MEMORY. On failure *out holds nothing to free. */
oar_status oar_pir_attr_to_pd(const oar_json *at, const char *name, oar_pd_attr *out, oar_error *err);

/* A number attribute (a_f32, a_f64, a_i32, a_i64, a_index, a_bool; NaN
 * and infinities from "VD"). *is_int says it was integral-typed, with its
 * exact value in *i. */
oar_status oar_pir_attr_number(const oar_json *at, double *d, bool *is_int, int64_t *i, oar_error *err);

/* An integer list (a_intarray, or a_array of a_i32 / a_i64): its first
 * min(count, cap) values into dst, its length into *count. Allocates
 * nothing, so a caller can tell "not a constant" from "out of memory". */
oar_status oar_pir_attr_ints(const oar_json *at, int64_t *dst, size_t cap, size_t *count, oar_error *err);

/* A string attribute (a_str); *s points into the document. */
oar_status oar_pir_attr_string(const oar_json *at, const char **s, oar_error *err);

/* The attribute type name ("#") of `at`, or "?" . */
const char *oar_pir_attr_type(const oar_json *at);

#endif
