/* RFC 4180 CSV reader with per-column type inference as pandas.read_csv does it (int, float,
 * bool, string; empty and pandas' NA strings are null), and conversion of rows to JSON objects. */
#ifndef SILT_FEED_CSV_H
#define SILT_FEED_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/error.h"

typedef enum {
    SILT_CSV_EMPTY = 0, /* no non-null value seen: every value is null */
    SILT_CSV_INT,       /* every value an integer in int64 range, none null */
    SILT_CSV_FLOAT,     /* every value a finite number (or an int column with nulls) */
    SILT_CSV_BOOL,      /* every value True/False/TRUE/FALSE/true/false */
    SILT_CSV_STRING,    /* anything else */
} silt_csv_type;

/* What silt_csv_record_to_json does with text that is not valid UTF-8. */
typedef enum {
    SILT_CSV_UTF8_FAIL = 0, /* SILT_ECORRUPT naming line, column and byte (the default) */
    SILT_CSV_UTF8_REPLACE,  /* each invalid byte becomes U+FFFD */
} silt_csv_utf8_policy;

typedef struct silt_csv_reader silt_csv_reader;

/* Creates a reader over data[0..len) (borrowed: it must outlive the reader) and reads the header
 * row. `name` (copied) names the input in errors. A leading UTF-8 BOM is skipped. Returns 0, or
 * SILT_ECORRUPT (no header, unterminated quote), SILT_ENOMEM. */
int silt_csv_reader_create(silt_csv_reader **out, const void *data, size_t len, const char *name,
                           silt_error *err);
/* NULL is a no-op. */
void silt_csv_reader_destroy(silt_csv_reader *r);

void silt_csv_reader_set_invalid_utf8(silt_csv_reader *r, silt_csv_utf8_policy policy);

size_t silt_csv_reader_ncols(const silt_csv_reader *r);
/* Name of column i (NUL-terminated, owned by the reader). */
const char *silt_csv_reader_column(const silt_csv_reader *r, size_t i);

/* Reads the next record (blank lines are skipped, as pandas does). Returns 1 with a record, 0 at
 * the end, or a negative code: SILT_ECORRUPT for an unterminated quoted field or a record with
 * more fields than the header (err has the line). A record with fewer fields has nulls for the
 * missing ones. */
int silt_csv_reader_next(silt_csv_reader *r, silt_error *err);

/* Field i of the current record, unquoted and unescaped; valid until the next call to
 * silt_csv_reader_next. Returns false when the record has no field i. */
bool silt_csv_reader_field(const silt_csv_reader *r, size_t i, const char **out, size_t *out_len);

/* Line (1-based) where the current record starts. */
int64_t silt_csv_reader_line(const silt_csv_reader *r);

/* Goes back to the first record after the header. */
void silt_csv_reader_rewind(silt_csv_reader *r);

/* Reads every record and infers each column's type into out[0..ncols); rewinds afterwards.
 * Returns 0 or the error of silt_csv_reader_next; *out_rows gets the number of records. */
int silt_csv_infer_types(silt_csv_type *out, int64_t *out_rows, silt_csv_reader *r,
                         silt_error *err);

/* True when pandas' default NA handling reads this text as missing ("", "NA", "null", "NaN"...). */
bool silt_csv_is_na(const char *s, size_t n);

/* Appends the current record to out as a JSON object, keys in header order, values typed by
 * `types` (from silt_csv_infer_types), with the given SILT_JSON_* flags. Returns 0, SILT_ENOMEM,
 * or SILT_ECORRUPT if a value does not parse as its column type (the reader was not rewound to
 * the data the types came from) or, unless the reader replaces it, a column name or value is
 * not valid UTF-8. */
int silt_csv_record_to_json(silt_buf *out, const silt_csv_reader *r, const silt_csv_type *types,
                            unsigned flags, silt_error *err);

const char *silt_csv_type_name(silt_csv_type t);

#endif
