// oar's Paddle Inference C++ API (bindings/paddle_cpp): the pass builder
// that Config::pass_builder() returns. Its list starts as oar's own passes in
// pipeline order (`oar info --passes`), so AllPasses() says what will run.
// Deleting one of oar's passes drops it from the pipeline; deleting one of
// Paddle's pass names that oar does not have changes nothing (oar has no such
// pass) and is noted in Config::Summary(). AppendPass / InsertPass of a name
// oar does not have is said once on stderr and runs nothing; an oar pass
// deleted earlier comes back (in oar's order).
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "paddle_infer_declare.h"  // NOLINT

namespace paddle {

class PD_INFER_DECL PaddlePassBuilder {
 public:
  explicit PaddlePassBuilder(const std::vector<std::string>& passes);
  virtual ~PaddlePassBuilder() = default;

  void SetPasses(std::initializer_list<std::string> passes);
  void AppendPass(const std::string& pass_type);
  void InsertPass(size_t idx, const std::string& pass_type);
  void DeletePass(size_t idx);
  void DeletePass(const std::string& pass_type);
  void ClearPasses();
  /// Paddle's analysis passes (ir_graph_build_pass, ...) are not oar's:
  /// noted and ignored.
  void AppendAnalysisPass(const std::string& pass);
  /// oar writes no per-pass graph dumps: said once on stderr.
  void TurnOnDebug();
  std::string DebugString();
  const std::vector<std::string>& AllPasses() const { return passes_; }
  std::vector<std::string> AnalysisPasses() const { return analysis_passes_; }

  /// oar: what the calls above could not do, one line each (Summary shows
  /// them).
  const std::vector<std::string>& oar_notes() const { return notes_; }

 protected:
  void Note(const std::string& line, bool to_stderr);
  std::vector<std::string> analysis_passes_;
  std::vector<std::string> passes_;
  std::vector<std::string> notes_;
};

class PD_INFER_DECL PassStrategy : public PaddlePassBuilder {
 public:
  explicit PassStrategy(const std::vector<std::string>& passes) : PaddlePassBuilder(passes) {}
  // Accelerator switches of the strategy: AnalysisConfig's Enable* say what
  // this build has; here they only record.
  virtual void EnableCUDNN() {}
  virtual void EnableMKLDNN() { use_mkldnn_ = true; }
  virtual void DisableMKLDNN() { use_mkldnn_ = false; }
  virtual void EnableMkldnnQuantizer() {}
  virtual void EnableMkldnnBfloat16() {}
  virtual void EnableMkldnnInt8() {}
  virtual void DisableMkldnnFcPasses() {}
  bool use_gpu() const { return use_gpu_; }
  bool use_xpu() const { return use_xpu_; }
  bool use_ipu() const { return use_ipu_; }
  bool use_mkldnn() const { return use_mkldnn_; }

 protected:
  bool use_xpu_{false};
  bool use_gpu_{false};
  bool use_ipu_{false};
  bool use_mkldnn_{false};
};

/// oar's pipeline (the only one: the CPU's).
class PD_INFER_DECL CpuPassStrategy : public PassStrategy {
 public:
  CpuPassStrategy();
};

/// Same passes as CpuPassStrategy: this build has no GPU.
class PD_INFER_DECL GpuPassStrategy : public PassStrategy {
 public:
  GpuPassStrategy();
};

}  // namespace paddle
