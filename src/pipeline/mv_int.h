/* Internals of the incremental views (mv.c, mv_merge.c). */
#ifndef SILT_PIPELINE_MV_INT_H
#define SILT_PIPELINE_MV_INT_H

#include "pipeline/mv.h"
#include "util/buf.h"

/* Appends the group key of row (the KEY columns, nulls distinct from every value) as bytes
 * that are equal exactly when the keys are. Returns 0 or SILT_ENOMEM. */
int mv_key_bytes(silt_buf *out, const silt_batch *b, int64_t row,
                 const silt_pipeline_mv_spec *spec);

/* Appends to dst the merge by op (SUM, COUNT, MIN, MAX) of a[ia] (the view's value) and b[ib]
 * (the batch's): a NULL side gives the other. Returns 0 or SILT_ENOMEM. */
int mv_merge_value(silt_column *dst, silt_pipeline_mv_op op, const silt_column *a, int64_t ia,
                   const silt_column *b, int64_t ib);

#endif
