#include "api/handles.h"

#include <stdint.h>

#include "base/alloc.h"
#include "base/thread.h"

/* Open-addressing set of live handles; deleted slots are tombstones. */
typedef struct slot {
  const void *ptr;
  int kind; /* 0 empty, -1 tombstone */
} slot;

static oar_mutex lock = OAR_MUTEX_INITIALIZER;
static slot *slots;
static size_t capacity, used; /* used counts live + tombstones */

static size_t hash_ptr(const void *p) {
  uint64_t x = (uint64_t)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

static bool rehash(size_t new_cap) {
  slot *fresh = oar_calloc(new_cap, sizeof *fresh);
  if (!fresh) return false;
  size_t live = 0;
  for (size_t i = 0; i < capacity; i++) {
    if (slots[i].kind <= 0) continue;
    size_t h = hash_ptr(slots[i].ptr) & (new_cap - 1);
    while (fresh[h].kind != 0) h = (h + 1) & (new_cap - 1);
    fresh[h] = slots[i];
    live++;
  }
  oar_free(slots);
  slots = fresh;
  capacity = new_cap;
  used = live;
  return true;
}

bool oar_handle_register(const void *handle, oar_handle_kind kind) {
  oar_mutex_lock(&lock);
  bool ok = true;
  if ((used + 1) * 2 > capacity) ok = rehash(capacity ? capacity * 2 : 64);
  if (ok) {
    size_t h = hash_ptr(handle) & (capacity - 1);
    while (slots[h].kind > 0) h = (h + 1) & (capacity - 1);
    if (slots[h].kind == 0) used++;
    slots[h].ptr = handle;
    slots[h].kind = (int)kind;
  }
  oar_mutex_unlock(&lock);
  return ok;
}

static slot *find(const void *handle) {
  if (!capacity) return NULL;
  size_t h = hash_ptr(handle) & (capacity - 1);
  while (slots[h].kind != 0) {
    if (slots[h].kind > 0 && slots[h].ptr == handle) return &slots[h];
    h = (h + 1) & (capacity - 1);
  }
  return NULL;
}

void oar_handle_unregister(const void *handle) {
  oar_mutex_lock(&lock);
  slot *s = find(handle);
  if (s) {
    s->kind = -1;
    s->ptr = NULL;
  }
  oar_mutex_unlock(&lock);
}

bool oar_handle_valid(const void *handle, oar_handle_kind kind) {
  if (!handle) return false;
  oar_mutex_lock(&lock);
  slot *s = find(handle);
  bool ok = s && s->kind == (int)kind;
  oar_mutex_unlock(&lock);
  return ok;
}
