/* Table maintenance and inspection: history from commitInfo, expired-log cleanup after
 * delta.logRetentionDuration, and VACUUM's choice of unreferenced files (with dry run). */
#ifndef SILT_DELTA_MAINT_H
#define SILT_DELTA_MAINT_H

#include <stdbool.h>
#include <stdint.h>

#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

typedef struct silt_delta_history_entry {
    int64_t version;
    int64_t timestamp_ms; /* commitInfo.timestamp, else the commit file's mtime */
    char *operation;      /* NULL when the commit has no commitInfo */
    char *commit_info;    /* the commitInfo JSON text, or NULL */
} silt_delta_history_entry;

typedef struct silt_delta_history {
    size_t n;
    silt_delta_history_entry *entries; /* newest first */
} silt_delta_history;

/* Reads the commitInfo of the newest `limit` commits (0: all) still in the log. */
int silt_delta_history_read(silt_delta_history *out, silt_store *store, size_t limit,
                            silt_error *err);
void silt_delta_history_clear(silt_delta_history *h);

/* Deletes log files (commits and checkpoints) older than delta.logRetentionDuration (default
 * 30 days) before now_ms that precede the newest checkpoint older than that cutoff, so that
 * every version within the retention stays reconstructible. *out_deleted counts them. */
int silt_delta_log_cleanup(size_t *out_deleted, silt_store *store, const silt_delta_snapshot *snap,
                           int64_t now_ms, silt_error *err);

typedef struct silt_delta_vacuum_result {
    size_t n;
    char **paths;     /* files VACUUM deletes (or would delete), sorted */
    uint64_t bytes;   /* their total size */
    size_t n_deleted; /* actually deleted (0 in a dry run) */
} silt_delta_vacuum_result;

/* Finds the data files that no snapshot within the retention references: every object under
 * the table (outside _delta_log/ and hidden _/. names, partition directories excepted) that is
 * neither live in snap nor removed less than retention_ms before now_ms, and was itself
 * modified before that cutoff. retention_ms < 0 uses delta.deletedFileRetentionDuration
 * (default 7 days). Deletes them through the store unless dry_run. */
int silt_delta_vacuum(silt_delta_vacuum_result *out, silt_store *store,
                      const silt_delta_snapshot *snap, int64_t retention_ms, int64_t now_ms,
                      bool dry_run, silt_error *err);
void silt_delta_vacuum_result_clear(silt_delta_vacuum_result *r);

#endif
