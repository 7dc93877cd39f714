/*
 * A program written for Paddle Inference's C API only (pd_inference_api.h,
 * linked with -lpaddle_inference_c), run against oar. It loads the MNIST
 * fc+softmax model, feeds the recorded input and compares with the output
 * Paddle Inference gave (|got - want| <= 1e-5 + 1e-4 |want|).
 *
 * Then the same with the model's Paddle 3 PIR export, MODEL_DIR_pir.
 *
 * Usage: paddle_c_api_test MODEL_DIR   (tests/data/models/mnist_fc)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_inference_api.h"

static int failures, checks;

#define CHECK(cond, ...)                                              \
  do {                                                                \
    checks++;                                                         \
    if (!(cond)) {                                                    \
      failures++;                                                     \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fputc('\n', stderr);                                            \
    }                                                                 \
  } while (0)

/* A float32 .npy file (version 1 or 2, C order). */
typedef struct npy {
  int rank;
  int32_t dims[8];
  size_t count;
  float *data;
} npy;

static int npy_load(const char *path, npy *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  unsigned char head[12];
  int ok = 0;
  char *header = NULL;
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) goto done;
  size_t header_len = head[8] | (size_t)head[9] << 8;
  if (head[6] >= 2) {
    if (fread(head + 10, 1, 2, f) != 2) goto done;
    header_len |= (size_t)head[10] << 16 | (size_t)head[11] << 24;
  }
  header = calloc(header_len + 1, 1);
  if (!header || fread(header, 1, header_len, f) != header_len) goto done;
  if (!strstr(header, "'<f4'") || strstr(header, "'fortran_order': True")) goto done;
  const char *p = strstr(header, "'shape': (");
  if (!p) goto done;
  p += strlen("'shape': (");
  out->rank = 0;
  out->count = 1;
  while (*p && *p != ')' && out->rank < 8) {
    char *end;
    long d = strtol(p, &end, 10);
    if (end == p) break;
    out->dims[out->rank++] = (int32_t)d;
    out->count *= (size_t)d;
    p = end;
    while (*p == ',' || *p == ' ') p++;
  }
  out->data = malloc(out->count * sizeof(float) + 1);
  ok = out->data && fread(out->data, sizeof(float), out->count, f) == out->count;
done:
  free(header);
  fclose(f);
  return ok;
}

static int close_enough(const float *got, const float *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!(fabsf(got[i] - want[i]) <= 1e-5f + 1e-4f * fabsf(want[i]))) return 0;
  return 1;
}

static size_t numel(const PD_OneDimArrayInt32 *shape) {
  size_t n = 1;
  for (size_t i = 0; i < shape->size; i++) n *= (size_t)shape->data[i];
  return n;
}

/* Runs the predictor on `in` through CopyFromCpu and checks the output. */
static void run_and_check(PD_Predictor *predictor, const npy *in, const npy *want, const char *label) {
  PD_OneDimArrayCstr *in_names = PD_PredictorGetInputNames(predictor);
  PD_OneDimArrayCstr *out_names = PD_PredictorGetOutputNames(predictor);
  PD_Tensor *input = PD_PredictorGetInputHandle(predictor, in_names->data[0]);
  PD_TensorReshape(input, (size_t)in->rank, (int32_t *)in->dims);
  PD_TensorCopyFromCpuFloat(input, in->data);
  CHECK(PD_PredictorRun(predictor), "%s: run failed", label);
  PD_Tensor *output = PD_PredictorGetOutputHandle(predictor, out_names->data[0]);
  PD_OneDimArrayInt32 *shape = PD_TensorGetShape(output);
  CHECK(shape && shape->size == 2 && shape->data[0] == want->dims[0] && shape->data[1] == want->dims[1],
        "%s: output shape", label);
  CHECK(PD_TensorGetDataType(output) == PD_DATA_FLOAT32, "%s: output dtype", label);
  if (shape && numel(shape) == want->count) {
    float *got = malloc(want->count * sizeof *got);
    PD_TensorCopyToCpuFloat(output, got);
    CHECK(close_enough(got, want->data, want->count), "%s: outputs differ from Paddle's", label);
    free(got);
  }
  PD_OneDimArrayInt32Destroy(shape);
  PD_TensorDestroy(output);
  PD_TensorDestroy(input);
  PD_OneDimArrayCstrDestroy(out_names);
  PD_OneDimArrayCstrDestroy(in_names);
}

/* PD_ConfigEnableMkldnnBfloat16: where the CPU has AVX512-BF16 oar runs
 * conv / fc / matmul in bfloat16 and the query says so (outputs within
 * 0.005 of Paddle's float32 probabilities: tests/unit/test_bf16_models.c
 * states why); elsewhere a warning, the query false, float32 results. */
static void test_bf16(const char *prog, const char *params, const npy *in, const npy *want) {
  PD_Config *config = PD_ConfigCreate();
  PD_ConfigSetModel(config, prog, params);
  PD_ConfigEnableMkldnnBfloat16(config);
  const PD_Bool on = PD_ConfigMkldnnBfloat16Enabled(config);
  PD_Cstr *summary = PD_ConfigSummary(config);
  CHECK(summary && (strstr(summary->data, "bfloat16") != NULL) == (on == TRUE),
        "summary names the precision");
  PD_CstrDestroy(summary);
  printf("bfloat16 %s on this host\n", on ? "runs" : "does not run");
  PD_Predictor *predictor = PD_PredictorCreate(config);
  PD_ConfigDestroy(config);
  CHECK(predictor != NULL, "bf16 predictor created");
  if (!predictor) return;
  PD_OneDimArrayCstr *in_names = PD_PredictorGetInputNames(predictor);
  PD_OneDimArrayCstr *out_names = PD_PredictorGetOutputNames(predictor);
  PD_Tensor *input = PD_PredictorGetInputHandle(predictor, in_names->data[0]);
  PD_TensorReshape(input, (size_t)in->rank, (int32_t *)in->dims);
  PD_TensorCopyFromCpuFloat(input, in->data);
  CHECK(PD_PredictorRun(predictor), "bf16: run failed");
  PD_Tensor *output = PD_PredictorGetOutputHandle(predictor, out_names->data[0]);
  float *got = malloc(want->count * sizeof *got);
  PD_TensorCopyToCpuFloat(output, got);
  float worst = 0;
  for (size_t i = 0; i < want->count; i++) worst = fmaxf(worst, fabsf(got[i] - want->data[i]));
  CHECK(on ? worst <= 0.005f && worst > 0 : close_enough(got, want->data, want->count),
        "bf16: outputs %s (max |diff| %g)", on ? "within 0.005 of float32, not equal" : "float32's", worst);
  free(got);
  PD_TensorDestroy(output);
  PD_TensorDestroy(input);
  PD_OneDimArrayCstrDestroy(out_names);
  PD_OneDimArrayCstrDestroy(in_names);
  PD_PredictorDestroy(predictor);
}

/* The same model exported by Paddle 3 as a PIR program (MODEL_DIR_pir:
 * model.json + model.pdiparams), given by files and by directory, as a
 * Paddle 3 program gives it. */
static void test_pir(const char *dir, const npy *in) {
  char prog[4096], params[4096], out_path[4096];
  snprintf(prog, sizeof prog, "%s/model.json", dir);
  snprintf(params, sizeof params, "%s/model.pdiparams", dir);
  snprintf(out_path, sizeof out_path, "%s/out_fetch_name_0.npy", dir);
  npy want = {0};
  CHECK(npy_load(out_path, &want), "cannot read %s", out_path);
  for (int by_dir = 0; by_dir < 2 && want.data; by_dir++) {
    PD_Config *config = PD_ConfigCreate();
    if (by_dir)
      PD_ConfigSetModelDir(config, dir);
    else
      PD_ConfigSetModel(config, prog, params);
    PD_Predictor *predictor = PD_PredictorCreate(config);
    PD_ConfigDestroy(config);
    CHECK(predictor != NULL, "PIR predictor (%s)", by_dir ? "model dir" : "model.json + model.pdiparams");
    if (!predictor) continue;
    PD_OneDimArrayCstr *out_names = PD_PredictorGetOutputNames(predictor);
    CHECK(out_names && out_names->size == 1 && strcmp(out_names->data[0], "fetch_name_0") == 0,
          "PIR output named by its fetch op");
    PD_OneDimArrayCstrDestroy(out_names);
    run_and_check(predictor, in, &want, by_dir ? "PIR model dir" : "PIR model.json");
    PD_PredictorDestroy(predictor);
  }
  free(want.data);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL_DIR\n", argv[0]);
    return 2;
  }
  char prog[4096], params[4096], in_path[4096], out_path[4096];
  snprintf(prog, sizeof prog, "%s/model.pdmodel", argv[1]);
  snprintf(params, sizeof params, "%s/model.pdiparams", argv[1]);
  snprintf(in_path, sizeof in_path, "%s/in_x.npy", argv[1]);
  snprintf(out_path, sizeof out_path, "%s/out_softmax_0.tmp_0.npy", argv[1]);
  npy in = {0}, want = {0};
  if (!npy_load(in_path, &in) || !npy_load(out_path, &want)) {
    fprintf(stderr, "cannot read %s or %s\n", in_path, out_path);
    return 2;
  }

  printf("%s\n", PD_GetVersion());

  /* Config: the calls a Paddle CPU deployment makes. */
  PD_Config *config = PD_ConfigCreate();
  PD_ConfigSetModel(config, prog, params);
  PD_ConfigDisableGpu(config);
  PD_ConfigSetCpuMathLibraryNumThreads(config, 2);
  PD_ConfigSwitchIrOptim(config, TRUE);
  PD_ConfigEnableMemoryOptim(config, TRUE);
  PD_ConfigDisableGlogInfo(config);
  PD_ConfigEnableMKLDNN(config); /* oar warns on stderr when it has no oneDNN */
  /* PaddleOCR's configs delete Paddle's pass names: a warning, and the
   * predictor below is still made and checked. */
  PD_ConfigDeletePass(config, "conv_transpose_eltwiseadd_bn_fuse_pass");
  CHECK(strcmp(PD_ConfigGetProgFile(config), prog) == 0, "prog file reads back");
  CHECK(strcmp(PD_ConfigGetParamsFile(config), params) == 0, "params file reads back");
  CHECK(PD_ConfigGetCpuMathLibraryNumThreads(config) == 2, "threads read back");
  CHECK(PD_ConfigIrOptim(config) == TRUE, "ir optim reads back");
  CHECK(PD_ConfigMemoryOptimEnabled(config) == TRUE, "memory optim reads back");
  CHECK(PD_ConfigUseGpu(config) == FALSE, "no GPU");
  CHECK(PD_ConfigGlogInfoDisabled(config) == TRUE, "glog flag");
  CHECK(PD_ConfigIsValid(config) == TRUE, "valid");
  PD_Cstr *summary = PD_ConfigSummary(config);
  CHECK(summary && summary->size == strlen(summary->data) + 1, "summary");
  PD_CstrDestroy(summary);

  PD_Predictor *predictor = PD_PredictorCreate(config);
  PD_ConfigDestroy(config); /* Paddle >= 2.5: the caller destroys the config */
  CHECK(predictor != NULL, "predictor created");
  if (!predictor) return 1;

  /* Names and infos. */
  CHECK(PD_PredictorGetInputNum(predictor) == 1, "one input");
  CHECK(PD_PredictorGetOutputNum(predictor) == 1, "one output");
  PD_OneDimArrayCstr *in_names = PD_PredictorGetInputNames(predictor);
  CHECK(in_names && in_names->size == 1 && strcmp(in_names->data[0], "x") == 0, "input name is x");
  PD_IOInfos *infos = PD_PredictorGetInputInfos(predictor);
  CHECK(infos && infos->size == 1, "one input info");
  if (infos && infos->size == 1) {
    PD_IOInfo *info = infos->io_info[0];
    CHECK(info->name->size == 2 && strcmp(info->name->data, "x") == 0, "info name");
    CHECK(info->shape->size == 2 && info->shape->data[0] == -1 && info->shape->data[1] == 784,
          "declared shape [-1, 784]");
    CHECK(info->dtype == PD_DATA_FLOAT32, "declared dtype");
  }
  PD_IOInfosDestroy(infos);
  PD_IOInfosDestroy(PD_PredictorGetOutputInfos(predictor));

  /* The minimal sequence: reshape, copy in, run, copy out. */
  run_and_check(predictor, &in, &want, "CopyFromCpu");

  /* MutableData in, Data out. */
  PD_Tensor *input = PD_PredictorGetInputHandle(predictor, in_names->data[0]);
  CHECK(strcmp(PD_TensorGetName(input), "x") == 0, "tensor name");
  PD_TensorReshape(input, (size_t)in.rank, in.dims);
  float *dst = PD_TensorMutableDataFloat(input, PD_PLACE_CPU);
  CHECK(dst != NULL, "mutable data");
  if (dst) memcpy(dst, in.data, in.count * sizeof *dst);
  CHECK(PD_PredictorRun(predictor), "run with mutable data");
  PD_OneDimArrayCstr *out_names = PD_PredictorGetOutputNames(predictor);
  PD_Tensor *output = PD_PredictorGetOutputHandle(predictor, out_names->data[0]);
  PD_PlaceType place = PD_PLACE_UNK;
  int32_t size = 0;
  float *got = PD_TensorDataFloat(output, &place, &size);
  CHECK(got && place == PD_PLACE_CPU && (size_t)size == want.count, "data pointer");
  if (got && (size_t)size == want.count) CHECK(close_enough(got, want.data, want.count), "Data outputs");

  /* LoD round trip on an input; outputs have none. */
  size_t level0[] = {0, 1, 3};
  PD_OneDimArraySize level = {3, level0};
  PD_OneDimArraySize *levels[] = {&level};
  PD_TwoDimArraySize lod = {1, levels};
  PD_TensorSetLod(input, &lod);
  PD_TwoDimArraySize *back = PD_TensorGetLod(input);
  CHECK(back && back->size == 1 && back->data[0]->size == 3 && back->data[0]->data[2] == 3, "lod");
  PD_TwoDimArraySizeDestroy(back);
  back = PD_TensorGetLod(output);
  CHECK(back && back->size == 0, "outputs have no lod");
  PD_TwoDimArraySizeDestroy(back);

  /* Errors: a name the model lacks, a model that does not exist. */
  CHECK(PD_PredictorGetInputHandle(predictor, "no_such_input") == NULL, "unknown input name");
  PD_Config *bad = PD_ConfigCreate();
  PD_ConfigSetModelDir(bad, "/nonexistent/model/dir");
  PD_Predictor *none = PD_PredictorCreate(bad);
  CHECK(none == NULL, "missing model refused");
  PD_ConfigDestroy(bad);

  /* A clone shares the weights and runs on its own. */
  PD_Predictor *clone = PD_PredictorClone(predictor);
  CHECK(clone != NULL, "clone");
  if (clone) run_and_check(clone, &in, &want, "clone");
  PD_PredictorClearIntermediateTensor(predictor);
  CHECK(PD_PredictorTryShrinkMemory(predictor) == 0, "shrink");

  PD_TensorDestroy(output);
  PD_TensorDestroy(input);
  PD_OneDimArrayCstrDestroy(out_names);
  PD_OneDimArrayCstrDestroy(in_names);
  PD_PredictorDestroy(clone);
  PD_PredictorDestroy(predictor);

  char pir_dir[4096];
  snprintf(pir_dir, sizeof pir_dir, "%s_pir", argv[1]);
  test_pir(pir_dir, &in);
  test_bf16(prog, params, &in, &want);
  free(in.data);
  free(want.data);

  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
