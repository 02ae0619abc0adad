/* Reading a Delta table: listing the log into a segment (checkpoint + commits), replaying it
 * into a snapshot (protocol, metadata, live files, tombstones, txn versions), protocol checks,
 * and time travel by version or timestamp. */
#ifndef SILT_DELTA_LOG_H
#define SILT_DELTA_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "batch/batch.h"
#include "delta/action.h"
#include "delta/fileio.h"
#include "delta/logname.h"
#include "store/store.h"
#include "util/error.h"

/* The highest reader and writer protocol versions silt implements. */
#define SILT_DELTA_MAX_READER_VERSION 3
#define SILT_DELTA_MAX_WRITER_VERSION 7

/* What a snapshot is built from. Owns its keys. */
typedef struct silt_delta_segment {
    int64_t version;            /* the snapshot's version */
    int64_t checkpoint_version; /* -1: replay from version 0 */
    size_t n_checkpoint_parts;
    char **checkpoint_keys; /* the checkpoint's parts, in part order */
    int64_t first_commit;   /* version of commit_keys[0] */
    size_t n_commits;
    char **commit_keys;        /* JSON commits after the checkpoint, up to version */
    int64_t *commit_mtimes;    /* their modification times (ms) */
    int64_t latest_version;    /* newest version in the log */
    int64_t version_mtime_ms;  /* modification time of the commit file of version, or -1 */
    bool used_last_checkpoint; /* _last_checkpoint named the checkpoint that was chosen */
    bool last_checkpoint_bad;  /* _last_checkpoint was present but corrupt or stale */
} silt_delta_segment;

/* Lists _delta_log/ and plans the segment for `version` (-1 = latest). With use_checkpoints the
 * newest complete checkpoint at or before version is the starting point (found from
 * _last_checkpoint when it is valid, else from the listing); otherwise replay starts at 0.
 * Returns 0; SILT_ENOTFOUND for an empty log or a version that does not exist; SILT_ECORRUPT
 * when versions are missing (naming them). */
int silt_delta_segment_plan(silt_delta_segment *out, silt_store *store, int64_t version,
                            bool use_checkpoints, silt_error *err);
void silt_delta_segment_clear(silt_delta_segment *s);

/* A live file's action plus nothing else; a snapshot owns them. */
typedef struct silt_delta_snapshot {
    int64_t version;
    int64_t timestamp_ms; /* commit time of `version` (commitInfo.timestamp, else file mtime) */
    silt_delta_protocol protocol;
    silt_delta_metadata metadata;
    silt_schema *schema; /* parsed metadata.schemaString */
    size_t n_files;
    silt_delta_add *files; /* live files, sorted by path */
    size_t n_tombstones;
    silt_delta_remove *tombstones; /* removed files (latest remove per path), sorted by path */
    size_t n_txns;
    silt_delta_txn *txns; /* latest version per appId, sorted by appId */
    /* how it was loaded */
    int64_t checkpoint_version; /* -1 when replayed from JSON only */
    size_t n_commits_read;      /* JSON commit files read */
    size_t n_checkpoint_batches;
    bool used_last_checkpoint;
} silt_delta_snapshot;

typedef struct silt_delta_read_opts {
    int64_t version;      /* -1: latest (or as of timestamp_ms) */
    int64_t timestamp_ms; /* INT64_MIN: none; else the latest version committed at or before */
    /* Checkpoint reading: NULL or without read_checkpoint, the log is replayed from JSON only. */
    const silt_delta_file_ops *file_ops;
} silt_delta_read_opts;

/* Default options: latest version, no timestamp, JSON only. */
silt_delta_read_opts silt_delta_read_opts_default(void);

/* Loads a snapshot. Returns 0 and *out (owned; silt_delta_snapshot_destroy), or: SILT_ENOTFOUND
 * (not a Delta table, version or timestamp out of range), SILT_ECORRUPT (bad JSON, missing
 * versions, no protocol or metadata), SILT_EUNSUPPORTED (reader version or features silt does
 * not implement, named in the message; or a log that needs a checkpoint but no reader for it). */
int silt_delta_snapshot_load(silt_delta_snapshot **out, silt_store *store,
                             const silt_delta_read_opts *opts, silt_error *err);
void silt_delta_snapshot_destroy(silt_delta_snapshot *s);

/* Replays a planned segment: the one call that reads a checkpoint (via file_ops) and the JSON
 * commits after it. Same returns as silt_delta_snapshot_load. */
int silt_delta_snapshot_from_segment(silt_delta_snapshot **out, silt_store *store,
                                     const silt_delta_segment *seg,
                                     const silt_delta_file_ops *file_ops, silt_error *err);

/* Brings *snap up to the latest version by replaying only the commits after it. On success
 * *snap is replaced by the new snapshot (the old one is freed; unchanged when there is nothing
 * new); on failure the old one is kept. SILT_ENOTFOUND when a needed commit was cleaned up
 * (load the table again). */
int silt_delta_snapshot_update(silt_delta_snapshot **snap, silt_store *store, silt_error *err);

/* Version of the latest txn for app_id, or -1 when the table has none. */
int64_t silt_delta_snapshot_txn_version(const silt_delta_snapshot *s, const char *app_id);
/* A live file by (decoded) path, or NULL. */
const silt_delta_add *silt_delta_snapshot_find(const silt_delta_snapshot *s, const char *path);
/* The tombstone (latest remove) of a (decoded) path, or NULL. */
const silt_delta_remove *silt_delta_snapshot_find_tombstone(const silt_delta_snapshot *s,
                                                            const char *path);
/* Value of a table property (metaData.configuration), or NULL. */
const char *silt_delta_snapshot_config(const silt_delta_snapshot *s, const char *key);

/* Checks that silt can read a table with this protocol and metadata: returns 0 or
 * SILT_EUNSUPPORTED naming the reader version or every unsupported reader feature. */
int silt_delta_protocol_check_read(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                   silt_error *err);
/* Same for writing (writer version and features). */
int silt_delta_protocol_check_write(const silt_delta_protocol *p, const silt_delta_metadata *m,
                                    silt_error *err);

#endif
