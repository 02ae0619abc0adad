/* Clocks, civil-date arithmetic and duration parsing. */
#include "util/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t silt_time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t silt_time_wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t silt_time_wall_ms(void)
{
    return silt_time_wall_us() / 1000;
}

/* Howard Hinnant's civil-date algorithms (public domain description). */
int64_t silt_time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void silt_time_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (mm <= 2);
    *m = mm;
    *d = dd;
}

char *silt_time_format_iso(char *out, size_t n, int64_t us)
{
    int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    int64_t frac = us - secs * 1000000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d, (int)(sod / 3600),
             (int)(sod / 60 % 60), (int)(sod % 60), (int)(frac / 1000));
    return out;
}

int silt_time_parse_duration_us(int64_t *out, const char *s)
{
    if (!s || !*s) return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    double mul;
    if (strcmp(end, "us") == 0)
        mul = 1;
    else if (strcmp(end, "ms") == 0)
        mul = 1e3;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        mul = 1e6;
    else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
        mul = 60e6;
    else if (strcmp(end, "h") == 0)
        mul = 3600e6;
    else if (strcmp(end, "d") == 0)
        mul = 86400e6;
    else
        return -1;
    double r = v * mul;
    if (r > 9.2e18) return -1;
    *out = (int64_t)r;
    return 0;
}
