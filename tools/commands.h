/* The subcommands of `oar`. Each takes the words after its name and returns
 * the process exit code (see cli.h). */
#ifndef OAR_TOOLS_COMMANDS_H
#define OAR_TOOLS_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_opt(int argc, char **argv);
int cmd_quantize(int argc, char **argv);

/* Usage text of one command (NULL: the overview) to stdout. Returns 0, or
 * -1 for a command that does not exist. */
int cmd_print_help(const char *command);

#endif
