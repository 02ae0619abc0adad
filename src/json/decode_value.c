/* The JSON decoder's conversions of one scalar value into its column: numbers into integers,
 * floats and decimals (exact), strings into strings, binary (base64), dates and timestamps, and
 * strings coerced into numbers and bools. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/decode_int.h"

static bool int_fits(const silt_field *f, int64_t v)
{
    if (f->is_unsigned) {
        switch (f->type) {
        case SILT_TYPE_INT8: return v >= 0 && v <= UINT8_MAX;
        case SILT_TYPE_INT16: return v >= 0 && v <= UINT16_MAX;
        case SILT_TYPE_INT32: return v >= 0 && v <= (int64_t)UINT32_MAX;
        default: return true; /* INT64: checked while parsing */
        }
    }
    switch (f->type) {
    case SILT_TYPE_INT8: return v >= INT8_MIN && v <= INT8_MAX;
    case SILT_TYPE_INT16: return v >= INT16_MIN && v <= INT16_MAX;
    case SILT_TYPE_INT32: return v >= INT32_MIN && v <= INT32_MAX;
    default: return true;
    }
}

/* The number t[0..n) when it is a plain decimal ([-]digits[.digits], no exponent) whose digits,
 * as an integer m, and scale e (digits after the point) the type holds exactly (m below 2^24
 * and 10^e up to 1e10 for a float; 2^53 and 1e22 for a double): m / 10^e is then one correctly
 * rounded division, which is what strtof and strtod give (Clinger's fast path). Prices and
 * quantities take it; anything else is left to strtod. */
static bool fast_decimal(const char *t, size_t n, bool as_float, double *out)
{
    static const float p10f[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    static const double p10d[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = t[0] == '-';
    uint64_t m = 0;
    int digits = 0, scale = -1;
    for (; i < n; i++) {
        if (t[i] == '.' && scale < 0) {
            scale = 0;
            continue;
        }
        if (t[i] < '0' || t[i] > '9' || ++digits > 18) return false;
        m = m * 10 + (uint64_t)(t[i] - '0');
        if (scale >= 0) scale++;
    }
    if (digits == 0 || scale == 0) return false; /* not a plain decimal ("1." or "-") */
    if (scale < 0) scale = 0;
    if (as_float) {
        if (m > (1u << 24) || scale > 10) return false;
        float v = (float)m / p10f[scale];
        *out = t[0] == '-' ? -(double)v : (double)v;
    } else {
        if (m > ((uint64_t)1 << 53) || scale > 22) return false;
        double v = (double)m / p10d[scale];
        *out = t[0] == '-' ? -v : v;
    }
    return true;
}

/* A double from a number token (not NUL-terminated). */
static int token_double(silt_json_ctx *c, const char *t, size_t n, bool as_float, double *out)
{
    if (fast_decimal(t, n, as_float, out)) return 0;
    char small[64];
    char *z = small;
    if (n >= sizeof small) {
        silt_buf *b = &c->d->scratch;
        silt_buf_reset(b);
        silt_buf_append(b, t, n);
        silt_buf_putc(b, 0);
        if (silt_buf_oom(b)) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
        z = (char *)b->ptr;
    } else {
        memcpy(small, t, n);
        small[n] = 0;
    }
    *out = as_float ? (double)strtof(z, NULL) : strtod(z, NULL);
    return 0;
}

/* SILT_ERANGE for the number token t[0..n) at `at`: "<t> <what> <type>". */
static int range_err(silt_json_ctx *c, const silt_field *f, const char *t, size_t n, const char *at,
                     const char *what)
{
    char want[48];
    silt_error_set(c->err, SILT_ERANGE, "%.*s %s %s", (int)(n > 40 ? 40 : n), t, what,
                   silt_json_type_label(f, want, sizeof want));
    return silt_error_offset(c->err, at - c->base);
}

static int put_int(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *t,
                   size_t n, int kind, const char *at)
{
    const silt_field *f = nd->f;
    if (kind == NUM_NAN) return silt_json_put_null(c, nd, col, at);
    if (kind != NUM_INT && kind != NUM_FLOAT) return silt_json_type_err(c, nd, at);
    int64_t v;
    size_t int_len = n;
    if (kind == NUM_FLOAT) { /* 17490.0 (pandas' ints with gaps): the digits before the point */
        const char *dot = memchr(t, '.', n);
        size_t i = dot ? (size_t)(dot - t) + 1 : n;
        while (i < n && t[i] == '0') i++;
        if (dot && i == n) {
            int_len = (size_t)(dot - t);
            kind = NUM_INT;
        }
    }
    if (kind == NUM_INT) {
        const char *p = t;
        bool neg = *p == '-';
        if (neg) p++;
        uint64_t u = 0;
        for (; p < t + int_len; p++) {
            uint64_t d = (uint64_t)(*p - '0');
            if (u > (UINT64_MAX - d) / 10) goto range;
            u = u * 10 + d;
        }
        if (f->is_unsigned && f->type == SILT_TYPE_INT64) {
            if (neg && u) goto range;
            v = (int64_t)u;
        } else if (neg) {
            if (u > (uint64_t)INT64_MAX + 1) goto range;
            v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
        } else {
            if (u > (uint64_t)INT64_MAX) goto range;
            v = (int64_t)u;
        }
    } else {
        double dv = 0;
        int rc = token_double(c, t, n, false, &dv);
        if (rc) return rc;
        if (dv != floor(dv)) return silt_json_type_err(c, nd, at);
        if (!(dv >= -9223372036854775808.0 && dv < 9223372036854775808.0)) goto range;
        v = (int64_t)dv;
        if (f->is_unsigned && f->type == SILT_TYPE_INT64 && v < 0) goto range;
    }
    if (!int_fits(f, v)) goto range;
    return silt_json_append_rc(c, silt_column_append_int(col, v));
range:
    return range_err(c, f, t, n, at, "is out of range for");
}

static int put_real(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *t,
                    size_t n, int kind, const char *at)
{
    bool is_float = nd->f->type == SILT_TYPE_FLOAT;
    double v = 0;
    switch (kind) {
    case NUM_NAN:
        if (!c->d->opts.keep_nan) return silt_json_put_null(c, nd, col, at);
        v = NAN;
        break;
    case NUM_POS_INF: v = INFINITY; break;
    case NUM_NEG_INF: v = -INFINITY; break;
    default: {
        int rc = token_double(c, t, n, is_float, &v);
        if (rc) return rc;
        if (isinf(v)) return range_err(c, nd->f, t, n, at, "is out of range for");
    }
    }
    return silt_json_append_rc(c, is_float ? silt_column_append_float(col, (float)v)
                                           : silt_column_append_double(col, v));
}

typedef unsigned __int128 u128;

static int put_decimal(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *t,
                       size_t n, int kind, const char *at)
{
    const silt_field *f = nd->f;
    if (kind == NUM_NAN) return silt_json_put_null(c, nd, col, at);
    if (kind != NUM_INT && kind != NUM_FLOAT) return silt_json_type_err(c, nd, at);
    const char *p = t, *end = t + n;
    bool neg = *p == '-';
    if (neg) p++;
    /* the digits (integer and fraction) and where the point falls among them */
    const char *dig = p;
    int64_t n_int = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        p++;
        n_int++;
    }
    const char *frac = NULL;
    int64_t n_frac = 0;
    if (p < end && *p == '.') {
        frac = ++p;
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
            n_frac++;
        }
    }
    int64_t exp = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = *p == '-';
        if (*p == '+' || *p == '-') p++;
        for (; p < end; p++)
            if (exp < 1000000) exp = exp * 10 + (*p - '0');
        if (eneg) exp = -exp;
    }
    /* digit k (1-based over integer then fraction digits) has place 10^(n_int + exp - k); keep
     * those with place >= 10^-scale, i.e. k <= K */
    int64_t total = n_int + n_frac, K = n_int + exp + f->scale;
    u128 acc = 0, limit = 1;
    for (int i = 0; i < f->precision; i++) limit *= 10;
    int round_digit = 0;
    for (int64_t k = 1; k <= total; k++) {
        int d = k <= n_int ? dig[k - 1] - '0' : frac[k - n_int - 1] - '0';
        if (k <= K) {
            acc = acc * 10 + (u128)d;
            if (acc >= limit) goto range;
        } else {
            if (k == K + 1) round_digit = d;
            break;
        }
    }
    for (int64_t k = total + 1; k <= K && acc; k++) { /* trailing zeros the exponent adds */
        acc *= 10;
        if (acc >= limit) goto range;
    }
    if (round_digit >= 5 && ++acc >= limit) goto range;
    __int128 v = neg ? -(__int128)acc : (__int128)acc;
    uint8_t le[16];
    for (int i = 0; i < 16; i++) le[i] = (uint8_t)((u128)v >> (8 * i));
    return silt_json_append_rc(c, silt_column_append_decimal(col, le));
range:
    return range_err(c, f, t, n, at, "does not fit");
}

int silt_json_put_number(silt_json_ctx *c, const silt_json_node *nd, silt_column *col,
                         const char *t, size_t n, int kind, const char *at)
{
    switch (nd->f->type) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64: return put_int(c, nd, col, t, n, kind, at);
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: return put_real(c, nd, col, t, n, kind, at);
    case SILT_TYPE_DECIMAL: return put_decimal(c, nd, col, t, n, kind, at);
    case SILT_TYPE_STRING:
        if (kind == NUM_NAN) return silt_json_put_null(c, nd, col, at);
        return silt_json_append_rc(c, silt_column_append_bytes(col, t, n));
    default: return silt_json_type_err(c, nd, at);
    }
}

static int b64val(uint8_t ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+' || ch == '-') return 62;
    if (ch == '/' || ch == '_') return 63;
    return -1;
}

/* Base64 (standard or URL-safe alphabet, padding optional) of s into the scratch buffer. */
static int base64(silt_json_ctx *c, const char *s, size_t n, const char *at)
{
    while (n && s[n - 1] == '=') n--;
    if (n % 4 == 1)
        return silt_json_value_err(c, SILT_EINVAL, at, "%s", "not valid base64 (length)");
    silt_buf *b = &c->d->scratch;
    silt_buf_reset(b);
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((uint8_t)s[i]);
        if (v < 0)
            return silt_json_value_err(c, SILT_EINVAL, at, "%s", "not valid base64 (character)");
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            silt_buf_putc(b, (uint8_t)(acc >> bits));
        }
    }
    if (silt_buf_oom(b)) return silt_error_set(c->err, SILT_ENOMEM, "out of memory");
    return 0;
}

static int put_datetime(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *s,
                        size_t n, const char *at)
{
    int64_t secs;
    int32_t nanos;
    bool has_off;
    const char *why = NULL;
    if (silt_datefmt_parse(&secs, &nanos, &has_off, &nd->fmt, s, n, &why)) {
        char want[48];
        silt_error_set(c->err, SILT_EINVAL, "expected %s, got \"%.*s\" (%s)",
                       silt_json_type_label(nd->f, want, sizeof want), (int)(n > 40 ? 40 : n), s,
                       why);
        return silt_error_offset(c->err, at - c->base);
    }
    int64_t v;
    switch (nd->f->type) {
    case SILT_TYPE_DATE32: v = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400); break;
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        if (has_off && !nd->f->tz_utc)
            return silt_json_value_err(
                c, SILT_EINVAL, at, "%s",
                "a time zone offset in a timestamp_ntz value (local time has none)");
        if (nd->f->type == SILT_TYPE_TIMESTAMP) {
            if (__builtin_mul_overflow(secs, 1000000, &v) ||
                __builtin_add_overflow(v, nanos / 1000, &v))
                goto range;
        } else if (__builtin_mul_overflow(secs, 1000000000, &v) ||
                   __builtin_add_overflow(v, nanos, &v)) {
            goto range;
        }
        break;
    default: return silt_json_type_err(c, nd, at);
    }
    return silt_json_append_rc(c, silt_column_append_int(col, v));
range:
    return silt_json_value_err(c, SILT_ERANGE, at, "%s", "date out of the column's range");
}

/* A string value in text with coerce_strings: decoded again as a number or bool. */
static int put_coerced(silt_json_ctx *c, const silt_json_node *nd, silt_column *col, const char *s,
                       size_t n, const char *at)
{
    if (nd->f->type == SILT_TYPE_BOOL) {
        if (n == 4 && memcmp(s, "true", 4) == 0)
            return silt_json_append_rc(c, silt_column_append_bool(col, 1));
        if (n == 5 && memcmp(s, "false", 5) == 0)
            return silt_json_append_rc(c, silt_column_append_bool(col, 0));
        return silt_json_type_err(c, nd, at);
    }
    silt_json_ctx sub = {.p = s, .end = s + n, .base = s, .d = c->d, .err = c->err};
    const char *t;
    size_t tn;
    int kind;
    if (!n || !(*s == '-' || (*s >= '0' && *s <= '9') || *s == 'N' || *s == 'I') ||
        silt_json_scan_number(&sub, &t, &tn, &kind) || sub.p != sub.end) {
        silt_error_clear(c->err);
        return silt_json_type_err(c, nd, at);
    }
    /* the token lives in the text (s is not in scratch here unless escaped; copy if so) */
    char small[128];
    if ((const uint8_t *)s == c->d->scratch.ptr) {
        if (n >= sizeof small) return silt_json_type_err(c, nd, at);
        memcpy(small, s, n);
        t = small;
    }
    int rc = silt_json_put_number(c, nd, col, t, tn, kind, at);
    if (rc) silt_error_offset(c->err, at - c->base);
    return rc;
}

int silt_json_put_string(silt_json_ctx *c, const silt_json_node *nd, silt_column *col,
                         const char *at)
{
    const char *raw, *s;
    size_t rn, n;
    bool esc;
    int rc = silt_json_scan_string(c, &raw, &rn, &esc);
    if (rc) return rc;
    switch (nd->f->type) {
    case SILT_TYPE_STRING:
        if ((rc = silt_json_string_value(c, raw, rn, esc, &s, &n))) return rc;
        return silt_json_append_rc(c, silt_column_append_bytes(col, s, n));
    case SILT_TYPE_BINARY:
    case SILT_TYPE_FIXED_BINARY:
        if ((rc = silt_json_string_value(c, raw, rn, esc, &s, &n))) return rc;
        if ((rc = base64(c, s, n, at))) return rc;
        if (nd->f->type == SILT_TYPE_FIXED_BINARY && c->d->scratch.len != (size_t)nd->f->byte_width)
            return silt_json_value_err(c, SILT_EINVAL, at, "%s",
                                       "base64 value of the wrong length");
        return silt_json_append_rc(
            c,
            silt_column_append_bytes(col, c->d->scratch.ptr ? (const char *)c->d->scratch.ptr : "",
                                     c->d->scratch.len));
    case SILT_TYPE_DATE32:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS:
        if ((rc = silt_json_string_value(c, raw, rn, esc, &s, &n))) return rc;
        return put_datetime(c, nd, col, s, n, at);
    case SILT_TYPE_BOOL:
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE:
    case SILT_TYPE_DECIMAL:
        if (!c->d->opts.coerce_strings) return silt_json_type_err(c, nd, at);
        if ((rc = silt_json_string_value(c, raw, rn, esc, &s, &n))) return rc;
        return put_coerced(c, nd, col, s, n, at);
    default: return silt_json_type_err(c, nd, at);
    }
}
