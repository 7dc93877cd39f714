// Test helper for the Paddle-style C++ programs (bindings/paddle_cpp/tests):
// reads a fixture's case.txt (tests/run_case.c describes it) and its .npy
// files, and compares an output with Paddle Inference's recorded one with
// the fixture's tolerance (|got - want| <= atol + rtol |want|; integers and
// bools exactly). It knows nothing of the inference API: the programs feed
// and fetch through paddle_inference_api.h alone.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace case_io {

struct Array {
  std::string descr;  // numpy dtype: "<f4", "<i8", "|b1", ...
  std::vector<int> shape;
  std::vector<char> bytes;
  size_t numel() const {
    size_t n = 1;
    for (int d : shape) n *= static_cast<size_t>(d);
    return n;
  }
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(bytes.data());
  }
  // Element i as a double (float16 decoded).
  double at(size_t i) const {
    if (descr == "<f4") return as<float>()[i];
    if (descr == "<f8") return as<double>()[i];
    if (descr == "<i8") return static_cast<double>(as<int64_t>()[i]);
    if (descr == "<i4") return as<int32_t>()[i];
    if (descr == "|u1") return as<uint8_t>()[i];
    if (descr == "|i1") return as<int8_t>()[i];
    if (descr == "|b1") return as<uint8_t>()[i] != 0;
    throw std::runtime_error("case_io: dtype " + descr + " not handled");
  }
  bool floating() const { return descr == "<f4" || descr == "<f8" || descr == "<f2"; }
};

inline size_t DescrSize(const std::string& d) {
  if (d == "<f8" || d == "<i8") return 8;
  if (d == "<f4" || d == "<i4") return 4;
  if (d == "<f2") return 2;
  if (d == "|u1" || d == "|i1" || d == "|b1") return 1;
  throw std::runtime_error("case_io: dtype " + d + " not handled");
}

inline Array LoadNpy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("case_io: cannot open " + path);
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not .npy");
  size_t header_len = 0;
  unsigned char b[4] = {0, 0, 0, 0};
  if (magic[6] == 1) {
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | b[1] << 8;
  } else {
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | b[1] << 8 | b[2] << 16 | static_cast<size_t>(b[3]) << 24;
  }
  std::string header(header_len, '\0');
  in.read(&header[0], static_cast<std::streamsize>(header_len));
  if (header.find("'fortran_order': True") != std::string::npos)
    throw std::runtime_error(path + ": Fortran order");
  Array a;
  size_t d = header.find("'descr': '") + 10;
  a.descr = header.substr(d, header.find('\'', d) - d);
  size_t p = header.find("'shape': (") + 10;
  std::istringstream dims(header.substr(p, header.find(')', p) - p));
  std::string item;
  while (std::getline(dims, item, ','))
    if (item.find_first_not_of(' ') != std::string::npos) a.shape.push_back(std::stoi(item));
  a.bytes.resize(a.numel() * DescrSize(a.descr));
  in.read(a.bytes.data(), static_cast<std::streamsize>(a.bytes.size()));
  if (!in) throw std::runtime_error(path + ": truncated");
  return a;
}

struct Named {
  std::string name;
  Array array;
};

struct Case {
  std::string dir, model, params;  // model and params: full paths ("" when absent)
  std::vector<Named> inputs, outputs;
  double rtol = 1e-4, atol = 1e-5;
};

inline Case LoadCase(const std::string& dir) {
  std::ifstream in(dir + "/case.txt");
  if (!in) throw std::runtime_error("case_io: cannot open " + dir + "/case.txt");
  Case c;
  c.dir = dir;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kw, a, b;
    words >> kw >> a >> b;
    if (kw == "model") c.model = dir + "/" + a;
    if (kw == "params") c.params = dir + "/" + a;
    if (kw == "input") c.inputs.push_back({a, LoadNpy(dir + "/" + b)});
    if (kw == "output") c.outputs.push_back({a, LoadNpy(dir + "/" + b)});
    if (kw == "tolerance") {
      c.rtol = std::stod(a);
      c.atol = std::stod(b);
    }
  }
  return c;
}

// Compares `got` (numel values, as doubles) with the reference; prints one
// line and returns whether it matches.
inline bool Compare(const std::string& what, const std::vector<int>& got_shape,
                    const std::vector<double>& got, const Array& want, double rtol, double atol) {
  if (got_shape != want.shape || got.size() != want.numel()) {
    std::printf("FAIL %s: shape differs from Paddle's\n", what.c_str());
    return false;
  }
  size_t bad = 0;
  double worst = 0;
  for (size_t i = 0; i < got.size(); i++) {
    double w = want.at(i), g = got[i];
    if (std::isnan(w) && std::isnan(g)) continue;
    double err = std::fabs(g - w);
    if (!want.floating() ? g != w : !(err <= atol + rtol * std::fabs(w))) bad++;
    if (err > worst) worst = err;
  }
  std::printf("%s %s: %zu values, max |diff| %.3g (rtol %g atol %g)\n", bad ? "FAIL" : "ok", what.c_str(),
              got.size(), worst, rtol, atol);
  return bad == 0;
}

}  // namespace case_io
