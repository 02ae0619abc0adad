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

/* However short the retention, VACUUM keeps unreferenced files modified less than this long ago:
 * a writer puts its data files first and commits them a moment later, so a young unreferenced
 * file may belong to a commit in flight (a commit that takes over an hour is not expected). */
#define SILT_DELTA_VACUUM_SAFETY_MS ((int64_t)3600 * 1000)

typedef struct silt_delta_vacuum_opts {
    int64_t retention_ms; /* < 0: the table's delta.deletedFileRetentionDuration (default 7d) */
    bool force;           /* allow a retention shorter than the table's property */
    bool dry_run;         /* find the files, delete nothing */
    int64_t now_ms;       /* the clock (wall time, ms) */
} silt_delta_vacuum_opts;

/* Why VACUUM kept a file that no live version references. */
typedef enum silt_delta_vacuum_keep {
    SILT_DELTA_VACUUM_KEEP_REMOVED_RECENTLY, /* removed by a commit within the retention */
    SILT_DELTA_VACUUM_KEEP_RECENT,           /* modified within max(retention, safety window) */
} silt_delta_vacuum_keep;

typedef struct silt_delta_vacuum_kept {
    char *path;
    silt_delta_vacuum_keep why;
    int64_t when_ms; /* the remove's deletionTimestamp, or the file's mtime */
} silt_delta_vacuum_kept;

typedef struct silt_delta_vacuum_result {
    size_t n;
    char **paths;     /* files VACUUM deletes (or would delete), sorted */
    uint64_t bytes;   /* their total size */
    size_t n_deleted; /* actually deleted (0 in a dry run) */
    size_t n_kept;
    silt_delta_vacuum_kept *kept; /* unreferenced by the live files but kept, sorted */
    int64_t retention_ms;         /* the retention applied */
    int64_t min_retention_ms;     /* the table's delta.deletedFileRetentionDuration */
    int64_t file_cutoff_ms;       /* files modified at or after it were kept */
} silt_delta_vacuum_result;

/* Finds the data files that no snapshot within the retention references: every object under
 * the table (outside _delta_log/ and hidden _/. names, partition directories excepted) that is
 * neither live in snap nor removed less than the retention before now, and was itself modified
 * before now - max(retention, SILT_DELTA_VACUUM_SAFETY_MS). Deletes them through the store
 * unless dry_run. A retention shorter than the table's delta.deletedFileRetentionDuration is
 * SILT_EINVAL (naming the property and its value) unless opts->force. */
int silt_delta_vacuum(silt_delta_vacuum_result *out, silt_store *store,
                      const silt_delta_snapshot *snap, const silt_delta_vacuum_opts *opts,
                      silt_error *err);
void silt_delta_vacuum_result_clear(silt_delta_vacuum_result *r);

#endif
