/* libFuzzer harness: any bytes as a model (Paddle program + params split
 * at a fuzzed point, or an ONNX model) must load or fail with a status,
 * never crash, leak or read out of bounds; a model that loads is run once
 * on zeros of its declared shapes (-1 as 1). Build and run: fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_run_on_zeros.h"
#include "oar/oar.h"

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
