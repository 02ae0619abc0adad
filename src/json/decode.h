/* The schema-directed JSON decoder: one JSON object of text per row, decoded straight into the
 * columns of a batch of the wanted schema, with no tree in between. A row that cannot be decoded
 * leaves the batch as it was and says why, naming the field and the byte offset, so that the
 * caller can quarantine it.
 *
 * Mapping (JSON value -> column type):
 * - null, or a missing key -> null (an error for a non-nullable field);
 * - true/false -> bool;
 * - numbers -> int8..int64 (an integral value in range: 12 and 12.0, not 12.5), float, double,
 *   decimal (exact, rounded half up to the scale; an error past the precision);
 * - NaN, Infinity, -Infinity (as Python's json.dumps writes them): NaN means missing (null) in
 *   every column, unless keep_nan, when float and double columns keep it; infinities go to float
 *   and double columns only;
 * - strings -> string (validated UTF-8, escapes decoded), binary (base64), date and timestamp
 *   (ISO 8601 or a pattern, see util/datefmt.h), and, with coerce_strings, numbers and bools
 *   written as strings ("12", "true");
 * - a non-string value into a string column -> its JSON text as written (as Spark does);
 * - objects -> struct (by field name) or map (string keys); arrays -> list.
 * Keys not in the schema are skipped (an error with unknown_fields_error); a key given twice
 * is an error. */
#ifndef SILT_JSON_DECODE_H
#define SILT_JSON_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "util/error.h"

/* A text format for one top-level field's date or timestamp values. */
typedef struct silt_json_field_format {
    const char *field;   /* top-level field name */
    const char *pattern; /* Spark-style pattern, e.g. "M/d/yyyy" */
} silt_json_field_format;

typedef struct silt_json_decode_opts {
    bool unknown_fields_error;     /* a key not in the schema fails the row (default: skipped) */
    bool keep_nan;                 /* NaN stays NaN in float/double columns (default: null) */
    bool coerce_strings;           /* "12", "1.5", "true" accepted for numeric and bool columns */
    const char *date_pattern;      /* DATE columns; NULL = ISO yyyy-MM-dd */
    const char *timestamp_pattern; /* TIMESTAMP columns; NULL = ISO 8601 */
    const silt_json_field_format *formats; /* per-field patterns, overriding the two above */
    size_t n_formats;
    int max_depth; /* nesting limit, 0 = 64 */
} silt_json_decode_opts;

typedef struct silt_json_decoder silt_json_decoder;

/* Prepares a decoder for schema (borrowed: it must outlive the decoder). opts may be NULL (the
 * defaults). Returns 0, SILT_ENOMEM, or SILT_EINVAL when a pattern does not compile or names a
 * field that is not a date or timestamp. */
int silt_json_decoder_create(silt_json_decoder **out, const silt_schema *schema,
                             const silt_json_decode_opts *opts, silt_error *err);
void silt_json_decoder_destroy(silt_json_decoder *d);

/* Decodes one row, the JSON object in text[0..len) (surrounding white space allowed), and
 * appends it to b, whose schema must be the decoder's. Returns 0 (b->n_rows grew by one);
 * SILT_ECORRUPT for text that is not one valid JSON object; SILT_EINVAL for a value that does
 * not fit its field (err->column holds the field's path, e.g. "items[2].price"); SILT_ERANGE
 * for a number out of its column's range; SILT_ENOMEM. On any error b is as it was before the
 * call, err->offset is the byte offset in text where the problem is, and the message reads
 * "field 'PATH': expected int64, got string \"abc\"" or "invalid JSON: ...". */
int silt_json_decode_row(silt_json_decoder *d, silt_batch *b, const char *text, size_t len,
                         silt_error *err);

#endif
