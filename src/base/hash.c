#include "base/hash.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

/* Little-endian loads, whatever the host (the checksum is part of a file
 * format): one unaligned load where the host is little-endian. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ || defined(_M_X64) || \
    defined(_M_ARM64)
static uint64_t read64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static uint32_t read32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
#else
static uint64_t read64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static uint32_t read32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
#endif

static uint64_t round64(uint64_t acc, uint64_t input) {
  acc += input * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}

static uint64_t merge(uint64_t acc, uint64_t val) {
  acc ^= round64(0, val);
  return acc * P1 + P4;
}

/* The 32-byte stripes: four lanes. */
static void stripes(uint64_t v[4], const uint8_t *p, size_t n) {
  uint64_t a = v[0], b = v[1], c = v[2], d = v[3];
  for (size_t i = 0; i + 32 <= n; i += 32) {
    a = round64(a, read64(p + i));
    b = round64(b, read64(p + i + 8));
    c = round64(c, read64(p + i + 16));
    d = round64(d, read64(p + i + 24));
  }
  v[0] = a, v[1] = b, v[2] = c, v[3] = d;
}

static uint64_t finish(uint64_t h, const uint8_t *p, size_t n) {
  while (n >= 8) {
    h ^= round64(0, read64(p));
    h = rotl(h, 27) * P1 + P4;
    p += 8, n -= 8;
  }
  if (n >= 4) {
    h ^= (uint64_t)read32(p) * P1;
    h = rotl(h, 23) * P2 + P3;
    p += 4, n -= 4;
  }
  while (n > 0) {
    h ^= (uint64_t)(*p) * P5;
    h = rotl(h, 11) * P1;
    p++, n--;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

static uint64_t converge(const uint64_t v[4]) {
  uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
  for (int i = 0; i < 4; i++) h = merge(h, v[i]);
  return h;
}

void oar_xxh64_init(oar_xxh64_state *s, uint64_t seed) {
  memset(s, 0, sizeof *s);
  s->seed = seed;
  s->v[0] = seed + P1 + P2;
  s->v[1] = seed + P2;
  s->v[2] = seed;
  s->v[3] = seed - P1;
}

void oar_xxh64_update(oar_xxh64_state *s, const void *data, size_t size) {
  const uint8_t *p = data;
  if (!size) return;
  s->total += size;
  if (s->buffered) {
    size_t take = 32 - s->buffered;
    if (take > size) take = size;
    memcpy(s->buf + s->buffered, p, take);
    s->buffered += take;
    p += take, size -= take;
    if (s->buffered < 32) return;
    stripes(s->v, s->buf, 32);
    s->buffered = 0;
  }
  size_t whole = size & ~(size_t)31;
  stripes(s->v, p, whole);
  p += whole, size -= whole;
  memcpy(s->buf, p, size);
  s->buffered = size;
}

uint64_t oar_xxh64_digest(const oar_xxh64_state *s) {
  uint64_t h = s->total >= 32 ? converge(s->v) : s->seed + P5;
  h += s->total;
  return finish(h, s->buf, s->buffered);
}

uint64_t oar_xxh64(const void *data, size_t size, uint64_t seed) {
  const uint8_t *p = data;
  uint64_t h;
  size_t whole = size & ~(size_t)31;
  if (size >= 32) {
    uint64_t v[4] = {seed + P1 + P2, seed + P2, seed, seed - P1};
    stripes(v, p, whole);
    h = converge(v);
  } else {
    h = seed + P5;
    whole = 0;
  }
  h += (uint64_t)size;
  return finish(h, p + whole, size - whole);
}
