/* Delta table schemas (Spark StructType JSON) <-> silt_schema, typed partition values and their
 * directory escaping, and per-file statistics ("stats" JSON, with Spark's truncated strings). */
#ifndef SILT_DELTA_SCHEMA_H
#define SILT_DELTA_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "batch/batch.h"
#include "util/buf.h"
#include "util/error.h"

/* Parses a StructType JSON string (metaData.schemaString) into *out (owned; destroy with
 * silt_schema_destroy). Types: every Spark primitive (boolean, byte, short, integer, long,
 * float, double, string, binary, date, timestamp, timestamp_ntz, decimal(p,s)) and nested
 * struct, array and map. Returns 0, SILT_ECORRUPT for malformed JSON, or SILT_EUNSUPPORTED
 * naming the field whose type silt does not know. */
int silt_delta_schema_parse(silt_schema **out, const char *json, silt_error *err);

/* Appends the StructType JSON of schema (compact, fields in order, "metadata":{}). Returns 0,
 * SILT_ENOMEM, or SILT_EUNSUPPORTED for a type Delta cannot store (e.g. nanosecond stamps). */
int silt_delta_schema_write(silt_buf *out, const silt_schema *schema, silt_error *err);

/* Appends one partition value (the log's text form; NULL = null) to column c of field f,
 * converted to f's type. Returns 0, or SILT_ECORRUPT naming the column and value. */
int silt_delta_partition_append(silt_column *c, const silt_field *f, const char *value,
                                silt_error *err);

/* Appends the log's text form of row i of column c (field f): what partitionValues stores.
 * *is_null is set for nulls (nothing appended). Returns 0, SILT_ENOMEM or SILT_EUNSUPPORTED. */
int silt_delta_partition_format(silt_buf *out, bool *is_null, const silt_field *f,
                                const silt_column *c, int64_t i, silt_error *err);

/* A value of a primitive column in a form that compares: integers, dates and timestamps as
 * int64 (days, microseconds), floats as double, strings and binary as bytes (borrowed from the
 * text parsed), decimals as a scaled 128-bit integer. */
typedef enum {
    SILT_DELTA_VAL_INT,
    SILT_DELTA_VAL_DOUBLE,
    SILT_DELTA_VAL_BYTES,
    SILT_DELTA_VAL_DECIMAL
} silt_delta_val_kind;
typedef struct silt_delta_value {
    silt_delta_val_kind kind;
    int64_t i;
    double d;
    const char *s; /* borrowed */
    size_t n;
    __int128 dec;
} silt_delta_value;

/* Parses the text form of a value of field f (a partition value, or a statistic: numbers as
 * text, dates "YYYY-MM-DD", timestamps "YYYY-MM-DD[ T]HH:MM:SS[.f][Z|+HH:MM]"). Returns 0 or
 * SILT_ECORRUPT / SILT_EUNSUPPORTED (nested types). */
int silt_delta_value_parse(silt_delta_value *out, const silt_field *f, const char *text,
                           silt_error *err);
/* <0, 0, >0 as a is below, equal to or above b (same kind; bytes compare as unsigned). */
int silt_delta_value_cmp(const silt_delta_value *a, const silt_delta_value *b);

/* Appends "name=value" as Spark names a partition directory: characters that are unsafe in
 * paths escaped as %XX, a null as __HIVE_DEFAULT_PARTITION__. */
int silt_delta_partition_dir(silt_buf *out, const char *name, const char *value);

/* Spark's string statistics: min keeps the first 32 characters; max keeps a prefix and appends
 * U+FFFD so it is still an upper bound (or has no bound: *out_none). Append to out. */
#define SILT_DELTA_STATS_PREFIX 32
int silt_delta_stats_truncate_min(silt_buf *out, const char *s, size_t n);
int silt_delta_stats_truncate_max(silt_buf *out, bool *out_none, const char *s, size_t n);
/* True when a max statistic was truncated by the rule above (ends in U+FFFD). */
bool silt_delta_stats_max_truncated(const char *s, size_t n);

/* Reads numRecords from a stats JSON text: returns 0 and *out, SILT_ENOTFOUND when stats is
 * NULL or has no numRecords, SILT_ECORRUPT when it is not JSON. */
int silt_delta_stats_num_records(int64_t *out, const char *stats, silt_error *err);

/* The min, max (as JSON text, owned by the caller, NULL when absent) and null count (-1 when
 * absent) of top-level column `column` in a stats JSON text. *max_truncated tells whether a
 * string max was truncated. Returns 0 or SILT_ECORRUPT. */
typedef struct silt_delta_col_stats {
    char *min_json;
    char *max_json;
    bool max_truncated;
    int64_t null_count;
} silt_delta_col_stats;
int silt_delta_stats_column(silt_delta_col_stats *out, const char *stats, const char *column,
                            silt_error *err);
void silt_delta_col_stats_clear(silt_delta_col_stats *s);

#endif
