/* Thrift compact protocol decoder: varints, zigzag integers, field headers, lists, skipping. */
#include "parquet/thrift_dec.h"

#include <string.h>

void silt_thrift_dec_init(silt_thrift_dec *d, const void *data, size_t n)
{
    d->start = data;
    d->p = data;
    d->end = d->start + n;
    d->depth = 0;
    d->failed = false;
    d->why = NULL;
}

int silt_thrift_fail(silt_thrift_dec *d, const char *why)
{
    if (!d->failed) {
        d->failed = true;
        d->why = why;
    }
    return -1;
}

int silt_thrift_read_varint(silt_thrift_dec *d, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (d->p >= d->end) return silt_thrift_fail(d, "truncated varint");
        uint8_t b = *d->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return silt_thrift_fail(d, "varint longer than 10 bytes");
}

int silt_thrift_read_i64(silt_thrift_dec *d, int64_t *out)
{
    uint64_t u;
    if (silt_thrift_read_varint(d, &u)) return -1;
    *out = (int64_t)((u >> 1) ^ (~(u & 1) + 1));
    return 0;
}

int silt_thrift_read_i32(silt_thrift_dec *d, int32_t *out)
{
    int64_t v;
    if (silt_thrift_read_i64(d, &v)) return -1;
    if (v < INT32_MIN || v > INT32_MAX) return silt_thrift_fail(d, "i32 value out of range");
    *out = (int32_t)v;
    return 0;
}

int silt_thrift_read_byte(silt_thrift_dec *d, uint8_t *out)
{
    if (d->p >= d->end) return silt_thrift_fail(d, "truncated byte");
    *out = *d->p++;
    return 0;
}

int silt_thrift_read_double(silt_thrift_dec *d, double *out)
{
    if (d->end - d->p < 8) return silt_thrift_fail(d, "truncated double");
    memcpy(out, d->p, 8);
    d->p += 8;
    return 0;
}

int silt_thrift_read_binary(silt_thrift_dec *d, const uint8_t **out, size_t *len)
{
    uint64_t n;
    if (silt_thrift_read_varint(d, &n)) return -1;
    if (n > (uint64_t)(d->end - d->p)) return silt_thrift_fail(d, "binary length past the end");
    *out = d->p;
    *len = (size_t)n;
    d->p += n;
    return 0;
}

int silt_thrift_read_list(silt_thrift_dec *d, int *out_elem_type, size_t *out_n)
{
    uint8_t h;
    if (silt_thrift_read_byte(d, &h)) return -1;
    uint64_t n = h >> 4;
    if (n == 15 && silt_thrift_read_varint(d, &n)) return -1;
    if (n > (uint64_t)(d->end - d->p)) return silt_thrift_fail(d, "list size past the end");
    *out_elem_type = h & 0x0f;
    *out_n = (size_t)n;
    return 0;
}

int silt_thrift_struct_begin(silt_thrift_dec *d)
{
    if (++d->depth > SILT_THRIFT_MAX_DEPTH) return silt_thrift_fail(d, "nesting too deep");
    return 0;
}

void silt_thrift_struct_end(silt_thrift_dec *d)
{
    d->depth--;
}

int silt_thrift_read_field(silt_thrift_dec *d, int *out_type, int16_t *id, int16_t *last_id)
{
    uint8_t h;
    if (silt_thrift_read_byte(d, &h)) return -1;
    int type = h & 0x0f;
    if (type == SILT_THRIFT_STOP) {
        *out_type = SILT_THRIFT_STOP;
        *id = 0;
        return 0;
    }
    int delta = h >> 4;
    if (delta) {
        *id = (int16_t)(*last_id + delta);
    } else {
        int32_t v;
        if (silt_thrift_read_i32(d, &v)) return -1;
        if (v < INT16_MIN || v > INT16_MAX) return silt_thrift_fail(d, "field id out of range");
        *id = (int16_t)v;
    }
    if (type > SILT_THRIFT_STRUCT) return silt_thrift_fail(d, "unknown field type");
    *last_id = *id;
    *out_type = type;
    return 0;
}

int silt_thrift_skip(silt_thrift_dec *d, int type)
{
    uint64_t u;
    uint8_t b;
    switch (type) {
    case SILT_THRIFT_TRUE:
    case SILT_THRIFT_FALSE: return 0;
    case SILT_THRIFT_BYTE: return silt_thrift_read_byte(d, &b);
    case SILT_THRIFT_I16:
    case SILT_THRIFT_I32:
    case SILT_THRIFT_I64: return silt_thrift_read_varint(d, &u);
    case SILT_THRIFT_DOUBLE: {
        double x;
        return silt_thrift_read_double(d, &x);
    }
    case SILT_THRIFT_BINARY: {
        const uint8_t *p;
        size_t n;
        return silt_thrift_read_binary(d, &p, &n);
    }
    case SILT_THRIFT_LIST:
    case SILT_THRIFT_SET: {
        int et;
        size_t n;
        if (silt_thrift_read_list(d, &et, &n)) return -1;
        if (silt_thrift_struct_begin(d)) return -1;
        for (size_t i = 0; i < n; i++) {
            int rc = (et == SILT_THRIFT_TRUE || et == SILT_THRIFT_FALSE)
                         ? silt_thrift_read_byte(d, &b)
                         : silt_thrift_skip(d, et);
            if (rc) return -1;
        }
        silt_thrift_struct_end(d);
        return 0;
    }
    case SILT_THRIFT_MAP: {
        if (silt_thrift_read_varint(d, &u)) return -1;
        if (u == 0) return 0;
        if (u > (uint64_t)(d->end - d->p)) return silt_thrift_fail(d, "map size past the end");
        if (silt_thrift_read_byte(d, &b)) return -1;
        int kt = b >> 4, vt = b & 0x0f;
        if (silt_thrift_struct_begin(d)) return -1;
        for (uint64_t i = 0; i < u; i++) {
            int rc = (kt == SILT_THRIFT_TRUE || kt == SILT_THRIFT_FALSE)
                         ? silt_thrift_read_byte(d, &b)
                         : silt_thrift_skip(d, kt);
            if (rc) return -1;
            rc = (vt == SILT_THRIFT_TRUE || vt == SILT_THRIFT_FALSE) ? silt_thrift_read_byte(d, &b)
                                                                     : silt_thrift_skip(d, vt);
            if (rc) return -1;
        }
        silt_thrift_struct_end(d);
        return 0;
    }
    case SILT_THRIFT_STRUCT: {
        if (silt_thrift_struct_begin(d)) return -1;
        int16_t last = 0, id;
        int ft;
        for (;;) {
            if (silt_thrift_read_field(d, &ft, &id, &last)) return -1;
            if (ft == SILT_THRIFT_STOP) break;
            if (silt_thrift_skip(d, ft)) return -1;
        }
        silt_thrift_struct_end(d);
        return 0;
    }
    default: return silt_thrift_fail(d, "unknown value type");
    }
}
