// A PaddleOCR deploy/cpp_infer style program (the predictor code of its
// Detector / Classifier / Recognizer LoadModel and Run), written for this
// test from Paddle's documented C++ API and compiled unchanged against
// paddle_inference_api.h: Config with the CPU options PaddleOCR sets,
// pass_builder()->DeletePass of Paddle's pass names, CreatePredictor, then a
// Clone fed through mutable_data and read through data<T>(), as PaddleOCR's
// multi-threaded serving does. Outputs are compared with Paddle Inference's.
//   ocr_style_demo CASE_DIR [OAR_PASS_TO_DELETE]
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "paddle_case.h"
#include "paddle_inference_api.h"

class Detector {
 public:
  Detector(const std::string& model_file, const std::string& params_file, bool use_gpu, int gpu_id,
           bool use_mkldnn, int cpu_math_library_num_threads, const std::string& extra_delete) {
    paddle_infer::Config config;
    config.SetModel(model_file, params_file);
    if (use_gpu) {
      config.EnableUseGpu(100, gpu_id);
    } else {
      config.DisableGpu();
      if (use_mkldnn) {
        config.EnableMKLDNN();
        // cache 10 different shapes for mkldnn to avoid memory leak
        config.SetMkldnnCacheCapacity(10);
      }
      config.SetCpuMathLibraryNumThreads(cpu_math_library_num_threads);
    }
    // false for zero copy tensor
    config.SwitchUseFeedFetchOps(false);
    // true for multiple input
    config.SwitchSpecifyInputNames(true);
    config.SwitchIrOptim(true);
    config.EnableMemoryOptim();
    config.DisableGlogInfo();
    config.pass_builder()->DeletePass("conv_transpose_eltwiseadd_bn_fuse_pass");
    config.pass_builder()->DeletePass("matmul_transpose_reshape_fuse_pass");
    if (!extra_delete.empty()) config.pass_builder()->DeletePass(extra_delete);
    summary_ = config.Summary();
    use_gpu_ = config.use_gpu();
    predictor_ = paddle_infer::CreatePredictor(config);
  }
  std::shared_ptr<paddle_infer::Predictor> predictor_;
  std::string summary_;
  bool use_gpu_;
};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ocr_style_demo CASE_DIR [OAR_PASS_TO_DELETE]\n";
    return 2;
  }
  case_io::Case c = case_io::LoadCase(argv[1]);
  std::string extra = argc > 2 ? argv[2] : "";
  // PaddleOCR's flags: --use_gpu=true on a machine without GPU support.
  Detector det(c.model, c.params, /*use_gpu=*/true, 0, /*use_mkldnn=*/true, 2, extra);
  bool ok = true;
  if (det.use_gpu_) {
    std::cout << "FAIL: use_gpu() says true on a build without a GPU backend\n";
    ok = false;
  }
  size_t deleted_at = det.summary_.find("deleted oar passes:");
  std::string deleted_line =
      deleted_at == std::string::npos
          ? ""
          : det.summary_.substr(deleted_at, det.summary_.find('\n', deleted_at) - deleted_at);
  if (!extra.empty()) std::cout << deleted_line << "\n";
  if (!extra.empty() && (deleted_line + " ").find(" " + extra + " ") == std::string::npos) {
    std::cout << "FAIL: Summary() does not list the deleted pass " << extra << ":\n" << det.summary_;
    ok = false;
  }
  if (det.summary_.find("conv_transpose_eltwiseadd_bn_fuse_pass") == std::string::npos) {
    std::cout << "FAIL: Summary() does not say what became of Paddle's pass name:\n" << det.summary_;
    ok = false;
  }

  auto& predictor = det.predictor_;
  auto input_names = predictor->GetInputNames();
  for (size_t i = 0; i < input_names.size(); i++) {
    auto input_t = predictor->GetInputHandle(input_names[i]);
    case_io::Feed(input_t.get(), c.inputs[i].array);
  }
  predictor->Run();
  ok = case_io::CheckOutputs(
           c, [&](const std::string& n) { return predictor->GetOutputHandle(n); }, "predictor") &&
       ok;

  // A clone (PaddleOCR's per-thread predictors), inputs written in place.
  auto clone = predictor->Clone();
  for (size_t i = 0; i < input_names.size(); i++) {
    auto input_t = clone->GetInputHandle(input_names[i]);
    const case_io::Array& a = c.inputs[i].array;
    input_t->Reshape(a.shape);
    if (a.descr == "<f4") {
      float* dst = input_t->mutable_data<float>(paddle_infer::PlaceType::kCPU);
      std::memcpy(dst, a.bytes.data(), a.bytes.size());
    } else {
      case_io::Feed(input_t.get(), a);
    }
  }
  clone->Run();
  ok = case_io::CheckOutputs(
           c, [&](const std::string& n) { return clone->GetOutputHandle(n); }, "clone") &&
       ok;

  // data<T>() gives the output without a copy, bit-identical to CopyToCpu.
  auto out_names = clone->GetOutputNames();
  auto out = clone->GetOutputHandle(out_names[0]);
  if (out->type() == paddle_infer::DataType::FLOAT32) {
    paddle_infer::PlaceType place;
    int size = 0;
    float* p = out->data<float>(&place, &size);
    std::vector<float> copy(static_cast<size_t>(size));
    out->CopyToCpu(copy.data());
    bool same = place == paddle_infer::PlaceType::kCPU && std::memcmp(p, copy.data(), copy.size() * 4) == 0;
    std::cout << (same ? "ok" : "FAIL") << " data<float>() equals CopyToCpu (" << size << " values)\n";
    ok = ok && same;
  }
  predictor->ClearIntermediateTensor();
  predictor->TryShrinkMemory();
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
