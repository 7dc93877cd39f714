// A Paddle-Inference-Demo style C++ program (c++/cpu/resnet50): written for
// this test from Paddle's documented C++ API, compiled against
// paddle_inference_api.h and linked with libpaddle_inference.so, unchanged
// but for the include path and library. It runs one fixture (tests/data:
// models/ or ops/, legacy or PIR) and compares every output with Paddle
// Inference's recorded one.
//   resnet50_demo CASE_DIR [THREADS]
#include <chrono>
#include <iostream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "paddle/include/paddle_inference_api.h"
#include "paddle_case.h"

using paddle_infer::Config;
using paddle_infer::CreatePredictor;
using paddle_infer::Predictor;

std::shared_ptr<Predictor> InitPredictor(const case_io::Case& c, int threads) {
  Config config;
  if (c.params.empty()) {
    config.SetModel(c.model);  // a model directory (one file per parameter)
  } else {
    config.SetModel(c.model, c.params);
  }
  config.EnableMKLDNN();
  config.SetCpuMathLibraryNumThreads(threads);
  config.SwitchIrOptim();
  config.EnableMemoryOptim();
  return CreatePredictor(config);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: resnet50_demo CASE_DIR [THREADS]\n";
    return 2;
  }
  case_io::Case c = case_io::LoadCase(argv[1]);
  int threads = argc > 2 ? std::stoi(argv[2]) : 1;
  auto predictor = InitPredictor(c, threads);

  auto input_names = predictor->GetInputNames();
  if (input_names.size() != c.inputs.size()) {
    std::cerr << "FAIL: " << input_names.size() << " inputs, the case has " << c.inputs.size() << "\n";
    return 1;
  }
  for (size_t i = 0; i < input_names.size(); i++) {
    auto input_t = predictor->GetInputHandle(input_names[i]);
    case_io::Feed(input_t.get(), c.inputs[i].array);
  }

  auto start = std::chrono::steady_clock::now();
  predictor->Run();
  auto end = std::chrono::steady_clock::now();
  std::cout << "run: " << std::chrono::duration<double, std::milli>(end - start).count() << " ms\n";

  auto output_names = predictor->GetOutputNames();
  bool ok = output_names.size() == c.outputs.size();
  for (size_t i = 0; ok && i < output_names.size(); i++) ok = output_names[i] == c.outputs[i].name;
  if (!ok) std::cout << "FAIL: output names differ from the case's\n";
  ok = case_io::CheckOutputs(
           c, [&](const std::string& n) { return predictor->GetOutputHandle(n); }, "output") &&
       ok;

  // Paddle-Inference-Demo prints the first output's shape and head.
  auto output_t = predictor->GetOutputHandle(output_names[0]);
  std::vector<int> output_shape = output_t->shape();
  int out_num = std::accumulate(output_shape.begin(), output_shape.end(), 1, std::multiplies<int>());
  std::cout << "output[0] " << output_names[0] << ": " << out_num << " values\n";
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
