/* The entry of `oar serve` for tools/oar.c. */
#ifndef OAR_SERVER_SERVE_MAIN_H
#define OAR_SERVER_SERVE_MAIN_H

/* Runs the server on the words after `serve`; returns the exit code (0
 * after a graceful SIGTERM / SIGINT shutdown, 1 when a model fails to load
 * or the port cannot be bound, 2 for a bad command line). */
int serve_main(int argc, char **argv);

/* The usage text of `oar serve`. */
const char *serve_help(void);

#endif
