/* The Parquet reader: opens a file through a byte-range source, validates the footer, maps the
 * schema to silt types and reads row groups (with column projection) into column batches;
 * row-group selection from column statistics. */
#ifndef SILT_PARQUET_READER_H
#define SILT_PARQUET_READER_H

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

/* Comparison operators for row-group selection. */
typedef enum silt_pq_op {
    SILT_PQ_OP_EQ,
    SILT_PQ_OP_LT,
    SILT_PQ_OP_LE,
    SILT_PQ_OP_GT,
    SILT_PQ_OP_GE,
    SILT_PQ_OP_IS_NULL,
} silt_pq_op;

/* May rows of row_group satisfy `<column> <op> value`? column is a top-level primitive field
 * name; value is text parsed for the column's type (integers, floats, strings, booleans, dates
 * as YYYY-MM-DD); ignored for IS NULL. Returns 1 (may match, also when statistics are missing
 * or not usable), 0 (statistics prove no row matches), or a negative SILT_E* code (unknown
 * column, value that does not parse) with err set. */
int silt_pq_reader_row_group_may_match(const silt_pq_reader *r, int row_group, const char *column,
                                       silt_pq_op op, const char *value, silt_error *err);

#endif
