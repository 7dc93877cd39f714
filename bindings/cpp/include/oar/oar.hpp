// oar.hpp: a header-only C++17 wrapper over oar's C API (oar/oar.h).
//
// RAII owners for configs and predictors (move-only; destroyed with their
// scope), a non-owning Tensor view, and exceptions: every failing oar call
// throws oar::Error carrying the status and the engine's message.
//
//   oar::Config config("tests/data/models/mnist_fc");
//   oar::Predictor predictor(config);
//   oar::Tensor in = predictor.input(predictor.input_names()[0]);
//   in.copy_from(pixels, {1, 784});                 // std::vector<float>
//   predictor.run();
//   std::vector<float> scores = predictor.output(predictor.output_names()[0]).copy_to<float>();
//
// Threads follow oar.h: a Config or a Predictor (and its tensors) is used
// by one thread at a time; clone() a predictor for each further thread.
// Options this build cannot honour (enable_gpu, enable_onednn,
// enable_tensorrt, a precision other than float32) throw oar::Error with
// status OAR_ERR_UNSUPPORTED and the reason; the config stays usable on the
// CPU, so catching and going on is fine.
#ifndef OAR_OAR_HPP
#define OAR_OAR_HPP

#include <oar/oar.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace oar {

// A failed oar call: status() is the oar_status, what() the engine's message.
class Error : public std::runtime_error {
 public:
  Error(oar_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  oar_status status() const noexcept { return status_; }
  const char* status_string() const noexcept { return oar_status_string(status_); }

 private:
  oar_status status_;
};

namespace detail {

inline void check(oar_status status) {
  if (status != OAR_OK) throw Error(status, oar_last_error());
}

struct ConfigDeleter {
  void operator()(oar_config* config) const noexcept { oar_config_destroy(config); }
};
struct PredictorDeleter {
  void operator()(oar_predictor* predictor) const noexcept { oar_predictor_destroy(predictor); }
};

template <class T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr oar_dtype value = OAR_DTYPE_FLOAT32;
};
template <>
struct dtype_of<double> {
  static constexpr oar_dtype value = OAR_DTYPE_FLOAT64;
};
template <>
struct dtype_of<int32_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT32;
};
template <>
struct dtype_of<int64_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT64;
};
template <>
struct dtype_of<int16_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT16;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr oar_dtype value = OAR_DTYPE_UINT8;
};
template <>
struct dtype_of<int8_t> {
  static constexpr oar_dtype value = OAR_DTYPE_INT8;
};
template <>
struct dtype_of<bool> {
  static constexpr oar_dtype value = OAR_DTYPE_BOOL;
};

}  // namespace detail

// The oar_dtype of a C++ element type (float -> OAR_DTYPE_FLOAT32, ...).
template <class T>
constexpr oar_dtype dtype_of_v = detail::dtype_of<T>::value;

// "MAJOR.MINOR.PATCH" of the linked liboar.
inline std::string version() { return oar_version(); }

// Options of a predictor. Owns an oar_config.
class Config {
 public:
  Config() {
    oar_config* config = nullptr;
    detail::check(oar_config_create(&config));
    config_.reset(config);
  }
  // A model directory or program file, and optionally its params file (see
  // oar_config_set_model for the layouts).
  explicit Config(const std::string& model, const std::string& params = std::string()) : Config() {
    set_model(model, params);
  }

  Config& set_model(const std::string& model, const std::string& params = std::string()) {
    detail::check(oar_config_set_model(get(), model.c_str(), params.empty() ? nullptr : params.c_str()));
    return *this;
  }
  // The bytes are copied.
  Config& set_model_buffer(const void* program, size_t program_size, const void* params, size_t params_size) {
    detail::check(oar_config_set_model_buffer(get(), program, program_size, params, params_size));
    return *this;
  }
  Config& set_num_threads(int num_threads) {
    detail::check(oar_config_set_num_threads(get(), num_threads));
    return *this;
  }
  int num_threads() const {
    int n = 0;
    detail::check(oar_config_num_threads(get(), &n));
    return n;
  }
  Config& set_ir_optim(bool enable) {
    detail::check(oar_config_set_ir_optim(get(), enable ? 1 : 0));
    return *this;
  }
  bool ir_optim() const {
    int enable = 0;
    detail::check(oar_config_ir_optim(get(), &enable));
    return enable != 0;
  }
  Config& set_memory_optim(bool enable) {
    detail::check(oar_config_set_memory_optim(get(), enable ? 1 : 0));
    return *this;
  }
  bool memory_optim() const {
    int enable = 0;
    detail::check(oar_config_memory_optim(get(), &enable));
    return enable != 0;
  }
  Config& delete_pass(const std::string& pass_name) {
    detail::check(oar_config_delete_pass(get(), pass_name.c_str()));
    return *this;
  }
  // Each throws Error(OAR_ERR_UNSUPPORTED) where this build cannot honour it.
  Config& enable_gpu(int device_id = 0, uint64_t memory_pool_mb = 0) {
    detail::check(oar_config_enable_gpu(get(), device_id, memory_pool_mb));
    return *this;
  }
  Config& enable_onednn() {
    detail::check(oar_config_enable_onednn(get()));
    return *this;
  }
  Config& enable_tensorrt(oar_precision precision = OAR_PRECISION_FLOAT32) {
    detail::check(oar_config_enable_tensorrt(get(), precision));
    return *this;
  }
  Config& set_precision(oar_precision precision) {
    detail::check(oar_config_set_precision(get(), precision));
    return *this;
  }

  // The C handle, still owned by this Config.
  oar_config* get() const noexcept { return config_.get(); }

 private:
  std::unique_ptr<oar_config, detail::ConfigDeleter> config_;
};

// A model input or output. Does not own anything: valid while the
// Predictor it came from lives.
class Tensor {
 public:
  explicit Tensor(oar_tensor* tensor) noexcept : tensor_(tensor) {}

  std::string name() const {
    const char* name = nullptr;
    detail::check(oar_tensor_name(tensor_, &name));
    return name;
  }
  oar_dtype dtype() const {
    oar_dtype dtype = OAR_DTYPE_UNKNOWN;
    detail::check(oar_tensor_dtype(tensor_, &dtype));
    return dtype;
  }
  // -1 marks a dimension not known yet (an input before reshape).
  std::vector<int64_t> shape() const {
    size_t rank = 0;
    int64_t dims[OAR_MAX_RANK];
    detail::check(oar_tensor_shape(tensor_, &rank, dims, OAR_MAX_RANK));
    return std::vector<int64_t>(dims, dims + (rank < OAR_MAX_RANK ? rank : OAR_MAX_RANK));
  }
  // Product of the dims; throws if one is still unknown.
  size_t element_count() const {
    size_t count = 1;
    for (int64_t d : shape()) {
      if (d < 0) throw Error(OAR_ERR_MISUSE, "tensor '" + name() + "' has no shape yet: reshape it first");
      count *= static_cast<size_t>(d);
    }
    return count;
  }
  void reshape(const std::vector<int64_t>& dims) {
    detail::check(oar_tensor_reshape(tensor_, dims.size(), dims.data()));
  }

  // Copies `count` elements into an input, in the shape set by reshape().
  template <class T>
  void copy_from(const T* data, size_t count) {
    detail::check(oar_tensor_copy_from_host(tensor_, dtype_of_v<T>, data, count * sizeof(T)));
  }
  template <class T>
  void copy_from(const std::vector<T>& data) {
    copy_from(data.data(), data.size());
  }
  // reshape(dims) then copy_from(data).
  template <class T>
  void copy_from(const std::vector<T>& data, const std::vector<int64_t>& dims) {
    reshape(dims);
    copy_from(data.data(), data.size());
  }

  // Copies the tensor into dst (room for `count` elements of T). Throws when
  // T is not the tensor's dtype or the room is short.
  template <class T>
  void copy_to(T* dst, size_t count) const {
    oar_dtype have = dtype();
    if (have != dtype_of_v<T>)
      throw Error(OAR_ERR_INVALID_ARGUMENT, "tensor '" + name() + "' holds " + oar_dtype_name(have) +
                                                ", not " + oar_dtype_name(dtype_of_v<T>));
    detail::check(oar_tensor_copy_to_host(tensor_, dst, count * sizeof(T)));
  }
  template <class T>
  std::vector<T> copy_to() const {
    std::vector<T> out(element_count());
    copy_to(out.data(), out.size());
    return out;
  }

  oar_tensor* get() const noexcept { return tensor_; }

 private:
  oar_tensor* tensor_;
};

// A loaded model. Owns an oar_predictor; move-only.
class Predictor {
 public:
  explicit Predictor(const Config& config) {
    oar_predictor* predictor = nullptr;
    detail::check(oar_predictor_create(config.get(), &predictor));
    predictor_.reset(predictor);
  }

  // A predictor sharing this one's weights, for another thread.
  Predictor clone() {
    oar_predictor* predictor = nullptr;
    detail::check(oar_predictor_clone(get(), &predictor));
    return Predictor(predictor);
  }

  std::vector<std::string> input_names() const { return names(true); }
  std::vector<std::string> output_names() const { return names(false); }

  Tensor input(const std::string& name) {
    oar_tensor* tensor = nullptr;
    detail::check(oar_predictor_get_input(get(), name.c_str(), &tensor));
    return Tensor(tensor);
  }
  Tensor output(const std::string& name) {
    oar_tensor* tensor = nullptr;
    detail::check(oar_predictor_get_output(get(), name.c_str(), &tensor));
    return Tensor(tensor);
  }

  void run() { detail::check(oar_predictor_run(get())); }

  oar_predictor* get() const noexcept { return predictor_.get(); }

 private:
  explicit Predictor(oar_predictor* predictor) noexcept : predictor_(predictor) {}

  std::vector<std::string> names(bool inputs) const {
    size_t count = 0;
    detail::check(inputs ? oar_predictor_input_count(get(), &count)
                         : oar_predictor_output_count(get(), &count));
    std::vector<std::string> out;
    out.reserve(count);
    for (size_t i = 0; i < count; i++) {
      const char* name = nullptr;
      detail::check(inputs ? oar_predictor_input_name(get(), i, &name)
                           : oar_predictor_output_name(get(), i, &name));
      out.emplace_back(name);
    }
    return out;
  }

  std::unique_ptr<oar_predictor, detail::PredictorDeleter> predictor_;
};

}  // namespace oar

#endif  // OAR_OAR_HPP
