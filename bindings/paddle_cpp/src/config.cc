// paddle::AnalysisConfig (paddle_infer::Config) and the pass builder, over
// oar_config (include/oar/oar.h). A setting oar has is applied when the
// predictor is created; a request this build cannot honour is probed on a
// scratch oar_config, so that the message is oar's own and the answer is the
// truth of this build, then recorded, said once on stderr and listed by
// Summary().
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <sstream>

#include "internal.h"

namespace paddle {
namespace oar_detail {

void Throw(const std::string& where, const std::string& message) {
  throw std::runtime_error("oar: " + where + ": " + message);
}

void SayOnce(const std::string& line) {
  static std::mutex mutex;
  static std::set<std::string> said;
  std::lock_guard<std::mutex> lock(mutex);
  if (!said.insert(line).second) return;
  std::fprintf(stderr, "oar: %s\n", line.c_str());
}

const std::vector<std::string>& OarPasses() {
  static const std::vector<std::string> passes = [] {
    std::vector<std::string> names;
    size_t count = 0;
    if (oar_pass_count(&count) != OAR_OK) return names;
    for (size_t i = 0; i < count; i++) {
      const char *name = nullptr, *summary = nullptr;
      if (oar_pass_info(i, &name, &summary) == OAR_OK) names.emplace_back(name);
    }
    return names;
  }();
  return passes;
}

bool IsOarPass(const std::string& name) {
  const std::vector<std::string>& passes = OarPasses();
  return std::find(passes.begin(), passes.end(), name) != passes.end();
}

namespace {

struct ConfigDeleter {
  void operator()(oar_config* c) const { oar_config_destroy(c); }
};
using OarConfig = std::unique_ptr<oar_config, ConfigDeleter>;

OarConfig NewOarConfig() {
  oar_config* c = nullptr;
  if (oar_config_create(&c) != OAR_OK) Throw("Config", std::string("oar_config_create: ") + oar_last_error());
  return OarConfig(c);
}

oar_precision ToOarPrecision(AnalysisConfig::Precision p) {
  switch (p) {
    case AnalysisConfig::Precision::kInt8: return OAR_PRECISION_INT8;
    case AnalysisConfig::Precision::kHalf: return OAR_PRECISION_FLOAT16;
    case AnalysisConfig::Precision::kBf16: return OAR_PRECISION_BFLOAT16;
    default: return OAR_PRECISION_FLOAT32;
  }
}

// Runs `probe` on a scratch config: "" when this build can do it, else
// oar's message.
template <typename F>
std::string Probe(F probe) {
  OarConfig c = NewOarConfig();
  if (probe(c.get()) == OAR_OK) return "";
  return oar_config_last_error(c.get());
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace
}  // namespace oar_detail

using oar_detail::Probe;

// ---- pass builder ----------------------------------------------------------------

PaddlePassBuilder::PaddlePassBuilder(const std::vector<std::string>& passes) : passes_(passes) {}

void PaddlePassBuilder::Note(const std::string& line, bool to_stderr) {
  if (std::find(notes_.begin(), notes_.end(), line) == notes_.end()) notes_.push_back(line);
  if (to_stderr) oar_detail::SayOnce(line);
}

void PaddlePassBuilder::SetPasses(std::initializer_list<std::string> passes) {
  passes_.clear();
  for (const std::string& p : passes) AppendPass(p);
}

void PaddlePassBuilder::AppendPass(const std::string& pass_type) { InsertPass(passes_.size(), pass_type); }

void PaddlePassBuilder::InsertPass(size_t idx, const std::string& pass_type) {
  if (!oar_detail::IsOarPass(pass_type)) {
    Note("pass_builder: oar has no pass named '" + pass_type + "': it does not run", true);
    return;
  }
  if (std::find(passes_.begin(), passes_.end(), pass_type) != passes_.end()) return;
  passes_.insert(passes_.begin() + static_cast<std::ptrdiff_t>(std::min(idx, passes_.size())), pass_type);
}

void PaddlePassBuilder::DeletePass(size_t idx) {
  if (idx < passes_.size()) passes_.erase(passes_.begin() + static_cast<std::ptrdiff_t>(idx));
}

void PaddlePassBuilder::DeletePass(const std::string& pass_type) {
  auto it = std::find(passes_.begin(), passes_.end(), pass_type);
  if (it != passes_.end()) {
    passes_.erase(it);
  } else if (!oar_detail::IsOarPass(pass_type)) {
    Note("DeletePass('" + pass_type +
             "'): not one of oar's passes (oar has no such fusion); nothing to delete",
         false);
  }
}

void PaddlePassBuilder::ClearPasses() { passes_.clear(); }

void PaddlePassBuilder::AppendAnalysisPass(const std::string& pass) {
  Note("pass_builder: AppendAnalysisPass('" + pass + "'): Paddle's analysis passes are not oar's; not run",
       false);
}

void PaddlePassBuilder::TurnOnDebug() {
  Note(
      "pass_builder: TurnOnDebug: oar writes no per-pass graph dumps (`oar info --passes` lists what each "
      "pass "
      "did)",
      true);
}

std::string PaddlePassBuilder::DebugString() {
  std::string s;
  for (const std::string& p : passes_) s += "  - " + p + "\n";
  return s;
}

CpuPassStrategy::CpuPassStrategy() : PassStrategy(oar_detail::OarPasses()) {}
GpuPassStrategy::GpuPassStrategy() : PassStrategy(oar_detail::OarPasses()) {}

// ---- config --------------------------------------------------------------------------

AnalysisConfig::AnalysisConfig(const std::string& model_dir) { SetModel(model_dir); }

AnalysisConfig::AnalysisConfig(const std::string& prog_file_or_model_dir,
                               const std::string& params_file_or_model_prefix) {
  SetModel(prog_file_or_model_dir, params_file_or_model_prefix);
}

void AnalysisConfig::SetModel(const std::string& model_dir) {
  model_dir_ = model_dir;
  prog_file_.clear();
  params_file_.clear();
  model_from_memory_ = false;
}

void AnalysisConfig::SetModel(const std::string& prog_file_path, const std::string& params_file_path) {
  model_dir_.clear();
  model_from_memory_ = false;
  if (oar_detail::IsDirectory(prog_file_path)) {
    // Paddle 3: a directory and a file prefix.
    std::string base = prog_file_path + "/" + params_file_path;
    prog_file_ = oar_detail::IsFile(base + ".json") ? base + ".json" : base + ".pdmodel";
    params_file_ = base + ".pdiparams";
    return;
  }
  prog_file_ = prog_file_path;
  params_file_ = params_file_path;
}

void AnalysisConfig::SetProgFile(const std::string& x) {
  prog_file_ = x;
  model_from_memory_ = false;
}

void AnalysisConfig::SetParamsFile(const std::string& x) { params_file_ = x; }

void AnalysisConfig::SetModelBuffer(const char* prog_buffer, size_t prog_buffer_size,
                                    const char* params_buffer, size_t params_buffer_size) {
  prog_buffer_.assign(prog_buffer ? prog_buffer : "", prog_buffer ? prog_buffer_size : 0);
  params_buffer_.assign(params_buffer ? params_buffer : "", params_buffer ? params_buffer_size : 0);
  model_from_memory_ = true;
}

void AnalysisConfig::Note(const std::string& line, bool to_stderr) {
  if (std::find(notes_.begin(), notes_.end(), line) == notes_.end()) notes_.push_back(line);
  if (to_stderr) oar_detail::SayOnce(line);
}

void AnalysisConfig::Unsupported(const char* method, const std::string& why) {
  Note(std::string("Config::") + method + ": " + why, true);
}

void AnalysisConfig::SetOptimCacheDir(const std::string& opt_cache_dir) {
  opt_cache_dir_ = opt_cache_dir;
  Note("SetOptimCacheDir: oar optimizes in memory at each load and writes no cache", false);
}

void AnalysisConfig::SetCpuMathLibraryNumThreads(int n) { cpu_math_library_num_threads_ = n < 1 ? 1 : n; }

void AnalysisConfig::EnableMKLDNN() {
  std::string why = Probe([](oar_config* c) { return oar_config_enable_onednn(c); });
  if (why.empty()) {
    use_mkldnn_ = true;
  } else {
    Unsupported("EnableMKLDNN", why);
  }
}

void AnalysisConfig::DisableMKLDNN() { use_mkldnn_ = false; }

void AnalysisConfig::SetMkldnnCacheCapacity(int capacity) {
  Note("SetMkldnnCacheCapacity(" + std::to_string(capacity) +
           "): oar keeps one plan per input-shape signature; no cache to size",
       false);
}

void AnalysisConfig::SetMKLDNNOp(std::unordered_set<std::string> op_list) {
  Note("SetMKLDNNOp(" + std::to_string(op_list.size()) + " ops): oar picks its kernels per op; not used",
       false);
}

void AnalysisConfig::EnableMkldnnQuantizer() {
  Unsupported("EnableMkldnnQuantizer", "oar has no post-training quantizer; the model runs in float32");
}

void AnalysisConfig::EnableMkldnnBfloat16() {
  std::string why = Probe([](oar_config* c) { return oar_config_set_precision(c, OAR_PRECISION_BFLOAT16); });
  if (why.empty()) {
    bf16_ = true;  // oar's AVX512-BF16 kernels: conv, fc, matmul in bfloat16
    return;
  }
  Unsupported("EnableMkldnnBfloat16", why);
}

void AnalysisConfig::SetBfloat16Op(std::unordered_set<std::string> op_list) {
  Note("SetBfloat16Op(" + std::to_string(op_list.size()) + " ops): " +
           (bf16_ ? "oar runs every convolution and fc / matmul on constant weights in bfloat16; not used"
                  : "bfloat16 is not enabled; not used"),
       false);
}

void AnalysisConfig::EnableMkldnnInt8(const std::unordered_set<std::string>& op_list) {
  (void)op_list;
  std::string why = Probe([](oar_config* c) { return oar_config_set_precision(c, OAR_PRECISION_INT8); });
  Unsupported("EnableMkldnnInt8", why.empty() ? "int8 needs oneDNN, which this build lacks" : why);
}

void AnalysisConfig::DisableMkldnnFcPasses() {
  Note("DisableMkldnnFcPasses: oar has no oneDNN fc passes; nothing to disable", false);
}

void AnalysisConfig::DisableFCPadding() {
  use_fc_padding_ = false;
  Note("DisableFCPadding: oar pads no fc weights; nothing changes", false);
}

void AnalysisConfig::EnableUseGpu(uint64_t memory_pool_init_size_mb, int device_id,
                                  Precision precision_mode) {
  std::string why = Probe([&](oar_config* c) {
    oar_status s = oar_config_enable_gpu(c, device_id, memory_pool_init_size_mb);
    return s == OAR_OK ? oar_config_set_precision(c, oar_detail::ToOarPrecision(precision_mode)) : s;
  });
  if (why.empty()) {
    use_gpu_ = true;
    gpu_device_id_ = device_id;
    memory_pool_init_size_mb_ = memory_pool_init_size_mb;
  } else {
    Unsupported("EnableUseGpu", why);
  }
}

void AnalysisConfig::DisableGpu() { use_gpu_ = false; }

static const char kNoGpu[] = "this build of oar has no GPU backend; the predictor runs on the CPU";

void AnalysisConfig::EnableCUDNN() { Unsupported("EnableCUDNN", kNoGpu); }
void AnalysisConfig::EnableGpuMultiStream() { Unsupported("EnableGpuMultiStream", kNoGpu); }
void AnalysisConfig::SetExecStream(void* stream) {
  (void)stream;
  Unsupported("SetExecStream", kNoGpu);
}
void AnalysisConfig::EnableLowPrecisionIO(bool x) {
  if (x) Unsupported("EnableLowPrecisionIO", "inputs and outputs stay float32 in this build");
}
void AnalysisConfig::Exp_EnableUseCutlass() { Unsupported("Exp_EnableUseCutlass", kNoGpu); }

void AnalysisConfig::EnableXpu(int, bool, bool, const std::string&, const std::string&, bool, bool) {
  Unsupported("EnableXpu", "oar has no XPU backend; the predictor runs on the CPU");
}
void AnalysisConfig::SetXpuDeviceId(int) {
  Unsupported("SetXpuDeviceId", "oar has no XPU backend; the predictor runs on the CPU");
}
void AnalysisConfig::EnableIpu(int, int, bool, int) {
  Unsupported("EnableIpu", "oar has no IPU backend; the predictor runs on the CPU");
}
void AnalysisConfig::EnableNpu(int) {
  Unsupported("EnableNpu", "oar has no NPU backend; the predictor runs on the CPU");
}
void AnalysisConfig::EnableCustomDevice(const std::string& device_type, int, Precision) {
  Unsupported("EnableCustomDevice",
              "oar has no custom device backend ('" + device_type + "'); the predictor runs on the CPU");
}

void AnalysisConfig::EnableTensorRtEngine(int64_t, int, int, Precision precision, bool, bool, bool) {
  std::string why = Probe(
      [&](oar_config* c) { return oar_config_enable_tensorrt(c, oar_detail::ToOarPrecision(precision)); });
  if (why.empty()) {
    use_tensorrt_ = true;
    trt_precision_ = precision;
  } else {
    Unsupported("EnableTensorRtEngine", why + "; the predictor runs on the CPU");
  }
}

static const char kNoTrt[] = "this build of oar has no TensorRT backend; ignored";

void AnalysisConfig::SetTRTDynamicShapeInfo(std::map<std::string, std::vector<int>>,
                                            std::map<std::string, std::vector<int>>,
                                            std::map<std::string, std::vector<int>>, bool) {
  Unsupported("SetTRTDynamicShapeInfo", kNoTrt);
}
void AnalysisConfig::EnableTunedTensorRtDynamicShape(const std::string&, bool) {
  Unsupported("EnableTunedTensorRtDynamicShape", kNoTrt);
}
void AnalysisConfig::CollectShapeRangeInfo(const std::string& shape_range_info_path) {
  shape_range_info_path_ = shape_range_info_path;
  Unsupported("CollectShapeRangeInfo",
              "oar collects no shape ranges (it has no TensorRT to feed them to); no file is written");
}
void AnalysisConfig::Exp_DisableTensorRtOPs(const std::vector<std::string>&) {
  Unsupported("Exp_DisableTensorRtOPs", kNoTrt);
}
void AnalysisConfig::EnableTensorRtDLA(int) { Unsupported("EnableTensorRtDLA", kNoTrt); }
void AnalysisConfig::EnableTensorRtInspector(bool) { Unsupported("EnableTensorRtInspector", kNoTrt); }
void AnalysisConfig::EnableVarseqlen() { Unsupported("EnableVarseqlen", kNoTrt); }

void AnalysisConfig::EnableONNXRuntime() {
  Unsupported("EnableONNXRuntime", "oar has no ONNX Runtime back end; oar's own engine runs the model");
}
void AnalysisConfig::DisableONNXRuntime() {}
void AnalysisConfig::EnableORTOptimization() {
  Unsupported("EnableORTOptimization", "oar has no ONNX Runtime back end; oar's own passes run");
}
void AnalysisConfig::EnableLiteEngine(Precision, bool, const std::vector<std::string>&,
                                      const std::vector<std::string>&) {
  Unsupported("EnableLiteEngine", "oar has no Paddle Lite back end; oar's own engine runs the model");
}

void AnalysisConfig::SwitchIrDebug(int x, const std::vector<std::string>&) {
  if (x)
    Unsupported("SwitchIrDebug",
                "oar writes no per-pass graph dumps (`oar info --passes` lists what each pass did)");
}

void AnalysisConfig::DeletePass(const std::string& pass_name) { pass_builder_.DeletePass(pass_name); }

PassStrategy* AnalysisConfig::pass_builder() const { return &pass_builder_; }

void AnalysisConfig::EnableCustomPasses(const std::vector<std::string>& passes, bool custom_pass_only) {
  if (custom_pass_only) pass_builder_.ClearPasses();
  for (const std::string& p : passes) pass_builder_.AppendPass(p);
}

std::vector<std::string> AnalysisConfig::oar_notes() const {
  std::vector<std::string> all = notes_;
  for (const std::string& n : pass_builder_.oar_notes()) all.push_back(n);
  return all;
}

std::string AnalysisConfig::Summary() {
  std::ostringstream s;
  s << "oar " << oar_version() << " (Paddle Inference C++ API)\n";
  if (model_from_memory_) {
    s << "model: from memory (" << prog_buffer_.size() << " + " << params_buffer_.size() << " bytes)\n";
  } else if (!prog_file_.empty()) {
    s << "model_file: " << prog_file_ << "\nparams_file: " << params_file_ << "\n";
  } else {
    s << "model_dir: " << model_dir_ << "\n";
  }
  s << "device: CPU" << (use_gpu_ ? " (GPU requested and available)" : "") << "\n";
  s << "cpu_math_thread: " << cpu_math_library_num_threads_ << "\n";
  s << "use_mkldnn: " << (use_mkldnn_ ? "true" : "false") << "\n";
  s << "bfloat16: " << (bf16_ ? "true" : "false") << "\n";
  s << "use_tensorrt: " << (use_tensorrt_ ? "true" : "false") << "\n";
  s << "ir_optim: " << (ir_optim_ ? "true" : "false") << "\n";
  s << "memory_optim: " << (memory_optim_ ? "true" : "false") << "\n";
  s << "enable_profile: " << (profile_ ? "true" : "false") << "\n";
  std::vector<std::string> deleted;
  for (const std::string& p : oar_detail::OarPasses()) {
    const std::vector<std::string>& kept = pass_builder_.AllPasses();
    if (std::find(kept.begin(), kept.end(), p) == kept.end()) deleted.push_back(p);
  }
  s << "deleted oar passes:";
  if (deleted.empty()) s << " none";
  for (const std::string& p : deleted) s << " " << p;
  s << "\n";
  for (const std::string& n : oar_notes()) s << "note: " << n << "\n";
  return s.str();
}

// ---- predictor creation ------------------------------------------------------

std::shared_ptr<oar_detail::PredictorState> oar_detail_create(const AnalysisConfig& config) {
  using oar_detail::Throw;
  oar_detail::OarConfig c = oar_detail::NewOarConfig();
  oar_config* oc = c.get();
  auto fail = [&](const char* call) {
    Throw("CreatePredictor", std::string(call) + ": " + oar_config_last_error(oc));
  };
  if (config.model_from_memory_) {
    if (oar_config_set_model_buffer(oc, config.prog_buffer_.data(), config.prog_buffer_.size(),
                                    config.params_buffer_.empty() ? nullptr : config.params_buffer_.data(),
                                    config.params_buffer_.size()) != OAR_OK)
      fail("SetModelBuffer");
  } else if (!config.prog_file_.empty()) {
    if (oar_config_set_model(oc, config.prog_file_.c_str(),
                             config.params_file_.empty() ? nullptr : config.params_file_.c_str()) != OAR_OK)
      fail("SetModel");
  } else if (!config.model_dir_.empty()) {
    if (oar_config_set_model(oc, config.model_dir_.c_str(), nullptr) != OAR_OK) fail("SetModel");
  } else {
    Throw("CreatePredictor",
          "the config names no model: call SetModel(model_dir) or SetModel(prog_file, params_file) first");
  }
  if (oar_config_set_num_threads(oc, config.cpu_math_library_num_threads_) != OAR_OK)
    fail("SetCpuMathLibraryNumThreads");
  oar_config_set_ir_optim(oc, config.ir_optim_ ? 1 : 0);
  oar_config_set_memory_optim(oc, config.memory_optim_ ? 1 : 0);
  oar_config_set_profile(oc, config.profile_ ? 1 : 0);
  if (config.use_mkldnn_ && oar_config_enable_onednn(oc) != OAR_OK) fail("EnableMKLDNN");
  if (config.bf16_ && oar_config_set_precision(oc, OAR_PRECISION_BFLOAT16) != OAR_OK)
    fail("EnableMkldnnBfloat16");
  if (config.use_gpu_ &&
      oar_config_enable_gpu(oc, config.gpu_device_id_, config.memory_pool_init_size_mb_) != OAR_OK)
    fail("EnableUseGpu");
  if (config.use_tensorrt_ &&
      oar_config_enable_tensorrt(oc, oar_detail::ToOarPrecision(config.trt_precision_)) != OAR_OK)
    fail("EnableTensorRtEngine");
  const std::vector<std::string>& kept = config.pass_builder_.AllPasses();
  for (const std::string& p : oar_detail::OarPasses())
    if (std::find(kept.begin(), kept.end(), p) == kept.end() &&
        oar_config_delete_pass(oc, p.c_str()) != OAR_OK)
      fail("DeletePass");
  auto state = std::make_shared<oar_detail::PredictorState>();
  if (oar_predictor_create(oc, &state->pred) != OAR_OK) fail("oar_predictor_create");
  state->profile = config.profile_;
  return state;
}

}  // namespace paddle
