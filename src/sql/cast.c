/* CAST between column types with Spark's non-ANSI rules: integers wrap, floating point to
 * integers saturates, decimals round half up and overflow to NULL, strings that do not parse
 * are NULL, dates and timestamps convert at UTC midnight. */
#include <math.h>
#include <string.h>

#include "sql/cast.h"
#include "sql/exec.h"

typedef struct src {
    const silt_column *c;
    const silt_field *t;
} src;

static bool is_int(silt_type_id t)
{
    return t >= SILT_TYPE_INT8 && t <= SILT_TYPE_INT64;
}

static __int128 dec_at(const silt_column *c, int64_t i)
{
    __int128 v;
    memcpy(&v, c->values + i * 16, 16);
    return v;
}

static double dbl_at(const src *s, int64_t i)
{
    switch (s->c->type) {
    case SILT_TYPE_FLOAT: return ((const float *)s->c->values)[i];
    case SILT_TYPE_DOUBLE: return ((const double *)s->c->values)[i];
    case SILT_TYPE_DECIMAL: return (double)dec_at(s->c, i) / pow(10, s->t->scale);
    default: return (double)silt_column_get_int(s->c, i);
    }
}

static int64_t sat(double d)
{
    if (d != d) return 0;
    if (d >= 9.2233720368547758e18) return INT64_MAX;
    if (d <= -9.2233720368547758e18) return INT64_MIN;
    return (int64_t)d;
}

static void put_int(silt_column *o, int64_t i, int64_t v)
{
    switch (o->type) {
    case SILT_TYPE_INT8: ((int8_t *)o->values)[i] = (int8_t)v; break;
    case SILT_TYPE_INT16: ((int16_t *)o->values)[i] = (int16_t)v; break;
    case SILT_TYPE_INT32:
    case SILT_TYPE_DATE32: ((int32_t *)o->values)[i] = (int32_t)v; break;
    default: ((int64_t *)o->values)[i] = v; break;
    }
}

/* One value as an int64 for an integer target; false: NULL. */
static bool to_int_value(int64_t *v, const src *s, int64_t i, silt_type_id to)
{
    size_t len;
    switch (s->c->type) {
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double d = dbl_at(s, i);
        /* Spark: to long saturates; to int/short/byte saturates to int, then wraps */
        *v = to == SILT_TYPE_INT64 ? sat(d)
                                   : (int64_t)(int32_t)(sat(d) > INT32_MAX   ? INT32_MAX
                                                        : sat(d) < INT32_MIN ? INT32_MIN
                                                                             : sat(d));
        return true;
    }
    case SILT_TYPE_DECIMAL: *v = (int64_t)(dec_at(s->c, i) / sql_pow10(s->t->scale)); return true;
    case SILT_TYPE_STRING: {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        if (!sql_parse_int(v, p, len)) return false;
        int64_t lo = to == SILT_TYPE_INT8    ? INT8_MIN
                     : to == SILT_TYPE_INT16 ? INT16_MIN
                     : to == SILT_TYPE_INT32 ? INT32_MIN
                                             : INT64_MIN;
        return *v >= lo && *v <= -(lo + 1);
    }
    case SILT_TYPE_TIMESTAMP: {
        int64_t us = silt_column_get_int(s->c, i);
        *v = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
        return true;
    }
    case SILT_TYPE_DATE32: return false;
    default: *v = silt_column_get_int(s->c, i); return true;
    }
}

static bool to_double_value(double *v, const src *s, int64_t i)
{
    size_t len;
    if (s->c->type == SILT_TYPE_STRING) {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        return sql_parse_double(v, p, len);
    }
    if (s->c->type == SILT_TYPE_DATE32) return false;
    if (s->c->type == SILT_TYPE_TIMESTAMP) {
        *v = (double)silt_column_get_int(s->c, i) / 1e6;
        return true;
    }
    *v = dbl_at(s, i);
    return true;
}

static bool to_dec_value(__int128 *v, const src *s, int64_t i, const silt_field *to)
{
    size_t len;
    __int128 lim = sql_pow10(to->precision);
    switch (s->c->type) {
    case SILT_TYPE_STRING: {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        return sql_parse_decimal(v, p, len, to->precision, to->scale);
    }
    case SILT_TYPE_DECIMAL: {
        __int128 x = dec_at(s->c, i);
        int d = to->scale - s->t->scale;
        if (d >= 0) {
            if (!sql_pow10_mul(x, d, &x)) return false;
        } else {
            x = sql_dec_rescale_down(x, -d);
        }
        *v = x;
        return x < lim && x > -lim;
    }
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double d = dbl_at(s, i) * pow(10, to->scale);
        if (d != d || fabs(d) >= 1e38) return false;
        d = d < 0 ? -floor(-d + 0.5) : floor(d + 0.5);
        *v = (__int128)d;
        return *v<lim && * v> - lim;
    }
    case SILT_TYPE_DATE32:
    case SILT_TYPE_TIMESTAMP: return false;
    default: {
        __int128 x = silt_column_get_int(s->c, i);
        if (!sql_pow10_mul(x, to->scale, v)) return false;
        return *v<lim && * v> - lim;
    }
    }
}

static bool to_bool_value(bool *v, const src *s, int64_t i)
{
    size_t len;
    if (s->c->type == SILT_TYPE_STRING) {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        return sql_parse_bool(v, p, len);
    }
    if (s->c->type == SILT_TYPE_DECIMAL) return *v = dec_at(s->c, i) != 0, true;
    if (s->c->type == SILT_TYPE_FLOAT || s->c->type == SILT_TYPE_DOUBLE)
        return *v = dbl_at(s, i) != 0, true;
    if (s->c->type == SILT_TYPE_DATE32) return false;
    *v = silt_column_get_int(s->c, i) != 0;
    return true;
}

static bool to_date_value(int32_t *v, const src *s, int64_t i)
{
    size_t len;
    if (s->c->type == SILT_TYPE_STRING) {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        return sql_parse_date(v, p, len);
    }
    if (s->c->type == SILT_TYPE_TIMESTAMP) {
        int64_t us = silt_column_get_int(s->c, i);
        *v = (int32_t)(us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL));
        return true;
    }
    if (s->c->type == SILT_TYPE_DATE32) return *v = (int32_t)silt_column_get_int(s->c, i), true;
    return false;
}

static bool to_ts_value(int64_t *v, const src *s, int64_t i)
{
    size_t len;
    switch (s->c->type) {
    case SILT_TYPE_STRING: {
        const char *p = (const char *)silt_column_bytes(s->c, i, &len);
        return sql_parse_timestamp(v, p, len);
    }
    case SILT_TYPE_DATE32: *v = silt_column_get_int(s->c, i) * 86400000000LL; return true;
    case SILT_TYPE_TIMESTAMP: *v = silt_column_get_int(s->c, i); return true;
    case SILT_TYPE_TIMESTAMP_NS: *v = silt_column_get_int(s->c, i) / 1000; return true;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double d = dbl_at(s, i);
        if (d != d || isinf(d)) return false;
        *v = sat(d * 1e6);
        return true;
    }
    case SILT_TYPE_DECIMAL: *v = sat(dbl_at(s, i) * 1e6); return true;
    case SILT_TYPE_BOOL: return false;
    default: {
        int64_t x = silt_column_get_int(s->c, i);
        *v = (int64_t)((uint64_t)x * 1000000u);
        return true;
    }
    }
}

static int fixed_row(silt_column *o, const src *s, int64_t i, const silt_field *to)
{
    bool ok = false;
    switch (to->type) {
    case SILT_TYPE_BOOL: {
        bool b = false;
        ok = to_bool_value(&b, s, i);
        silt_bit_set(o->values, i, ok && b);
        break;
    }
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: {
        double d = 0;
        ok = to_double_value(&d, s, i);
        if (to->type == SILT_TYPE_FLOAT)
            ((float *)o->values)[i] = (float)d;
        else
            ((double *)o->values)[i] = d;
        break;
    }
    case SILT_TYPE_DECIMAL: {
        __int128 d = 0;
        ok = to_dec_value(&d, s, i, to);
        if (!ok) d = 0;
        memcpy(o->values + i * 16, &d, 16);
        break;
    }
    case SILT_TYPE_DATE32: {
        int32_t d = 0;
        ok = to_date_value(&d, s, i);
        ((int32_t *)o->values)[i] = d;
        break;
    }
    case SILT_TYPE_TIMESTAMP: {
        int64_t t = 0;
        ok = to_ts_value(&t, s, i);
        ((int64_t *)o->values)[i] = t;
        break;
    }
    default: {
        int64_t v = 0;
        ok = to_int_value(&v, s, i, to->type);
        put_int(o, i, v);
        break;
    }
    }
    return ok ? 0 : sql_col_set_null(o, i);
}

static int int_to_int(silt_column *o, const silt_column *c, int64_t n)
{
    for (int64_t i = 0; i < n; i++) put_int(o, i, silt_column_get_int(c, i));
    return 0;
}

int sql_cast_to_string_row(silt_column *o, const silt_column *c, const silt_field *t, int64_t i);

static int cast_fixed(silt_column *out, const src *s, const silt_field *to, int64_t n)
{
    int rc = sql_col_alloc(out, to, n);
    if (rc) return rc;
    const sql_vec v = {s->c, {0}, false, false};
    const sql_vec *vv[1] = {&v};
    if ((rc = sql_col_validity_and(out, vv, 1, n))) return rc;
    if (is_int(s->c->type) && is_int(to->type)) return int_to_int(out, s->c, n);
    if (to->type == SILT_TYPE_DOUBLE && s->c->type == SILT_TYPE_INT64) {
        for (int64_t i = 0; i < n; i++)
            ((double *)out->values)[i] = (double)((const int64_t *)s->c->values)[i];
        return 0;
    }
    if (to->type == SILT_TYPE_TIMESTAMP && s->c->type == SILT_TYPE_DATE32) {
        for (int64_t i = 0; i < n; i++)
            ((int64_t *)out->values)[i] = ((const int32_t *)s->c->values)[i] * 86400000000LL;
        return 0;
    }
    if (to->type == SILT_TYPE_DOUBLE && s->c->type == SILT_TYPE_INT32) {
        for (int64_t i = 0; i < n; i++)
            ((double *)out->values)[i] = (double)((const int32_t *)s->c->values)[i];
        return 0;
    }
    for (int64_t i = 0; i < n && !rc; i++)
        if (silt_column_is_valid(s->c, i)) rc = fixed_row(out, s, i, to);
    return rc;
}

int sql_cast_column(silt_column *out, const silt_column *c, const silt_field *from,
                    const silt_field *to, silt_error *err)
{
    int64_t n = c->length;
    int rc;
    src s = {c, from};
    if (sql_type_equal(from, to) || from->type == SQL_TYPE_NULL ||
        (to->type == SILT_TYPE_BINARY && from->type == SILT_TYPE_STRING) ||
        (to->type == SILT_TYPE_STRING && from->type == SILT_TYPE_BINARY)) {
        if ((rc = silt_column_init(out, to))) goto fail;
        if (from->type == SQL_TYPE_NULL) {
            for (int64_t i = 0; i < n && !rc; i++) rc = silt_column_append_null(out);
        } else if (c->type == to->type) {
            rc = silt_column_append_range(out, c, 0, n);
        } else {
            silt_column tmp = *c;
            tmp.type = to->type;
            rc = silt_column_append_range(out, &tmp, 0, n);
        }
    } else if (to->type == SILT_TYPE_STRING) {
        if ((rc = silt_column_init(out, to))) goto fail;
        for (int64_t i = 0; i < n && !rc; i++) rc = sql_cast_to_string_row(out, c, from, i);
    } else if (to->n_children || from->n_children || to->type == SILT_TYPE_BINARY) {
        char a[64], b[64];
        return silt_error_set(err, SILT_EINVAL, "cannot cast %s to %s", sql_type_str(from, a, 64),
                              sql_type_str(to, b, 64));
    } else {
        rc = cast_fixed(out, &s, to, n);
    }
    if (!rc) return 0;
fail:
    return silt_error_set(err, rc, "out of memory in CAST");
}
