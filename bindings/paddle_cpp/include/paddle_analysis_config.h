// oar's Paddle Inference C++ API (bindings/paddle_cpp): paddle::AnalysisConfig,
// which paddle_infer::Config names. Every method of Paddle's exists.
//
// What oar does:   the model (dir, prog + params files, dir + prefix,
//                  buffers), SetCpuMathLibraryNumThreads, SwitchIrOptim,
//                  EnableMemoryOptim, DeletePass / pass_builder(),
//                  EnableProfile (a per-node table on stderr when the
//                  predictor is destroyed).
// What this build cannot do (GPU, TensorRT, XPU, IPU, NPU, custom devices,
//                  ONNX Runtime, Paddle Lite, oneDNN when built without it,
//                  int8 / fp16 precision, bfloat16 on a CPU without
//                  AVX512-BF16, where oar runs it itself): the request is
//                  recorded, said once on stderr (oar's own message), listed
//                  by Summary(), and the predictor runs on the CPU in float32.
//                  The queries (use_gpu(), mkldnn_enabled(),
//                  tensorrt_engine_enabled(), ...) return what runs.
// What needs nothing from oar (feed/fetch ops, input-name matching, glog,
//                  FC padding, optimization cache, oneDNN cache capacity):
//                  recorded, read back, and listed by Summary().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "paddle_api.h"            // NOLINT
#include "paddle_infer_declare.h"  // NOLINT
#include "paddle_pass_builder.h"   // NOLINT

namespace paddle {

struct PD_INFER_DECL AnalysisConfig {
  AnalysisConfig() = default;
  AnalysisConfig(const AnalysisConfig& other) = default;
  AnalysisConfig& operator=(const AnalysisConfig& other) = default;
  /// A model directory (as oar_config_set_model takes it).
  explicit AnalysisConfig(const std::string& model_dir);
  /// A program file and its params file; or (Paddle 3) a directory and a
  /// file prefix: dir/prefix.json or dir/prefix.pdmodel, dir/prefix.pdiparams.
  explicit AnalysisConfig(const std::string& prog_file_or_model_dir,
                          const std::string& params_file_or_model_prefix);

  /// Precision (Paddle 3.3's values). Only kFloat32 runs in this build.
  enum class Precision { kFloat32 = 0, kInt8, kHalf, kBf16 };

  // ---- model ---------------------------------------------------------------
  void SetModel(const std::string& model_dir);
  void SetModel(const std::string& prog_file_path, const std::string& params_file_path);
  void SetProgFile(const std::string& x);
  void SetParamsFile(const std::string& x);
  void SetModelBuffer(const char* prog_buffer, size_t prog_buffer_size, const char* params_buffer,
                      size_t params_buffer_size);
  bool model_from_memory() const { return model_from_memory_; }
  void SetOptimCacheDir(const std::string& opt_cache_dir);
  const std::string& model_dir() const { return model_dir_; }
  const std::string& prog_file() const { return prog_file_; }
  const std::string& params_file() const { return params_file_; }

  // ---- CPU -------------------------------------------------------------------
  void SetCpuMathLibraryNumThreads(int cpu_math_library_num_threads);
  int cpu_math_library_num_threads() const { return cpu_math_library_num_threads_; }
  void EnableMKLDNN();
  void DisableMKLDNN();
  void EnableONEDNN() { EnableMKLDNN(); }
  void DisableONEDNN() { DisableMKLDNN(); }
  void SetMkldnnCacheCapacity(int capacity);
  void SetOnednnCacheCapacity(int capacity) { SetMkldnnCacheCapacity(capacity); }
  void SetMKLDNNOp(std::unordered_set<std::string> op_list);
  void SetONEDNNOp(std::unordered_set<std::string> op_list) { SetMKLDNNOp(op_list); }
  void EnableMkldnnQuantizer();
  void EnableMkldnnBfloat16();
  void EnableOnednnBfloat16() { EnableMkldnnBfloat16(); }
  void SetBfloat16Op(std::unordered_set<std::string> op_list);
  void EnableMkldnnInt8(const std::unordered_set<std::string>& op_list = {});
  void EnableOnednnInt8(const std::unordered_set<std::string>& op_list = {}) { EnableMkldnnInt8(op_list); }
  void DisableMkldnnFcPasses();
  void DisableOnednnFcPasses() { DisableMkldnnFcPasses(); }
  /// True only when oneDNN was asked for and this build runs it.
  bool mkldnn_enabled() const { return use_mkldnn_; }
  bool onednn_enabled() const { return use_mkldnn_; }
  bool mkldnn_quantizer_enabled() const { return false; }
  /// True once EnableMkldnnBfloat16 succeeded: oar's own AVX512-BF16
  /// kernels (no oneDNN) run convolutions and fc / matmul in bfloat16.
  bool mkldnn_bfloat16_enabled() const { return bf16_; }
  bool mkldnn_int8_enabled() const { return false; }
  bool onednn_bfloat16_enabled() const { return bf16_; }
  bool onednn_int8_enabled() const { return false; }
  void DisableFCPadding();
  bool use_fc_padding() const { return use_fc_padding_; }

  // ---- devices (none but the CPU in this build) --------------------------
  void EnableUseGpu(uint64_t memory_pool_init_size_mb, int device_id = 0,
                    Precision precision_mode = Precision::kFloat32);
  void DisableGpu();
  void EnableCUDNN();
  bool cudnn_enabled() const { return false; }
  void EnableGpuMultiStream();
  void SetExecStream(void* stream);
  bool external_stream_enabled() const { return false; }
  void* GetExecStream() const { return nullptr; }
  void EnableLowPrecisionIO(bool x = true);
  void Exp_EnableUseCutlass();
  void EnableXpu(int l3_size = 0xfffc00, bool l3_locked = false, bool conv_autotune = true,
                 const std::string& conv_autotune_file = "",
                 const std::string& transformer_encoder_precision = "int16",
                 bool transformer_encoder_adaptive_seqlen = false, bool enable_multi_stream = false);
  void SetXpuDeviceId(int device_id = 0);
  void EnableIpu(int ipu_device_num = 1, int ipu_micro_batch_size = 1, bool ipu_enable_pipelining = false,
                 int ipu_batches_per_step = 1);
  void EnableNpu(int device_id = 0);
  void EnableCustomDevice(const std::string& device_type, int device_id = 0,
                          Precision precision_mode = Precision::kFloat32);
  bool use_gpu() const { return use_gpu_; }
  bool use_xpu() const { return false; }
  bool use_ipu() const { return false; }
  bool use_npu() const { return false; }
  bool use_custom_device() const { return false; }
  int gpu_device_id() const { return gpu_device_id_; }
  int xpu_device_id() const { return 0; }
  int npu_device_id() const { return 0; }
  int ipu_device_num() const { return 0; }
  int custom_device_id() const { return 0; }
  std::string custom_device_type() const { return ""; }
  int memory_pool_init_size_mb() const { return static_cast<int>(memory_pool_init_size_mb_); }
  float fraction_of_gpu_memory_for_pool() const { return 0.f; }

  // ---- TensorRT, ONNX Runtime, Paddle Lite (not in this build) -------------
  void EnableTensorRtEngine(int64_t workspace_size = 1 << 30, int max_batch_size = 1,
                            int min_subgraph_size = 3, Precision precision = Precision::kFloat32,
                            bool use_static = false, bool use_calib_mode = true, bool use_cuda_graph = false);
  bool tensorrt_engine_enabled() const { return use_tensorrt_; }
  Precision tensorrt_precision_mode() const { return trt_precision_; }
  void SetTRTDynamicShapeInfo(std::map<std::string, std::vector<int>> min_input_shape,
                              std::map<std::string, std::vector<int>> max_input_shape,
                              std::map<std::string, std::vector<int>> optim_input_shape,
                              bool disable_trt_plugin_fp16 = false);
  bool tensorrt_dynamic_shape_enabled() const { return false; }
  void EnableTunedTensorRtDynamicShape(const std::string& shape_range_info_path = "",
                                       bool allow_build_at_runtime = true);
  bool tuned_tensorrt_dynamic_shape() const { return false; }
  bool trt_allow_build_at_runtime() const { return false; }
  void CollectShapeRangeInfo(const std::string& shape_range_info_path);
  bool shape_range_info_collected() const { return false; }
  const std::string& shape_range_info_path() const { return shape_range_info_path_; }
  void Exp_DisableTensorRtOPs(const std::vector<std::string>& ops);
  void EnableTensorRtDLA(int dla_core = 0);
  bool tensorrt_dla_enabled() const { return false; }
  void EnableTensorRtInspector(bool inspector_serialize = false);
  bool tensorrt_inspector_enabled() const { return false; }
  void EnableVarseqlen();
  bool tensorrt_varseqlen_enabled() const { return false; }
  void EnableONNXRuntime();
  void DisableONNXRuntime();
  void EnableORTOptimization();
  bool use_onnxruntime() const { return false; }
  bool ort_optimization_enabled() const { return false; }
  void EnableLiteEngine(Precision precision_mode = Precision::kFloat32, bool zero_copy = false,
                        const std::vector<std::string>& passes_filter = {},
                        const std::vector<std::string>& ops_filter = {});
  bool lite_engine_enabled() const { return false; }

  // ---- graph and memory --------------------------------------------------------
  void SwitchIrOptim(int x = true) { ir_optim_ = x != 0; }
  bool ir_optim() const { return ir_optim_; }
  void SwitchIrDebug(int x = true, const std::vector<std::string>& passes = {});
  bool ir_debug() const { return false; }
  void EnableMemoryOptim(bool x = true) { memory_optim_ = x; }
  bool enable_memory_optim() const { return memory_optim_; }
  /// Removes a pass from the pipeline (same as pass_builder()->DeletePass).
  void DeletePass(const std::string& pass_name);
  PassStrategy* pass_builder() const;
  void EnableNewIR(bool x = true) { new_ir_ = x; }
  bool new_ir_enabled() const { return new_ir_; }
  void EnableNewExecutor(bool x = true) { new_executor_ = x; }
  bool new_executor_enabled() const { return new_executor_; }
  void SetOptimizationLevel(int opt_level) { optimization_level_ = opt_level; }
  int optimization_level() const { return optimization_level_; }
  void EnableCustomPasses(const std::vector<std::string>& passes, bool custom_pass_only = false);

  // ---- feeding, logging, profiling -----------------------------------------------
  void SwitchUseFeedFetchOps(int x = true) { use_feed_fetch_ops_ = x != 0; }
  bool use_feed_fetch_ops_enabled() const { return use_feed_fetch_ops_; }
  void SwitchSpecifyInputNames(bool x = true) { specify_input_name_ = x; }
  bool specify_input_name() const { return specify_input_name_; }
  void EnableProfile() { profile_ = true; }
  bool profile_enabled() const { return profile_; }
  void DisableGlogInfo() { glog_info_disabled_ = true; }
  bool glog_info_disabled() const { return glog_info_disabled_; }
  void SetInValid() const { is_valid_ = false; }
  bool is_valid() const { return is_valid_; }
  void PartiallyRelease() {}

  /// Every setting, what oar does with it, and every request this build
  /// cannot honour, one per line.
  std::string Summary();

  /// oar: the notes Summary lists (requests not honoured, no-ops).
  std::vector<std::string> oar_notes() const;

 private:
  void Note(const std::string& line, bool to_stderr);
  void Unsupported(const char* method, const std::string& why);
  std::string model_dir_, prog_file_, params_file_, opt_cache_dir_, shape_range_info_path_;
  std::string prog_buffer_, params_buffer_;
  bool model_from_memory_{false};
  int cpu_math_library_num_threads_{1};
  bool use_mkldnn_{false};
  bool bf16_{false};
  bool use_fc_padding_{true};
  bool use_gpu_{false};
  bool use_tensorrt_{false};
  int gpu_device_id_{0};
  uint64_t memory_pool_init_size_mb_{0};
  Precision trt_precision_{Precision::kFloat32};
  bool ir_optim_{true};
  bool memory_optim_{false};
  bool new_ir_{true};
  bool new_executor_{true};
  int optimization_level_{2};
  bool use_feed_fetch_ops_{true};
  bool specify_input_name_{false};
  bool profile_{false};
  bool glog_info_disabled_{false};
  mutable bool is_valid_{true};
  mutable CpuPassStrategy pass_builder_;
  std::vector<std::string> notes_;
  friend std::shared_ptr<oar_detail::PredictorState> oar_detail_create(const AnalysisConfig& config);
};

template <>
PD_INFER_DECL std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<AnalysisConfig>(
    const AnalysisConfig& config);
template <>
PD_INFER_DECL std::unique_ptr<PaddlePredictor>
CreatePaddlePredictor<AnalysisConfig, PaddleEngineKind::kAnalysis>(const AnalysisConfig& config);

}  // namespace paddle
