/* Shared by the files of `silt table` (cmd_table.c, table_scan.c, table_maint.c): opening the
 * table named on the command line, and the subcommands defined outside cmd_table.c. */
#ifndef SILT_CLI_TABLE_H
#define SILT_CLI_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

/* The options of every table subcommand: each subcommand's option table stores into the
 * members it has (silt_opts_parse); the rest stay zero. */
typedef struct silt_cli_table_settings {
    int64_t version;
    bool has_version;
    const char *timestamp, *where, *columns;
    bool files, dry_run, stats, auto_compact, force;
    int64_t limit;
    bool has_limit;
    int64_t retention_us;
    bool has_retention;
    int format; /* table_scan.c's scan_format */
    int64_t target_size;
    bool has_target_size;
    int64_t min_files;
    bool has_min_files;
    bool enable_dvs; /* table delete --enable-deletion-vectors */
} silt_cli_table_settings;

#define TS_(kind, field) SILT_OPT_TO_##kind(silt_cli_table_settings, field)
#define TS_GIVEN(field) SILT_OPT_GIVEN(silt_cli_table_settings, field)

/* silt_cli_parse for a subcommand `name` ("table scan") that takes exactly one LOCATION; the
 * values go into *set. Returns 1 when the caller should return *out_exit (help shown, a usage
 * error), 0 to go on. */
int silt_cli_table_parse(silt_opts *o, int *out_exit, const silt_opt_spec *spec,
                         silt_cli_table_settings *set, int argc, char **argv, const char *name,
                         const char *usage, const char *help);

/* Opens loc into *store (owned by the caller, also on failure) and loads its snapshot (with
 * checkpoints) as of set's --version (latest when not given) and --timestamp (epoch ms or
 * ISO 8601; none when NULL). */
int silt_cli_table_load(silt_delta_snapshot **out, silt_store **store, const char *loc,
                        const silt_cli_table_settings *set, silt_error *err);

int silt_cli_table_scan(int argc, char **argv);
int silt_cli_table_vacuum(int argc, char **argv);
int silt_cli_table_optimize(int argc, char **argv);
int silt_cli_table_checkpoint(int argc, char **argv);
int silt_cli_table_delete(int argc, char **argv);

#endif
