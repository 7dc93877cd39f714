/* Hashing: XXH64 (the xxHash 64-bit algorithm, seed-compatible with the
 * reference implementation), for checksums of files oar writes. */
#ifndef OAR_BASE_HASH_H
#define OAR_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* XXH64 of `size` bytes at data (data may be NULL when size is 0). */
uint64_t oar_xxh64(const void *data, size_t size, uint64_t seed);

/* Streaming form: init, update any number of times, digest (which does
 * not change the state). Gives the same value as one oar_xxh64 call over
 * the concatenated bytes. */
typedef struct oar_xxh64_state {
  uint64_t total;
  uint64_t v[4];
  uint8_t buf[32];
  size_t buffered;
  uint64_t seed;
} oar_xxh64_state;

void oar_xxh64_init(oar_xxh64_state *s, uint64_t seed);
void oar_xxh64_update(oar_xxh64_state *s, const void *data, size_t size);
uint64_t oar_xxh64_digest(const oar_xxh64_state *s);

#endif
