/* Text conversions of CAST: values to strings as Spark prints them (doubles as Java does,
 * decimals with their scale, dates and timestamps in ISO form) and strings parsed to numbers,
 * decimals, booleans, dates and timestamps (Spark non-ANSI: what does not parse is NULL). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/cast.h"
#include "util/datefmt.h"
#include "util/time.h"

int sql_fmt_double(char *buf, size_t cap, double v, bool is_float)
{
    if (isnan(v)) return snprintf(buf, cap, "NaN");
    if (isinf(v)) return snprintf(buf, cap, v < 0 ? "-Infinity" : "Infinity");
    if (v == 0) return snprintf(buf, cap, signbit(v) ? "-0.0" : "0.0");
    char tmp[40];
    double a = fabs(v);
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, a);
        if (is_float ? strtof(tmp, NULL) == (float)a : strtod(tmp, NULL) == a) break;
    }
    char digits[20];
    int k = 0;
    const char *q = tmp;
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[k++] = *q;
    int e10 = atoi(q + 1);
    while (k > 1 && digits[k - 1] == '0') k--;
    int len = 0;
    if (v < 0) buf[len++] = '-';
    if (a >= 1e-3 && a < 1e7) {
        if (e10 < 0) {
            len += snprintf(buf + len, cap - (size_t)len, "0.");
            for (int i = 0; i < -e10 - 1; i++) buf[len++] = '0';
            memcpy(buf + len, digits, (size_t)k);
            len += k;
        } else {
            for (int i = 0; i <= e10; i++) buf[len++] = i < k ? digits[i] : '0';
            buf[len++] = '.';
            if (k > e10 + 1) {
                memcpy(buf + len, digits + e10 + 1, (size_t)(k - e10 - 1));
                len += k - e10 - 1;
            } else {
                buf[len++] = '0';
            }
        }
        buf[len] = 0;
        return len;
    }
    buf[len++] = digits[0];
    buf[len++] = '.';
    if (k > 1) {
        memcpy(buf + len, digits + 1, (size_t)(k - 1));
        len += k - 1;
    } else {
        buf[len++] = '0';
    }
    len += snprintf(buf + len, cap - (size_t)len, "E%d", e10);
    return len;
}

int sql_fmt_decimal(char *buf, size_t cap, __int128 v, int scale)
{
    char d[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        d[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    while (n <= scale) d[n++] = '0';
    int len = 0;
    if (neg) buf[len++] = '-';
    for (int i = n - 1; i >= 0 && (size_t)len + 2 < cap; i--) {
        buf[len++] = d[i];
        if (i == scale && scale > 0) buf[len++] = '.';
    }
    buf[len] = 0;
    return len;
}

int sql_fmt_timestamp(char *buf, size_t cap, int64_t us)
{
    int64_t days = us >= 0 ? us / 86400000000LL : -((-us + 86399999999LL) / 86400000000LL);
    int64_t rem = us - days * 86400000000LL, y;
    unsigned m, d;
    silt_time_civil_from_days(days, &y, &m, &d);
    int64_t s = rem / 1000000, f = rem % 1000000;
    int len = snprintf(buf, cap, "%04lld-%02u-%02u %02d:%02d:%02d", (long long)y, m, d,
                       (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    if (f) {
        len += snprintf(buf + len, cap - (size_t)len, ".%06lld", (long long)f);
        while (buf[len - 1] == '0') buf[--len] = 0;
    }
    return len;
}

int sql_fmt_date(char *buf, size_t cap, int64_t days)
{
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(days, &y, &m, &d);
    return snprintf(buf, cap, "%04lld-%02u-%02u", (long long)y, m, d);
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

/* The exponent after 'e'/'E' in s[0..n), clamped to +-1000 (past that no decimal changes
 * further): *mant is where the mantissa ends. False when the exponent is not a whole number. */
static bool exponent(const char *s, size_t n, size_t *mant, int *exp)
{
    size_t i = 0;
    while (i < n && s[i] != 'e' && s[i] != 'E') i++;
    *mant = i;
    *exp = 0;
    if (i == n) return true;
    i++;
    int sign = 1;
    if (i < n && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
    if (i == n) return false;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        if (*exp < 1000) *exp = *exp * 10 + (s[i] - '0');
    }
    *exp = sign * (*exp > 1000 ? 1000 : *exp);
    return true;
}

bool sql_parse_decimal(__int128 *out, const char *s, size_t n, int prec, int scale)
{
    trim(&s, &n);
    int exp;
    if (!exponent(s, n, &n, &exp)) return false;
    size_t i = 0;
    bool neg = false, any = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    __int128 v = 0;
    /* fraction digits past keep are rounded away (the exponent moves the point first) */
    int frac = -1, digits = 0, extra = 0, keep = scale + exp < 0 ? 0 : scale + exp;
    bool round_up = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '.' && frac < 0) {
            frac = 0;
            continue;
        }
        if (c < '0' || c > '9') return false;
        any = true;
        if (frac >= 0 && frac >= keep) {
            if (!extra++) round_up = c >= '5';
            continue;
        }
        if (v || c != '0') digits++;
        if (digits > 38) return false;
        v = v * 10 + (c - '0');
        if (frac >= 0) frac++;
    }
    if (!any) return false;
    int have = frac < 0 ? 0 : frac, shift = scale - have + exp;
    if (shift > 0) {
        if (!sql_pow10_mul(v, shift, &v)) return false;
    } else if (shift < -38) { /* every digit is below the scale, and less than half a unit */
        v = 0;
        round_up = false;
    } else if (shift < 0) {
        __int128 p = sql_pow10(-shift), r = v % p;
        v /= p;
        round_up = r * 2 >= p;
    }
    if (round_up) v++;
    if (v >= sql_pow10(prec)) return false;
    *out = neg ? -v : v;
    return true;
}

bool sql_parse_int(int64_t *out, const char *s, size_t n)
{
    trim(&s, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t v = 0;
    bool any = false;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        any = true;
        if (v > (UINT64_MAX - 9) / 10) return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < n && s[i] == '.') { /* Spark truncates a fraction */
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) any = true;
    }
    if (!any || i != n) return false;
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

bool sql_parse_double(double *out, const char *s, size_t n)
{
    trim(&s, &n);
    char buf[128];
    if (!n || n >= sizeof buf) return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    if (buf[n - 1] == 'd' || buf[n - 1] == 'D' || buf[n - 1] == 'f' || buf[n - 1] == 'F')
        buf[--n] = 0;
    const char *b = buf + (buf[0] == '+' || buf[0] == '-');
    if (!strcasecmp(b, "nan") || !strcasecmp(b, "infinity") || !strcasecmp(b, "inf")) {
        *out = b[0] == 'n' || b[0] == 'N' ? NAN : buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    for (const char *p = b; *p; p++)
        if (!isdigit((unsigned char)*p) && !strchr(".eE+-", *p)) return false;
    char *end;
    *out = strtod(buf, &end);
    return end != buf && !*end;
}

bool sql_parse_bool(bool *out, const char *s, size_t n)
{
    trim(&s, &n);
    static const char *const t[] = {"t", "true", "y", "yes", "1"};
    static const char *const f[] = {"f", "false", "n", "no", "0"};
    for (int i = 0; i < 5; i++) {
        if (strlen(t[i]) == n && !strncasecmp(s, t[i], n)) return *out = true, true;
        if (strlen(f[i]) == n && !strncasecmp(s, f[i], n)) return *out = false, true;
    }
    return false;
}

bool sql_parse_date(int32_t *out, const char *s, size_t n)
{
    trim(&s, &n);
    int y = 0, m = 1, d = 1, k = 0, part = 0, digits = 0;
    size_t i = 0;
    for (; i < n && part < 3; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            int *f = part == 0 ? &y : part == 1 ? &m : &d;
            if (digits == 0) *f = 0;
            *f = *f * 10 + (c - '0');
            if (++digits > (part == 0 ? 6 : 2)) return false;
        } else if (c == '-' && part < 2 && digits) {
            part++;
            digits = 0;
            k++;
        } else if ((c == ' ' || c == 'T') && part == 2 && digits) {
            break;
        } else {
            return false;
        }
    }
    if (!digits || (part == 0 && digits != 4) || m < 1 || m > 12 || d < 1) return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap)) return false;
    *out = (int32_t)silt_time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

bool sql_parse_timestamp(int64_t *out, const char *s, size_t n)
{
    trim(&s, &n);
    silt_datefmt iso;
    iso.iso = true;
    iso.n = 0;
    int64_t secs;
    int32_t nanos;
    if (silt_datefmt_parse(&secs, &nanos, NULL, &iso, s, n, NULL) == 0) {
        *out = secs * 1000000 + nanos / 1000;
        return true;
    }
    int32_t days;
    if (n <= 10 && sql_parse_date(&days, s, n)) {
        *out = (int64_t)days * 86400000000LL;
        return true;
    }
    return false;
}
