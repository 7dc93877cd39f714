// A program written for Paddle Inference's C++ API (paddle_inference_api.h),
// linked with oar's libpaddle_inference from the installed tree: runs the
// digits CNN fixture and compares with Paddle's scores.
// Usage: consumer_paddle_cpp MODEL_DIR
#include <paddle_inference_api.h>

#include <string>
#include <vector>

#include "fixture.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  fixture_array in, want;
  if (fixture_load(argv[1], "in_x.npy", &in) || fixture_load(argv[1], "out_softmax_0.tmp_0.npy", &want))
    return 1;
  std::string dir = argv[1];
  paddle_infer::Config config;
  config.SetModel(dir + "/model.pdmodel", dir + "/model.pdiparams");
  auto predictor = paddle_infer::CreatePredictor(config);
  auto input = predictor->GetInputHandle(predictor->GetInputNames()[0]);
  input->Reshape(std::vector<int>(in.dims, in.dims + in.rank));
  input->CopyFromCpu(in.data);
  predictor->Run();
  auto output = predictor->GetOutputHandle(predictor->GetOutputNames()[0]);
  std::vector<float> got(want.count);
  output->CopyToCpu(got.data());
  int rc = fixture_check("Paddle C++ API, libpaddle_inference", got.data(), &want);
  free(in.data);
  free(want.data);
  return rc;
}
