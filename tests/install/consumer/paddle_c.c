/* A program written for Paddle Inference's C API (pd_inference_api.h),
 * linked with oar's libpaddle_inference_c from the installed tree: runs the
 * digits CNN fixture and compares with Paddle's scores.
 * Usage: consumer_paddle_c MODEL_DIR */
#include <pd_inference_api.h>

#include "fixture.h"

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  fixture_array in, want;
  if (fixture_load(argv[1], "in_x.npy", &in) || fixture_load(argv[1], "out_softmax_0.tmp_0.npy", &want))
    return 1;
  char prog[4096], params[4096];
  snprintf(prog, sizeof prog, "%s/model.pdmodel", argv[1]);
  snprintf(params, sizeof params, "%s/model.pdiparams", argv[1]);
  PD_Config *config = PD_ConfigCreate();
  PD_ConfigSetModel(config, prog, params);
  PD_Predictor *predictor = PD_PredictorCreate(config);
  PD_ConfigDestroy(config); /* PD_PredictorCreate does not free it (Paddle >= 2.5) */
  if (!predictor) return 1;
  PD_OneDimArrayCstr *in_names = PD_PredictorGetInputNames(predictor);
  PD_OneDimArrayCstr *out_names = PD_PredictorGetOutputNames(predictor);
  PD_Tensor *input = PD_PredictorGetInputHandle(predictor, in_names->data[0]);
  int32_t dims[8];
  for (int i = 0; i < in.rank; i++) dims[i] = (int32_t)in.dims[i];
  PD_TensorReshape(input, (size_t)in.rank, dims);
  PD_TensorCopyFromCpuFloat(input, in.data);
  if (!PD_PredictorRun(predictor)) return 1;
  PD_Tensor *output = PD_PredictorGetOutputHandle(predictor, out_names->data[0]);
  float *got = (float *)malloc(want.count * sizeof(float));
  PD_TensorCopyToCpuFloat(output, got);
  int rc = fixture_check("Paddle C API, libpaddle_inference_c", got, &want);
  PD_TensorDestroy(output);
  PD_TensorDestroy(input);
  PD_OneDimArrayCstrDestroy(out_names);
  PD_OneDimArrayCstrDestroy(in_names);
  PD_PredictorDestroy(predictor);
  free(got);
  free(in.data);
  free(want.data);
  return rc;
}
