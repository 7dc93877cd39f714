// Test of bindings/cpp/include/oar/oar.hpp on the MNIST fc+softmax and the
// digits CNN fixtures: outputs match Paddle Inference's recorded ones
// (|got - want| <= 1e-5 + 1e-4 |want|), errors arrive as oar::Error with the
// engine's message, and the RAII types free everything (checked by the
// sanitizer build). Usage: oar_hpp_test MODELS_DIR (tests/data/models)
#include <oar/oar.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int checks = 0, failures = 0;

void check(bool ok, const std::string& what) {
  checks++;
  if (!ok) {
    failures++;
    std::cerr << "FAIL: " << what << "\n";
  }
}

// A float32 C-order .npy file.
struct Npy {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

Npy load_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char magic[8];
  in.read(magic, 8);
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not .npy");
  size_t header_len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | b[1] << 8;
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | b[1] << 8 | b[2] << 16 | static_cast<size_t>(b[3]) << 24;
  }
  std::string header(header_len, '\0');
  in.read(&header[0], static_cast<std::streamsize>(header_len));
  if (header.find("'<f4'") == std::string::npos) throw std::runtime_error(path + ": not float32");
  Npy npy;
  size_t p = header.find("'shape': (") + 10;
  size_t count = 1;
  std::istringstream dims(header.substr(p, header.find(')', p) - p));
  std::string item;
  while (std::getline(dims, item, ',')) {
    if (item.find_first_not_of(' ') == std::string::npos) continue;
    npy.shape.push_back(std::stoll(item));
    count *= static_cast<size_t>(npy.shape.back());
  }
  npy.data.resize(count);
  in.read(reinterpret_cast<char*>(npy.data.data()), static_cast<std::streamsize>(count * sizeof(float)));
  if (!in) throw std::runtime_error(path + ": truncated");
  return npy;
}

bool close_enough(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); i++)
    if (!(std::fabs(got[i] - want[i]) <= 1e-5f + 1e-4f * std::fabs(want[i]))) return false;
  return true;
}

void test_model(const std::string& dir) {
  Npy in = load_npy(dir + "/in_x.npy");
  Npy want = load_npy(dir + "/out_softmax_0.tmp_0.npy");

  oar::Config config(dir);
  config.set_num_threads(2).set_ir_optim(true).set_memory_optim(true);
  check(config.num_threads() == 2 && config.ir_optim() && config.memory_optim(), dir + ": config reads back");
  oar::Predictor predictor(config);
  check(predictor.input_names() == std::vector<std::string>{"x"}, dir + ": input names");
  check(predictor.output_names() == std::vector<std::string>{"softmax_0.tmp_0"}, dir + ": output names");

  oar::Tensor x = predictor.input("x");
  check(x.name() == "x" && x.dtype() == OAR_DTYPE_FLOAT32, dir + ": input name and dtype");
  x.copy_from(in.data, in.shape);
  check(x.shape() == in.shape, dir + ": reshape");
  predictor.run();
  oar::Tensor y = predictor.output("softmax_0.tmp_0");
  check(y.shape() == want.shape, dir + ": output shape");
  check(close_enough(y.copy_to<float>(), want.data), dir + ": outputs match Paddle's");

  // A moved-from predictor's clone runs on its own.
  oar::Predictor moved = std::move(predictor);
  oar::Predictor clone = moved.clone();
  clone.input("x").copy_from(in.data, in.shape);
  clone.run();
  check(close_enough(clone.output("softmax_0.tmp_0").copy_to<float>(), want.data), dir + ": clone outputs");
}

void test_errors(const std::string& models) {
  try {
    oar::Predictor p(oar::Config("/nonexistent/model"));
    check(false, "a missing model throws");
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_IO && std::strstr(e.what(), "/nonexistent/model") != nullptr,
          std::string("missing model: status and message (") + e.what() + ")");
  }

  oar::Predictor p(oar::Config(models + "/mnist_fc"));
  try {
    p.input("no_such_input");
    check(false, "an unknown input throws");
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_NOT_FOUND, std::string("unknown input: ") + e.what());
  }
  try {
    p.input("x").copy_from(std::vector<float>(10), {1, 784});
    check(false, "a short buffer throws");
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_INVALID_ARGUMENT, std::string("short buffer: ") + e.what());
  }
  try {
    p.input("x").copy_from(std::vector<float>(784), {1, 784});
    p.run();
    p.output("softmax_0.tmp_0").copy_to<int64_t>();
    check(false, "a dtype mismatch throws");
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_INVALID_ARGUMENT, std::string("dtype mismatch: ") + e.what());
  }

  // Options this build may lack: OK, or UNSUPPORTED with a reason.
  oar::Config config;
  try {
    config.enable_onednn();
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_UNSUPPORTED && std::strlen(e.what()) > 0,
          "oneDNN: unsupported with a reason");
  }
  try {
    config.enable_gpu(0, 100);
  } catch (const oar::Error& e) {
    check(e.status() == OAR_ERR_UNSUPPORTED && std::strlen(e.what()) > 0, "GPU: unsupported with a reason");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " MODELS_DIR\n";
    return 2;
  }
  std::string models = argv[1];
  std::cout << "oar " << oar::version() << "\n";
  try {
    test_model(models + "/mnist_fc");
    test_model(models + "/digits_cnn");
    test_errors(models);
  } catch (const std::exception& e) {
    failures++;
    std::cerr << "FAIL: unexpected exception: " << e.what() << "\n";
  }
  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures ? 1 : 0;
}
