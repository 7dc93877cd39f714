/* The harnesses' common step: a model that loaded is run once on zeros of
 * its declared input shapes (-1 as 1), kept small, so that mutations reach
 * the planner and the kernels too. Included by each harness in fuzz/. */
#ifndef OAR_FUZZ_RUN_ON_ZEROS_H
#define OAR_FUZZ_RUN_ON_ZEROS_H

#include <stdint.h>
#include <stdlib.h>

#include "oar/oar.h"

static void run_on_zeros(oar_predictor *p) {
  size_t n = 0;
  if (oar_predictor_input_count(p, &n) != OAR_OK) return;
  for (size_t i = 0; i < n; i++) {
    const char *name;
    oar_tensor *t;
    oar_dtype dtype;
    size_t rank;
    int64_t dims[OAR_MAX_RANK];
    if (oar_predictor_input_name(p, i, &name) || oar_predictor_get_input(p, name, &t) ||
        oar_tensor_dtype(t, &dtype) || oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK) || rank > OAR_MAX_RANK)
      return;
    size_t numel = 1;
    for (size_t d = 0; d < rank; d++) {
      if (dims[d] < 0) dims[d] = 1;
      if (dims[d] > 64) return; /* keep runs small */
      numel *= (size_t)dims[d];
    }
    if (numel > (1u << 16) || oar_tensor_reshape(t, rank, dims) != OAR_OK) return;
    void *zeros = calloc(numel ? numel : 1, 8);
    oar_status st = zeros ? oar_tensor_copy_from_host(t, dtype, zeros, numel * oar_dtype_size(dtype))
                          : OAR_ERR_OUT_OF_MEMORY;
    free(zeros);
    if (st != OAR_OK) return;
  }
  (void)oar_predictor_run(p);
}

#endif
