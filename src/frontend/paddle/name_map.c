#include "frontend/paddle/name_map.h"

#include <stdint.h>
#include <string.h>

#include "base/alloc.h"

void oar_name_map_init(oar_name_map *m) { memset(m, 0, sizeof *m); }

void oar_name_map_free(oar_name_map *m) {
  oar_free(m->keys);
  oar_free(m->vals);
  memset(m, 0, sizeof *m);
}

/* FNV-1a: short names, no adversary benefits from collisions beyond
 * slowing a load it controls anyway. */
static size_t hash(const char *s) {
  uint64_t h = 14695981039346656037ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return (size_t)h;
}

/* Slot holding key, or the empty slot where it would go. cap > 0. */
static size_t find(const char *const *keys, size_t cap, const char *key) {
  size_t i = hash(key) & (cap - 1);
  while (keys[i] && strcmp(keys[i], key) != 0) i = (i + 1) & (cap - 1);
  return i;
}

int oar_name_map_get(const oar_name_map *m, const char *key) {
  if (!m->cap) return -1;
  size_t i = find(m->keys, m->cap, key);
  return m->keys[i] ? m->vals[i] : -1;
}

static oar_status grow(oar_name_map *m, oar_error *err) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  if (cap > SIZE_MAX / 2 / sizeof(int))
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "name map of %zu entries is too large", m->count);
  const char **keys = oar_calloc(cap, sizeof *keys);
  int *vals = oar_calloc(cap, sizeof *vals);
  if (!keys || !vals) {
    oar_free(keys);
    oar_free(vals);
    return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory for a name map of %zu entries", cap);
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t j = find(keys, cap, m->keys[i]);
    keys[j] = m->keys[i];
    vals[j] = m->vals[i];
  }
  oar_free(m->keys);
  oar_free(m->vals);
  m->keys = keys;
  m->vals = vals;
  m->cap = cap;
  return OAR_OK;
}

oar_status oar_name_map_put(oar_name_map *m, const char *key, int val, oar_error *err) {
  /* Keep the load factor under 1/2 so probes stay short. */
  if ((m->count + 1) * 2 > m->cap) OAR_TRY(grow(m, err));
  size_t i = find(m->keys, m->cap, key);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->count++;
  }
  m->vals[i] = val;
  return OAR_OK;
}
