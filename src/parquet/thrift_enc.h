/* Thrift compact protocol encoder (apache/thrift doc/specs/thrift-compact-protocol.md), enough
 * for Parquet's footer and page headers: structs, i8/i16/i32/i64, bool, binary, lists. */
#ifndef SILT_PARQUET_THRIFT_ENC_H
#define SILT_PARQUET_THRIFT_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Compact protocol element types. */
enum {
    SILT_TC_BOOL_TRUE = 1,
    SILT_TC_BOOL_FALSE = 2,
    SILT_TC_BYTE = 3,
    SILT_TC_I16 = 4,
    SILT_TC_I32 = 5,
    SILT_TC_I64 = 6,
    SILT_TC_DOUBLE = 7,
    SILT_TC_BINARY = 8,
    SILT_TC_LIST = 9,
    SILT_TC_SET = 10,
    SILT_TC_MAP = 11,
    SILT_TC_STRUCT = 12,
};

#define SILT_THRIFT_MAX_DEPTH 32

/* Encoder state: the output buffer (borrowed) and the last field id of each open struct.
 * Errors are sticky: an out-of-memory buffer or a nesting overflow makes
 * silt_thrift_enc_status return SILT_ENOMEM / SILT_EINVAL at the end. */
typedef struct silt_thrift_enc {
    silt_buf *out;
    int depth;
    bool overflow;
    int16_t last[SILT_THRIFT_MAX_DEPTH];
} silt_thrift_enc;

/* Starts encoding into out (appending; out is borrowed). The caller then opens the top-level
 * struct with silt_thrift_enc_struct_begin. */
void silt_thrift_enc_init(silt_thrift_enc *e, silt_buf *out);
/* Returns 0, SILT_ENOMEM (buffer growth failed) or SILT_EINVAL (unbalanced or too deep). */
int silt_thrift_enc_status(const silt_thrift_enc *e);

/* Opens a struct that has no field header (the top-level one, or a list element). */
void silt_thrift_enc_struct_begin(silt_thrift_enc *e);
/* Writes the stop byte and closes the innermost struct. */
void silt_thrift_enc_struct_end(silt_thrift_enc *e);

/* Fields of the innermost open struct; ids must increase within a struct for the short form
 * but any order is encoded correctly. */
void silt_thrift_enc_field_bool(silt_thrift_enc *e, int16_t id, bool v);
void silt_thrift_enc_field_i8(silt_thrift_enc *e, int16_t id, int8_t v);
void silt_thrift_enc_field_i16(silt_thrift_enc *e, int16_t id, int16_t v);
void silt_thrift_enc_field_i32(silt_thrift_enc *e, int16_t id, int32_t v);
void silt_thrift_enc_field_i64(silt_thrift_enc *e, int16_t id, int64_t v);
void silt_thrift_enc_field_binary(silt_thrift_enc *e, int16_t id, const void *p, size_t n);
void silt_thrift_enc_field_string(silt_thrift_enc *e, int16_t id, const char *s);
/* Writes a struct field header and opens the struct (close with silt_thrift_enc_struct_end). */
void silt_thrift_enc_field_struct(silt_thrift_enc *e, int16_t id);
/* Writes a list field header for n elements of elem_type; then write the n elements with the
 * silt_thrift_<type> element writers (or silt_thrift_enc_struct_begin/_end for structs). */
void silt_thrift_enc_field_list(silt_thrift_enc *e, int16_t id, uint8_t elem_type, size_t n);

/* List elements. */
void silt_thrift_enc_i32(silt_thrift_enc *e, int32_t v);
void silt_thrift_enc_i64(silt_thrift_enc *e, int64_t v);
void silt_thrift_enc_binary(silt_thrift_enc *e, const void *p, size_t n);
/* Appends bytes already encoded (e.g. list elements encoded separately). */
void silt_thrift_enc_raw(silt_thrift_enc *e, const void *p, size_t n);

/* Building blocks, shared with the value encoders. */
void silt_thrift_enc_uvarint(silt_buf *out, uint64_t v);
static inline uint64_t silt_thrift_enc_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

#endif
