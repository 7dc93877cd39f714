// paddle::PaddlePredictor (the engine under paddle_infer::Predictor), the
// tensors, the factories and the pool, over oar_predictor / oar_tensor
// (include/oar/oar.h).
#include <cstdio>
#include <stdexcept>

#include "internal.h"

namespace paddle {
namespace oar_detail {

PredictorState::~PredictorState() {
  if (profile && pred) {
    size_t count = 0;
    uint64_t runs = 0;
    if (oar_predictor_profile_count(pred, &count, &runs) == OAR_OK) {
      std::fprintf(stderr, "oar: profile over %llu run(s), seconds per run:\n", (unsigned long long)runs);
      for (size_t i = 0; i < count; i++) {
        const char *node = nullptr, *kernel = nullptr;
        double seconds = 0;
        if (oar_predictor_profile_entry(pred, i, &node, &kernel, &seconds) == OAR_OK)
          std::fprintf(stderr, "  %10.6f  %s  [%s]\n", runs ? seconds / static_cast<double>(runs) : 0.0, node,
                       kernel);
      }
    }
  }
  oar_predictor_destroy(pred);
}

std::string PredictorState::LastError() const {
  const char* m = oar_predictor_last_error(pred);
  return m ? m : "";
}

oar_dtype ToOar(paddle_infer::DataType dtype) {
  switch (dtype) {
    case paddle_infer::FLOAT32: return OAR_DTYPE_FLOAT32;
    case paddle_infer::INT64: return OAR_DTYPE_INT64;
    case paddle_infer::INT32: return OAR_DTYPE_INT32;
    case paddle_infer::UINT8: return OAR_DTYPE_UINT8;
    case paddle_infer::INT8: return OAR_DTYPE_INT8;
    case paddle_infer::FLOAT16: return OAR_DTYPE_FLOAT16;
    case paddle_infer::BOOL: return OAR_DTYPE_BOOL;
    case paddle_infer::FLOAT64: return OAR_DTYPE_FLOAT64;
    default: return OAR_DTYPE_UNKNOWN;
  }
}

namespace {

bool FromOar(oar_dtype dtype, paddle_infer::DataType* out) {
  switch (dtype) {
    case OAR_DTYPE_FLOAT32: *out = paddle_infer::FLOAT32; return true;
    case OAR_DTYPE_INT64: *out = paddle_infer::INT64; return true;
    case OAR_DTYPE_INT32: *out = paddle_infer::INT32; return true;
    case OAR_DTYPE_UINT8: *out = paddle_infer::UINT8; return true;
    case OAR_DTYPE_INT8: *out = paddle_infer::INT8; return true;
    case OAR_DTYPE_FLOAT16: *out = paddle_infer::FLOAT16; return true;
    case OAR_DTYPE_BOOL: *out = paddle_infer::BOOL; return true;
    case OAR_DTYPE_FLOAT64: *out = paddle_infer::FLOAT64; return true;
    default: return false;
  }
}

template <typename T>
struct DtypeOf;
template <>
struct DtypeOf<float> {
  static constexpr oar_dtype value = OAR_DTYPE_FLOAT32;
};
template <>
struct DtypeOf<double> {
  static constexpr oar_dtype value = OAR_DTYPE_FLOAT64;
};
template <>
struct DtypeOf<int64_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT64;
};
template <>
struct DtypeOf<int32_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT32;
};
template <>
struct DtypeOf<uint8_t> {
  static constexpr oar_dtype value = OAR_DTYPE_UINT8;
};
template <>
struct DtypeOf<int8_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT8;
};
template <>
struct DtypeOf<bool> {
  static constexpr oar_dtype value = OAR_DTYPE_BOOL;
};
template <>
struct DtypeOf<paddle_infer::float16> {
  static constexpr oar_dtype value = OAR_DTYPE_FLOAT16;
};

std::vector<int64_t> Shape(const oar_tensor* t) {
  int64_t dims[OAR_MAX_RANK];
  size_t rank = 0;
  if (oar_tensor_shape(t, &rank, dims, OAR_MAX_RANK) != OAR_OK || rank > OAR_MAX_RANK) return {};
  return std::vector<int64_t>(dims, dims + rank);
}

oar_dtype Dtype(const oar_tensor* t) {
  oar_dtype d = OAR_DTYPE_UNKNOWN;
  oar_tensor_dtype(t, &d);
  return d;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); i++) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Element count of a known shape; throws naming the tensor and `what` when a
// dim is still free.
size_t Numel(const oar_tensor* t, const std::string& name, const char* what) {
  std::vector<int64_t> shape = Shape(t);
  size_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      Throw(std::string("Tensor::") + what,
            "tensor '" + name + "' has no shape yet (declared " + ShapeText(shape) + "): call Reshape first");
    n *= static_cast<size_t>(d);
  }
  return n;
}

void CheckDtype(const oar_tensor* t, const std::string& name, oar_dtype want, const char* what) {
  oar_dtype got = Dtype(t);
  if (got != want)
    Throw(std::string("Tensor::") + what, "tensor '" + name + "' holds " + oar_dtype_name(got) +
                                              ", the element type asked for is " + oar_dtype_name(want));
}

std::vector<std::string> Names(const oar_predictor* p, bool inputs) {
  size_t n = 0;
  std::vector<std::string> names;
  if ((inputs ? oar_predictor_input_count(p, &n) : oar_predictor_output_count(p, &n)) != OAR_OK) return names;
  for (size_t i = 0; i < n; i++) {
    const char* name = nullptr;
    if ((inputs ? oar_predictor_input_name(p, i, &name) : oar_predictor_output_name(p, i, &name)) == OAR_OK)
      names.emplace_back(name);
  }
  return names;
}

}  // namespace
}  // namespace oar_detail

using oar_detail::Throw;

// ---- Tensor --------------------------------------------------------------------------

}  // namespace paddle

namespace paddle_infer {

using paddle::oar_detail::Throw;

Tensor::Tensor(std::shared_ptr<paddle::oar_detail::PredictorState> state, ::oar_tensor* tensor,
               std::string name, bool input)
    : state_(std::move(state)), tensor_(tensor), name_(std::move(name)), input_(input) {}

Tensor::~Tensor() = default;

void Tensor::Reshape(const std::vector<int>& shape) {
  std::vector<int64_t> dims(shape.begin(), shape.end());
  if (oar_tensor_reshape(tensor_, dims.size(), dims.data()) != OAR_OK)
    Throw("Tensor::Reshape", state_->LastError());
}

template <typename T>
T* Tensor::mutable_data(PlaceType place) {
  if (place != PlaceType::kCPU)
    paddle::oar_detail::SayOnce(
        "Tensor::mutable_data: this build of oar has only the CPU; the CPU buffer is given");
  void* data = nullptr;
  if (oar_tensor_mutable_data(tensor_, paddle::oar_detail::DtypeOf<T>::value, &data) != OAR_OK)
    Throw("Tensor::mutable_data", state_->LastError());
  return static_cast<T*>(data);
}

template <typename T>
T* Tensor::data(PlaceType* place, int* size) const {
  paddle::oar_detail::CheckDtype(tensor_, name_, paddle::oar_detail::DtypeOf<T>::value, "data");
  size_t n = paddle::oar_detail::Numel(tensor_, name_, "data");
  const void* data = nullptr;
  if (oar_tensor_data(tensor_, &data) != OAR_OK) Throw("Tensor::data", state_->LastError());
  if (place) *place = PlaceType::kCPU;
  if (size) *size = static_cast<int>(n);
  return static_cast<T*>(const_cast<void*>(data));
}

template <typename T>
void Tensor::CopyFromCpu(const T* data) {
  size_t n = paddle::oar_detail::Numel(tensor_, name_, "CopyFromCpu");
  if (oar_tensor_copy_from_host(tensor_, paddle::oar_detail::DtypeOf<T>::value, data, n * sizeof(T)) !=
      OAR_OK)
    Throw("Tensor::CopyFromCpu", state_->LastError());
}

template <typename T>
void Tensor::CopyToCpu(T* data) const {
  paddle::oar_detail::CheckDtype(tensor_, name_, paddle::oar_detail::DtypeOf<T>::value, "CopyToCpu");
  size_t n = paddle::oar_detail::Numel(tensor_, name_, "CopyToCpu");
  if (oar_tensor_copy_to_host(tensor_, data, n * sizeof(T)) != OAR_OK)
    Throw("Tensor::CopyToCpu", state_->LastError());
}

template <typename T>
void Tensor::ShareExternalData(const T* data, const std::vector<int>& shape, PlaceType place,
                               DataLayout layout) {
  (void)layout;
  if (place != PlaceType::kCPU)
    Throw("Tensor::ShareExternalData",
          "this build of oar has only the CPU; tensor '" + name_ + "' needs CPU data");
  if (!input_)
    Throw("Tensor::ShareExternalData",
          "tensor '" + name_ + "' is an output; oar writes outputs into its own buffers (use CopyToCpu)");
  Reshape(shape);
  CopyFromCpu(data);
}

#define OAR_PADDLE_INSTANTIATE(T)                                                                        \
  template PD_INFER_DECL T* Tensor::mutable_data<T>(PlaceType);                                          \
  template PD_INFER_DECL T* Tensor::data<T>(PlaceType*, int*) const;                                     \
  template PD_INFER_DECL void Tensor::CopyFromCpu<T>(const T*);                                          \
  template PD_INFER_DECL void Tensor::CopyToCpu<T>(T*) const;                                            \
  template PD_INFER_DECL void Tensor::ShareExternalData<T>(const T*, const std::vector<int>&, PlaceType, \
                                                           DataLayout);
OAR_PADDLE_INSTANTIATE(float)
OAR_PADDLE_INSTANTIATE(double)
OAR_PADDLE_INSTANTIATE(int64_t)
OAR_PADDLE_INSTANTIATE(int32_t)
OAR_PADDLE_INSTANTIATE(uint8_t)
OAR_PADDLE_INSTANTIATE(int8_t)
OAR_PADDLE_INSTANTIATE(bool)
OAR_PADDLE_INSTANTIATE(float16)
#undef OAR_PADDLE_INSTANTIATE

std::vector<int> Tensor::shape() const {
  std::vector<int64_t> s = paddle::oar_detail::Shape(tensor_);
  return std::vector<int>(s.begin(), s.end());
}

void Tensor::SetLoD(const std::vector<std::vector<size_t>>& x) {
  if (!input_) Throw("Tensor::SetLoD", "tensor '" + name_ + "' is an output; only inputs take a LoD");
  if (!x.empty())
    paddle::oar_detail::SayOnce("Tensor::SetLoD: oar has no LoD tensors; the LoD of input '" + name_ +
                                "' is kept for lod() but the model does not see it");
  state_->lods[name_] = x;
}

std::vector<std::vector<size_t>> Tensor::lod() const {
  auto it = state_->lods.find(name_);
  return it == state_->lods.end() ? std::vector<std::vector<size_t>>() : it->second;
}

const std::string& Tensor::name() const { return name_; }

DataType Tensor::type() const {
  oar_dtype d = paddle::oar_detail::Dtype(tensor_);
  DataType t;
  if (!paddle::oar_detail::FromOar(d, &t))
    Throw("Tensor::type",
          "tensor '" + name_ + "' holds " + oar_dtype_name(d) + ", which Paddle's DataType lacks");
  return t;
}

PlaceType Tensor::place() const { return PlaceType::kCPU; }

}  // namespace paddle_infer

namespace paddle {

// ---- PaddleBuf -----------------------------------------------------------------------

PaddleBuf::PaddleBuf(const PaddleBuf& other) : memory_owned_(other.memory_owned_) {
  if (other.memory_owned_) {
    Resize(other.length_);
    if (other.length_) std::memcpy(data_, other.data_, other.length_);
  } else {
    data_ = other.data_;
    length_ = other.length_;
  }
}

PaddleBuf& PaddleBuf::operator=(const PaddleBuf& other) {
  if (this != &other) {
    PaddleBuf copy(other);
    *this = std::move(copy);
  }
  return *this;
}

PaddleBuf::PaddleBuf(PaddleBuf&& other) noexcept
    : data_(other.data_), length_(other.length_), memory_owned_(other.memory_owned_) {
  other.data_ = nullptr;
  other.length_ = 0;
}

PaddleBuf& PaddleBuf::operator=(PaddleBuf&& other) noexcept {
  if (this != &other) {
    Free();
    data_ = other.data_;
    length_ = other.length_;
    memory_owned_ = other.memory_owned_;
    other.data_ = nullptr;
    other.length_ = 0;
  }
  return *this;
}

void PaddleBuf::Resize(size_t length) {
  if (memory_owned_ && length_ >= length && data_) {
    length_ = length;
    return;
  }
  if (!memory_owned_ && data_ && length > length_)
    Throw("PaddleBuf::Resize", "the buffer is the caller's (" + std::to_string(length_) + " bytes); " +
                                   std::to_string(length) + " bytes do not fit");
  if (!memory_owned_ && data_) {
    length_ = length;
    return;
  }
  Free();
  data_ = new char[length ? length : 1];
  length_ = length;
  memory_owned_ = true;
}

void PaddleBuf::Reset(void* data, size_t length) {
  Free();
  memory_owned_ = false;
  data_ = data;
  length_ = length;
}

void PaddleBuf::Free() {
  if (memory_owned_ && data_) delete[] static_cast<char*>(data_);
  data_ = nullptr;
  length_ = 0;
}

// ---- PaddlePredictor ------------------------------------------------------------

PaddlePredictor::PaddlePredictor(std::shared_ptr<oar_detail::PredictorState> state)
    : state_(std::move(state)) {}

PaddlePredictor::~PaddlePredictor() = default;

std::vector<std::string> PaddlePredictor::GetInputNames() { return oar_detail::Names(state_->pred, true); }
std::vector<std::string> PaddlePredictor::GetOutputNames() { return oar_detail::Names(state_->pred, false); }

std::unique_ptr<paddle_infer::Tensor> PaddlePredictor::InputHandle(const std::string& name) {
  oar_tensor* t = nullptr;
  if (oar_predictor_get_input(state_->pred, name.c_str(), &t) != OAR_OK)
    Throw("GetInputHandle", state_->LastError());
  return std::unique_ptr<paddle_infer::Tensor>(new paddle_infer::Tensor(state_, t, name, true));
}

std::unique_ptr<paddle_infer::Tensor> PaddlePredictor::OutputHandle(const std::string& name) {
  oar_tensor* t = nullptr;
  if (oar_predictor_get_output(state_->pred, name.c_str(), &t) != OAR_OK)
    Throw("GetOutputHandle", state_->LastError());
  return std::unique_ptr<paddle_infer::Tensor>(new paddle_infer::Tensor(state_, t, name, false));
}

std::unique_ptr<ZeroCopyTensor> PaddlePredictor::GetInputTensor(const std::string& name) {
  oar_tensor* t = nullptr;
  if (oar_predictor_get_input(state_->pred, name.c_str(), &t) != OAR_OK)
    Throw("GetInputTensor", state_->LastError());
  return std::unique_ptr<ZeroCopyTensor>(new ZeroCopyTensor(state_, t, name, true));
}

std::unique_ptr<ZeroCopyTensor> PaddlePredictor::GetOutputTensor(const std::string& name) {
  oar_tensor* t = nullptr;
  if (oar_predictor_get_output(state_->pred, name.c_str(), &t) != OAR_OK)
    Throw("GetOutputTensor", state_->LastError());
  return std::unique_ptr<ZeroCopyTensor>(new ZeroCopyTensor(state_, t, name, false));
}

namespace {
template <typename Value, typename Get>
std::map<std::string, Value> PerTensor(oar_predictor* p, bool inputs, Get get) {
  std::map<std::string, Value> out;
  for (const std::string& name : oar_detail::Names(p, inputs)) {
    oar_tensor* t = nullptr;
    if ((inputs ? oar_predictor_get_input(p, name.c_str(), &t)
                : oar_predictor_get_output(p, name.c_str(), &t)) == OAR_OK)
      out[name] = get(t);
  }
  return out;
}
paddle_infer::DataType TypeOrFloat(const oar_tensor* t) {
  paddle_infer::DataType d = paddle_infer::FLOAT32;
  oar_detail::FromOar(oar_detail::Dtype(t), &d);
  return d;
}
}  // namespace

std::map<std::string, std::vector<int64_t>> PaddlePredictor::GetInputTensorShape() {
  return PerTensor<std::vector<int64_t>>(state_->pred, true, oar_detail::Shape);
}
std::map<std::string, std::vector<int64_t>> PaddlePredictor::GetOutputTensorShape() {
  return PerTensor<std::vector<int64_t>>(state_->pred, false, oar_detail::Shape);
}
std::map<std::string, paddle_infer::DataType> PaddlePredictor::GetInputTypes() {
  return PerTensor<paddle_infer::DataType>(state_->pred, true, TypeOrFloat);
}
std::map<std::string, paddle_infer::DataType> PaddlePredictor::GetOutputTypes() {
  return PerTensor<paddle_infer::DataType>(state_->pred, false, TypeOrFloat);
}

bool PaddlePredictor::ZeroCopyRun(bool switch_stream) {
  (void)switch_stream;
  if (oar_predictor_run(state_->pred) != OAR_OK) Throw("Run", state_->LastError());
  return true;
}

bool PaddlePredictor::Run(const std::vector<PaddleTensor>& inputs, std::vector<PaddleTensor>* output_data,
                          int batch_size) {
  (void)batch_size;
  std::vector<std::string> names = GetInputNames();
  if (inputs.size() != names.size())
    Throw("Run", "the model has " + std::to_string(names.size()) + " input(s), " +
                     std::to_string(inputs.size()) + " PaddleTensor(s) were given");
  for (size_t i = 0; i < inputs.size(); i++) {
    const PaddleTensor& in = inputs[i];
    const std::string& name = in.name.empty() ? names[i] : in.name;
    oar_tensor* t = nullptr;
    if (oar_predictor_get_input(state_->pred, name.c_str(), &t) != OAR_OK) Throw("Run", state_->LastError());
    std::vector<int64_t> dims(in.shape.begin(), in.shape.end());
    if (oar_tensor_reshape(t, dims.size(), dims.data()) != OAR_OK ||
        oar_tensor_copy_from_host(t, oar_detail::ToOar(in.dtype), in.data.data(), in.data.length()) != OAR_OK)
      Throw("Run", state_->LastError());
  }
  if (oar_predictor_run(state_->pred) != OAR_OK) Throw("Run", state_->LastError());
  if (!output_data) return true;
  std::vector<std::string> outs = GetOutputNames();
  output_data->resize(outs.size());
  for (size_t i = 0; i < outs.size(); i++) {
    oar_tensor* t = nullptr;
    if (oar_predictor_get_output(state_->pred, outs[i].c_str(), &t) != OAR_OK)
      Throw("Run", state_->LastError());
    PaddleTensor& out = (*output_data)[i];
    out.name = outs[i];
    std::vector<int64_t> shape = oar_detail::Shape(t);
    out.shape.assign(shape.begin(), shape.end());
    oar_dtype d = oar_detail::Dtype(t);
    if (!oar_detail::FromOar(d, &out.dtype))
      Throw("Run", "output '" + outs[i] + "' holds " + oar_dtype_name(d) + ", which Paddle's DataType lacks");
    size_t bytes = oar_dtype_size(d);
    for (int64_t s : shape) bytes *= static_cast<size_t>(s);
    out.data.Resize(bytes);
    if (oar_tensor_copy_to_host(t, out.data.data(), bytes) != OAR_OK) Throw("Run", state_->LastError());
    out.lod.clear();
  }
  return true;
}

void PaddlePredictor::ClearIntermediateTensor() {
  oar_detail::SayOnce(
      "Predictor::ClearIntermediateTensor: no-op: oar keeps the planned activation arena of the current "
      "input "
      "shapes");
}

uint64_t PaddlePredictor::TryShrinkMemory() {
  oar_detail::SayOnce(
      "Predictor::TryShrinkMemory: no-op (0 bytes): oar keeps one planned activation arena, sized for the "
      "current "
      "input shapes");
  return 0;
}

std::unique_ptr<PaddlePredictor> PaddlePredictor::Clone(void* stream) {
  if (stream) Throw("Clone", "this build of oar has no GPU streams; pass no stream");
  auto state = std::make_shared<oar_detail::PredictorState>();
  if (oar_predictor_clone(state_->pred, &state->pred) != OAR_OK) Throw("Clone", state_->LastError());
  state->profile = state_->profile;
  return std::unique_ptr<PaddlePredictor>(new PaddlePredictor(std::move(state)));
}

NativeConfig::NativeConfig() = default;

template <>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<AnalysisConfig>(const AnalysisConfig& config) {
  return std::unique_ptr<PaddlePredictor>(new PaddlePredictor(oar_detail_create(config)));
}

template <>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<AnalysisConfig, PaddleEngineKind::kAnalysis>(
    const AnalysisConfig& config) {
  return CreatePaddlePredictor<AnalysisConfig>(config);
}

template <>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<NativeConfig>(const NativeConfig& config) {
  AnalysisConfig analysis;
  if (!config.prog_file.empty()) {
    analysis.SetModel(config.prog_file, config.param_file);
  } else {
    analysis.SetModel(config.model_dir);
  }
  if (config.use_gpu) analysis.EnableUseGpu(100, config.device);
  if (config.use_xpu) analysis.EnableXpu();
  analysis.SetCpuMathLibraryNumThreads(config.cpu_math_library_num_threads());
  analysis.SwitchIrOptim(false);  // the native engine runs the program as saved
  return CreatePaddlePredictor<AnalysisConfig>(analysis);
}

template <>
std::unique_ptr<PaddlePredictor> CreatePaddlePredictor<NativeConfig, PaddleEngineKind::kNative>(
    const NativeConfig& config) {
  return CreatePaddlePredictor<NativeConfig>(config);
}

int PaddleDtypeSize(PaddleDType dtype) { return static_cast<int>(oar_dtype_size(oar_detail::ToOar(dtype))); }

std::string get_version() {
  return std::string("version: oar ") + oar_version() + " (Paddle Inference C++ API)\ncommit: \nbranch: \n";
}

std::string UpdateDllFlag(const char* name, const char* value) {
  oar_detail::SayOnce(std::string("UpdateDllFlag('") + (name ? name : "") + "', '" + (value ? value : "") +
                      "'): oar has no gflags; nothing was set");
  return "";
}

}  // namespace paddle

// ---- paddle_infer ----------------------------------------------------------------

namespace paddle_infer {

Predictor::Predictor(std::unique_ptr<paddle::PaddlePredictor>&& pred) : predictor_(std::move(pred)) {}
Predictor::Predictor(const Config& config) : predictor_(paddle::CreatePaddlePredictor<Config>(config)) {}
Predictor::~Predictor() = default;

std::vector<std::string> Predictor::GetInputNames() { return predictor_->GetInputNames(); }
std::vector<std::string> Predictor::GetOutputNames() { return predictor_->GetOutputNames(); }
std::unique_ptr<Tensor> Predictor::GetInputHandle(const std::string& name) {
  return predictor_->InputHandle(name);
}
std::unique_ptr<Tensor> Predictor::GetOutputHandle(const std::string& name) {
  return predictor_->OutputHandle(name);
}
std::map<std::string, std::vector<int64_t>> Predictor::GetInputTensorShape() {
  return predictor_->GetInputTensorShape();
}
std::map<std::string, std::vector<int64_t>> Predictor::GetOutputTensorShape() {
  return predictor_->GetOutputTensorShape();
}
std::map<std::string, DataType> Predictor::GetInputTypes() { return predictor_->GetInputTypes(); }
std::map<std::string, DataType> Predictor::GetOutputTypes() { return predictor_->GetOutputTypes(); }
bool Predictor::Run() { return predictor_->ZeroCopyRun(); }
std::unique_ptr<Predictor> Predictor::Clone(void* stream) {
  return std::unique_ptr<Predictor>(new Predictor(predictor_->Clone(stream)));
}
void Predictor::ClearIntermediateTensor() { predictor_->ClearIntermediateTensor(); }
uint64_t Predictor::TryShrinkMemory() { return predictor_->TryShrinkMemory(); }

std::shared_ptr<Predictor> CreatePredictor(const Config& config) {
  return std::make_shared<Predictor>(config);
}

int GetNumBytesOfDataType(DataType dtype) { return paddle::PaddleDtypeSize(dtype); }
std::string GetVersion() { return paddle::get_version(); }
std::tuple<int, int, int> GetTrtCompileVersion() { return std::tuple<int, int, int>(0, 0, 0); }
std::tuple<int, int, int> GetTrtRuntimeVersion() { return std::tuple<int, int, int>(0, 0, 0); }
std::string UpdateDllFlag(const char* name, const char* value) { return paddle::UpdateDllFlag(name, value); }

namespace services {

PredictorPool::PredictorPool(const Config& config, size_t size) {
  main_pred_ = CreatePredictor(config);
  for (size_t i = 1; i < size; i++) preds_.push_back(main_pred_->Clone());
}

Predictor* PredictorPool::Retrive(size_t idx) {
  if (idx > preds_.size())
    throw std::out_of_range("oar: PredictorPool::Retrive(" + std::to_string(idx) + "): the pool holds " +
                            std::to_string(preds_.size() + 1) + " predictors");
  return idx == 0 ? main_pred_.get() : preds_[idx - 1].get();
}

}  // namespace services
}  // namespace paddle_infer
