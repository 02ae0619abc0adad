/* Values of a column batch as JSON and as CSV cells, for the commands that print rows
 * (`silt parquet cat`, `silt table scan`). */
#ifndef SILT_BATCH_RENDER_H
#define SILT_BATCH_RENDER_H

#include "batch/batch.h"
#include "util/buf.h"

/* Appends row i of column c (described by f) as a JSON value: numbers, strings and booleans as
 * themselves; NaN, infinities, dates, timestamps and binary as their canonical text in a JSON
 * string; structs as objects; lists as arrays; maps with string keys as objects, other maps as
 * arrays of {"key":..,"value":..}; null as null. Returns 0 or SILT_ENOMEM. */
int silt_render_json_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i);

/* Appends row i as one RFC 4180 CSV cell: strings as they are, nested values as JSON, other
 * values in canonical text, null as an empty cell; quoted when it holds a comma, a quote or a
 * line break. Returns 0 or SILT_ENOMEM. */
int silt_render_csv_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i);

/* Appends text as one CSV cell, quoted (with quotes doubled) when it holds a comma, a quote or
 * a line break. */
void silt_render_csv_text(silt_buf *out, const uint8_t *p, size_t n);

#endif
