/* Decoder for the Thrift compact protocol (the encoding of Parquet footers and page headers):
 * every read is bounds-checked and nesting is depth-limited, so hostile bytes only yield errors. */
#ifndef SILT_PARQUET_THRIFT_DEC_H
#define SILT_PARQUET_THRIFT_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compact-protocol wire types. */
enum {
    SILT_THRIFT_STOP = 0,
    SILT_THRIFT_TRUE = 1,
    SILT_THRIFT_FALSE = 2,
    SILT_THRIFT_BYTE = 3,
    SILT_THRIFT_I16 = 4,
    SILT_THRIFT_I32 = 5,
    SILT_THRIFT_I64 = 6,
    SILT_THRIFT_DOUBLE = 7,
    SILT_THRIFT_BINARY = 8,
    SILT_THRIFT_LIST = 9,
    SILT_THRIFT_SET = 10,
    SILT_THRIFT_MAP = 11,
    SILT_THRIFT_STRUCT = 12,
};

#define SILT_THRIFT_MAX_DEPTH 32

/* A cursor over borrowed bytes. After the first failure `failed` is set and the message names
 * what was wrong; `p` is left at the failing position (offset = p - start). */
typedef struct silt_thrift_dec {
    const uint8_t *start;
    const uint8_t *p;
    const uint8_t *end;
    int depth;
    bool failed;
    const char *why; /* static text describing the first failure */
} silt_thrift_dec;

void silt_thrift_dec_init(silt_thrift_dec *d, const void *data, size_t n);
/* Byte offset of the cursor from the start. */
static inline size_t silt_thrift_dec_pos(const silt_thrift_dec *d)
{
    return (size_t)(d->p - d->start);
}

/* Each reader returns 0, or -1 after recording the failure in d. */
int silt_thrift_read_varint(silt_thrift_dec *d, uint64_t *out);
int silt_thrift_read_i32(silt_thrift_dec *d, int32_t *out); /* zigzag varint */
int silt_thrift_read_i64(silt_thrift_dec *d, int64_t *out); /* zigzag varint */
int silt_thrift_read_byte(silt_thrift_dec *d, uint8_t *out);
int silt_thrift_read_double(silt_thrift_dec *d, double *out);
/* Binary/string: *out points into the input (borrowed), *len its length. */
int silt_thrift_read_binary(silt_thrift_dec *d, const uint8_t **out, size_t *len);
/* Reads a list/set header: element type and count (checked against the bytes left: every
 * element takes at least one byte, except booleans which also take one in a list). */
int silt_thrift_read_list(silt_thrift_dec *d, int *out_elem_type, size_t *out_n);
/* Struct framing: begin increments the depth (failing past SILT_THRIFT_MAX_DEPTH), end
 * decrements it. field reads the next field header: *type = SILT_THRIFT_STOP at the end;
 * *last_id carries the previous field id for delta encoding (start it at 0). */
int silt_thrift_struct_begin(silt_thrift_dec *d);
void silt_thrift_struct_end(silt_thrift_dec *d);
int silt_thrift_read_field(silt_thrift_dec *d, int *out_type, int16_t *id, int16_t *last_id);
/* Value of a boolean struct field (its value is in the field type). */
static inline bool silt_thrift_field_bool(int type)
{
    return type == SILT_THRIFT_TRUE;
}
/* Skips one value of the given wire type (recursively, depth-limited). */
int silt_thrift_skip(silt_thrift_dec *d, int type);
/* Records a semantic failure (e.g. a field of the wrong type). Returns -1. */
int silt_thrift_fail(silt_thrift_dec *d, const char *why);

#endif
