// oar's Paddle Inference C++ API (bindings/paddle_cpp): paddle_infer::Tensor,
// DataType, PlaceType, DataLayout and float16, with Paddle 3's names and
// enum values. A Tensor is a handle on one input or output of a predictor,
// given out by Predictor::GetInputHandle / GetOutputHandle; it keeps its
// predictor's state alive. Errors throw std::runtime_error with oar's message
// (the tensor, the shape or dtype expected and got), where Paddle throws.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "paddle_infer_declare.h"  // NOLINT

struct oar_tensor;  // include/oar/oar.h; programs never see it

namespace paddle {
class PaddlePredictor;
namespace oar_detail {
struct PredictorState;
}  // namespace oar_detail
}  // namespace paddle

namespace paddle_infer {

/// Element types, with Paddle 3.3's values (paddle.inference.DataType).
/// oar has no bfloat16 tensors: BFLOAT16 exists for source compatibility.
enum DataType {
  FLOAT32 = 0,
  INT64 = 1,
  INT32 = 2,
  UINT8 = 3,
  INT8 = 4,
  FLOAT16 = 5,
  BOOL = 6,
  FLOAT64 = 7,
  BFLOAT16 = 8,
};

/// Devices, with Paddle 3.3's values. oar runs on the CPU only in this
/// build: data is always on kCPU.
enum class PlaceType { kUNK = -1, kCPU, kGPU, kXPU, kIPU, kCUSTOM };

enum class DataLayout { kUNK = -1, kAny, kNHWC, kNCHW };

/// IEEE 754 half precision, for CopyFromCpu / CopyToCpu of float16 tensors.
struct float16 {
  uint16_t x = 0;
  float16() = default;
  explicit float16(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    uint32_t sign = (b >> 16) & 0x8000u, exp = (b >> 23) & 0xffu, man = b & 0x7fffffu;
    if (exp == 0xffu) {
      x = static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u : 0u));
      return;
    }
    int e = static_cast<int>(exp) - 127 + 15;
    if (e >= 31) {
      x = static_cast<uint16_t>(sign | 0x7c00u);
    } else if (e <= 0) {
      if (e < -10) {
        x = static_cast<uint16_t>(sign);
        return;
      }
      man |= 0x800000u;
      uint32_t shift = static_cast<uint32_t>(14 - e);
      uint32_t half = man >> shift, rem = man & ((1u << shift) - 1u), mid = 1u << (shift - 1u);
      if (rem > mid || (rem == mid && (half & 1u))) half++;
      x = static_cast<uint16_t>(sign | half);
    } else {
      uint32_t half = (static_cast<uint32_t>(e) << 10) | (man >> 13), rem = man & 0x1fffu;
      if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) half++;
      x = static_cast<uint16_t>(sign | half);
    }
  }
  explicit operator float() const {
    uint32_t sign = (x & 0x8000u) << 16, exp = (x >> 10) & 0x1fu, man = x & 0x3ffu, b;
    if (exp == 0x1fu) {
      b = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
      b = sign | ((exp + 112u) << 23) | (man << 13);
    } else if (man == 0) {
      b = sign;
    } else {
      exp = 113;
      while (!(man & 0x400u)) {
        man <<= 1;
        exp--;
      }
      b = sign | (exp << 23) | ((man & 0x3ffu) << 13);
    }
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  }
};

/// One input or output of a predictor.
///
/// Inputs: Reshape, then CopyFromCpu (or mutable_data and fill in place).
/// Outputs (after Run): shape, then CopyToCpu (or data<T>, no copy).
/// The element functions are instantiated for float, double, int64_t,
/// int32_t, uint8_t, int8_t, bool and float16; T must be the tensor's dtype.
class PD_INFER_DECL Tensor {
 public:
  Tensor() = delete;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;
  virtual ~Tensor();

  /// Sets an input's shape; must come before mutable_data / CopyFromCpu.
  /// Throws for an output, a negative dim, or a rank other than the model's.
  void Reshape(const std::vector<int>& shape);

  /// Pointer to the input's own buffer (sized by the last Reshape), filled
  /// in place. Only PlaceType::kCPU exists in this build; another place is
  /// said once on stderr and the CPU buffer is returned.
  template <typename T>
  T* mutable_data(PlaceType place);

  /// The tensor's data, no copy, valid until the next Run / Reshape.
  /// *place receives kCPU and *size the element count.
  template <typename T>
  T* data(PlaceType* place, int* size) const;

  /// Copies shape-many elements from `data` into the input.
  template <typename T>
  void CopyFromCpu(const T* data);

  /// Copies the tensor's elements to `data` (room for shape's product).
  template <typename T>
  void CopyToCpu(T* data) const;

  /// Paddle 2.3's ShareExternalData for an input: here a copy (Reshape +
  /// CopyFromCpu), since oar owns its input buffers. Only kCPU data.
  template <typename T>
  void ShareExternalData(const T* data, const std::vector<int>& shape, PlaceType place,
                         DataLayout layout = DataLayout::kNCHW);

  /// The current shape (the declared one, -1 for a free dim, until known).
  std::vector<int> shape() const;

  /// oar has no LoD tensors: SetLoD keeps the LoD for lod() and says once on
  /// stderr that the model does not see it. Outputs have no LoD.
  void SetLoD(const std::vector<std::vector<size_t>>& x);
  std::vector<std::vector<size_t>> lod() const;

  const std::string& name() const;

  /// Element type. Throws for a dtype Paddle's DataType has no name for.
  DataType type() const;

  /// Where the data lives: always kCPU in this build.
  PlaceType place() const;

 protected:
  Tensor(std::shared_ptr<paddle::oar_detail::PredictorState> state, ::oar_tensor* tensor, std::string name,
         bool input);
  std::shared_ptr<paddle::oar_detail::PredictorState> state_;
  ::oar_tensor* tensor_;
  std::string name_;
  bool input_;
  friend class paddle::PaddlePredictor;
};

}  // namespace paddle_infer
