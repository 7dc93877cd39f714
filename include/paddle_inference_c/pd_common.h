/*
 * Paddle Inference C API (capi_exp, Paddle >= 2.1), as implemented by oar.
 *
 * pd_common.h: export macro, ownership markers, PD_Bool and the enums.
 * Programs written for Paddle's `pd_inference_api.h` compile against these
 * headers unchanged and link with -lpaddle_inference_c (oar's
 * libpaddle_inference_c.so, which runs on oar's public API).
 *
 * Ownership markers (documentation only):
 *   __pd_give  the call returns a new object; pass it to the matching
 *              *Destroy function.
 *   __pd_take  the callee takes ownership of the argument.
 *   __pd_keep  the argument is borrowed.
 */
#ifndef PD_COMMON_H
#define PD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(PADDLE_DLL_INFERENCE)
#define PADDLE_CAPI_EXPORT __declspec(dllexport)
#else
#define PADDLE_CAPI_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define PADDLE_CAPI_EXPORT __attribute__((visibility("default")))
#else
#define PADDLE_CAPI_EXPORT
#endif

#define __pd_give
#define __pd_take
#define __pd_keep

typedef int8_t PD_Bool;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* Paddle's enums are int32_t typedefs with an anonymous enum of values. */
#define PD_ENUM(type)   \
  typedef int32_t type; \
  enum

PD_ENUM(PD_PrecisionType){
    PD_PRECISION_FLOAT32 = 0,
    PD_PRECISION_INT8 = 1,
    PD_PRECISION_HALF = 2,
    PD_PRECISION_BF16 = 3,
};

PD_ENUM(PD_PlaceType){
    PD_PLACE_UNK = -1, PD_PLACE_CPU = 0, PD_PLACE_GPU = 1, PD_PLACE_XPU = 2, PD_PLACE_CUSTOM = 3,
};

PD_ENUM(PD_DataType){
    PD_DATA_UNK = -1,  PD_DATA_FLOAT32 = 0, PD_DATA_INT32 = 1,
    PD_DATA_INT64 = 2, PD_DATA_UINT8 = 3,   PD_DATA_INT8 = 4,
};

#endif /* PD_COMMON_H */
