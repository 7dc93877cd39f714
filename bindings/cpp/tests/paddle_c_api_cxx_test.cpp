// A C++ program written for Paddle Inference's C API (the README's
// minimal sequence), compiled as C++ against include/paddle_inference_c and
// linked with -lpaddle_inference_c: the headers are C++-clean and the
// numbers are Paddle's. Usage: paddle_c_api_cxx_test MODEL_DIR (mnist_fc)
#include "pd_inference_api.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

static std::vector<float> npy_floats(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  char head[10];
  in.read(head, 10);
  size_t header_len = static_cast<unsigned char>(head[8]) | static_cast<unsigned char>(head[9]) << 8;
  in.ignore(static_cast<std::streamsize>(header_len));
  std::vector<float> data(count);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(count * sizeof(float)));
  if (!in) data.clear();
  return data;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  std::vector<float> input = npy_floats(dir + "/in_x.npy", 3 * 784);
  std::vector<float> want = npy_floats(dir + "/out_softmax_0.tmp_0.npy", 3 * 10);
  if (input.empty() || want.empty()) return 2;

  PD_Config* config = PD_ConfigCreate();
  PD_ConfigSetModel(config, (dir + "/model.pdmodel").c_str(), (dir + "/model.pdiparams").c_str());
  PD_ConfigDisableGpu(config);
  PD_ConfigSetCpuMathLibraryNumThreads(config, 1);
  PD_Predictor* predictor = PD_PredictorCreate(config);
  PD_ConfigDestroy(config);
  if (!predictor) return 1;

  PD_OneDimArrayCstr* input_names = PD_PredictorGetInputNames(predictor);
  PD_Tensor* input_tensor = PD_PredictorGetInputHandle(predictor, input_names->data[0]);
  int32_t shape[2] = {3, 784};
  PD_TensorReshape(input_tensor, 2, shape);
  PD_TensorCopyFromCpuFloat(input_tensor, input.data());
  PD_Bool ok = PD_PredictorRun(predictor);

  PD_OneDimArrayCstr* output_names = PD_PredictorGetOutputNames(predictor);
  PD_Tensor* output_tensor = PD_PredictorGetOutputHandle(predictor, output_names->data[0]);
  PD_OneDimArrayInt32* output_shape = PD_TensorGetShape(output_tensor);
  size_t count = 1;
  for (size_t i = 0; i < output_shape->size; i++) count *= static_cast<size_t>(output_shape->data[i]);
  std::vector<float> got(count);
  PD_TensorCopyToCpuFloat(output_tensor, got.data());

  int bad = !ok || got.size() != want.size();
  for (size_t i = 0; !bad && i < got.size(); i++)
    bad = !(std::fabs(got[i] - want[i]) <= 1e-5f + 1e-4f * std::fabs(want[i]));

  PD_OneDimArrayInt32Destroy(output_shape);
  PD_TensorDestroy(output_tensor);
  PD_TensorDestroy(input_tensor);
  PD_OneDimArrayCstrDestroy(output_names);
  PD_OneDimArrayCstrDestroy(input_names);
  PD_PredictorDestroy(predictor);
  std::printf("%d passed, %d failed\n", bad ? 0 : 1, bad ? 1 : 0);
  return bad;
}
