// oar's Paddle Inference C++ API (bindings/paddle_cpp): the export macro that
// Paddle's headers put on every class and function of the API.
#pragma once

#if defined(_WIN32)
#ifdef PADDLE_DLL_INFERENCE
#define PD_INFER_DECL __declspec(dllexport)
#else
#define PD_INFER_DECL __declspec(dllimport)
#endif
#else
#define PD_INFER_DECL __attribute__((visibility("default")))
#endif
