/* The command-line front end: every subcommand is one cmd_<name>.c file defining a
 * `const silt_command silt_cmd_<name>`; the build generates the table that main.c dispatches on. */
#ifndef SILT_CLI_CLI_H
#define SILT_CLI_CLI_H

#include <signal.h>
#include <stdio.h>

#include "util/error.h"
#include "util/opt.h"

/* Exit codes shared by every command. */
enum { SILT_EXIT_OK = 0, SILT_EXIT_RUNTIME = 1, SILT_EXIT_USAGE = 2 };

typedef struct silt_command {
    const char *name;    /* as typed: "parquet", "kafka-dev" */
    const char *summary; /* one line for `silt --help` */
    /* argv[0] is the command name. Returns an exit code. */
    int (*run)(int argc, char **argv);
} silt_command;

/* Parses options for a command into `settings` (see silt_opts_parse; may be NULL for a command
 * without options); on --help prints help (generated from spec) and sets *out_exit = 0; on a
 * usage error prints it (with the suggestion) and sets *out_exit = 2. Returns 1 when the caller
 * should return *out_exit, 0 to go on. */
int silt_cli_parse(silt_opts *opts, int *out_exit, const silt_opt_spec *spec, void *settings,
                   int argc, char **argv, int first, const char *pass_prefix, const char *usage,
                   const char *description);

/* Set to 1 by SIGINT or SIGTERM once silt_cli_catch_stop has run: long-running commands stop
 * cleanly when they see it. */
extern volatile sig_atomic_t silt_cli_stop;
/* Installs the handler that sets silt_cli_stop for SIGINT and SIGTERM. */
void silt_cli_catch_stop(void);

/* Prints "silt <cmd>: <formatted error>" to stderr and returns SILT_EXIT_RUNTIME (or
 * SILT_EXIT_USAGE for SILT_EINVAL when usage is true). */
int silt_cli_fail(const char *cmd, const silt_error *err);

/* Dispatches a nested subcommand ("silt parquet schema ..."): looks argv[1] up in subs (n
 * entries), suggests the closest on a typo, prints a listing on --help or when missing. */
int silt_cli_dispatch_sub(const char *parent, const silt_command *subs, size_t n, int argc,
                          char **argv);

#endif
