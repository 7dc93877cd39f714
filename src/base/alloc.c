#include "base/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <malloc.h>
#endif

/* Fault injection is process-wide test state, not configuration. */
static atomic_long fail_after = -1;
static atomic_long alloc_count = 0;

static int should_fail(void) {
  atomic_fetch_add(&alloc_count, 1);
  long n = atomic_load(&fail_after);
  if (n < 0) return 0;
  if (n == 0) return 1;
  atomic_fetch_sub(&fail_after, 1);
  return 0;
}

void oar_alloc_fail_after(long n) { atomic_store(&fail_after, n); }
long oar_alloc_count(void) { return atomic_load(&alloc_count); }

void *oar_malloc(size_t size) {
  if (should_fail()) return NULL;
  return malloc(size ? size : 1);
}

void *oar_calloc(size_t count, size_t size) {
  if (should_fail()) return NULL;
  if (count == 0 || size == 0) return calloc(1, 1);
  return calloc(count, size);
}

void *oar_realloc(void *ptr, size_t size) {
  if (should_fail()) return NULL;
  return realloc(ptr, size ? size : 1);
}

void *oar_aligned_alloc(size_t size) {
  if (should_fail()) return NULL;
  size_t rounded = (size + 63) & ~(size_t)63;
  if (rounded < size) return NULL;
#if defined(_WIN32)
  /* The C runtime of Windows has no aligned_alloc (its free cannot release
   * an over-aligned block): _aligned_malloc with _aligned_free. */
  return _aligned_malloc(rounded ? rounded : 64, 64);
#else
  return aligned_alloc(64, rounded ? rounded : 64);
#endif
}

#if defined(_WIN32)
void oar_aligned_free(void *ptr) { _aligned_free(ptr); }
#else
void oar_aligned_free(void *ptr) { free(ptr); }
#endif
void oar_free(void *ptr) { free(ptr); }

char *oar_strndup(const char *s, size_t n) {
  char *d = oar_malloc(n + 1);
  if (!d) return NULL;
  if (n) memcpy(d, s, n); /* s may be NULL when n is 0 (an empty name read from a file) */
  d[n] = '\0';
  return d;
}

char *oar_strdup(const char *s) { return oar_strndup(s, strlen(s)); }
