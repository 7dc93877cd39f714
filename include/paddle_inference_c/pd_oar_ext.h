/*
 * pd_oar_ext.h: what oar's libpaddle_inference_c adds to Paddle's C API.
 * Not included by pd_inference_api.h, so Paddle programs never see it.
 */
#ifndef PD_OAR_EXT_H
#define PD_OAR_EXT_H

#include "pd_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The message of the most recent failed PD_* call on this thread (the same
 * line that was printed on stderr), or "" if none. Valid until this thread's
 * next failing call. Paddle's API has no error channel; this is oar's. */
PADDLE_CAPI_EXPORT extern const char* PD_OarLastError(void);

#ifdef __cplusplus
}
#endif

#endif /* PD_OAR_EXT_H */
