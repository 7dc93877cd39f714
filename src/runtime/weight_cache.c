#include "runtime/weight_cache.h"

#include <string.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "base/thread.h"

typedef struct entry {
  const void *src, *table;
  int64_t key[4];
  float *data;
  size_t floats;
  int borrowed;      /* data lies in a mapped optimized model file */
  int verified;      /* borrowed: its checksum has been checked */
  uint64_t hash;     /* borrowed: XXH64 of the data */
  const char *label; /* borrowed: the weight's name, for errors */
} entry;

struct oar_weight_cache {
  oar_mutex lock;
  entry *entries;
  size_t count, cap;
  size_t bytes;
  oar_weight_source_check_fn check;
  void *check_ctx;
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
  for (size_t i = 0; i < c->count; i++)
    if (!c->entries[i].borrowed) oar_aligned_free(c->entries[i].data);
  oar_free(c->entries);
  oar_mutex_destroy(&c->lock);
  oar_free(c);
}

static int same(const entry *e, const void *src, const void *table, const int64_t key[4], size_t floats) {
  return e->src == src && e->table == table && e->floats == floats && memcmp(e->key, key, sizeof e->key) == 0;
}

/* Room for one more entry; the caller holds the lock. */
static oar_status reserve_entry(oar_weight_cache *c, oar_error *err) {
  if (c->count < c->cap) return OAR_OK;
  size_t cap = c->cap ? c->cap * 2 : 32;
  entry *e = oar_realloc(c->entries, cap * sizeof *e);
  if (!e) return oar_error_set(err, OAR_ERR_OUT_OF_MEMORY, "out of memory growing the weight cache");
  c->entries = e;
  c->cap = cap;
  return OAR_OK;
}

oar_status oar_weight_cache_get(oar_weight_cache *c, const void *src, const void *table, const int64_t key[4],
                                size_t floats, oar_weight_pack_fn pack, void *ctx, const float **packed,
                                oar_error *err) {
  oar_mutex_lock(&c->lock);
  for (size_t i = 0; i < c->count; i++) {
    entry *hit = &c->entries[i];
    if (same(hit, src, table, key, floats)) {
      oar_status st = OAR_OK;
      /* A packed weight from the file is checked when first used: load
       * stays fast and only the weights that run are read. */
      if (hit->borrowed && !hit->verified) {
        if (oar_xxh64(hit->data, hit->floats * sizeof *hit->data, 0) != hit->hash)
          st = oar_error_set(err, OAR_ERR_INVALID_MODEL, "checksum mismatch in the packed weight of '%s'",
                             hit->label ? hit->label : "?");
        else
          hit->verified = 1;
      }
      if (st == OAR_OK) *packed = hit->data;
      oar_mutex_unlock(&c->lock);
      return st;
    }
  }
  oar_status st = OAR_OK;
  if (c->check && (st = c->check(c->check_ctx, src, err)) != OAR_OK) goto done;
  if ((st = reserve_entry(c, err)) != OAR_OK) goto done;
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
  memset(e, 0, sizeof *e);
  e->src = src;
  e->table = table;
  memcpy(e->key, key, sizeof e->key);
  e->data = data;
  e->floats = floats;
  c->bytes += floats * sizeof *data; /* heap bytes: borrowed entries are the file's */
  *packed = data;
done:
  oar_mutex_unlock(&c->lock);
  return st;
}

oar_status oar_weight_cache_add_borrowed(oar_weight_cache *c, const void *src, const void *table,
                                         const int64_t key[4], size_t floats, const float *data,
                                         uint64_t hash, const char *label, oar_error *err) {
  oar_mutex_lock(&c->lock);
  oar_status st = OAR_OK;
  if ((st = reserve_entry(c, err)) != OAR_OK) goto done;
  entry *e = &c->entries[c->count++];
  memset(e, 0, sizeof *e);
  e->src = src;
  e->table = table;
  memcpy(e->key, key, sizeof e->key);
  e->data = (float *)data;
  e->floats = floats;
  e->borrowed = 1;
  e->hash = hash;
  e->label = label;
done:
  oar_mutex_unlock(&c->lock);
  return st;
}

void oar_weight_cache_set_source_check(oar_weight_cache *c, oar_weight_source_check_fn check, void *ctx) {
  c->check = check;
  c->check_ctx = ctx;
}

size_t oar_weight_cache_count(oar_weight_cache *c) {
  oar_mutex_lock(&c->lock);
  size_t n = c->count;
  oar_mutex_unlock(&c->lock);
  return n;
}

void oar_weight_cache_entry(oar_weight_cache *c, size_t index, const void **src, const void **table,
                            int64_t key[4], size_t *floats, const float **data) {
  oar_mutex_lock(&c->lock);
  const entry *e = &c->entries[index];
  *src = e->src;
  *table = e->table;
  memcpy(key, e->key, sizeof e->key);
  *floats = e->floats;
  *data = e->data;
  oar_mutex_unlock(&c->lock);
}

size_t oar_weight_cache_bytes(oar_weight_cache *c) {
  oar_mutex_lock(&c->lock);
  size_t b = c->bytes;
  oar_mutex_unlock(&c->lock);
  return b;
}
