/* Predicates of the form `column op literal`: the one operator type of silt, whether a
 * comparison result satisfies an operator (row filtering), and whether a range of values known
 * only by its statistics (min, max, null count) may hold a match (file and row-group skipping).
 * Shared by the Parquet reader's users and the Delta scan, so that they agree on every case. */
#ifndef SILT_BATCH_PRED_H
#define SILT_BATCH_PRED_H

#include <stdbool.h>
#include <stdint.h>

/* Comparison operators. Values outside this list are "unknown": they never filter a row out
 * and never skip data (callers should refuse them up front with silt_pred_op_known). */
typedef enum silt_pred_op {
    SILT_PRED_EQ = 1,
    SILT_PRED_LT,
    SILT_PRED_LE,
    SILT_PRED_GT,
    SILT_PRED_GE,
    SILT_PRED_IS_NULL,
} silt_pred_op;

/* True for the operators above. */
bool silt_pred_op_known(int op);
/* The operator as SQL writes it ("=", "<", ..., "IS NULL"); "?" when unknown. */
const char *silt_pred_op_name(int op);

/* Does a non-null value v satisfy `v op literal`, given cmp = sign of (v - literal)? IS NULL is
 * false (v is not null); an unknown operator is true (keep). */
bool silt_pred_holds(int op, int cmp);

/* What statistics say about a set of values (a file, a row group). */
typedef struct silt_pred_range {
    bool has_min, has_max; /* whether the bound is known (and comparable with the literal) */
    int cmp_min, cmp_max;  /* sign of (min - literal), (max - literal) */
    int64_t null_count;    /* nulls among the values; < 0: unknown */
    int64_t count;         /* values, nulls included; < 0: unknown */
} silt_pred_range;

/* An empty range: nothing known (every operator may hold). */
silt_pred_range silt_pred_range_unknown(void);

/* May some value of the range satisfy `value op literal`? False only when the statistics prove
 * that none does: a bound excludes the literal, or every value is null (comparisons with null
 * are false), or IS NULL with no nulls. Unknown bounds and unknown operators give true. */
bool silt_pred_range_may_hold(int op, const silt_pred_range *r);

#endif
