/* File selection for a scan: partition pruning and data skipping from per-file statistics for
 * simple predicates on one column (=, <, <=, >, >=, IS NULL). Keeps every file that may hold a
 * matching row; drops only files that provably hold none. */
#ifndef SILT_DELTA_SKIP_H
#define SILT_DELTA_SKIP_H

#include <stddef.h>

#include "delta/log.h"
#include "util/error.h"

typedef enum silt_delta_op {
    SILT_DELTA_EQ = 1,
    SILT_DELTA_LT,
    SILT_DELTA_LE,
    SILT_DELTA_GT,
    SILT_DELTA_GE,
    SILT_DELTA_IS_NULL,
} silt_delta_op;

typedef struct silt_delta_pred {
    char column[128];
    silt_delta_op op;
    char value[512]; /* text form (as in partition values); empty for IS NULL */
} silt_delta_pred;

/* Parses "col = v", "col < v", "col <= v", "col > v", "col >= v" or "col IS NULL" (v may be
 * quoted with '...'). Returns 0 or SILT_EINVAL explaining the accepted forms. */
int silt_delta_pred_parse(silt_delta_pred *out, const char *text, silt_error *err);

/* Sets *out (owned, silt_free) to the ascending indexes into snap->files of the files that may
 * hold rows matching pred, and *out_n to their number. SILT_EINVAL names an unknown column (with
 * a suggestion) or a value that is not of the column's type; SILT_EUNSUPPORTED for nested
 * columns. */
int silt_delta_select_files(size_t **out, size_t *out_n, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err);

#endif
