/* silt's canonical text form of values and rows (tests/oracle/README.md), the same form the
 * DuckDB oracle prints, so tests can diff silt's reading of a file against DuckDB's. */
#ifndef SILT_BATCH_CANON_H
#define SILT_BATCH_CANON_H

#include "batch/batch.h"
#include "util/buf.h"

/* Appends one value: row i of column c, described by field f. Returns 0 or SILT_ENOMEM. */
int silt_canon_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i);
/* Appends row i of b: values separated by TAB, no newline. */
int silt_canon_row(silt_buf *out, const silt_batch *b, int64_t i);
/* Appends every row of b, each followed by '\n' (unsorted: pipe through `LC_ALL=C sort`). */
int silt_canon_batch(silt_buf *out, const silt_batch *b);
/* Appends v in ECMAScript Number.prototype.toString form (shortest round trip). */
int silt_canon_double(silt_buf *out, double v);
/* Appends s as a JSON string literal, escaped as JSON.stringify does. */
int silt_canon_json_string(silt_buf *out, const uint8_t *s, size_t n);
/* Appends a 16-byte little-endian two's complement decimal with `scale` fraction digits. */
int silt_canon_decimal(silt_buf *out, const uint8_t le16[16], int32_t scale);
/* Appends a timestamp "YYYY-MM-DD HH:MM:SS.f..." from ticks with `digits` fraction digits per
 * second (6 for micros, 9 for nanos). */
int silt_canon_timestamp(silt_buf *out, int64_t ticks, int digits);
/* Appends a date "YYYY-MM-DD" from days since the epoch. */
int silt_canon_date(silt_buf *out, int64_t days);

#endif
