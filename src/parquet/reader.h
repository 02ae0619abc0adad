/* The Parquet reader: opens a file through a byte-range source, validates the footer, maps the
 * schema to silt types and reads row groups (with column projection) into column batches;
 * row-group statistics as silt values (to skip row groups). */
#ifndef SILT_PARQUET_READER_H
#define SILT_PARQUET_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "parquet/io.h"
#include "parquet/meta.h"
#include "util/error.h"

typedef struct silt_pq_reader silt_pq_reader;

/* Opens a reader over src (borrowed: must outlive the reader). Reads and validates the footer
 * and schema. Returns 0 and an owned *out, or a SILT_E* code with err naming the file.
 * A reader keeps scratch buffers between calls: use it from one thread at a time. */
int silt_pq_reader_open(silt_pq_reader **out, silt_pq_source *src, silt_error *err);
/* Frees the reader (not the source). NULL is a no-op. */
void silt_pq_reader_destroy(silt_pq_reader *r);
/* The file schema as silt types (owned by the reader). */
const silt_schema *silt_pq_reader_schema(const silt_pq_reader *r);
/* The parsed footer (owned by the reader). */
const silt_pq_file_meta *silt_pq_reader_meta(const silt_pq_reader *r);
int64_t silt_pq_reader_num_rows(const silt_pq_reader *r);
int silt_pq_reader_num_row_groups(const silt_pq_reader *r);

/* Reads one row group's columns (top-level field indexes; NULL/0 = all) into a new batch that
 * owns a copy of the projected schema. Returns 0 and an owned *out (free with
 * silt_batch_destroy), or a SILT_E* code with err naming file, column and byte offset. */
int silt_pq_reader_read_row_group(silt_pq_reader *r, int row_group, const int *columns,
                                  size_t n_columns, silt_batch **out, silt_error *err);

/* With on, later reads give a top-level string or binary column whose row group is wholly
 * dictionary-encoded, without nulls, and has at most half as many distinct values as rows, as
 * a lazy column (silt_column.lazy: codes and dictionary, no bytes), for a consumer that
 * evaluates it through the dictionary and gathers only the rows it keeps. Off by default. */
void silt_pq_reader_set_lazy_dict(silt_pq_reader *r, bool on);

/* Statistics of one column chunk as silt values. */
typedef struct silt_pq_rg_stats {
    int64_t num_values;  /* entries of the chunk, nulls included; -1: unknown */
    int64_t null_count;  /* -1: unknown */
    bool has_min_max;    /* min_max holds the chunk's bounds */
    silt_column min_max; /* row 0 min, row 1 max, of the column's silt type; owned by the struct */
} silt_pq_rg_stats;

/* Fills *out with the statistics of top-level column `column` (a field index of the reader's
 * schema) in row_group. Nested columns, and bounds that cannot be compared as silt values
 * (unsigned integers, INT96, decimals, float16, byte arrays in the legacy signed order, NaN),
 * give has_min_max false; missing statistics also give null_count -1. Bounds may be looser
 * than the values (truncated byte arrays) but never tighter. Returns 0 (clear *out with
 * silt_pq_rg_stats_clear) or SILT_EINVAL (no such row group or column) / SILT_ENOMEM. */
int silt_pq_reader_row_group_stats(silt_pq_rg_stats *out, silt_pq_reader *r, int row_group,
                                   int column, silt_error *err);
/* Frees what *s holds (not s). */
void silt_pq_rg_stats_clear(silt_pq_rg_stats *s);

#endif
