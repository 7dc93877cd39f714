// oar's Paddle Inference C++ API (bindings/paddle_cpp): the header Paddle's
// C++ deployment programs include. paddle_infer::Config, CreatePredictor,
// Predictor, Tensor, services::PredictorPool, with Paddle 3.3's names and
// values; programs compile with this include path and link
// libpaddle_inference.so (CMake target paddle_inference). Built on oar's C
// API (include/oar/oar.h) only; runs on the CPU.
//
// Errors: where Paddle throws (a model that cannot be loaded, an unknown
// input name, a shape or dtype the model cannot take, a failed run), this
// throws std::runtime_error whose what() is oar's message (file, op, tensor,
// what was expected and what was found).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "paddle_analysis_config.h"  // NOLINT
#include "paddle_api.h"              // NOLINT
#include "paddle_infer_declare.h"    // NOLINT
#include "paddle_tensor.h"           // NOLINT

namespace paddle_infer {

using PrecisionType = paddle::AnalysisConfig::Precision;
using Config = paddle::AnalysisConfig;

/// A loaded, optimized model ready to run. One thread at a time; Clone()
/// (or services::PredictorPool) gives each thread its own, sharing weights.
class PD_INFER_DECL Predictor {
 public:
  Predictor() = delete;
  ~Predictor();
  explicit Predictor(std::unique_ptr<paddle::PaddlePredictor>&& pred);
  /// Loads the model; throws std::runtime_error with oar's message.
  explicit Predictor(const Config& config);

  std::vector<std::string> GetInputNames();
  std::vector<std::string> GetOutputNames();
  /// Throws for a name the model does not have (the message lists them).
  std::unique_ptr<Tensor> GetInputHandle(const std::string& name);
  std::unique_ptr<Tensor> GetOutputHandle(const std::string& name);
  std::map<std::string, std::vector<int64_t>> GetInputTensorShape();
  std::map<std::string, std::vector<int64_t>> GetOutputTensorShape();
  std::map<std::string, DataType> GetInputTypes();
  std::map<std::string, DataType> GetOutputTypes();

  /// Runs on the data given to the inputs. Returns true; throws with oar's
  /// message on failure (an input without data, a shape an op cannot take).
  bool Run();

  /// A predictor sharing the loaded model. `stream` must be NULL.
  std::unique_ptr<Predictor> Clone(void* stream = nullptr);
  /// No-ops here (oar keeps its planned arena), said once on stderr.
  void ClearIntermediateTensor();
  uint64_t TryShrinkMemory();

  /// The engine (Paddle's older API) under this predictor.
  paddle::PaddlePredictor* oar_engine() { return predictor_.get(); }

 private:
  std::unique_ptr<paddle::PaddlePredictor> predictor_;
};

/// Loads the model the config names; throws std::runtime_error with oar's
/// message when it cannot (Paddle throws too).
PD_INFER_DECL std::shared_ptr<Predictor> CreatePredictor(const Config& config);

PD_INFER_DECL int GetNumBytesOfDataType(DataType dtype);
/// "version: oar X.Y.Z (Paddle Inference C++ API)\ncommit: ...\nbranch: ...".
PD_INFER_DECL std::string GetVersion();
/// (0, 0, 0): no TensorRT in this build.
PD_INFER_DECL std::tuple<int, int, int> GetTrtCompileVersion();
PD_INFER_DECL std::tuple<int, int, int> GetTrtRuntimeVersion();
/// oar has no gflags: returns "" and says once on stderr.
PD_INFER_DECL std::string UpdateDllFlag(const char* name, const char* value);

namespace services {
/// `size` predictors for `size` threads: Retrive(0) is made from the
/// config, the others are its clones (weights shared).
class PD_INFER_DECL PredictorPool {
 public:
  PredictorPool() = delete;
  PredictorPool(const PredictorPool&) = delete;
  PredictorPool& operator=(const PredictorPool&) = delete;
  explicit PredictorPool(const Config& config, size_t size = 1);
  /// The idx-th predictor; throws std::out_of_range past the pool's size.
  Predictor* Retrive(size_t idx);

 private:
  std::shared_ptr<Predictor> main_pred_;
  std::vector<std::unique_ptr<Predictor>> preds_;
};
}  // namespace services

}  // namespace paddle_infer
