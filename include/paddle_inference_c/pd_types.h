/*
 * pd_types.h: the plain structs of Paddle Inference's C API. Field order and
 * types are Paddle's, so code that reads `size` and `data` directly (as
 * Paddle's Go binding does) works unchanged. Every struct handed out by the
 * API is freed with its *Destroy function from pd_utils.h, never with free().
 * An array with size 0 has data NULL.
 */
#ifndef PD_TYPES_H
#define PD_TYPES_H

#include "pd_common.h"

typedef struct PD_OneDimArrayInt32 {
  size_t size;
  int32_t* data;
} PD_OneDimArrayInt32;

typedef struct PD_OneDimArraySize {
  size_t size;
  size_t* data;
} PD_OneDimArraySize;

typedef struct PD_OneDimArrayInt64 {
  size_t size;
  int64_t* data;
} PD_OneDimArrayInt64;

/* Each string is NUL-terminated and allocated on its own. */
typedef struct PD_OneDimArrayCstr {
  size_t size;
  char** data;
} PD_OneDimArrayCstr;

/* size is strlen(data) + 1; the empty string is size 0, data NULL. */
typedef struct PD_Cstr {
  size_t size;
  char* data;
} PD_Cstr;

/* A LoD (level of detail): one array of offsets per level. */
typedef struct PD_TwoDimArraySize {
  size_t size;
  PD_OneDimArraySize** data;
} PD_TwoDimArraySize;

/* One model input or output: name, declared shape (-1 = any), dtype. */
typedef struct PD_IOInfo {
  PD_Cstr* name;
  PD_OneDimArrayInt64* shape;
  PD_DataType dtype;
} PD_IOInfo;

typedef struct PD_IOInfos {
  size_t size;
  PD_IOInfo** io_info;
} PD_IOInfos;

#endif /* PD_TYPES_H */
