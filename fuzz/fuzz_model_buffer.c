/* libFuzzer harness: any bytes as a model (Paddle program + params split
 * at a fuzzed point, or an ONNX model) must load or fail with a status,
 * never crash, leak or read out of bounds; a model that loads is run once
 * on zeros of its declared shapes (-1 as 1). Build and run: fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  /* First byte: where the program ends and the params begin. */
  size_t split = 1 + (size_t)data[0] * (size - 1) / 255;
  oar_config *c = NULL;
  oar_predictor *p = NULL;
  if (oar_config_create(&c) != OAR_OK) return 0;
  /* Fuzzed loops stop soon (the limit's error path is exercised too). */
  oar_config_set_max_loop_iterations(c, 256);
  if (oar_config_set_model_buffer(c, data + 1, split - 1 ? split - 1 : size - 1, data + split,
                                  size - split) == OAR_OK &&
      oar_predictor_create(c, &p) == OAR_OK) {
    run_on_zeros(p);
    oar_predictor_destroy(p);
  }
  oar_config_destroy(c);
  return 0;
}
