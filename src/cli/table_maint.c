/* `silt table vacuum|optimize|checkpoint`: the maintenance subcommands of `silt table`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/table.h"
#include "delta/checkpoint.h"
#include "delta/maint.h"
#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/props.h"
#include "util/time.h"

static const silt_opt_spec vacuum_spec[] = {
    {"dry-run", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "list the files that would be deleted (stdout) and the unreferenced files kept, with why "
     "(stderr)",
     TS_(BOOL, dry_run)},
    {"retention", 0, SILT_OPT_DURATION, "DURATION", NULL, NULL,
     "keep files removed less than this long ago (default and minimum: the table's "
     "delta.deletedFileRetentionDuration, else 7d)",
     TS_(I64, retention_us), TS_GIVEN(has_retention)},
    {"force", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "allow a retention below delta.deletedFileRetentionDuration (files modified in the last "
     "hour are kept even then: they may belong to a commit in flight)",
     TS_(BOOL, force)},
    {0},
};

/* --dry-run: the files kept although no live file references them, and why. */
static void print_vacuum_kept(const silt_delta_vacuum_result *r, int64_t now_ms)
{
    char ret[24], win[24], ago[24];
    silt_delta_duration_text(ret, sizeof ret, r->retention_ms);
    for (size_t i = 0; i < r->n_kept; i++) {
        const silt_delta_vacuum_kept *k = &r->kept[i];
        int64_t age = now_ms - k->when_ms;
        silt_delta_duration_text(ago, sizeof ago, age < 0 ? 0 : age / 1000 * 1000);
        if (k->why == SILT_DELTA_VACUUM_KEEP_REMOVED_RECENTLY)
            fprintf(stderr, "kept %s: removed %s ago, within the retention of %s\n", k->path, ago,
                    ret);
        else
            fprintf(stderr,
                    "kept %s: modified %s ago, less than %s ago (it may belong to a commit in "
                    "flight)\n",
                    k->path, ago,
                    silt_delta_duration_text(win, sizeof win, now_ms - r->file_cutoff_ms));
    }
}

int silt_cli_table_vacuum(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, vacuum_spec, &set, argc, argv, "table vacuum",
            "silt table vacuum LOCATION [--dry-run] [--retention DURATION [--force]]",
            "Delete the data files that no version of the table within the retention "
            "period references (files removed by older commits, files of failed "
            "writes)."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    silt_delta_vacuum_result r = {0};
    silt_delta_vacuum_opts vo = {-1, set.force, set.dry_run, silt_time_wall_ms()};
    if (set.has_retention) vo.retention_ms = set.retention_us / 1000;
    int rc = silt_store_open(&store, o.args[0], &err);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    if (!rc) rc = silt_delta_snapshot_load(&snap, store, &ro, &err);
    if (!rc) rc = silt_delta_vacuum(&r, store, snap, &vo, &err);
    if (!rc) {
        for (size_t i = 0; i < r.n; i++) printf("%s\n", r.paths[i]);
        if (vo.dry_run) print_vacuum_kept(&r, vo.now_ms);
        fprintf(stderr, "%s %zu files (%llu bytes); kept %zu unreferenced files\n",
                vo.dry_run ? "would delete" : "deleted", vo.dry_run ? r.n : r.n_deleted,
                (unsigned long long)r.bytes, r.n_kept);
    }
    silt_delta_vacuum_result_clear(&r);
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table vacuum", &err) : 0;
}

/* ---- optimize ---- */

static const silt_opt_spec optimize_spec[] = {
    {"target-size", 0, SILT_OPT_SIZE, "BYTES", "128M", NULL,
     "pack small files into files of about this size (files this big are left alone)",
     TS_(I64, target_size), TS_GIVEN(has_target_size)},
    {"auto", 0, SILT_OPT_FLAG, NULL, NULL, NULL,
     "auto-compaction rule: only partitions holding at least --min-files files smaller than "
     "half the target",
     TS_(BOOL, auto_compact)},
    {"min-files", 0, SILT_OPT_INT, "N", NULL, "2..",
     "with --auto: small files a partition needs (default: table property "
     "silt.autoCompact.minFiles, else 10)",
     TS_(I64, min_files), TS_GIVEN(has_min_files)},
    {0},
};

int silt_cli_table_optimize(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, optimize_spec, &set, argc, argv, "table optimize",
            "silt table optimize LOCATION [--target-size BYTES] [--auto [--min-files N]]",
            "Compact a Delta table's small files: within each partition, files smaller "
            "than the target are packed into bins and each bin is rewritten as one "
            "file, committed as an OPTIMIZE (dataChange false) version."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_optimize_result r;
    silt_delta_optimize_opts oo;
    memset(&oo, 0, sizeof oo);
    oo.file_ops = silt_delta_parquet_ops();
    bool autoc = set.auto_compact;
    if (!autoc || set.has_target_size) oo.target_size = set.target_size;
    if (set.has_min_files) oo.min_files = set.min_files;
    int rc = silt_store_open(&store, o.args[0], &err);
    if (!rc)
        rc = autoc ? silt_delta_auto_compact(&r, store, NULL, &oo, &err)
                   : silt_delta_optimize(&r, store, NULL, &oo, &err);
    if (!rc) {
        if (r.version < 0)
            printf("nothing to compact\n");
        else
            printf("version %" PRId64 ": %zu files (%" PRId64 " bytes) compacted into %zu (%" PRId64
                   " bytes) in %zu partition%s, %" PRId64 " rows\n",
                   r.version, r.files_removed, r.bytes_removed, r.files_added, r.bytes_added,
                   r.partitions, r.partitions == 1 ? "" : "s", r.rows);
    }
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table optimize", &err) : 0;
}

/* ---- checkpoint ---- */

static const silt_opt_spec checkpoint_spec[] = {
    {"version", 0, SILT_OPT_INT, "N", NULL, "0..", "checkpoint version N (default: the latest)",
     TS_(I64, version), TS_GIVEN(has_version)},
    {0},
};

int silt_cli_table_checkpoint(int argc, char **argv)
{
    silt_opts o;
    silt_cli_table_settings set = {0};
    int code;
    if (silt_cli_table_parse(
            &o, &code, checkpoint_spec, &set, argc, argv, "table checkpoint",
            "silt table checkpoint LOCATION [--version N]",
            "Write a classic Parquet checkpoint of the table (and _last_checkpoint), so "
            "readers need not replay the JSON commits before it."))
        return code;
    silt_error err;
    silt_error_clear(&err);
    silt_store *store = NULL;
    silt_delta_snapshot *snap = NULL;
    int rc = silt_cli_table_load(&snap, &store, o.args[0], &set, &err);
    if (!rc)
        rc = silt_delta_checkpoint_write(store, snap, silt_delta_parquet_ops(), silt_time_wall_ms(),
                                         &err);
    if (!rc) {
        char key[80];
        silt_delta_checkpoint_key(key, sizeof key, snap->version);
        printf("%s\n", key);
    }
    silt_delta_snapshot_destroy(snap);
    silt_store_destroy(store);
    return rc ? silt_cli_fail("table checkpoint", &err) : 0;
}
