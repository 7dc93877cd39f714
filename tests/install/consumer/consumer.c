/* A program of a user of oar's C API: built against the installed tree only
 * (find_package(oar) or pkg-config), it runs the digits CNN fixture and
 * compares the scores with Paddle's. Usage: consumer_c MODEL_DIR */
#include <oar/oar.h>

#include "fixture.h"

#define OAR_STR_(x) #x
#define OAR_STR(x) OAR_STR_(x)

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  const char *header_version =
      OAR_STR(OAR_VERSION_MAJOR) "." OAR_STR(OAR_VERSION_MINOR) "." OAR_STR(OAR_VERSION_PATCH);
  if (strcmp(oar_version(), header_version) != 0) {
    fprintf(stderr, "library %s, header %s\n", oar_version(), header_version);
    return 1;
  }
  fixture_array in, want;
  if (fixture_load(argv[1], "in_x.npy", &in) || fixture_load(argv[1], "out_softmax_0.tmp_0.npy", &want))
    return 1;
  oar_config *config;
  oar_predictor *predictor;
  oar_tensor *input, *output;
  const char *in_name, *out_name;
  oar_config_create(&config);
  oar_config_set_model(config, argv[1], NULL);
  if (oar_predictor_create(config, &predictor) != OAR_OK) {
    fprintf(stderr, "%s\n", oar_last_error());
    return 1;
  }
  float *got = (float *)malloc(want.count * sizeof(float));
  if (oar_predictor_input_name(predictor, 0, &in_name) != OAR_OK ||
      oar_predictor_output_name(predictor, 0, &out_name) != OAR_OK ||
      oar_predictor_get_input(predictor, in_name, &input) != OAR_OK ||
      oar_tensor_reshape(input, (size_t)in.rank, in.dims) != OAR_OK ||
      oar_tensor_copy_from_host(input, OAR_DTYPE_FLOAT32, in.data, in.count * sizeof(float)) != OAR_OK ||
      oar_predictor_run(predictor) != OAR_OK ||
      oar_predictor_get_output(predictor, out_name, &output) != OAR_OK ||
      oar_tensor_copy_to_host(output, got, want.count * sizeof(float)) != OAR_OK) {
    fprintf(stderr, "%s\n", oar_last_error());
    return 1;
  }
  char who[64];
  snprintf(who, sizeof who, "C API, oar %s", oar_version());
  int rc = fixture_check(who, got, &want);
  oar_predictor_destroy(predictor);
  oar_config_destroy(config);
  free(got);
  free(in.data);
  free(want.data);
  return rc;
}
