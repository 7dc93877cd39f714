/*
 * Paddle Inference C API, implemented by oar (libpaddle_inference_c.so).
 *
 * A program written for Paddle Inference's C API (capi_exp, Paddle 2.1 to
 * 3.x) includes this header and links with -lpaddle_inference_c; nothing
 * else changes. What oar does with each call is said next to it in
 * pd_config.h, pd_predictor.h and pd_tensor.h. In short:
 *   - the model, thread count, IR optimization, memory optimization and
 *     DeletePass reach oar's config (include/oar/oar.h);
 *   - options this build cannot honour (GPU, XPU, TensorRT, oneDNN/MKLDNN,
 *     ONNX Runtime, Lite, custom devices, bf16/int8) print one line on stderr
 *     saying so and the predictor runs on the CPU in float32; their *Enabled
 *     getters then return FALSE;
 *   - calls that fail (a bad model file, a shape the model cannot take)
 *     print the engine's message on stderr and return NULL / FALSE, or do
 *     nothing for void calls. Paddle itself throws in these places.
 *   - Paddle >= 2.5 ownership: PD_PredictorCreate does not free the config;
 *     destroy it yourself (a program written for 2.1-2.4 leaks it, no more).
 */
#ifndef PD_INFERENCE_API_H
#define PD_INFERENCE_API_H

#include "pd_common.h"
#include "pd_config.h"
#include "pd_predictor.h"
#include "pd_tensor.h"
#include "pd_types.h"
#include "pd_utils.h"

#endif /* PD_INFERENCE_API_H */
