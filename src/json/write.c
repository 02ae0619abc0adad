/* JSON writing: escaping with UTF-8 validation, Python-repr doubles, flat objects. */
#include "json/write.h"

#include "util/error.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static const char hexdig[] = "0123456789abcdef";

size_t silt_json_utf8_valid_prefix(const char *str, size_t n)
{
    const uint8_t *s = (const uint8_t *)str;
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = silt_utf8_decode(s + i, n - i, &cp);
        if (len == 0) break;
        i += len;
    }
    return i;
}

static void put_u_escape(char *o, uint32_t u)
{
    o[0] = '\\';
    o[1] = 'u';
    o[2] = hexdig[(u >> 12) & 0xf];
    o[3] = hexdig[(u >> 8) & 0xf];
    o[4] = hexdig[(u >> 4) & 0xf];
    o[5] = hexdig[u & 0xf];
}

int silt_json_write_string(silt_buf *out, const char *str, size_t n, unsigned flags)
{
    const uint8_t *s = (const uint8_t *)str;
    /* Worst case per input byte: 6 output bytes (\u00XX); a 4-byte sequence -> 12. */
    if (silt_buf_reserve(out, n * 6 + 2)) return SILT_ENOMEM;
    char *o = (char *)out->ptr + out->len;
    char *start = o;
    *o++ = '"';
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            *o++ = (char)c;
            i++;
            continue;
        }
        if (c == 0x7f && !(flags & SILT_JSON_ASCII)) {
            *o++ = (char)c;
            i++;
            continue;
        }
        if (c < 0x80) {
            *o++ = '\\';
            switch (c) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '\n': *o++ = 'n'; break;
            case '\r': *o++ = 'r'; break;
            case '\t': *o++ = 't'; break;
            case '\b': *o++ = 'b'; break;
            case '\f': *o++ = 'f'; break;
            default:
                o--;
                put_u_escape(o, c);
                o += 6;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = silt_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            cp = 0xfffd;
            len = 1;
            if (!(flags & SILT_JSON_ASCII)) {
                memcpy(o, "\xef\xbf\xbd", 3);
                o += 3;
                i += 1;
                continue;
            }
        } else if (!(flags & SILT_JSON_ASCII)) {
            memcpy(o, s + i, len);
            o += len;
            i += len;
            continue;
        }
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            put_u_escape(o, 0xd800 | (v >> 10));
            put_u_escape(o + 6, 0xdc00 | (v & 0x3ff));
            o += 12;
        } else {
            put_u_escape(o, cp);
            o += 6;
        }
        i += len;
    }
    *o++ = '"';
    out->len += (size_t)(o - start);
    return 0;
}

int silt_json_write_int(silt_buf *out, int64_t v)
{
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    return silt_buf_append(out, tmp, (size_t)k);
}

/* Copies the NUL-terminated s to out; returns its length. */
static size_t put_text(char *out, const char *s)
{
    size_t n = strlen(s);
    memcpy(out, s, n + 1);
    return n;
}

/* The decimal digits of u into digits (most significant first); returns how many. */
static int uint_digits(char *digits, uint64_t u)
{
    char rev[24];
    int nd = 0;
    do {
        rev[nd++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (int d = 0; d < nd; d++) digits[d] = rev[nd - 1 - d];
    return nd;
}

/* Writes the integer m = digits[0..nd) divided by 10^k, in Python's form ("0.05", "12.5",
 * "3.0"), at o; returns the end. */
static char *put_scaled(char *o, const char *digits, int nd, int k)
{
    if (nd <= k) { /* 0.0ddd */
        *o++ = '0';
        *o++ = '.';
        for (int z = nd; z < k; z++) *o++ = '0';
        memcpy(o, digits, (size_t)nd);
        return o + nd;
    }
    memcpy(o, digits, (size_t)(nd - k));
    o += nd - k;
    *o++ = '.';
    if (k == 0) {
        *o++ = '0';
        return o;
    }
    memcpy(o, digits + nd - k, (size_t)k);
    return o + k;
}

/* Fast path for the common case of few decimals (prices, amounts): the smallest k such that
 * m / 10^k == v for an integer m = round(v * 10^k) gives the shortest decimal that round-trips
 * (m and 10^k are exact doubles, so the division is the correctly rounded value of the decimal,
 * as strtod would read it); within |v| < 1e15 every round-tripping decimal keeps v's integer
 * part, so fewer digits means fewer decimals. Returns the length written, or 0 when v has more
 * than 8 decimals or is out of that range (v finite and not 0). */
static size_t format_few_decimals(char *out, double v)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double av = fabs(v);
    if (!(av >= 1e-4 && av < 1e15)) return 0;
    for (int k = 0; k < 9; k++) {
        double sc = av * p10[k];
        if (sc >= 4503599627370496.0) break; /* 2^52: rounding no longer exact */
        double m = nearbyint(sc);
        if (m / p10[k] != av) continue;
        char digits[24];
        int nd = uint_digits(digits, (uint64_t)m);
        char *o = out;
        if (v < 0) *o++ = '-';
        o = put_scaled(o, digits, nd, k);
        *o = '\0';
        return (size_t)(o - out);
    }
    return 0;
}

/* Shortest round-tripping significant digits of v (finite, not 0) into digits[20], without
 * trailing zeros; returns how many, with *exp10 the decimal exponent of the first and *neg the
 * sign. A normal double has 53 bits, so any decimal of <= 15 significant digits survives a trip
 * through it and trying 15, 16 and 17 digits in turn finds the shortest. Subnormals have fewer
 * bits and are searched from 1 digit up. */
static size_t shortest_digits(char *digits, int *exp10, bool *neg, double v)
{
    char sci[40];
    for (int prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
        snprintf(sci, sizeof sci, "%.*e", prec - 1, v);
        if (strtod(sci, NULL) == v) break;
    }
    /* sci = [-]D.DDDDe[+-]XX; collect digits and exponent. */
    size_t nd = 0;
    const char *p = sci;
    *neg = *p == '-';
    if (*neg) p++;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') digits[nd++] = *p;
    *exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    return nd;
}

/* Significant digits[0..nd) with decimal exponent exp10 (-4 <= exp10 < 16) written without an
 * exponent at o ("0.000123", "1234.5", "1e+15" is not this case); returns the end. */
static char *put_positional(char *o, const char *digits, size_t nd, int exp10)
{
    if (exp10 < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int z = -1; z > exp10; z--) *o++ = '0';
        memcpy(o, digits, nd);
        return o + nd;
    }
    size_t int_digits = (size_t)exp10 + 1;
    for (size_t k = 0; k < int_digits; k++) *o++ = k < nd ? digits[k] : '0';
    *o++ = '.';
    if (nd <= int_digits) {
        *o++ = '0';
        return o;
    }
    memcpy(o, digits + int_digits, nd - int_digits);
    return o + (nd - int_digits);
}

/* The same in exponent form at o ("1.5e+16", "1e-05"); returns the end. */
static char *put_exponent(char *o, const char *digits, size_t nd, int exp10)
{
    *o++ = digits[0];
    if (nd > 1) {
        *o++ = '.';
        memcpy(o, digits + 1, nd - 1);
        o += nd - 1;
    }
    return o + sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
}

size_t silt_json_format_double(char *out, double v)
{
    if (!isfinite(v)) return put_text(out, "null");
    if (v == 0) return put_text(out, signbit(v) ? "-0.0" : "0.0");
    size_t n = format_few_decimals(out, v);
    if (n) return n;
    char digits[20];
    int exp10;
    bool neg;
    size_t nd = shortest_digits(digits, &exp10, &neg, v);
    char *o = out;
    if (neg) *o++ = '-';
    if (exp10 >= -4 && exp10 < 16)
        o = put_positional(o, digits, nd, exp10);
    else
        o = put_exponent(o, digits, nd, exp10);
    *o = '\0';
    return (size_t)(o - out);
}

int silt_json_write_double(silt_buf *out, double v)
{
    char tmp[SILT_JSON_DOUBLE_MAX];
    size_t n = silt_json_format_double(tmp, v);
    return silt_buf_append(out, tmp, n);
}

int silt_json_write_value(silt_buf *out, const silt_json_value *v, unsigned flags)
{
    switch (v->type) {
    case SILT_JSON_BOOL: return silt_buf_puts(out, v->u.b ? "true" : "false");
    case SILT_JSON_INT: return silt_json_write_int(out, v->u.i);
    case SILT_JSON_DOUBLE: return silt_json_write_double(out, v->u.d);
    case SILT_JSON_STRING: return silt_json_write_string(out, v->u.s.ptr, v->u.s.len, flags);
    case SILT_JSON_NULL: break;
    }
    return silt_buf_puts(out, "null");
}

int silt_json_write_object(silt_buf *out, const char *const *keys, const silt_json_value *vals,
                           size_t n, unsigned flags)
{
    const char *sep = (flags & SILT_JSON_SPACED) ? ", " : ",";
    const char *colon = (flags & SILT_JSON_SPACED) ? ": " : ":";
    silt_buf_putc(out, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) silt_buf_puts(out, sep);
        silt_json_write_string(out, keys[i], strlen(keys[i]), flags);
        silt_buf_puts(out, colon);
        silt_json_write_value(out, &vals[i], flags);
    }
    return silt_buf_putc(out, '}');
}
