// Internals of libpaddle_inference.so (bindings/paddle_cpp): shared by
// config.cc and predictor.cc; built on include/oar/oar.h only.
#pragma once

#include <oar/oar.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "paddle_inference_api.h"

namespace paddle {
namespace oar_detail {

/// Throws std::runtime_error("oar: <where>: <message>").
[[noreturn]] void Throw(const std::string& where, const std::string& message);

/// Writes "oar: <line>" to stderr the first time this process sees `line`.
void SayOnce(const std::string& line);

/// oar's passes in pipeline order (the names oar_config_delete_pass takes).
const std::vector<std::string>& OarPasses();
bool IsOarPass(const std::string& name);

oar_dtype ToOar(paddle_infer::DataType dtype);

/// What a predictor and every handle on it share; the last one frees it.
struct PredictorState {
  oar_predictor* pred = nullptr;
  bool profile = false;
  std::map<std::string, std::vector<std::vector<size_t>>> lods;  // inputs' SetLoD
  PredictorState() = default;
  PredictorState(const PredictorState&) = delete;
  PredictorState& operator=(const PredictorState&) = delete;
  ~PredictorState();
  std::string LastError() const;
};

}  // namespace oar_detail

std::shared_ptr<oar_detail::PredictorState> oar_detail_create(const AnalysisConfig& config);

}  // namespace paddle
