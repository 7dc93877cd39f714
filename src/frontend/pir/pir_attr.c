#include "frontend/pir/pir_attr.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "frontend/pir/pir_program.h"

const char *oar_pir_attr_type(const oar_json *at) {
  const oar_json *t = oar_json_get(at, "#");
  return t && t->type == OAR_JSON_STRING ? t->u.str.s : "?";
}

static bool is(const oar_json *at, const char *type) { return strcmp(oar_pir_attr_type(at), type) == 0; }

/* The payload "D", which must be of JSON type `want`. */
static oar_status payload(const oar_json *at, oar_json_type want, const oar_json **d, oar_error *err) {
  *d = oar_json_get(at, "D");
  if (!*d)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "(%s at byte %zu) has no value \"D\"",
                         oar_pir_attr_type(at), at->offset);
  if ((*d)->type != want)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "(%s at byte %zu) holds a JSON %s, expected a JSON %s",
                         oar_pir_attr_type(at), (*d)->offset, oar_json_type_name((*d)->type),
                         oar_json_type_name(want));
  return OAR_OK;
}

oar_status oar_pir_attr_number(const oar_json *at, double *d, bool *is_int, int64_t *i, oar_error *err) {
  const oar_json *v;
  *is_int = false;
  *i = 0;
  if (is(at, "0.a_f32") || is(at, "0.a_f64")) {
    /* NaN and infinities are spelled in "VD" instead of "D". */
    const oar_json *vd = oar_json_get(at, "VD");
    if (vd && vd->type == OAR_JSON_STRING) {
      const char *s = vd->u.str.s;
      if (strcmp(s, "NaN") == 0)
        *d = NAN;
      else if (strcmp(s, "INF") == 0)
        *d = INFINITY;
      else if (strcmp(s, "-INF") == 0)
        *d = -INFINITY;
      else
        return oar_error_set(err, OAR_ERR_INVALID_MODEL,
                             "(%s at byte %zu) has special value \"%.32s\", expected NaN, INF or -INF",
                             oar_pir_attr_type(at), vd->offset, s);
      return OAR_OK;
    }
    v = oar_json_get(at, "D");
    if (v && v->type == OAR_JSON_INT) {
      *d = (double)v->u.i;
      return OAR_OK;
    }
    OAR_TRY(payload(at, OAR_JSON_DOUBLE, &v, err));
    *d = v->u.d;
    return OAR_OK;
  }
  if (is(at, "0.a_i32") || is(at, "0.a_i64") || is(at, "0.a_index")) {
    OAR_TRY(payload(at, OAR_JSON_INT, &v, err));
    *is_int = true;
    *i = v->u.i;
    *d = (double)v->u.i;
    return OAR_OK;
  }
  if (is(at, "0.a_bool")) {
    OAR_TRY(payload(at, OAR_JSON_BOOL, &v, err));
    *is_int = true;
    *i = v->u.b;
    *d = v->u.b;
    return OAR_OK;
  }
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "is a %s (byte %zu), expected a number",
                       oar_pir_attr_type(at), at->offset);
}

oar_status oar_pir_attr_ints(const oar_json *at, int64_t *dst, size_t cap, size_t *count, oar_error *err) {
  *count = 0;
  const oar_json *d;
  bool wrapped = is(at, "0.a_array"); /* [{"#":"0.a_i64","D":1}, ...] rather than [1, ...] */
  if (!wrapped && !is(at, "1.a_intarray"))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "is a %s (byte %zu), expected an integer list",
                         oar_pir_attr_type(at), at->offset);
  OAR_TRY(payload(at, OAR_JSON_ARRAY, &d, err));
  for (size_t k = 0; k < d->u.arr.n; k++) {
    const oar_json *e = &d->u.arr.items[k];
    if (wrapped && (is(e, "0.a_i32") || is(e, "0.a_i64"))) e = oar_json_get(e, "D");
    if (!e || e->type != OAR_JSON_INT)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "element %zu (byte %zu) is not an integer", k,
                           d->u.arr.items[k].offset);
    if (k < cap) dst[k] = e->u.i;
  }
  *count = d->u.arr.n;
  return OAR_OK;
}

/* An integer list into a new array (oar_free; NULL when *n is 0). */
static oar_status ints_alloc(const oar_json *at, int64_t **v, size_t *n, oar_error *err) {
  *v = NULL;
  OAR_TRY(oar_pir_attr_ints(at, NULL, 0, n, err));
  if (!*n) return OAR_OK;
  if (!(*v = oar_malloc(*n * sizeof **v)))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for %zu integers", *n);
  return oar_pir_attr_ints(at, *v, *n, n, err);
}

oar_status oar_pir_attr_string(const oar_json *at, const char **s, oar_error *err) {
  const oar_json *d;
  if (!is(at, "0.a_str") && !is(at, "1.a_layout"))
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "is a %s (byte %zu), expected a string",
                         oar_pir_attr_type(at), at->offset);
  OAR_TRY(payload(at, OAR_JSON_STRING, &d, err));
  if (strlen(d->u.str.s) != d->u.str.len)
    return oar_error_set(err, OAR_ERR_INVALID_MODEL, "(byte %zu) holds a NUL character", d->offset);
  *s = d->u.str.s;
  return OAR_OK;
}

/* ---- legacy attributes -------------------------------------------------------- */

static oar_status oom(oar_error *err) {
  return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory converting an attribute");
}

/* An a_array whose elements are all of one scalar type. */
static oar_status array_to_pd(const oar_json *at, oar_pd_attr *out, oar_error *err) {
  const oar_json *d;
  OAR_TRY(payload(at, OAR_JSON_ARRAY, &d, err));
  size_t n = d->u.arr.n;
  const char *type = n ? oar_pir_attr_type(&d->u.arr.items[0]) : "0.a_i64";
  for (size_t k = 1; k < n; k++)
    if (strcmp(oar_pir_attr_type(&d->u.arr.items[k]), type) != 0)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "(array at byte %zu) mixes %s and %s elements",
                           at->offset, type, oar_pir_attr_type(&d->u.arr.items[k]));
  if (strcmp(type, "0.a_str") == 0) {
    out->type = OAR_PD_ATTR_STRINGS;
    if (n && !(out->strings.v = oar_calloc(n, sizeof *out->strings.v))) return oom(err);
    for (size_t k = 0; k < n; k++) {
      const char *s;
      OAR_TRY(oar_pir_attr_string(&d->u.arr.items[k], &s, err));
      if (!(out->strings.v[k] = oar_strdup(s))) return oom(err);
      out->strings.n = k + 1;
    }
    return OAR_OK;
  }
  bool real = strcmp(type, "0.a_f32") == 0 || strcmp(type, "0.a_f64") == 0;
  bool integral =
      strcmp(type, "0.a_i32") == 0 || strcmp(type, "0.a_i64") == 0 || strcmp(type, "0.a_bool") == 0;
  if (!real && !integral)
    return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                         "(array at byte %zu) holds %s elements, which oar does not read", at->offset, type);
  oar_pd_ints *ints = strcmp(type, "0.a_i32") == 0    ? (out->type = OAR_PD_ATTR_INTS, &out->ints)
                      : strcmp(type, "0.a_bool") == 0 ? (out->type = OAR_PD_ATTR_BOOLEANS, &out->bools)
                                                      : (out->type = OAR_PD_ATTR_LONGS, &out->longs);
  oar_pd_floats *floats = NULL;
  if (real) {
    out->type = strcmp(type, "0.a_f32") == 0 ? OAR_PD_ATTR_FLOATS : OAR_PD_ATTR_FLOAT64S;
    floats = out->type == OAR_PD_ATTR_FLOATS ? &out->floats : &out->float64s;
    if (n && !(floats->v = oar_malloc(n * sizeof *floats->v))) return oom(err);
  } else if (n && !(ints->v = oar_malloc(n * sizeof *ints->v))) {
    return oom(err);
  }
  for (size_t k = 0; k < n; k++) {
    double dv;
    bool is_int;
    int64_t iv;
    OAR_TRY(oar_pir_attr_number(&d->u.arr.items[k], &dv, &is_int, &iv, err));
    if (real) {
      floats->v[k] = dv;
      floats->n = k + 1;
    } else {
      ints->v[k] = iv;
      ints->n = k + 1;
    }
  }
  return OAR_OK;
}

static oar_status scalar_to_pd(const oar_json *at, const char *type, oar_pd_attr *out, oar_error *err) {
  double d;
  bool is_int;
  int64_t i;
  OAR_TRY(oar_pir_attr_number(at, &d, &is_int, &i, err));
  if (strcmp(type, "0.a_bool") == 0) {
    out->type = OAR_PD_ATTR_BOOLEAN;
    out->b = i != 0;
  } else if (strcmp(type, "0.a_i32") == 0) {
    if (i < INT32_MIN || i > INT32_MAX)
      return oar_error_set(err, OAR_ERR_INVALID_MODEL, "(0.a_i32 at byte %zu) holds %lld, outside int32",
                           at->offset, (long long)i);
    out->type = OAR_PD_ATTR_INT;
    out->i = (int32_t)i;
  } else if (is_int) {
    out->type = OAR_PD_ATTR_LONG;
    out->l = i;
  } else if (strcmp(type, "0.a_f32") == 0) {
    out->type = OAR_PD_ATTR_FLOAT;
    out->f = (float)d;
  } else {
    out->type = OAR_PD_ATTR_FLOAT64;
    out->float64 = d;
  }
  return OAR_OK;
}

static oar_status value_to_pd(const oar_json *at, oar_pd_attr *out, oar_error *err) {
  const char *type = oar_pir_attr_type(at);
  if (strcmp(type, "0.a_bool") == 0 || strcmp(type, "0.a_i32") == 0 || strcmp(type, "0.a_i64") == 0 ||
      strcmp(type, "0.a_index") == 0 || strcmp(type, "0.a_f32") == 0 || strcmp(type, "0.a_f64") == 0)
    return scalar_to_pd(at, type, out, err);
  if (strcmp(type, "0.a_str") == 0 || strcmp(type, "1.a_layout") == 0) {
    const char *s;
    OAR_TRY(oar_pir_attr_string(at, &s, err));
    out->type = OAR_PD_ATTR_STRING;
    return (out->s = oar_strdup(s)) ? OAR_OK : oom(err);
  }
  if (strcmp(type, "1.a_intarray") == 0) {
    out->type = OAR_PD_ATTR_LONGS;
    return ints_alloc(at, &out->longs.v, &out->longs.n, err);
  }
  if (strcmp(type, "1.a_dtype") == 0) {
    const char *s;
    const oar_json *d;
    OAR_TRY(payload(at, OAR_JSON_STRING, &d, err));
    s = d->u.str.s;
    int32_t vt = oar_pir_dtype_vartype(s);
    if (vt == -1)
      return oar_error_set(err, OAR_ERR_UNSUPPORTED,
                           "is data type \"%.32s\" (byte %zu), which oar does not support", s, d->offset);
    out->type = OAR_PD_ATTR_INT;
    out->i = vt == -2 ? -1 : vt;
    return OAR_OK;
  }
  if (strcmp(type, "0.a_array") == 0) return array_to_pd(at, out, err);
  return oar_error_set(err, OAR_ERR_UNSUPPORTED, "is a %s (byte %zu), which oar does not read", type,
                       at->offset);
}

/* Frees what value_to_pd may have allocated (the name is the caller's). */
static void pd_attr_clear(oar_pd_attr *a) {
  oar_free(a->s);
  oar_free(a->ints.v);
  oar_free(a->longs.v);
  oar_free(a->bools.v);
  oar_free(a->floats.v);
  oar_free(a->float64s.v);
  for (size_t k = 0; k < a->strings.n; k++) oar_free(a->strings.v[k]);
  oar_free(a->strings.v);
  memset(a, 0, sizeof *a);
}

oar_status oar_pir_attr_to_pd(const oar_json *at, const char *name, oar_pd_attr *out, oar_error *err) {
  memset(out, 0, sizeof *out);
  oar_status st = value_to_pd(at, out, err);
  if (st == OAR_OK && !(out->name = oar_strdup(name))) st = oom(err);
  if (st != OAR_OK) pd_attr_clear(out);
  return st;
}
