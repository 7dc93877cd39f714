/* Packed weights kept with the model: a weight is packed into a kernel's
 * panel layout once and shared by every plan of every clone (DESIGN.md,
 * "Optimize": pre-packed weights are kept with the optimized model).
 * Thread-safe: clones may plan at the same time. */
#ifndef OAR_RUNTIME_WEIGHT_CACHE_H
#define OAR_RUNTIME_WEIGHT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct oar_weight_cache oar_weight_cache;

oar_status oar_weight_cache_create(oar_weight_cache **out, oar_error *err);
void oar_weight_cache_destroy(oar_weight_cache *cache);

/* Writes the packed form of the weight into dst (`floats` floats). */
typedef void (*oar_weight_pack_fn)(void *ctx, float *dst);

/* The packed form of model constant `src` for kernel table `table` and
 * layout `key` (what else the packing depends on), made by `pack` on first
 * use. *packed belongs to the cache and lives as long as the model. Only
 * model constants may be keys: their address is stable for the model's
 * life. Returns OAR_OK or OAR_ERR_OUT_OF_MEMORY. */
oar_status oar_weight_cache_get(oar_weight_cache *cache, const void *src, const void *table,
                                const int64_t key[4], size_t floats, oar_weight_pack_fn pack, void *ctx,
                                const float **packed, oar_error *err);

/* Called on a miss, before `pack` reads src: may check the source weight
 * (its checksum, for a weight mapped from an optimized model file). */
typedef oar_status (*oar_weight_source_check_fn)(void *ctx, const void *src, oar_error *err);
void oar_weight_cache_set_source_check(oar_weight_cache *cache, oar_weight_source_check_fn check, void *ctx);

/* Adds a packed weight that lies in memory the cache does not own (an
 * optimized model file's mapping, which must outlive the cache). Its
 * XXH64 `hash` is checked on its first use (OAR_ERR_INVALID_MODEL naming
 * `label` on a mismatch). */
oar_status oar_weight_cache_add_borrowed(oar_weight_cache *cache, const void *src, const void *table,
                                         const int64_t key[4], size_t floats, const float *data,
                                         uint64_t hash, const char *label, oar_error *err);

/* The entries, for writing them to an optimized model file. */
size_t oar_weight_cache_count(oar_weight_cache *cache);
void oar_weight_cache_entry(oar_weight_cache *cache, size_t index, const void **src, const void **table,
                            int64_t key[4], size_t *floats, const float **data);

/* Bytes of packed weights held on the heap (not counting borrowed ones). */
size_t oar_weight_cache_bytes(oar_weight_cache *cache);

#endif
