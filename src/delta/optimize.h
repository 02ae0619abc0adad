/* OPTIMIZE: bin-packing compaction of a Delta table's small files, per partition, into files of
 * about a target size, committed as remove + add with dataChange false; and auto-compaction, the
 * check a streaming writer runs after each commit so a table fed small commits keeps few files. */
#ifndef SILT_DELTA_OPTIMIZE_H
#define SILT_DELTA_OPTIMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta/action.h"
#include "delta/fileio.h"
#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

#define SILT_DELTA_OPTIMIZE_TARGET_DEFAULT (128LL * 1024 * 1024)
#define SILT_DELTA_AUTO_COMPACT_MIN_FILES_DEFAULT 10
/* A file whose deletion vector deletes more than this share of its rows is rewritten by
 * OPTIMIZE whatever its size (dropping those rows), as Delta's maxDeletedRowsRatio. */
#define SILT_DELTA_OPTIMIZE_MAX_DELETED_RATIO 0.05

/* Table properties read by auto-compaction (metaData.configuration). */
#define SILT_DELTA_PROP_AUTO_COMPACT_MIN_FILES "silt.autoCompact.minFiles"
#define SILT_DELTA_PROP_AUTO_COMPACT_TARGET "silt.autoCompact.targetFileSize"

typedef struct silt_delta_optimize_opts {
    /* Files are packed into bins of at most this many bytes (of input file sizes); only files
     * smaller than it are rewritten. <= 0: 128 MiB (for auto-compaction: the table property
     * silt.autoCompact.targetFileSize, else 128 MiB). */
    int64_t target_size;
    /* Auto-compaction: a partition is compacted when it holds at least this many files smaller
     * than half the target. <= 0: table property silt.autoCompact.minFiles, else 10. */
    int64_t min_files;
    /* Only files whose partition values equal every entry (NULL: every partition). */
    const silt_delta_map *partition;
    /* Reads the old files and writes the new ones (required); checkpoints after the commit when
     * it has a checkpoint writer and the version is due. */
    const silt_delta_file_ops *file_ops;
} silt_delta_optimize_opts;

typedef struct silt_delta_optimize_result {
    int64_t version; /* the OPTIMIZE commit; -1 when nothing needed compacting */
    size_t files_removed, files_added;
    int64_t bytes_removed, bytes_added;
    int64_t rows;      /* rows rewritten */
    size_t partitions; /* partitions compacted */
} silt_delta_optimize_result;

/* Compacts snap (the version read; NULL: the latest is loaded) in one commit (operation
 * OPTIMIZE; operationMetrics numRemovedFiles, numAddedFiles, numRemovedBytes, numAddedBytes,
 * ...). Within each partition, files smaller than the target are packed in path order into
 * bins; every bin of two or more files becomes one new file. Concurrent appends do not conflict;
 * a concurrent commit that removed one of our files is SILT_ECONFLICT (nothing is lost: the new
 * files are deleted again and the table is unchanged). Returns 0 and *out, or an error. */
int silt_delta_optimize(silt_delta_optimize_result *out, silt_store *store,
                        const silt_delta_snapshot *snap, const silt_delta_optimize_opts *opts,
                        silt_error *err);

/* For a streaming writer, after each commit: compacts the small files (smaller than half the
 * target) of each partition (or only opts->partition) that holds at least min_files of them.
 * Files are packed with files of their own size tier only (tiers grow by factor min_files, four
 * of them below half the target), so a file is rewritten about once per tier rather than at
 * every compaction, and a partition keeps at most about 4 * min_files files below half the
 * target. Losing a race with another compaction is not an error: *out
 * reports version -1 and the table is left as the winner made it. Returns 0 or an error. */
int silt_delta_auto_compact(silt_delta_optimize_result *out, silt_store *store,
                            const silt_delta_snapshot *snap, const silt_delta_optimize_opts *opts,
                            silt_error *err);

#endif
