#include "runtime/weight_cache.h"

#include <string.h>

#include "base/alloc.h"
#include "base/thread.h"

typedef struct entry {
  const void *src, *table;
  int64_t key[4];
  float *data;
  size_t floats;
} entry;

struct oar_weight_cache {
  oar_mutex lock;
  entry *entries;
  size_t count, cap;
  size_t bytes;
};

oar_status oar_weight_cache_create(oar_weight_cache **out, oar_error *err) {
  oar_weight_cache *c = oar_calloc(1, sizeof *c);
  if (!c) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory creating the weight cache");
  oar_mutex_init(&c->lock);
  *out = c;
  return OAR_OK;
}

void oar_weight_cache_destroy(oar_weight_cache *c) {
  if (!c) return;
  for (size_t i = 0; i < c->count; i++) oar_aligned_free(c->entries[i].data);
  oar_free(c->entries);
  oar_mutex_destroy(&c->lock);
  oar_free(c);
}

static int same(const entry *e, const void *src, const void *table, const int64_t key[4], size_t floats) {
  return e->src == src && e->table == table && e->floats == floats && memcmp(e->key, key, sizeof e->key) == 0;
}

oar_status oar_weight_cache_get(oar_weight_cache *c, const void *src, const void *table, const int64_t key[4],
                                size_t floats, oar_weight_pack_fn pack, void *ctx, const float **packed,
                                oar_error *err) {
  oar_mutex_lock(&c->lock);
  for (size_t i = 0; i < c->count; i++) {
    if (same(&c->entries[i], src, table, key, floats)) {
      *packed = c->entries[i].data;
      oar_mutex_unlock(&c->lock);
      return OAR_OK;
    }
  }
  oar_status st = OAR_OK;
  if (c->count == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    entry *e = oar_realloc(c->entries, cap * sizeof *e);
    if (!e) {
      st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory growing the weight cache");
      goto done;
    }
    c->entries = e;
    c->cap = cap;
  }
  float *data = oar_aligned_alloc((floats ? floats : 1) * sizeof *data);
  if (!data) {
    st = oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory packing a weight (%zu bytes)",
                       floats * sizeof *data);
    goto done;
  }
  /* Packing under the lock: a clone planning at the same time waits
   * instead of packing the same weight twice. */
  pack(ctx, data);
  entry *e = &c->entries[c->count++];
  e->src = src;
  e->table = table;
  memcpy(e->key, key, sizeof e->key);
  e->data = data;
  e->floats = floats;
  c->bytes += floats * sizeof *data;
  *packed = data;
done:
  oar_mutex_unlock(&c->lock);
  return st;
}

size_t oar_weight_cache_bytes(oar_weight_cache *c) {
  oar_mutex_lock(&c->lock);
  size_t b = c->bytes;
  oar_mutex_unlock(&c->lock);
  return b;
}
