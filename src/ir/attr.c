#include "ir/attr.h"

#include <math.h>
#include <string.h>

#include "base/alloc.h"

const char *oar_attr_type_name(oar_attr_type t) {
  switch (t) {
    case OAR_ATTR_NONE: return "none";
    case OAR_ATTR_INT: return "int";
    case OAR_ATTR_FLOAT: return "float";
    case OAR_ATTR_BOOL: return "bool";
    case OAR_ATTR_STRING: return "string";
    case OAR_ATTR_INTS: return "ints";
    case OAR_ATTR_FLOATS: return "floats";
    case OAR_ATTR_STRINGS: return "strings";
  }
  return "unknown";
}

void oar_attr_free(oar_attr *a) {
  if (!a) return;
  oar_free(a->s);
  oar_free(a->ints);
  oar_free(a->floats);
  if (a->strings)
    for (size_t i = 0; i < a->n; i++) oar_free(a->strings[i]);
  oar_free(a->strings);
  memset(a, 0, sizeof *a);
}

static oar_status oom(oar_error *err) {
  return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory copying an attribute");
}

oar_status oar_attr_copy(oar_attr *dst, const oar_attr *src, oar_error *err) {
  oar_attr c = *src;
  c.s = NULL;
  c.ints = NULL;
  c.floats = NULL;
  c.strings = NULL;
  if (src->s && !(c.s = oar_strdup(src->s))) return oom(err);
  if (src->ints) {
    if (!(c.ints = oar_malloc(src->n * sizeof *c.ints))) goto fail;
    memcpy(c.ints, src->ints, src->n * sizeof *c.ints);
  }
  if (src->floats) {
    if (!(c.floats = oar_malloc(src->n * sizeof *c.floats))) goto fail;
    memcpy(c.floats, src->floats, src->n * sizeof *c.floats);
  }
  if (src->strings) {
    if (!(c.strings = oar_calloc(src->n ? src->n : 1, sizeof *c.strings))) goto fail;
    for (size_t i = 0; i < src->n; i++)
      if (!(c.strings[i] = oar_strdup(src->strings[i] ? src->strings[i] : ""))) goto fail;
  }
  *dst = c;
  return OAR_OK;
fail:
  oar_attr_free(&c);
  return oom(err);
}

oar_status oar_attr_coerce(oar_attr *a, oar_attr_type want, oar_error *err) {
  if (a->type == want) return OAR_OK;
  oar_attr_type have = a->type;
  if (want == OAR_ATTR_INT && have == OAR_ATTR_BOOL) {
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_BOOL && have == OAR_ATTR_INT) {
    a->i = a->i != 0;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_FLOAT && (have == OAR_ATTR_INT || have == OAR_ATTR_BOOL)) {
    a->f = (double)a->i;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_INT && have == OAR_ATTR_FLOAT && a->f == floor(a->f) && fabs(a->f) < 9.0e18) {
    a->i = (int64_t)a->f;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_INTS && (have == OAR_ATTR_INT || have == OAR_ATTR_BOOL)) {
    int64_t *v = oar_malloc(sizeof *v);
    if (!v) return oom(err);
    v[0] = a->i;
    a->ints = v;
    a->n = 1;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_FLOATS && have == OAR_ATTR_INTS) {
    double *v = oar_malloc((a->n ? a->n : 1) * sizeof *v);
    if (!v) return oom(err);
    for (size_t i = 0; i < a->n; i++) v[i] = (double)a->ints[i];
    oar_free(a->ints);
    a->ints = NULL;
    a->floats = v;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_INTS && have == OAR_ATTR_FLOATS) {
    int64_t *v = oar_malloc((a->n ? a->n : 1) * sizeof *v);
    if (!v) return oom(err);
    for (size_t i = 0; i < a->n; i++) {
      if (a->floats[i] != floor(a->floats[i]) || fabs(a->floats[i]) > 9.0e18) {
        oar_free(v);
        return oar_error_set(err, OAR_ERR_INVALID_MODEL, "expected integers, found %g", a->floats[i]);
      }
      v[i] = (int64_t)a->floats[i];
    }
    oar_free(a->floats);
    a->floats = NULL;
    a->ints = v;
    a->type = want;
    return OAR_OK;
  }
  if (want == OAR_ATTR_STRINGS && have == OAR_ATTR_STRING) {
    char **v = oar_malloc(sizeof *v);
    if (!v) return oom(err);
    v[0] = a->s;
    a->s = NULL;
    a->strings = v;
    a->n = 1;
    a->type = want;
    return OAR_OK;
  }
  /* An empty list of one kind is an empty list of any kind. */
  if ((want == OAR_ATTR_INTS || want == OAR_ATTR_FLOATS || want == OAR_ATTR_STRINGS) &&
      (have == OAR_ATTR_INTS || have == OAR_ATTR_FLOATS || have == OAR_ATTR_STRINGS) && a->n == 0) {
    oar_attr_free(a);
    a->type = want;
    return OAR_OK;
  }
  return oar_error_set(err, OAR_ERR_INVALID_MODEL, "has type %s, expected %s", oar_attr_type_name(have),
                       oar_attr_type_name(want));
}
