// A multi-threaded server in the style of Paddle-Inference-Demo's
// c++/advanced/multi_thread: services::PredictorPool with one predictor per
// thread (Retrive(i)), each thread running the fixture's inputs several
// times; every run of every thread must match Paddle Inference's outputs.
//   pool_threads_demo CASE_DIR [THREADS]
#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "paddle_case.h"
#include "paddle_inference_api.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: pool_threads_demo CASE_DIR [THREADS]\n";
    return 2;
  }
  const case_io::Case c = case_io::LoadCase(argv[1]);
  const size_t thread_num = argc > 2 ? static_cast<size_t>(std::stoi(argv[2])) : 4;

  paddle_infer::Config config;
  if (c.params.empty()) {
    config.SetModel(c.model);
  } else {
    config.SetModel(c.model, c.params);
  }
  config.SetCpuMathLibraryNumThreads(1);
  config.EnableMemoryOptim();
  paddle_infer::services::PredictorPool pool(config, thread_num);

  std::atomic<int> failures(0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < thread_num; ++i) {
    threads.emplace_back([&, i]() {
      paddle_infer::Predictor* predictor = pool.Retrive(i);
      try {
        for (int rep = 0; rep < 3; rep++) {
          auto names = predictor->GetInputNames();
          for (size_t k = 0; k < names.size(); k++)
            case_io::Feed(predictor->GetInputHandle(names[k]).get(), c.inputs[k].array);
          predictor->Run();
          if (!case_io::CheckOutputs(
                  c, [&](const std::string& n) { return predictor->GetOutputHandle(n); },
                  "thread " + std::to_string(i) + " run " + std::to_string(rep)))
            failures++;
        }
      } catch (const std::exception& e) {
        std::cout << "FAIL thread " << i << ": " << e.what() << "\n";
        failures++;
      }
    });
  }
  for (auto& t : threads) t.join();

  bool ok = failures == 0;
  try {
    pool.Retrive(thread_num);
    std::cout << "FAIL: Retrive past the pool's size did not throw\n";
    ok = false;
  } catch (const std::out_of_range& e) {
    std::cout << "ok Retrive(" << thread_num << ") throws: " << e.what() << "\n";
  }
  std::cout << (ok ? "PASS" : "FAIL") << "\n";
  return ok ? 0 : 1;
}
