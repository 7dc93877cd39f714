/* Error text travelling with a status inside the engine. */
#ifndef OAR_BASE_ERROR_H
#define OAR_BASE_ERROR_H

#include "oar/oar.h"
#include "base/platform.h"

#define OAR_ERROR_MSG_MAX 1024

/* Every fallible internal function takes an oar_error* and fills it on
 * failure. The message accumulates context: callers may prefix it. */
typedef struct oar_error {
  oar_status code;
  /* Set (with OAR_ERR_UNSUPPORTED) by oar_error_needs_value: shape
   * inference needed the value of an input that was not known; the planner
   * may then plan the node once the value is known (runtime/plan_dynamic.c). */
  int needs_value;
  char msg[OAR_ERROR_MSG_MAX];
} oar_error;

/* Sets code and message (printf format); returns code so callers can write
 * `return oar_error_set(err, OAR_ERR_IO, "...")`. err may be NULL. */
oar_status oar_error_set(oar_error *err, oar_status code, const char *fmt, ...) OAR_PRINTF_FMT(3, 4);

/* oar_error_set(err, OAR_ERR_UNSUPPORTED, ...) that also sets needs_value. */
oar_status oar_error_needs_value(oar_error *err, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);

/* Prepends context ("while loading x: ") to the existing message; returns
 * the existing code. */
oar_status oar_error_prefix(oar_error *err, const char *fmt, ...) OAR_PRINTF_FMT(2, 3);

void oar_error_clear(oar_error *err);

/* Thread-local slot behind oar_last_error(). */
void oar_error_publish(const oar_error *err);
const char *oar_error_last(void);

#define OAR_TRY(expr)                                      \
  do {                                                     \
    oar_status oar_try_status_ = (expr);                   \
    if (oar_try_status_ != OAR_OK) return oar_try_status_; \
  } while (0)

#endif
