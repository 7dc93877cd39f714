// oar's Paddle Inference C++ API (bindings/paddle_cpp): the names of
// Paddle's paddle_api.h, the API of 2018-2020 that Paddle 2 and 3 still
// ship: PaddleBuf, PaddleTensor, ZeroCopyTensor, PaddlePredictor (Run with
// PaddleTensors, GetInputTensor / ZeroCopyRun), NativeConfig and
// CreatePaddlePredictor. Implemented on oar's C API (include/oar/oar.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "paddle_infer_declare.h"  // NOLINT
#include "paddle_tensor.h"         // NOLINT

namespace paddle {

using PaddleDType = paddle_infer::DataType;
using PaddlePlace = paddle_infer::PlaceType;
using PaddleDataLayout = paddle_infer::DataLayout;

/// A host buffer: owned (PaddleBuf(length), Resize) or the caller's
/// (PaddleBuf(data, length), Reset), which it never frees.
class PD_INFER_DECL PaddleBuf {
 public:
  explicit PaddleBuf(size_t length) : data_(new char[length]), length_(length), memory_owned_(true) {}
  PaddleBuf(void* data, size_t length) : data_(data), length_(length), memory_owned_(false) {}
  PaddleBuf() = default;
  PaddleBuf(const PaddleBuf& other);
  PaddleBuf& operator=(const PaddleBuf& other);
  PaddleBuf& operator=(PaddleBuf&& other) noexcept;
  PaddleBuf(PaddleBuf&& other) noexcept;
  ~PaddleBuf() { Free(); }

  /// Grows an owned buffer to `length` bytes (contents are not kept).
  void Resize(size_t length);
  /// Points at the caller's memory, which stays the caller's.
  void Reset(void* data, size_t length);
  bool empty() const { return length_ == 0; }
  void* data() const { return data_; }
  size_t length() const { return length_; }

 private:
  void Free();
  void* data_{nullptr};
  size_t length_{0};
  bool memory_owned_{true};
};

/// A tensor passed by value to PaddlePredictor::Run.
struct PD_INFER_DECL PaddleTensor {
  PaddleTensor() = default;
  std::string name;  ///< the model's variable name; empty: feed order
  std::vector<int> shape;
  PaddleBuf data;  ///< shape's product times the dtype's size, in bytes
  PaddleDType dtype{PaddleDType::FLOAT32};
  std::vector<std::vector<size_t>> lod;  ///< oar has no LoD: not read
};

enum class PaddleEngineKind {
  kNative = 0,
  kAutoMixedTensorRT,
  kAnalysis,
  kONNXRuntime,
};

/// Paddle's older zero-copy tensor: paddle_infer::Tensor with the
/// snake_case copy functions.
class PD_INFER_DECL ZeroCopyTensor : public paddle_infer::Tensor {
 public:
  template <typename T>
  void copy_from_cpu(const T* data) {
    return CopyFromCpu(data);
  }
  template <typename T>
  void copy_to_cpu(T* data) const {
    return CopyToCpu(data);
  }

 private:
  using paddle_infer::Tensor::Tensor;
  friend class PaddlePredictor;
};

/// The predictor of Paddle's older API, and the engine under
/// paddle_infer::Predictor. One thread at a time; Clone() for another.
/// Failures throw std::runtime_error with oar's message.
class PD_INFER_DECL PaddlePredictor {
 public:
  struct Config;
  PaddlePredictor(const PaddlePredictor&) = delete;
  PaddlePredictor& operator=(const PaddlePredictor&) = delete;
  virtual ~PaddlePredictor();

  /// Copies `inputs` in (matched by name, or by feed order where a name is
  /// empty), runs, and fills *output_data with every output in fetch order.
  /// batch_size is not used (as in Paddle's AnalysisPredictor).
  virtual bool Run(const std::vector<PaddleTensor>& inputs, std::vector<PaddleTensor>* output_data,
                   int batch_size = -1);

  virtual std::vector<std::string> GetInputNames();
  virtual std::vector<std::string> GetOutputNames();
  /// Declared shapes (-1: free) before a run, the last run's after.
  virtual std::map<std::string, std::vector<int64_t>> GetInputTensorShape();
  virtual std::map<std::string, std::vector<int64_t>> GetOutputTensorShape();
  virtual std::map<std::string, paddle_infer::DataType> GetInputTypes();
  virtual std::map<std::string, paddle_infer::DataType> GetOutputTypes();

  virtual std::unique_ptr<ZeroCopyTensor> GetInputTensor(const std::string& name);
  virtual std::unique_ptr<ZeroCopyTensor> GetOutputTensor(const std::string& name);
  /// Runs on the data given to the input tensors. switch_stream: unused.
  virtual bool ZeroCopyRun(bool switch_stream = false);

  /// oar plans one activation arena per input-shape signature and keeps it:
  /// these free nothing (said once on stderr); TryShrinkMemory returns 0.
  virtual void ClearIntermediateTensor();
  virtual uint64_t TryShrinkMemory();

  /// A predictor sharing the loaded model (weights not copied). `stream`
  /// must be NULL (no GPU streams in this build).
  virtual std::unique_ptr<PaddlePredictor> Clone(void* stream = nullptr);

  // Engine-side; programs use the factories.
  explicit PaddlePredictor(std::shared_ptr<oar_detail::PredictorState> state);
  std::unique_ptr<paddle_infer::Tensor> InputHandle(const std::string& name);
  std::unique_ptr<paddle_infer::Tensor> OutputHandle(const std::string& name);

 private:
  std::shared_ptr<oar_detail::PredictorState> state_;
};

struct PD_INFER_DECL PaddlePredictor::Config {
  std::string model_dir;
};

/// The native engine's config of 2018: served by oar's engine too.
struct PD_INFER_DECL NativeConfig : public PaddlePredictor::Config {
  NativeConfig();
  bool use_xpu{false};
  bool use_gpu{false};  ///< no GPU in this build: said once on stderr
  int device{0};
  float fraction_of_gpu_memory{-1.f};
  std::string prog_file;
  std::string param_file;
  bool specify_input_name{false};
  void SetCpuMathLibraryNumThreads(int n) { cpu_math_library_num_threads_ = n; }
  int cpu_math_library_num_threads() const { return cpu_math_library_num_threads_; }

 protected:
  int cpu_math_library_num_threads_{1};
};

/// CreatePaddlePredictor<AnalysisConfig> / <NativeConfig> (both throw
/// std::runtime_error with oar's message when the model cannot be loaded).
template <typename ConfigT>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor(const ConfigT& config);
template <typename ConfigT, PaddleEngineKind engine>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor(const ConfigT& config);

template <>
PD_INFER_DECL std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<NativeConfig>(
    const NativeConfig& config);
template <>
PD_INFER_DECL std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<NativeConfig, PaddleEngineKind::kNative>(
    const NativeConfig& config);

PD_INFER_DECL int PaddleDtypeSize(PaddleDType dtype);
/// "version: oar X.Y.Z (Paddle Inference C++ API)\n..." (several lines, as
/// Paddle's).
PD_INFER_DECL std::string get_version();
/// oar has no gflags: returns "" and says once on stderr that `name` was
/// not set.
PD_INFER_DECL std::string UpdateDllFlag(const char* name, const char* value);

}  // namespace paddle
