/* Deleting rows with deletion vectors: one commit that marks rows of live files deleted (a
 * remove of each file's old entry and an add of the same path with the merged DV), appends new
 * files and moves txns; and the protocol upgrade that allows it. */
#ifndef SILT_DELTA_DV_COMMIT_H
#define SILT_DELTA_DV_COMMIT_H

#include <stddef.h>
#include <stdint.h>

#include "delta/commit.h"
#include "delta/dv.h"
#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

/* Rows of one live file to mark deleted. */
typedef struct silt_delta_row_delete {
    const char *path;              /* a live file of the snapshot (decoded path) */
    const silt_delta_rowset *rows; /* borrowed; normalized row indexes in the file */
} silt_delta_row_delete;

/* What a delete commit wrote. */
typedef struct silt_delta_dv_commit_stats {
    size_t files_touched;  /* files given a new deletion vector */
    size_t files_dropped;  /* files whose every row is now deleted: removed outright */
    int64_t rows_deleted;  /* rows newly marked (rows already deleted are not counted) */
    uint64_t dv_file_size; /* bytes of the DV file written (0: none) */
} silt_delta_dv_commit_stats;

/* Whether the table's protocol lists the deletionVectors feature (reader and writer). */
bool silt_delta_dvs_enabled(const silt_delta_snapshot *snap);

/* Upgrades the table to reader 3 / writer 7 with "deletionVectors" in readerFeatures and
 * writerFeatures (keeping its features; writer version 2's appendOnly and invariants listed),
 * and sets delta.enableDeletionVectors = true, in one commit. With the feature already there,
 * nothing is written and *out_version is snap's version. Returns 0, SILT_ECONFLICT (a
 * concurrent metadata change) or the store's error. */
int silt_delta_enable_dvs(int64_t *out_version, silt_store *store, const silt_delta_snapshot *snap,
                          const silt_delta_commit_opts *opts, silt_error *err);

/* One commit against snap (opts->operation, default "DELETE"): for each dels[i], the file's
 * rows (with those its current DV already deletes) get a new DV, all written in one new DV
 * file at the table root; the commit removes the old entry (with its old DV) and adds the same
 * path with the new DV; a file left with no live row (by its statistics' numRecords) is only
 * removed. Then txns and copies of adds, as silt_delta_append. out_stats may be NULL. Returns
 * 0, SILT_EUNSUPPORTED (the table lacks the deletionVectors feature: silt_delta_enable_dvs),
 * SILT_EINVAL (a path that is not live in snap, or given twice), SILT_ECONFLICT (another
 * writer removed one of the files, or a txn already there), or a store or DV error. */
int silt_delta_delete_rows(int64_t *out_version, silt_delta_dv_commit_stats *out_stats,
                           silt_store *store, const silt_delta_snapshot *snap,
                           const silt_delta_row_delete *dels, size_t n_dels,
                           const silt_delta_add *adds, size_t n_adds, const silt_delta_txn *txns,
                           size_t n_txns, const silt_delta_commit_opts *opts, silt_error *err);

#endif
