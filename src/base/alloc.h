/* The single allocation path of the engine. Every allocation goes through
 * these functions so that tests can fail the Nth allocation and check that
 * each failure is reported and leaks nothing. */
#ifndef OAR_BASE_ALLOC_H
#define OAR_BASE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

void *oar_malloc(size_t size);
void *oar_calloc(size_t count, size_t size);
void *oar_realloc(void *ptr, size_t size);
/* 64-byte aligned, for tensor data; free with oar_aligned_free. */
void *oar_aligned_alloc(size_t size);
void oar_aligned_free(void *ptr);
void oar_free(void *ptr);
char *oar_strdup(const char *s);
char *oar_strndup(const char *s, size_t n);

/* Test hook: after `n` more successful allocations, every allocation
 * fails; n < 0 switches failing off. Returns allocations done so far. */
void oar_alloc_fail_after(long n);
long oar_alloc_count(void);

/* Overflow-checked arithmetic: return 0 on overflow, 1 on success. */
static inline int oar_mul_size(size_t a, size_t b, size_t *out) { return !__builtin_mul_overflow(a, b, out); }
static inline int oar_add_size(size_t a, size_t b, size_t *out) { return !__builtin_add_overflow(a, b, out); }

#endif
