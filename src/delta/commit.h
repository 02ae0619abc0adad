/* Writing a Delta table: commits as put-if-absent of _delta_log/<version>.json with optimistic
 * concurrency (re-read the winners, detect real conflicts, retry at the next version), and the
 * operations built on them: create, append, overwrite, replace. */
#ifndef SILT_DELTA_COMMIT_H
#define SILT_DELTA_COMMIT_H

#include <stdint.h>

#include "batch/batch.h"
#include "delta/action.h"
#include "delta/fileio.h"
#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

/* The engineInfo silt writes into commitInfo: "silt/<version>". */
const char *silt_delta_engine_info(void);

typedef struct silt_delta_commit_opts {
    const char *operation;                      /* commitInfo.operation; NULL: "WRITE" */
    const silt_delta_map *operation_parameters; /* string values; may be NULL */
    int max_attempts;                           /* versions tried before giving up; 0: 10000 */
    /* With a checkpoint writer, a checkpoint (and expired-log cleanup) follows every commit
     * whose version is a multiple of delta.checkpointInterval (default 10). May be NULL. */
    const silt_delta_file_ops *file_ops;
    /* delta.checkpointInterval of the table; 0: 10. create/append/overwrite/replace set it from
     * the snapshot they write against. */
    int64_t checkpoint_interval;
} silt_delta_commit_opts;

/* Commits `actions` (borrowed; a commitInfo with operation, operationParameters,
 * operationMetrics, readVersion, isBlindAppend and engineInfo is written first) as version
 * read_version + 1 (-1: version 0, creating the table). When another writer took that version,
 * its commit is read and checked for a real conflict: metadata or protocol changed, a file we
 * remove already removed, files added to a partition we overwrite (removes with dataChange
 * false, as OPTIMIZE writes, do not conflict with appends), or a txn appId of ours
 * already at or past our version; without one the next version is tried. Returns 0 and
 * *out_version, or SILT_ECONFLICT (message names the conflict and the winning version),
 * SILT_EEXISTS (creating a table that exists), or a store error. */
int silt_delta_commit(int64_t *out_version, silt_store *store, int64_t read_version,
                      const silt_delta_actions *actions, const silt_delta_commit_opts *opts,
                      silt_error *err);

/* silt_delta_commit with more operationMetrics (string values, e.g. OPTIMIZE's
 * numRemovedBytes; extra_metrics may be NULL). */
int silt_delta_commit_with_metrics(int64_t *out_version, silt_store *store, int64_t read_version,
                                   const silt_delta_actions *actions,
                                   const silt_delta_commit_opts *opts,
                                   const silt_delta_map *extra_metrics, silt_error *err);

typedef struct silt_delta_table_def {
    const silt_schema *schema;
    const char *const *partition_columns;
    size_t n_partition_columns;
    const char *name;                    /* may be NULL */
    const char *description;             /* may be NULL */
    const silt_delta_map *configuration; /* table properties; may be NULL */
} silt_delta_table_def;

/* Creates a table (version 0: protocol 1/2 and metaData). SILT_EEXISTS when it exists,
 * SILT_EINVAL for a partition column that is not a top-level primitive column. */
int silt_delta_create_table(int64_t *out_version, silt_store *store,
                            const silt_delta_table_def *def, const silt_delta_commit_opts *opts,
                            silt_error *err);
/* Creates a table holding the files adds in its version 0 (operation CREATE TABLE AS SELECT, as
 * Spark writes a CTAS): one commit, so no reader ever sees the table empty. */
int silt_delta_create_table_with_files(int64_t *out_version, silt_store *store,
                                       const silt_delta_table_def *def, const silt_delta_add *adds,
                                       size_t n_adds, const silt_delta_commit_opts *opts,
                                       silt_error *err);

/* Appends files (operation WRITE, mode Append) with txn actions (lastUpdated set to now).
 * snap is the version the data was prepared against (NULL: the latest is loaded). A txn whose
 * appId is already at or past its version is SILT_ECONFLICT (the data was written before). */
int silt_delta_append(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                      const silt_delta_add *adds, size_t n_adds, const silt_delta_txn *txns,
                      size_t n_txns, const silt_delta_commit_opts *opts, silt_error *err);

/* Appends to a one txn action per txns[i] (lastUpdated now), then copies of adds. A txn whose
 * appId snap already has at or past its version is SILT_ECONFLICT (written before). */
int silt_delta_actions_push_writes(silt_delta_actions *a, const silt_delta_add *adds, size_t n,
                                   const silt_delta_txn *txns, size_t n_txns,
                                   const silt_delta_snapshot *snap, silt_error *err);

/* Replaces the rows of the whole table (partition NULL) or of the files whose partition values
 * equal every entry of `partition`: removes those files (deletionTimestamp = now) and adds
 * `adds` (operation WRITE, mode Overwrite). */
int silt_delta_overwrite(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                         const silt_delta_map *partition, const silt_delta_add *adds, size_t n_adds,
                         const silt_delta_txn *txns, size_t n_txns,
                         const silt_delta_commit_opts *opts, silt_error *err);

/* Replaces the table's schema and every file (operation CREATE OR REPLACE TABLE). */
int silt_delta_replace(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                       const silt_delta_table_def *def, const silt_delta_add *adds, size_t n_adds,
                       const silt_delta_commit_opts *opts, silt_error *err);

/* Appends to key the path of a new data file under the table: the partition directories of
 * partition_values (NULL for an unpartitioned table), then part-00000-<uuid>-c000<suffix>
 * (suffix NULL: ".parquet"). Returns 0 or SILT_ENOMEM. */
int silt_delta_new_data_key(silt_buf *key, const silt_delta_map *partition_values,
                            const char *const *partition_columns, size_t n_partition_columns,
                            const char *suffix);

/* Writes batch as a new data file through file_ops->write_file under the table (in the
 * partition directory given by partition_values, NULL for an unpartitioned table) and fills
 * *out with its add action (dataChange true). Returns 0 or the writer's error. */
int silt_delta_write_data_file(silt_delta_add *out, silt_store *store,
                               const silt_delta_file_ops *file_ops, const silt_batch *batch,
                               const silt_delta_map *partition_values,
                               const char *const *partition_columns, size_t n_partition_columns,
                               silt_error *err);

#endif
