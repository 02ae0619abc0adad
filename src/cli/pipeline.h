/* `silt pipeline <subcommand>`: the one list of its subcommands, and what they share (the
 * --lake / --var / --no-env options and loading the pipeline file with them). Each subcommand
 * lives in its own file (cmd_pipeline.c: validate; pipeline_<name>.c: the others). */
#ifndef SILT_CLI_PIPELINE_H
#define SILT_CLI_PIPELINE_H

#include <stdbool.h>

#include "cli/cli.h"
#include "pipeline/def.h"

/* The subcommands, in the order `silt pipeline --help` lists them: X(name, summary). Adding
 * one = a line here and `int silt_pipeline_cmd_<name>(int argc, char **argv)` (argv[0] is the
 * subcommand's name; returns an exit code) in its own file. */
#define SILT_PIPELINE_SUBCOMMANDS(X)                                                               \
    X(validate, "parse and bind a pipeline file, print its tables, graph and schemas")             \
    X(run, "run every table of a pipeline, continuously or --until-caught-up, exactly once")       \
    X(status, "each table's version, upstream positions, lag and last event")                      \
    X(refresh, "recompute a table and what reads it (--full: from scratch)")

#define SILT_PIPELINE_DECLARE_(name, summary) int silt_pipeline_cmd_##name(int argc, char **argv);
SILT_PIPELINE_SUBCOMMANDS(SILT_PIPELINE_DECLARE_)
#undef SILT_PIPELINE_DECLARE_

/* The settings every subcommand shares; put it in the command's settings struct as member
 * `common` and SILT_PIPELINE_COMMON_OPTS(that struct) in its option table. */
typedef struct silt_pipeline_common {
    const char *lake;
    silt_opt_strings vars;
    bool no_env;
} silt_pipeline_common;

#define SILT_PIPELINE_COMMON_OPTS(T)                                                               \
    {"lake",                                                                                       \
     0,                                                                                            \
     SILT_OPT_STRING,                                                                              \
     "DIR|URL",                                                                                    \
     "./lake",                                                                                     \
     NULL,                                                                                         \
     "where the tables are: <DIR>/<table>, unless the table has a LOCATION; a folder or an "       \
     "Azure location (abfss://c@acct.dfs.core.windows.net/lake, az://c/lake: docs/AZURE.md)",      \
     SILT_OPT_TO_STR(T, common.lake)},                                                             \
        {"var",                                                                                    \
         0,                                                                                        \
         SILT_OPT_STRINGS,                                                                         \
         "NAME=VALUE",                                                                             \
         NULL,                                                                                     \
         NULL,                                                                                     \
         "replace ${NAME} in the file by VALUE (repeatable; before the environment)",              \
         SILT_OPT_TO_STRINGS(T, common.vars)},                                                     \
    {                                                                                              \
        "no-env", 0, SILT_OPT_FLAG, NULL, NULL, NULL,                                              \
            "do not look ${NAME} up in the environment (only --var)",                              \
            SILT_OPT_TO_BOOL(T, common.no_env)                                                     \
    }

/* Loads and resolves the pipeline file with the shared settings. Returns 0 and *out (owned;
 * silt_pipeline_def_destroy), or an error in err (SILT_EINVAL for a bad --var or file). */
int silt_pipeline_cli_load(silt_pipeline_def **out, const char *file, const silt_pipeline_common *c,
                           silt_error *err);

#endif
