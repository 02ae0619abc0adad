/* Incremental aggregate views stored with deletion vectors: a batch of partial aggregates of the
 * groups an upstream batch touched is merged into the view by group key; the old rows of those
 * groups are marked deleted and the merged rows appended, with the upstream's txn, in one
 * commit. The view itself is the aggregate state (sum, count, min and max are their own
 * state), so a restart needs nothing but the table. */
#ifndef SILT_PIPELINE_MV_H
#define SILT_PIPELINE_MV_H

#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "delta/dv_commit.h"
#include "delta/fileio.h"
#include "delta/log.h"
#include "store/store.h"
#include "util/error.h"

/* What a view column is: part of the group key, or an aggregate merged with its function. */
typedef enum silt_pipeline_mv_op {
    SILT_MV_KEY = 1,
    SILT_MV_SUM,   /* integer or floating point; NULL + x = x (Spark's sum ignores nulls) */
    SILT_MV_COUNT, /* integer: added */
    SILT_MV_MIN,   /* any primitive type; NULL loses */
    SILT_MV_MAX,
} silt_pipeline_mv_op;

/* One op per view column, in the view's column order. */
typedef struct silt_pipeline_mv_spec {
    const silt_pipeline_mv_op *ops;
    size_t n;
} silt_pipeline_mv_spec;

typedef struct silt_pipeline_mv_stats {
    int64_t groups_in;      /* rows of the partial batch */
    int64_t groups_updated; /* of which the view had already */
    int64_t groups_new;
    size_t files_total, files_read; /* view files, and those that could hold a touched group */
    uint64_t bytes_added;           /* the new data file plus the deletion vector file */
    int64_t version;                /* the commit; -1 when the batch was empty */
} silt_pipeline_mv_stats;

/* Checks spec against the view's schema: one op per column, at least one key, sum over a
 * number, count over an integer, keys and min/max over primitive types. Returns 0 or
 * SILT_EUNSUPPORTED naming the column. */
int silt_pipeline_mv_check(const silt_pipeline_mv_spec *spec, const silt_schema *view,
                           silt_error *err);

/* Merges partial (rows of the view's schema, one per group: the aggregates of the new upstream
 * rows) into the view at store (*snap its latest version; replaced by the version committed):
 * the view's rows of those groups are found (files whose key statistics cannot hold a touched
 * group are not read), merged with the partial rows by spec, marked deleted, and the merged
 * and new rows appended as one file, with txns, in one commit. A view without the
 * deletionVectors feature is upgraded first (a commit of its own). Returns 0, SILT_EINVAL
 * (partial holds a group twice, or its schema differs), SILT_ECORRUPT (the view holds a group
 * twice), SILT_ECONFLICT (a txn already at its version: the batch was committed before, or a
 * concurrent writer), or a read, write or store error. */
int silt_pipeline_mv_upsert(silt_pipeline_mv_stats *out, silt_store *store,
                            silt_delta_snapshot **snap, const silt_pipeline_mv_spec *spec,
                            const silt_batch *partial, const silt_delta_txn *txns, size_t n_txns,
                            const silt_delta_file_ops *ops, silt_error *err);

#endif
