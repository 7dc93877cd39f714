/* libFuzzer harness: any bytes as an optimized model file (`oar opt`,
 * src/frontend/oarfile) must load or fail with a status, never crash, leak,
 * read out of bounds or allocate beyond reason; a model that loads is run
 * once on zeros of its declared shapes (-1 as 1) under a memory budget.
 * Byte 0 is the harness's: when its low bit is set, the header's and the
 * metadata's checksums are recomputed before loading, so that mutations
 * reach the metadata parser and the planner instead of stopping at the
 * checksum. Build and run: fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "fuzz_run_on_zeros.h"
#include "oar/oar.h"

static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The format's checksums (docs/optimized-format.md), made right again. */
static void fix_checksums(uint8_t *b, size_t size) {
  if (size < 128) return;
  const uint64_t off = get64(b + 32), len = get64(b + 40);
  if (off <= size && len <= size - off) put64(b + 64, oar_xxh64(b + off, (size_t)len, 0));
  put64(b + 72, oar_xxh64(b, 72, 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const int fix = data[0] & 1;
  size--;
  uint8_t *file = malloc(size ? size : 1);
  if (!file) return 0;
  memcpy(file, data + 1, size);
  if (fix) fix_checksums(file, size);
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  if (oar_config_create(&c) == OAR_OK) {
    /* Sizes derived from the file are bounded by the budget, not by what
     * the sanitizer's allocator will give. */
    if (oar_config_set_memory_budget(c, 64u << 20) == OAR_OK &&
        oar_config_set_model_buffer(c, file, size, NULL, 0) == OAR_OK &&
        oar_predictor_create(c, &p) == OAR_OK) {
      run_on_zeros(p);
      oar_predictor_destroy(p);
    }
    oar_config_destroy(c);
  }
  free(file);
  return 0;
}
