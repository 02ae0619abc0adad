/* Query results as the API sends them: JSON (columns with their Spark types, rows as arrays),
 * CSV with a header, and the Apache Arrow IPC stream format (written from the format's spec:
 * a Schema message, one RecordBatch, the end-of-stream marker). */
#ifndef SILT_HTTP_FORMAT_H
#define SILT_HTTP_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "batch/batch.h"
#include "util/buf.h"

/* Each appends the first min(n_rows, max_rows) rows of b to out. Returns 0 or SILT_ENOMEM. */
int silt_http_format_json(silt_buf *out, const silt_batch *b, int64_t max_rows, double elapsed_ms);
int silt_http_format_csv(silt_buf *out, const silt_batch *b, int64_t max_rows);
/* Arrow IPC stream. Columns of types Arrow has here (bool, ints, floats, string, binary, date,
 * timestamp, decimal128) keep them; nested and other columns are sent as their JSON text
 * (utf8). */
int silt_http_format_arrow(silt_buf *out, const silt_batch *b, int64_t max_rows);

#endif
