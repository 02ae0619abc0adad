/* Column batches in the Apache Arrow columnar layout: a validity bitmap per column (bit set =
 * value present, LSB first), fixed-width values, int32 offsets + bytes for strings and binary,
 * int32 offsets + a child column for lists and maps, child columns for structs. Every stage of
 * the pipeline hands these from one to the next. */
#ifndef SILT_BATCH_BATCH_H
#define SILT_BATCH_BATCH_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum silt_type_id {
    SILT_TYPE_BOOL = 1,     /* values: bitmap, 1 bit per row */
    SILT_TYPE_INT8,         /* int8_t */
    SILT_TYPE_INT16,        /* int16_t */
    SILT_TYPE_INT32,        /* int32_t */
    SILT_TYPE_INT64,        /* int64_t */
    SILT_TYPE_FLOAT,        /* float */
    SILT_TYPE_DOUBLE,       /* double */
    SILT_TYPE_STRING,       /* UTF-8; offsets (n+1 int32) + data */
    SILT_TYPE_BINARY,       /* bytes; offsets (n+1 int32) + data */
    SILT_TYPE_FIXED_BINARY, /* byte_width bytes per row in values */
    SILT_TYPE_DATE32,       /* int32 days since 1970-01-01 */
    SILT_TYPE_TIMESTAMP,    /* int64 microseconds since epoch; field.tz_utc says if UTC-adjusted */
    SILT_TYPE_TIMESTAMP_NS, /* int64 nanoseconds since epoch (INT96 and TIMESTAMP(NANOS) on read) */
    SILT_TYPE_DECIMAL,      /* 16-byte little-endian two's complement (Arrow decimal128);
                               field.precision / field.scale */
    SILT_TYPE_STRUCT,       /* no values; one child column per field child */
    SILT_TYPE_LIST,         /* offsets (n+1 int32) into the single child column "element" */
    SILT_TYPE_MAP,          /* offsets (n+1 int32) into the single child, a non-null STRUCT
                               "key_value" with children "key" (non-null) and "value" */
} silt_type_id;

/* A field of a schema. Owns its name and children. */
typedef struct silt_field {
    char *name;
    silt_type_id type;
    bool nullable;
    bool tz_utc;       /* TIMESTAMP: adjusted to UTC (Delta "timestamp") or not ("timestamp_ntz") */
    bool is_unsigned;  /* INT8..INT64 hold unsigned values (Parquet UINT_8..UINT_64) */
    int32_t precision; /* DECIMAL */
    int32_t scale;     /* DECIMAL */
    int32_t byte_width; /* FIXED_BINARY */
    size_t n_children;
    struct silt_field *children;
} silt_field;

/* A schema is a list of top-level fields. Owns its fields. */
typedef struct silt_schema {
    size_t n_fields;
    silt_field *fields;
} silt_schema;

/* One column's data. Owns all its buffers and children. */
typedef struct silt_column {
    silt_type_id type;
    int32_t byte_width; /* FIXED_BINARY: bytes per value; fixed types: sizeof value */
    int64_t length;     /* rows */
    int64_t null_count;
    uint8_t *validity; /* NULL means no nulls; else (length+7)/8 bytes */
    uint8_t *values;   /* fixed-width values, bool bitmap, or string/binary bytes */
    int32_t *offsets;  /* STRING/BINARY/LIST/MAP: length+1 entries; offsets[0] = 0 */
    size_t n_children;
    struct silt_column *children;
    /* capacities, in rows (validity, values, offsets) and bytes (string data) */
    int64_t cap_rows;
    int64_t cap_bytes;
    /* Optional dictionary view of the same rows (set by readers of dictionary-encoded data and
     * kept by the SQL engine's copies): row i < dict_rows holds dict->values[codes[i]] when
     * valid (a null row's code is 0). The column's own buffers stay complete; users that can
     * work once per distinct value check silt_column_dict first. codes owned, dict shared. */
    struct silt_dict *dict;
    int32_t *codes;
    int64_t dict_rows;
    /* A string or binary column whose offsets and bytes were not filled (late materialization):
     * its rows are dict->values[codes[i]], every row valid, dict_rows == length. Only a reader
     * asked for it makes one (silt_pq_reader_set_lazy_dict), for a consumer that evaluates it
     * through the dictionary view and gathers the rows it keeps; silt_column_append_range,
     * silt_column_truncate and the SQL engine's gather take it as a source, and
     * silt_column_materialize fills the column in. */
    bool lazy;
} silt_column;

/* The distinct values a dictionary view indexes (no nulls), shared by the columns that use it
 * through a reference count (one thread at a time, like the columns). */
typedef struct silt_dict {
    int64_t refs;
    silt_column values;
} silt_dict;

/* A batch: rows of a schema. The batch owns its columns; the schema is borrowed by default
 * (the caller keeps it alive), or owned when created with silt_batch_create_owned. */
typedef struct silt_batch {
    const silt_schema *schema;
    silt_schema *owned_schema;
    int64_t n_rows;
    size_t n_cols;
    silt_column *cols;
} silt_batch;

/* ---- types and schemas ---- */

/* Bytes per value of a fixed-width type (bool: 0, variable-width and nested: 0). */
int silt_type_width(silt_type_id t);
/* Lower-case name ("int64", "string", "decimal", ...). Never NULL. */
const char *silt_type_name(silt_type_id t);

/* Initialises a leaf field (owned copy of name). Returns 0 or SILT_ENOMEM. */
int silt_field_init(silt_field *out, const char *name, silt_type_id type, bool nullable);
/* Makes out a nested field with n zero-initialised children to fill in. */
int silt_field_init_nested(silt_field *out, const char *name, silt_type_id type, bool nullable,
                           size_t n_children);
/* Deep copy. */
int silt_field_copy(silt_field *out, const silt_field *src);
/* Frees the name and children (not the struct itself). */
void silt_field_clear(silt_field *f);

/* Allocates a schema with n zero-initialised fields. NULL on oom. */
silt_schema *silt_schema_create(size_t n_fields);
silt_schema *silt_schema_copy(const silt_schema *src);
void silt_schema_destroy(silt_schema *s);
/* Index of the top-level field called name, or -1. */
long silt_schema_find(const silt_schema *s, const char *name);

/* ---- columns ---- */

/* Initialises an empty column for field f (recursively for children). */
int silt_column_init(silt_column *out, const silt_field *f);
void silt_column_clear(silt_column *c);
/* Empties the column (and children) keeping the memory for reuse. */
void silt_column_reset(silt_column *c);
/* Ensures room for `rows` more rows (and, for strings/binary, `bytes` more bytes). */
int silt_column_reserve(silt_column *c, int64_t rows, int64_t bytes);

static inline bool silt_column_is_valid(const silt_column *c, int64_t i)
{
    return !c->validity || (c->validity[i >> 3] >> (i & 7)) & 1;
}
static inline bool silt_bit_get(const uint8_t *bits, int64_t i)
{
    return (bits[i >> 3] >> (i & 7)) & 1;
}
static inline void silt_bit_set(uint8_t *bits, int64_t i, bool v)
{
    if (v)
        bits[i >> 3] |= (uint8_t)(1u << (i & 7));
    else
        bits[i >> 3] &= (uint8_t) ~(1u << (i & 7));
}

/* Appends. Each returns 0 or SILT_ENOMEM. The typed appenders must match the column type
 * (int appenders accept INT8/16/32/64, DATE32, TIMESTAMP*, narrowing as needed). */
int silt_column_append_null(silt_column *c); /* struct: also appends nulls to children;
                                                list/map: an empty, null entry */
int silt_column_append_bool(silt_column *c, bool v);
int silt_column_append_int(silt_column *c, int64_t v);
int silt_column_append_float(silt_column *c, float v);
int silt_column_append_double(silt_column *c, double v);
int silt_column_append_bytes(silt_column *c, const void *data, size_t len); /* STRING, BINARY,
                                                                                FIXED_BINARY */
int silt_column_append_decimal(silt_column *c, const uint8_t le16[16]);
int silt_column_append_decimal_i64(silt_column *c, int64_t unscaled);
/* STRUCT: after appending one value to every child, marks the row valid. LIST/MAP: after
 * appending the elements to the child, closes the row (offset = child length). */
int silt_column_append_valid(silt_column *c);

/* A new dictionary for values of field f (one reference, no values yet). NULL on oom. */
silt_dict *silt_dict_create(const silt_field *f);
/* One more reference (atomic: readers on several threads may share a dictionary). */
void silt_dict_retain(silt_dict *d);
/* Drops one reference (frees the dictionary with the last one). NULL is a no-op. */
void silt_dict_release(silt_dict *d);
/* Frees the column's dictionary view (codes and its reference to the dictionary). */
void silt_column_drop_dict(silt_column *c);
/* The dictionary view of c when it covers every row (else NULL). */
static inline const silt_dict *silt_column_dict(const silt_column *c)
{
    return c->dict && c->codes && c->dict_rows == c->length && c->length > 0 ? c->dict : NULL;
}
/* Gives dst (n rows just appended to an empty column from src: rows idx[k] of src, or rows
 * 0..n-1 when idx is NULL; idx[k] < 0 is a null row) the dictionary view of src, when src has
 * one. Returns 0 or SILT_ENOMEM (dst is left without a view). */
int silt_column_share_dict(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n);

/* Fills a lazy column's offsets and bytes from its dictionary view (nothing for any other
 * column). Returns 0, SILT_ENOMEM or SILT_ERANGE (more than 2 GiB of bytes). */
int silt_column_materialize(silt_column *c);
/* Appends rows [start, start+n) of the lazy column src to dst (same type), gathered through
 * its dictionary. Returns 0, SILT_ENOMEM or SILT_ERANGE. */
int silt_column_append_lazy(silt_column *dst, const silt_column *src, int64_t start, int64_t n);
/* Appends values[codes[i]] for i < n to dst (string or binary, values' type; codes checked by
 * the caller). Returns 0, SILT_EINVAL (not a byte column), SILT_ENOMEM or SILT_ERANGE. */
int silt_column_append_codes(silt_column *dst, const silt_column *values, const int32_t *codes,
                             int64_t n);

/* Drops rows from n on (n <= length), recursively: a struct's children are cut to n rows and a
 * list's or map's child to offsets[n] rows, even when the column itself is already n rows long
 * (a row being built when a decoder gave up). Keeps the memory. */
void silt_column_truncate(silt_column *c, int64_t n);

/* Appends rows [start, start+n) of src (same type and shape) to dst, recursively for nested
 * columns. Returns 0, SILT_ENOMEM, or SILT_ERANGE when string bytes would pass 2 GiB. */
int silt_column_append_range(silt_column *dst, const silt_column *src, int64_t start, int64_t n);

/* Appends rows idx[0..n) of src (same type and shape) to dst; an index below 0 appends a null.
 * A lazy src gives its rows' bytes. Returns 0 or SILT_ENOMEM. (gather.c) */
int silt_column_gather(silt_column *dst, const silt_column *src, const int64_t *idx, int64_t n);

/* Accessors for reading (no bounds checks beyond asserts in builds without NDEBUG). */
static inline const uint8_t *silt_column_bytes(const silt_column *c, int64_t i, size_t *len)
{
    assert(i >= 0 && i < c->length);
    assert(c->type == SILT_TYPE_FIXED_BINARY || c->offsets[i] <= c->offsets[i + 1]);
    if (c->type == SILT_TYPE_FIXED_BINARY) {
        *len = (size_t)c->byte_width;
        return c->values + (size_t)i * (size_t)c->byte_width;
    }
    *len = (size_t)(c->offsets[i + 1] - c->offsets[i]);
    /* a column of empty strings may have no value buffer at all: NULL + 0 is undefined */
    return c->values ? c->values + c->offsets[i] : (const uint8_t *)"";
}
/* Integer value of row i for INT8..INT64, DATE32, TIMESTAMP*, BOOL. */
int64_t silt_column_get_int(const silt_column *c, int64_t i);

/* ---- batches ---- */

/* Creates an empty batch for schema (borrowed). NULL on oom. */
silt_batch *silt_batch_create(const silt_schema *schema);
/* Same, taking ownership of schema (freed with the batch, even on failure). */
silt_batch *silt_batch_create_owned(silt_schema *schema);
void silt_batch_destroy(silt_batch *b);
/* Empties every column, keeping memory. */
void silt_batch_reset(silt_batch *b);
/* Sets n_rows from the columns and checks that all columns (recursively, including offsets
 * monotonicity and child lengths) are consistent. Returns 0 or SILT_ECORRUPT with a message. */
int silt_batch_validate(silt_batch *b, silt_error *err);

#endif
