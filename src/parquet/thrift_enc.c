/* Thrift compact protocol encoder: field headers with id deltas, zigzag varints, lists. */
#include "parquet/thrift_enc.h"

#include "util/error.h"

#include <string.h>

void silt_thrift_enc_uvarint(silt_buf *out, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
        tmp[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    tmp[n++] = (uint8_t)v;
    silt_buf_append(out, tmp, n);
}

void silt_thrift_enc_init(silt_thrift_enc *e, silt_buf *out)
{
    e->out = out;
    e->depth = 0;
    e->overflow = false;
}

int silt_thrift_enc_status(const silt_thrift_enc *e)
{
    if (silt_buf_oom(e->out)) return SILT_ENOMEM;
    if (e->overflow || e->depth != 0) return SILT_EINVAL;
    return 0;
}

void silt_thrift_enc_struct_begin(silt_thrift_enc *e)
{
    if (e->depth >= SILT_THRIFT_MAX_DEPTH) {
        e->overflow = true;
        return;
    }
    e->last[e->depth++] = 0;
}

void silt_thrift_enc_struct_end(silt_thrift_enc *e)
{
    silt_buf_putc(e->out, 0);
    if (e->depth == 0) {
        e->overflow = true;
        return;
    }
    e->depth--;
}

static void field_header(silt_thrift_enc *e, int16_t id, uint8_t type)
{
    if (e->depth == 0) {
        e->overflow = true;
        return;
    }
    int16_t *last = &e->last[e->depth - 1];
    int delta = id - *last;
    if (delta > 0 && delta <= 15) {
        silt_buf_putc(e->out, (uint8_t)(delta << 4 | type));
    } else {
        silt_buf_putc(e->out, type);
        silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(id));
    }
    *last = id;
}

void silt_thrift_enc_field_bool(silt_thrift_enc *e, int16_t id, bool v)
{
    field_header(e, id, v ? SILT_TC_BOOL_TRUE : SILT_TC_BOOL_FALSE);
}

void silt_thrift_enc_field_i8(silt_thrift_enc *e, int16_t id, int8_t v)
{
    field_header(e, id, SILT_TC_BYTE);
    silt_buf_putc(e->out, (uint8_t)v);
}

void silt_thrift_enc_field_i16(silt_thrift_enc *e, int16_t id, int16_t v)
{
    field_header(e, id, SILT_TC_I16);
    silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(v));
}

void silt_thrift_enc_field_i32(silt_thrift_enc *e, int16_t id, int32_t v)
{
    field_header(e, id, SILT_TC_I32);
    silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(v));
}

void silt_thrift_enc_field_i64(silt_thrift_enc *e, int16_t id, int64_t v)
{
    field_header(e, id, SILT_TC_I64);
    silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(v));
}

void silt_thrift_enc_field_binary(silt_thrift_enc *e, int16_t id, const void *p, size_t n)
{
    field_header(e, id, SILT_TC_BINARY);
    silt_thrift_enc_binary(e, p, n);
}

void silt_thrift_enc_field_string(silt_thrift_enc *e, int16_t id, const char *s)
{
    silt_thrift_enc_field_binary(e, id, s, strlen(s));
}

void silt_thrift_enc_field_struct(silt_thrift_enc *e, int16_t id)
{
    field_header(e, id, SILT_TC_STRUCT);
    silt_thrift_enc_struct_begin(e);
}

void silt_thrift_enc_field_list(silt_thrift_enc *e, int16_t id, uint8_t elem_type, size_t n)
{
    field_header(e, id, SILT_TC_LIST);
    if (n < 15) {
        silt_buf_putc(e->out, (uint8_t)(n << 4 | elem_type));
    } else {
        silt_buf_putc(e->out, (uint8_t)(0xf0 | elem_type));
        silt_thrift_enc_uvarint(e->out, n);
    }
}

void silt_thrift_enc_i32(silt_thrift_enc *e, int32_t v)
{
    silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(v));
}

void silt_thrift_enc_i64(silt_thrift_enc *e, int64_t v)
{
    silt_thrift_enc_uvarint(e->out, silt_thrift_enc_zigzag(v));
}

void silt_thrift_enc_binary(silt_thrift_enc *e, const void *p, size_t n)
{
    silt_thrift_enc_uvarint(e->out, n);
    silt_buf_append(e->out, p, n);
}

void silt_thrift_enc_raw(silt_thrift_enc *e, const void *p, size_t n)
{
    silt_buf_append(e->out, p, n);
}
