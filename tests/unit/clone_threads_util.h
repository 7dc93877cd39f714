/* Shared by the clone-thread tests: load a fixture as a predictor with 2
 * pool threads, and run one function per thread at the same time. */
#ifndef OAR_TESTS_UNIT_CLONE_THREADS_UTIL_H
#define OAR_TESTS_UNIT_CLONE_THREADS_UTIL_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "oar/oar.h"

/* The fixture at $OAR_TEST_DATA/<rel> (tests/data/<rel> without it), or
 * NULL after printing why. */
static inline oar_predictor *ct_load(const char *rel) {
  const char *dir = getenv("OAR_TEST_DATA");
  char model[1024];
  snprintf(model, sizeof model, "%s/%s", dir ? dir : "tests/data", rel);
  oar_config *c;
  oar_predictor *p = NULL;
  oar_config_create(&c);
  oar_config_set_model(c, model, NULL);
  oar_config_set_num_threads(c, 2);
  if (oar_predictor_create(c, &p) != OAR_OK) fprintf(stderr, "cannot load %s: %s\n", model, oar_last_error());
  oar_config_destroy(c);
  return p;
}

/* Runs fn(args + i * size) for i < n, all at once, and waits for them. */
static inline void ct_run_threads(int n, void *(*fn)(void *), void *args, size_t size) {
  pthread_t threads[16];
  for (int t = 0; t < n && t < 16; t++)
    pthread_create(&threads[t], NULL, fn, (char *)args + (size_t)t * size);
  for (int t = 0; t < n && t < 16; t++) pthread_join(threads[t], NULL);
}

#endif
