// A user of the header-only C++17 wrapper (oar/oar.hpp) over liboar: built
// against the installed tree only, it runs the digits CNN fixture and
// compares with Paddle's scores. Usage: consumer_cpp MODEL_DIR
#include <oar/oar.hpp>

#include <iostream>
#include <vector>

#include "fixture.h"

int main(int argc, char** argv) try {
  if (argc != 2) return 2;
  fixture_array in, want;
  if (fixture_load(argv[1], "in_x.npy", &in) || fixture_load(argv[1], "out_softmax_0.tmp_0.npy", &want))
    return 1;
  oar::Config config(argv[1]);
  oar::Predictor predictor(config);
  predictor.input(predictor.input_names()[0])
      .copy_from(std::vector<float>(in.data, in.data + in.count),
                 std::vector<int64_t>(in.dims, in.dims + in.rank));
  predictor.run();
  std::vector<float> got = predictor.output(predictor.output_names()[0]).copy_to<float>();
  if (got.size() != want.count) {
    std::cerr << "got " << got.size() << " scores, want " << want.count << "\n";
    return 1;
  }
  int rc = fixture_check("C++ wrapper oar.hpp", got.data(), &want);
  free(in.data);
  free(want.data);
  return rc;
} catch (const oar::Error& e) {
  std::cerr << e.what() << "\n";
  return 1;
}
