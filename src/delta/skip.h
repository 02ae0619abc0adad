/* Predicates of Delta scans and the file selection they allow: partition pruning and data
 * skipping from per-file statistics, for terms `column op literal` (=, <, <=, >, >=, IS NULL;
 * the operators of batch/pred.h). Keeps every file that may hold a matching row; drops only
 * files that provably hold none. A term is also what the Parquet reader is given to skip row
 * groups (delta/fileio.h's read_file_filtered). */
#ifndef SILT_DELTA_SKIP_H
#define SILT_DELTA_SKIP_H

#include <stdbool.h>
#include <stddef.h>

#include "batch/pred.h"
#include "delta/log.h"
#include "delta/schema.h"
#include "util/error.h"

/* A predicate term as text: `column op value`. */
typedef struct silt_delta_pred {
    char column[128];
    silt_pred_op op;
    char value[512]; /* text form (as in partition values); empty for IS NULL */
} silt_delta_pred;

/* A term resolved against a snapshot's schema. */
typedef struct silt_delta_term {
    const silt_field *field; /* the column, in the table schema (borrowed) */
    silt_pred_op op;
    silt_delta_value value; /* the literal as a value of field's type (not for IS NULL); a float
                               column's literal is rounded to float, as the column stores it;
                               string bytes point into the silt_delta_pred's value */
    bool on_partition;      /* a partition column: settled per file, absent from data files */
} silt_delta_term;

/* Parses "col = v", "col < v", "col <= v", "col > v", "col >= v" or "col IS NULL" (v may be
 * quoted with '...'). Returns 0 or SILT_EINVAL explaining the accepted forms. */
int silt_delta_pred_parse(silt_delta_pred *out, const char *text, silt_error *err);

/* Resolves pred (borrowed: out->value may point into it) against snap's schema. SILT_EINVAL
 * names an unknown column (with a suggestion), an unknown operator or a value that is not of
 * the column's type. */
int silt_delta_term_resolve(silt_delta_term *out, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err);

/* Is name one of snap's partition columns? */
bool silt_delta_is_partition_column(const silt_delta_snapshot *snap, const char *name);

/* SILT_EINVAL "the table has no column 'name' (did you mean ...?)" with err's column set. */
int silt_delta_unknown_column(const silt_schema *s, const char *name, silt_error *err);

/* The comparable value of row i (valid) of a primitive column; nanosecond timestamps become
 * microseconds (rounded down), as the table holds them. */
void silt_delta_value_of_row(silt_delta_value *out, const silt_column *c, int64_t i);

/* May a set of values satisfy t, given its statistics? min_max: a two-row column (min, max) of
 * a type comparable with the term's column, or NULL when unknown; null_count and count: < 0
 * when unknown. */
bool silt_delta_term_may_match(const silt_delta_term *t, const silt_column *min_max,
                               int64_t null_count, int64_t count);

/* Does the partition value of file satisfy t (a term on a partition column)? A missing or empty
 * (non-string) value is null. Returns 0 and *out, or SILT_ECORRUPT for a value that is not of
 * the column's type (err names the file). */
int silt_delta_partition_holds(bool *out, const silt_delta_term *t, const silt_delta_add *file,
                               silt_error *err);

/* May file hold a row satisfying t, judging by its partition value or its statistics? */
bool silt_delta_file_may_match(const silt_delta_term *t, const silt_delta_add *file);

/* Sets *out (owned, silt_free) to the ascending indexes into snap->files of the files that may
 * hold rows matching pred, and *out_n to their number. SILT_EINVAL names an unknown column (with
 * a suggestion) or a value that is not of the column's type; SILT_EUNSUPPORTED for nested
 * columns. */
int silt_delta_select_files(size_t **out, size_t *out_n, const silt_delta_snapshot *snap,
                            const silt_delta_pred *pred, silt_error *err);

#endif
