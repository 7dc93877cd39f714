/* A string -> int hash map for the loaders: variable name -> value id.
 * Keys are borrowed (not copied) and must outlive the map. Programs have
 * thousands of variables and tens of thousands of uses, so a linear search
 * per use would be quadratic. */
#ifndef OAR_FRONTEND_PADDLE_NAME_MAP_H
#define OAR_FRONTEND_PADDLE_NAME_MAP_H

#include <stddef.h>

#include "base/error.h"

typedef struct oar_name_map {
  const char **keys; /* NULL = empty slot */
  int *vals;
  size_t cap; /* power of two */
  size_t count;
} oar_name_map;

/* An empty map (no allocation until the first put). */
void oar_name_map_init(oar_name_map *m);
void oar_name_map_free(oar_name_map *m);
/* The value stored under key, or -1. */
int oar_name_map_get(const oar_name_map *m, const char *key);
/* Stores val under key, replacing any earlier value. OAR_ERR_OUT_OF_MEMORY. */
oar_status oar_name_map_put(oar_name_map *m, const char *key, int val, oar_error *err);

#endif
