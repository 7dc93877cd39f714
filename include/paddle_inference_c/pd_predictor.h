/*
 * pd_predictor.h: PD_Predictor, a loaded model ready to run (an
 * oar_predictor underneath). One thread at a time per predictor; clone it
 * for more threads (clones share the weights).
 */
#ifndef PD_PREDICTOR_H
#define PD_PREDICTOR_H

#include "pd_common.h"
#include "pd_types.h"

typedef struct PD_Predictor PD_Predictor;
typedef struct PD_Config PD_Config;
typedef struct PD_Tensor PD_Tensor;

#ifdef __cplusplus
extern "C" {
#endif

/* Loads the model the config names. NULL on failure (the engine's message
 * is printed on stderr). Does not free the config (Paddle >= 2.5). */
PADDLE_CAPI_EXPORT extern __pd_give PD_Predictor* PD_PredictorCreate(__pd_take PD_Config* pd_config);
PADDLE_CAPI_EXPORT extern __pd_give PD_Predictor* PD_PredictorClone(__pd_keep PD_Predictor* pd_predictor);

PADDLE_CAPI_EXPORT extern __pd_give PD_OneDimArrayCstr* PD_PredictorGetInputNames(
    __pd_keep PD_Predictor* pd_predictor);
/* Declared shapes (-1 for a variable dimension) and dtypes. */
PADDLE_CAPI_EXPORT extern __pd_give PD_IOInfos* PD_PredictorGetInputInfos(
    __pd_keep PD_Predictor* pd_predictor);
PADDLE_CAPI_EXPORT extern __pd_give PD_OneDimArrayCstr* PD_PredictorGetOutputNames(
    __pd_keep PD_Predictor* pd_predictor);
PADDLE_CAPI_EXPORT extern __pd_give PD_IOInfos* PD_PredictorGetOutputInfos(
    __pd_keep PD_Predictor* pd_predictor);
PADDLE_CAPI_EXPORT extern size_t PD_PredictorGetInputNum(__pd_keep PD_Predictor* pd_predictor);
PADDLE_CAPI_EXPORT extern size_t PD_PredictorGetOutputNum(__pd_keep PD_Predictor* pd_predictor);

/* A new handle on each call; free it with PD_TensorDestroy. The handle must
 * not outlive the predictor. NULL for a name the model does not have. */
PADDLE_CAPI_EXPORT extern __pd_give PD_Tensor* PD_PredictorGetInputHandle(
    __pd_keep PD_Predictor* pd_predictor, const char* name);
PADDLE_CAPI_EXPORT extern __pd_give PD_Tensor* PD_PredictorGetOutputHandle(
    __pd_keep PD_Predictor* pd_predictor, const char* name);

/* Runs the model on the inputs given so far. TRUE on success. */
PADDLE_CAPI_EXPORT extern PD_Bool PD_PredictorRun(__pd_keep PD_Predictor* pd_predictor);

/* oar plans its working memory once per input shape and keeps it: these
 * release nothing (TryShrinkMemory returns 0). */
PADDLE_CAPI_EXPORT extern void PD_PredictorClearIntermediateTensor(__pd_keep PD_Predictor* pd_predictor);
PADDLE_CAPI_EXPORT extern uint64_t PD_PredictorTryShrinkMemory(__pd_keep PD_Predictor* pd_predictor);

PADDLE_CAPI_EXPORT extern void PD_PredictorDestroy(__pd_take PD_Predictor* pd_predictor);

/* "version: <oar version>\nengine: oar ..."; static, do not free. */
PADDLE_CAPI_EXPORT extern const char* PD_GetVersion(void);

#ifdef __cplusplus
}
#endif

#endif /* PD_PREDICTOR_H */
