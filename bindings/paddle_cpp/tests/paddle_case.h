// Test helper for the Paddle-style C++ programs: feeds a fixture's arrays
// into tensors of Paddle's API and fetches outputs, whatever their element
// type, through paddle_inference_api.h only (Reshape, CopyFromCpu, type(),
// shape(), CopyToCpu).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "case_io.h"
#include "paddle_inference_api.h"

namespace case_io {

// Feeds `a` into an input tensor of Paddle's API (paddle_infer::Tensor or
// paddle::ZeroCopyTensor): Reshape, then CopyFromCpu with the array's
// element type.
template <typename Tensor>
void Feed(Tensor* t, const Array& a) {
  t->Reshape(a.shape);
  if (a.descr == "<f4") return t->CopyFromCpu(a.as<float>());
  if (a.descr == "<f8") return t->CopyFromCpu(a.as<double>());
  if (a.descr == "<i8") return t->CopyFromCpu(a.as<int64_t>());
  if (a.descr == "<i4") return t->CopyFromCpu(a.as<int32_t>());
  if (a.descr == "|u1") return t->CopyFromCpu(a.as<uint8_t>());
  if (a.descr == "|i1") return t->CopyFromCpu(a.as<int8_t>());
  if (a.descr == "|b1") return t->CopyFromCpu(a.as<bool>());
  throw std::runtime_error("case_io: cannot feed dtype " + a.descr);
}

template <typename T, typename Tensor>
std::vector<double> FetchAs(Tensor* t, size_t n) {
  std::vector<T> v(n);
  t->CopyToCpu(v.data());
  return std::vector<double>(v.begin(), v.end());
}

// Fetches an output tensor with CopyToCpu of the element type type() says,
// as doubles.
template <typename Tensor>
std::vector<double> Fetch(Tensor* t) {
  size_t n = 1;
  for (int d : t->shape()) n *= static_cast<size_t>(d);
  switch (t->type()) {
    case paddle_infer::DataType::FLOAT32: return FetchAs<float>(t, n);
    case paddle_infer::DataType::FLOAT64: return FetchAs<double>(t, n);
    case paddle_infer::DataType::INT64: return FetchAs<int64_t>(t, n);
    case paddle_infer::DataType::INT32: return FetchAs<int32_t>(t, n);
    case paddle_infer::DataType::UINT8: return FetchAs<uint8_t>(t, n);
    case paddle_infer::DataType::INT8: return FetchAs<int8_t>(t, n);
    case paddle_infer::DataType::BOOL: {
      std::unique_ptr<bool[]> v(new bool[n]);
      t->CopyToCpu(v.get());
      return std::vector<double>(v.get(), v.get() + n);
    }
    default: throw std::runtime_error("case_io: cannot fetch output " + t->name());
  }
}

}  // namespace case_io

namespace case_io {

// Compares every output of the case, each fetched by get(name) (a tensor
// handle: unique_ptr to paddle_infer::Tensor or paddle::ZeroCopyTensor).
template <typename Get>
bool CheckOutputs(const Case& c, Get get, const std::string& label) {
  bool ok = true;
  for (const Named& o : c.outputs) {
    auto t = get(o.name);
    std::vector<double> got = Fetch(t.get());
    ok = Compare(label + " " + o.name, t->shape(), got, o.array, c.rtol, c.atol) && ok;
  }
  return ok;
}

}  // namespace case_io
