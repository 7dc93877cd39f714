/* The CHECK of the unit tests that count their checks: a failed condition
 * prints file, line and the message, and is counted; main returns
 * failures ? 1 : 0 after printing both counts. */
#ifndef OAR_TESTS_UNIT_TEST_CHECK_H
#define OAR_TESTS_UNIT_TEST_CHECK_H

#include <stdio.h>

static int failures;
static int checks;

#define CHECK(cond, ...)                          \
  do {                                            \
    checks++;                                     \
    if (!(cond)) {                                \
      failures++;                                 \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                        \
      printf("\n");                               \
    }                                             \
  } while (0)

#endif
