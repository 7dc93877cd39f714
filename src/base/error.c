#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error_text[OAR_ERROR_MSG_MAX];

oar_status oar_error_set(oar_error *err, oar_status code, const char *fmt, ...) {
  if (!err) return code;
  err->code = code;
  err->needs_value = 0;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return code;
}

oar_status oar_error_needs_value(oar_error *err, const char *fmt, ...) {
  if (!err) return OAR_ERR_UNSUPPORTED;
  err->code = OAR_ERR_UNSUPPORTED;
  err->needs_value = 1;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return OAR_ERR_UNSUPPORTED;
}

oar_status oar_error_prefix(oar_error *err, const char *fmt, ...) {
  if (!err) return OAR_ERR_INTERNAL;
  char prefix[OAR_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  /* Truncation is fine: the message is for people; keep its start. */
  char joined[OAR_ERROR_MSG_MAX];
  size_t a = strlen(prefix), b = strlen(err->msg);
  if (a > sizeof joined - 1) a = sizeof joined - 1;
  if (b > sizeof joined - 1 - a) b = sizeof joined - 1 - a;
  memcpy(joined, prefix, a);
  memcpy(joined + a, err->msg, b);
  joined[a + b] = '\0';
  memcpy(err->msg, joined, sizeof joined);
  return err->code;
}

void oar_error_clear(oar_error *err) {
  if (!err) return;
  err->code = OAR_OK;
  err->needs_value = 0;
  err->msg[0] = '\0';
}

void oar_error_publish(const oar_error *err) {
  snprintf(last_error_text, sizeof last_error_text, "%s", err ? err->msg : "");
}

const char *oar_error_last(void) { return last_error_text; }
