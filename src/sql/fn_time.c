/* Day and instant arithmetic and Spark's lenient text-to-date/timestamp casts (fn_time.h). */
#include <ctype.h>
#include <strings.h>

#include "sql/fn_time.h"

void fn_civil_from_days(fn_civil *out, int64_t days)
{
    memset(out, 0, sizeof *out);
    out->day = days;
    silt_time_civil_from_days(days, &out->y, &out->m, &out->d);
}

void fn_civil_from_us(fn_civil *out, int64_t us)
{
    int64_t days = fn_floor_div(us, FN_US_PER_DAY), rest = us - days * FN_US_PER_DAY;
    fn_civil_from_days(out, days);
    int64_t secs = rest / 1000000;
    out->us = rest % 1000000;
    out->hh = (int)(secs / 3600);
    out->mi = (int)(secs / 60 % 60);
    out->ss = (int)(secs % 60);
}

/* Reads 1..max digits at s[*i]; returns the count (0 = none). */
static int num(const uint8_t *s, size_t n, size_t *i, int max, int64_t *v)
{
    int k = 0;
    *v = 0;
    while (*i < n && k < max && isdigit(s[*i])) *v = *v * 10 + (s[(*i)++] - '0'), k++;
    return k;
}

static bool valid_date(int64_t y, int64_t m, int64_t d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* The date part at s[*i]; leaves *i after it. */
static bool date_part(const uint8_t *s, size_t n, size_t *i, int64_t *days)
{
    int64_t y, m = 1, d = 1;
    int k = num(s, n, i, 7, &y);
    if (k < 4) return false;
    if (*i < n && s[*i] == '-') {
        (*i)++;
        if (!num(s, n, i, 2, &m)) return false;
        if (*i < n && s[*i] == '-') {
            (*i)++;
            if (!num(s, n, i, 2, &d)) return false;
        }
    }
    if (!valid_date(y, m, d)) return false;
    *days = silt_time_days_from_civil(y, (unsigned)m, (unsigned)d);
    return true;
}

static void trim(const uint8_t *s, size_t *lo, size_t *hi)
{
    while (*lo < *hi && isspace(s[*lo])) (*lo)++;
    while (*hi > *lo && isspace(s[*hi - 1])) (*hi)--;
}

bool fn_text_to_days(const uint8_t *s, size_t n, int64_t *days)
{
    size_t i = 0;
    trim(s, &i, &n);
    if (!date_part(s, n, &i, days)) return false;
    /* a DATE is a day number in 32 bits (as in Spark, where a later year is NULL) */
    if (*days < INT32_MIN || *days > INT32_MAX) return false;
    return i == n || s[i] == ' ' || s[i] == 'T';
}

/* A zone at s[i..n): Z, UTC, GMT, +h[h][:mm] or +hhmm; *off_us is added to local time. */
static bool zone(const uint8_t *s, size_t n, size_t i, int64_t *off_us)
{
    *off_us = 0;
    if (i < n && s[i] == ' ') i++;
    if (i == n) return true;
    if (n - i == 1 && (s[i] == 'Z' || s[i] == 'z')) return true;
    if (n - i == 3 && (strncasecmp((const char *)s + i, "UTC", 3) == 0 ||
                       strncasecmp((const char *)s + i, "GMT", 3) == 0))
        return true;
    if (s[i] != '+' && s[i] != '-') return false;
    int sign = s[i++] == '-' ? -1 : 1;
    int64_t h, m = 0;
    int k = num(s, n, &i, 2, &h);
    if (!k) return false;
    if (i < n && s[i] == ':') i++;
    if (i < n && !num(s, n, &i, 2, &m)) return false;
    if (i != n || h > 18 || m > 59) return false;
    *off_us = -sign * (h * 3600 + m * 60) * 1000000LL;
    return true;
}

/* [h]h:[m]m[:[s]s[.fraction]] at s[*i]: microseconds since midnight. */
static bool time_part(const uint8_t *s, size_t n, size_t *i, int64_t *us)
{
    int64_t h, m, sec = 0, frac = 0;
    if (!num(s, n, i, 2, &h) || *i >= n || s[(*i)++] != ':' || !num(s, n, i, 2, &m)) return false;
    if (*i < n && s[*i] == ':') {
        (*i)++;
        if (!num(s, n, i, 2, &sec)) return false;
        if (*i < n && s[*i] == '.') {
            (*i)++;
            int64_t f;
            int k = num(s, n, i, 6, &f);
            while (*i < n && isdigit(s[*i])) (*i)++; /* past microseconds: cut */
            for (int j = k; j < 6; j++) f *= 10;
            frac = f;
        }
    }
    if (h > 23 || m > 59 || sec > 59) return false;
    *us = ((h * 60 + m) * 60 + sec) * 1000000LL + frac;
    return true;
}

bool fn_text_to_us(const uint8_t *s, size_t n, int64_t *us)
{
    size_t i = 0;
    int64_t days, tod = 0, off;
    trim(s, &i, &n);
    if (!date_part(s, n, &i, &days)) return false;
    if (i < n && (s[i] == ' ' || s[i] == 'T')) {
        i++;
        if (i < n && !time_part(s, n, &i, &tod)) return false;
    }
    if (!zone(s, n, i, &off)) return false;
    /* past the microsecond range (about 290,000 years) the text is no timestamp: NULL */
    return !__builtin_mul_overflow(days, FN_US_PER_DAY, us) &&
           !__builtin_add_overflow(*us, tod + off, us);
}

static const struct {
    const char *unit;
    int64_t us;
} units[] = {
    {"microsecond", 1},          {"millisecond", 1000},  {"second", 1000000LL},
    {"minute", 60000000LL},      {"hour", 3600000000LL}, {"day", FN_US_PER_DAY},
    {"week", 7 * FN_US_PER_DAY},
};

bool fn_parse_interval(const uint8_t *s, size_t n, int64_t *us)
{
    size_t i = 0;
    int64_t total = 0;
    int parts = 0;
    trim(s, &i, &n);
    if (n - i >= 9 && strncasecmp((const char *)s + i, "interval ", 9) == 0) i += 9;
    while (i < n) {
        while (i < n && s[i] == ' ') i++;
        int64_t v;
        if (!num(s, n, &i, 18, &v)) return false;
        while (i < n && s[i] == ' ') i++;
        size_t w = i;
        while (w < n && isalpha(s[w])) w++;
        size_t len = w - i;
        if (len > 1 && (s[w - 1] == 's' || s[w - 1] == 'S')) len--;
        bool found = false;
        for (size_t k = 0; k < sizeof units / sizeof units[0] && !found; k++)
            if (strlen(units[k].unit) == len &&
                strncasecmp(units[k].unit, (const char *)s + i, len) == 0) {
                if (__builtin_mul_overflow(v, units[k].us, &v) ||
                    __builtin_add_overflow(total, v, &total))
                    return false;
                found = true;
            }
        if (!found) return false;
        i = w;
        parts++;
    }
    *us = total;
    return parts > 0;
}
