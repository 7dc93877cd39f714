/* Op attributes: typed values, held by a node in the order of its schema. */
#ifndef OAR_IR_ATTR_H
#define OAR_IR_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef enum oar_attr_type {
  OAR_ATTR_NONE = 0, /* absent (only for attributes declared optional) */
  OAR_ATTR_INT,      /* int64 */
  OAR_ATTR_FLOAT,    /* double */
  OAR_ATTR_BOOL,
  OAR_ATTR_STRING,
  OAR_ATTR_INTS,   /* int64 list */
  OAR_ATTR_FLOATS, /* double list */
  OAR_ATTR_STRINGS
} oar_attr_type;

typedef struct oar_attr {
  oar_attr_type type;
  int64_t i;      /* INT, BOOL (0/1) */
  double f;       /* FLOAT */
  char *s;        /* STRING (owned) */
  size_t n;       /* list length */
  int64_t *ints;  /* INTS (owned) */
  double *floats; /* FLOATS (owned) */
  char **strings; /* STRINGS (owned, each owned) */
} oar_attr;

const char *oar_attr_type_name(oar_attr_type t);

/* Deep copy; OAR_ERR_OUT_OF_MEMORY on failure (dst left empty). */
oar_status oar_attr_copy(oar_attr *dst, const oar_attr *src, oar_error *err);
void oar_attr_free(oar_attr *a);

/* Converts `a` in place to `want` where the meaning is unchanged:
 * INT<->BOOL, INT->FLOAT, FLOAT->INT when integral, INT->INTS (one
 * element), INTS<->FLOATS (integral values for FLOATS->INTS), STRING ->
 * STRINGS. Returns OAR_ERR_INVALID_MODEL when it cannot. */
oar_status oar_attr_coerce(oar_attr *a, oar_attr_type want, oar_error *err);

#endif
