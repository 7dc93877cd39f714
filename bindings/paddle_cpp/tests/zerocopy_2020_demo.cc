// A program written to Paddle's C++ API of 2020 (Paddle 1.8 / 2.0-beta,
// still shipped by Paddle 3): paddle::AnalysisConfig,
// paddle::CreatePaddlePredictor<AnalysisConfig>, GetInputTensor /
// copy_from_cpu / ZeroCopyRun / GetOutputTensor / copy_to_cpu, then the
// same inputs through PaddleTensor / PaddleBuf and Run(inputs, &outputs).
// Both runs are compared with Paddle Inference's outputs.
//   zerocopy_2020_demo CASE_DIR
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "paddle_case.h"
#include "paddle_inference_api.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: zerocopy_2020_demo CASE_DIR\n";
    return 2;
  }
  case_io::Case c = case_io::LoadCase(argv[1]);

  paddle::AnalysisConfig config;
  if (c.params.empty()) {
    config.SetModel(c.model);
  } else {
    config.SetProgFile(c.model);
    config.SetParamsFile(c.params);
  }
  config.DisableGpu();
  config.SwitchUseFeedFetchOps(false);
  config.SwitchSpecifyInputNames(true);
  config.SwitchIrOptim(true);
  std::unique_ptr<paddle::PaddlePredictor> predictor =
      paddle::CreatePaddlePredictor<paddle::AnalysisConfig>(config);

  auto input_names = predictor->GetInputNames();
  for (size_t i = 0; i < input_names.size(); i++) {
    std::unique_ptr<paddle::ZeroCopyTensor> input_t = predictor->GetInputTensor(input_names[i]);
    const case_io::Array& a = c.inputs[i].array;
    input_t->Reshape(a.shape);
    if (a.descr == "<f4") {
      input_t->copy_from_cpu(a.as<float>());
    } else {
      case_io::Feed(input_t.get(), a);
    }
  }
  bool ok = predictor->ZeroCopyRun();
  ok = case_io::CheckOutputs(
           c, [&](const std::string& n) { return predictor->GetOutputTensor(n); }, "zero-copy") &&
       ok;

  // The PaddleTensor path, on a clone.
  std::unique_ptr<paddle::PaddlePredictor> clone = predictor->Clone();
  std::vector<paddle::PaddleTensor> inputs(c.inputs.size());
  std::vector<std::vector<char>> storage(c.inputs.size());
  for (size_t i = 0; i < c.inputs.size(); i++) {
    const case_io::Array& a = c.inputs[i].array;
    storage[i] = a.bytes;
    inputs[i].name = c.inputs[i].name;
    inputs[i].shape = a.shape;
    inputs[i].data = paddle::PaddleBuf(storage[i].data(), storage[i].size());
    inputs[i].dtype = a.descr == "<i8"   ? paddle::PaddleDType::INT64
                      : a.descr == "<i4" ? paddle::PaddleDType::INT32
                                         : paddle::PaddleDType::FLOAT32;
  }
  std::vector<paddle::PaddleTensor> outputs;
  ok = clone->Run(inputs, &outputs) && ok;
  if (outputs.size() != c.outputs.size()) {
    std::cout << "FAIL: " << outputs.size() << " outputs, the case has " << c.outputs.size() << "\n";
    ok = false;
  }
  for (size_t i = 0; i < outputs.size() && i < c.outputs.size(); i++) {
    const paddle::PaddleTensor& out = outputs[i];
    std::vector<double> got;
    size_t n = out.data.length() / static_cast<size_t>(paddle::PaddleDtypeSize(out.dtype));
    for (size_t k = 0; k < n; k++) {
      switch (out.dtype) {
        case paddle::PaddleDType::FLOAT32:
          got.push_back(static_cast<const float*>(out.data.data())[k]);
          break;
        case paddle::PaddleDType::INT64:
          got.push_back(static_cast<double>(static_cast<const int64_t*>(out.data.data())[k]));
          break;
        case paddle::PaddleDType::INT32:
          got.push_back(static_cast<const int32_t*>(out.data.data())[k]);
          break;
        default: break;
      }
    }
    ok = out.name == c.outputs[i].name && ok;
    ok = case_io::Compare("PaddleTensor " + out.name, out.shape, got, c.outputs[i].array, c.rtol, c.atol) &&
         ok;
  }
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
