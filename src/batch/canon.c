/* Canonical text rendering of column values (see tests/oracle/README.md). */
#include "batch/canon.h"

#include "util/time.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int silt_canon_double(silt_buf *out, double v)
{
    if (isnan(v)) return silt_buf_puts(out, "NaN");
    if (isinf(v)) return silt_buf_puts(out, v < 0 ? "-Infinity" : "Infinity");
    if (v == 0) return silt_buf_putc(out, '0');
    if (v < 0) {
        silt_buf_putc(out, '-');
        v = -v;
    }
    /* shortest digit string that reads back as v */
    char tmp[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (strtod(tmp, NULL) == v) break;
    }
    char digits[20];
    int k = 0;
    const char *q = tmp;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[k++] = *q;
    int e10 = atoi(q + 1);
    while (k > 1 && digits[k - 1] == '0') k--;
    int n = e10 + 1; /* value = 0.d1d2...dk * 10^n */
    char buf[64];
    int len = 0;
    if (k <= n && n <= 21) {
        memcpy(buf, digits, (size_t)k);
        len = k;
        for (int i = 0; i < n - k; i++) buf[len++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(buf, digits, (size_t)n);
        len = n;
        buf[len++] = '.';
        memcpy(buf + len, digits + n, (size_t)(k - n));
        len += k - n;
    } else if (-6 < n && n <= 0) {
        buf[len++] = '0';
        buf[len++] = '.';
        for (int i = 0; i < -n; i++) buf[len++] = '0';
        memcpy(buf + len, digits, (size_t)k);
        len += k;
    } else {
        buf[len++] = digits[0];
        if (k > 1) {
            buf[len++] = '.';
            memcpy(buf + len, digits + 1, (size_t)(k - 1));
            len += k - 1;
        }
        len += snprintf(buf + len, sizeof buf - (size_t)len, "e%c%d", n - 1 >= 0 ? '+' : '-',
                        abs(n - 1));
    }
    return silt_buf_append(out, buf, (size_t)len);
}

int silt_canon_json_string(silt_buf *out, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    silt_buf_reserve(out, n + 2);
    silt_buf_putc(out, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        silt_buf_append(out, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': silt_buf_puts(out, "\\\""); break;
        case '\\': silt_buf_puts(out, "\\\\"); break;
        case '\b': silt_buf_puts(out, "\\b"); break;
        case '\f': silt_buf_puts(out, "\\f"); break;
        case '\n': silt_buf_puts(out, "\\n"); break;
        case '\r': silt_buf_puts(out, "\\r"); break;
        case '\t': silt_buf_puts(out, "\\t"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            silt_buf_append(out, u, 6);
        }
        }
    }
    silt_buf_append(out, s + start, n - start);
    return silt_buf_putc(out, '"');
}

int silt_canon_decimal(silt_buf *out, const uint8_t le16[16], int32_t scale)
{
    unsigned __int128 u = 0;
    for (int i = 15; i >= 0; i--) u = (u << 8) | le16[i];
    int neg = (le16[15] & 0x80) != 0;
    if (neg) u = ~u + 1;
    char digits[64];
    int k = 0;
    do {
        digits[k++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (k <= scale) digits[k++] = '0';
    if (neg) silt_buf_putc(out, '-');
    for (int i = k - 1; i >= 0; i--) {
        silt_buf_putc(out, (uint8_t)digits[i]);
        if (i == scale && scale > 0) silt_buf_putc(out, '.');
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

int silt_canon_date(silt_buf *out, int64_t days)
{
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(days, &y, &m, &d);
    if (y < 0) return silt_buf_printf(out, "-%04lld-%02u-%02u", (long long)-y, m, d);
    return silt_buf_printf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

int silt_canon_timestamp(silt_buf *out, int64_t ticks, int digits)
{
    int64_t per = digits == 9 ? 1000000000LL : digits == 3 ? 1000LL : 1000000LL;
    int64_t secs = ticks / per, frac = ticks % per;
    if (frac < 0) {
        frac += per;
        secs -= 1;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days -= 1;
    }
    silt_canon_date(out, days);
    return silt_buf_printf(out, " %02d:%02d:%02d.%0*lld", (int)(sod / 3600), (int)(sod / 60 % 60),
                           (int)(sod % 60), digits, (long long)frac);
}

int silt_canon_value(silt_buf *out, const silt_field *f, const silt_column *c, int64_t i)
{
    if (!silt_column_is_valid(c, i)) return silt_buf_puts(out, "null");
    size_t len;
    const uint8_t *p;
    switch (c->type) {
    case SILT_TYPE_BOOL: return silt_buf_puts(out, silt_bit_get(c->values, i) ? "true" : "false");
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: {
        int64_t v = silt_column_get_int(c, i);
        if (f->is_unsigned) {
            uint64_t u = (uint64_t)v;
            if (c->type == SILT_TYPE_INT8)
                u &= 0xff;
            else if (c->type == SILT_TYPE_INT16)
                u &= 0xffff;
            else if (c->type == SILT_TYPE_INT32)
                u &= 0xffffffffu;
            return silt_buf_printf(out, "%llu", (unsigned long long)u);
        }
        return silt_buf_printf(out, "%lld", (long long)v);
    }
    case SILT_TYPE_FLOAT: return silt_canon_double(out, (double)((const float *)c->values)[i]);
    case SILT_TYPE_DOUBLE: return silt_canon_double(out, ((const double *)c->values)[i]);
    case SILT_TYPE_STRING:
        p = silt_column_bytes(c, i, &len);
        return silt_canon_json_string(out, p, len);
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY: {
        static const char hex[] = "0123456789abcdef";
        p = silt_column_bytes(c, i, &len);
        silt_buf_puts(out, "x'");
        uint8_t *dst = silt_buf_extend(out, len * 2);
        if (!dst) return SILT_ENOMEM;
        for (size_t k = 0; k < len; k++) {
            dst[2 * k] = (uint8_t)hex[p[k] >> 4];
            dst[2 * k + 1] = (uint8_t)hex[p[k] & 15];
        }
        return silt_buf_putc(out, '\'');
    }
    case SILT_TYPE_DATE32: return silt_canon_date(out, silt_column_get_int(c, i));
    case SILT_TYPE_TIMESTAMP: return silt_canon_timestamp(out, silt_column_get_int(c, i), 6);
    case SILT_TYPE_TIMESTAMP_NS: return silt_canon_timestamp(out, silt_column_get_int(c, i), 9);
    case SILT_TYPE_DECIMAL: return silt_canon_decimal(out, c->values + (size_t)i * 16, f->scale);
    case SILT_TYPE_STRUCT:
        silt_buf_putc(out, '{');
        for (size_t k = 0; k < c->n_children; k++) {
            if (k) silt_buf_puts(out, ", ");
            const char *name = f->children[k].name;
            silt_canon_json_string(out, (const uint8_t *)name, strlen(name));
            silt_buf_puts(out, ": ");
            silt_canon_value(out, &f->children[k], &c->children[k], i);
        }
        return silt_buf_putc(out, '}');
    case SILT_TYPE_LIST: {
        silt_buf_putc(out, '[');
        for (int32_t k = c->offsets[i]; k < c->offsets[i + 1]; k++) {
            if (k > c->offsets[i]) silt_buf_puts(out, ", ");
            silt_canon_value(out, &f->children[0], &c->children[0], k);
        }
        return silt_buf_putc(out, ']');
    }
    case SILT_TYPE_MAP: {
        const silt_field *kv = &f->children[0];
        const silt_column *kvc = &c->children[0];
        silt_buf_puts(out, "map[");
        for (int32_t k = c->offsets[i]; k < c->offsets[i + 1]; k++) {
            if (k > c->offsets[i]) silt_buf_puts(out, ", ");
            silt_canon_value(out, &kv->children[0], &kvc->children[0], k);
            silt_buf_puts(out, ": ");
            silt_canon_value(out, &kv->children[1], &kvc->children[1], k);
        }
        return silt_buf_putc(out, ']');
    }
    }
    return silt_buf_puts(out, "?");
}

int silt_canon_row(silt_buf *out, const silt_batch *b, int64_t i)
{
    for (size_t k = 0; k < b->n_cols; k++) {
        if (k) silt_buf_putc(out, '\t');
        silt_canon_value(out, &b->schema->fields[k], &b->cols[k], i);
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

int silt_canon_batch(silt_buf *out, const silt_batch *b)
{
    for (int64_t i = 0; i < b->n_rows; i++) {
        silt_canon_row(out, b, i);
        silt_buf_putc(out, '\n');
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}
