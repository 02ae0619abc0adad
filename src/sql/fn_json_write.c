/* to_json(struct | map | array): JSON text as Spark writes it: struct fields in order with NULL
 * fields left out, map keys as strings, dates yyyy-MM-dd, timestamps
 * yyyy-MM-dd'T'HH:mm:ss.SSSXXX (UTC), doubles as Java prints them (1.0, 1.0E10), decimals
 * as written, binary in base64. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json/write.h"
#include "sql/fn_time.h"
#include "util/buf.h"

/* A double as Java's Double.toString: shortest digits, 'E' notation outside [1e-3, 1e7). */
static void put_java_double(silt_buf *o, double v)
{
    if (v != v || isinf(v)) {
        silt_buf_puts(o, v != v ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    if (v == 0) {
        silt_buf_puts(o, signbit(v) ? "-0.0" : "0.0");
        return;
    }
    char buf[40], digits[20];
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v) break;
    }
    snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
    int nd = 0;
    const char *p = buf + (v < 0);
    for (; *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    int e = atoi(p + 1);
    if (v < 0) silt_buf_putc(o, '-');
    if (fabs(v) >= 1e-3 && fabs(v) < 1e7) {
        if (e < 0) {
            silt_buf_puts(o, "0.");
            for (int i = -1; i > e; i--) silt_buf_putc(o, '0');
            silt_buf_append(o, digits, (size_t)nd);
            return;
        }
        for (int i = 0; i <= e; i++) silt_buf_putc(o, i < nd ? (uint8_t)digits[i] : '0');
        silt_buf_putc(o, '.');
        if (nd > e + 1)
            silt_buf_append(o, digits + e + 1, (size_t)(nd - e - 1));
        else
            silt_buf_putc(o, '0');
        return;
    }
    silt_buf_putc(o, (uint8_t)digits[0]);
    silt_buf_putc(o, '.');
    if (nd > 1)
        silt_buf_append(o, digits + 1, (size_t)(nd - 1));
    else
        silt_buf_putc(o, '0');
    silt_buf_printf(o, "E%d", e);
}

static void put_base64(silt_buf *o, const uint8_t *p, size_t n)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    silt_buf_putc(o, '"');
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {t[v >> 18], t[(v >> 12) & 63], i + 1 < n ? t[(v >> 6) & 63] : '=',
                     i + 2 < n ? t[v & 63] : '='};
        silt_buf_append(o, q, 4);
    }
    silt_buf_putc(o, '"');
}

static void put_value(silt_buf *o, const silt_field *f, const silt_column *c, int64_t i);

static void put_struct(silt_buf *o, const silt_field *f, const silt_column *c, int64_t i)
{
    bool first = true;
    silt_buf_putc(o, '{');
    for (size_t k = 0; k < f->n_children; k++) {
        if (!silt_column_is_valid(&c->children[k], i)) continue;
        if (!first) silt_buf_putc(o, ',');
        first = false;
        const char *name = f->children[k].name ? f->children[k].name : "";
        silt_json_write_string(o, name, strlen(name), 0);
        silt_buf_putc(o, ':');
        put_value(o, &f->children[k], &c->children[k], i);
    }
    silt_buf_putc(o, '}');
}

static void put_list(silt_buf *o, const silt_field *f, const silt_column *c, int64_t i)
{
    bool map = c->type == SILT_TYPE_MAP;
    const silt_column *el = &c->children[0];
    const silt_field *ef = &f->children[0];
    silt_buf_putc(o, map ? '{' : '[');
    for (int32_t e = c->offsets[i]; e < c->offsets[i + 1]; e++) {
        if (e > c->offsets[i]) silt_buf_putc(o, ',');
        if (!map) {
            put_value(o, ef, el, e);
            continue;
        }
        silt_buf tmp = SILT_BUF_INIT;
        put_value(&tmp, &ef->children[0], &el->children[0], e);
        if (ef->children[0].type == SILT_TYPE_STRING)
            silt_buf_append(o, tmp.ptr, tmp.len);
        else
            silt_json_write_string(o, (const char *)tmp.ptr, tmp.len, 0);
        silt_buf_free(&tmp);
        silt_buf_putc(o, ':');
        put_value(o, &ef->children[1], &el->children[1], e);
    }
    silt_buf_putc(o, map ? '}' : ']');
}

static void put_time(silt_buf *o, const silt_column *c, int64_t i)
{
    fn_civil t;
    if (c->type == SILT_TYPE_DATE32) {
        fn_civil_from_days(&t, fn_get_i64(c, i));
        silt_buf_printf(o, "\"%04lld-%02u-%02u\"", (long long)t.y, t.m, t.d);
        return;
    }
    fn_civil_from_us(&t, fn_arg_us(c, i));
    silt_buf_printf(o, "\"%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ\"", (long long)t.y, t.m, t.d, t.hh,
                    t.mi, t.ss, (int)(t.us / 1000));
}

static void put_value(silt_buf *o, const silt_field *f, const silt_column *c, int64_t i)
{
    if (!silt_column_is_valid(c, i)) {
        silt_buf_puts(o, "null");
        return;
    }
    size_t n;
    const uint8_t *p;
    switch (c->type) {
    case SILT_TYPE_STRUCT: put_struct(o, f, c, i); break;
    case SILT_TYPE_LIST:
    case SILT_TYPE_MAP: put_list(o, f, c, i); break;
    case SILT_TYPE_BOOL: silt_buf_puts(o, silt_bit_get(c->values, i) ? "true" : "false"); break;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: put_java_double(o, fn_get_double(c, 0, i)); break;
    case SILT_TYPE_STRING:
        p = silt_column_bytes(c, i, &n);
        silt_json_write_string(o, (const char *)p, n, 0);
        break;
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY:
        p = silt_column_bytes(c, i, &n);
        put_base64(o, p, n);
        break;
    case SILT_TYPE_DATE32:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: put_time(o, c, i); break;
    case SILT_TYPE_DECIMAL: {
        __int128 v = fn_get_dec(c, i), u = v < 0 ? -v : v, pw = fn_pow10(f->scale);
        char digits[48];
        int k = 0;
        __int128 ip = u / pw, fp = u % pw;
        do digits[k++] = (char)('0' + (int)(ip % 10)), ip /= 10;
        while (ip > 0);
        if (v < 0) silt_buf_putc(o, '-');
        while (k > 0) silt_buf_putc(o, (uint8_t)digits[--k]);
        if (f->scale > 0) {
            silt_buf_putc(o, '.');
            for (int s = f->scale - 1; s >= 0; s--)
                silt_buf_putc(o, (uint8_t)('0' + (int)(fp / fn_pow10(s) % 10)));
        }
        break;
    }
    default: silt_json_write_int(o, fn_get_i64(c, i));
    }
}

int fn_to_json_bind(silt_sql_fn_bind *b, silt_error *err);
int fn_to_json_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err);

int fn_to_json_bind(silt_sql_fn_bind *b, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (t != SILT_TYPE_STRUCT && t != SILT_TYPE_MAP && t != SILT_TYPE_LIST)
        return fn_bad_args(err, "to_json", b, "expected a struct, a map or an array");
    return fn_ret(b, SILT_TYPE_STRING, err);
}

int fn_to_json_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    silt_buf o = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r);
        if (!silt_column_is_valid(a->cols[0], i)) {
            rc = silt_column_append_null(out);
            continue;
        }
        silt_buf_reset(&o);
        put_value(&o, a->types[0], a->cols[0], i);
        rc = silt_buf_oom(&o) ? SILT_ENOMEM : silt_column_append_bytes(out, o.ptr, o.len);
    }
    silt_buf_free(&o);
    return rc ? FN_OOM(err) : 0;
}
