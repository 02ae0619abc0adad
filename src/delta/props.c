/* Table properties silt interprets: Delta's interval syntax for the retention durations. */
#include "delta/props.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *unit;
    int64_t us;
} units[] = {{"microsecond", 1},      {"millisecond", 1000},  {"second", 1000000},
             {"minute", 60000000},    {"hour", 3600000000LL}, {"day", 86400000000LL},
             {"week", 604800000000LL}};

/* Microseconds in one `unit` (word of length n, singular or plural), or -1. */
static int64_t unit_us(const char *unit, size_t n)
{
    if (n > 1 && (unit[n - 1] == 's' || unit[n - 1] == 'S')) n--;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strlen(units[i].unit) == n && strncasecmp(unit, units[i].unit, n) == 0)
            return units[i].us;
    return -1;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p)) p++;
    return p;
}

static int bad(silt_error *err, const char *s, const char *why)
{
    return silt_error_set(err, SILT_EINVAL,
                          "'%s' is not an interval like 'interval 7 days'%s (units: microsecond, "
                          "millisecond, second, minute, hour, day, week)",
                          s, why);
}

int silt_delta_parse_interval(int64_t *out_ms, const char *s, silt_error *err)
{
    const char *p = skip_space(s);
    if (strncasecmp(p, "interval", 8) == 0 && (isspace((unsigned char)p[8]) || !p[8])) p += 8;
    int64_t total_us = 0;
    int pairs = 0;
    for (p = skip_space(p); *p; p = skip_space(p)) {
        char *end;
        if (!isdigit((unsigned char)*p)) return bad(err, s, "");
        long long n = strtoll(p, &end, 10);
        const char *u = skip_space(end);
        size_t ul = 0;
        while (isalpha((unsigned char)u[ul])) ul++;
        int64_t us = unit_us(u, ul);
        if (us < 0) {
            bool varies = (ul >= 5 && strncasecmp(u, "month", 5) == 0) ||
                          (ul >= 4 && strncasecmp(u, "year", 4) == 0);
            return bad(err, s, varies ? ": months and years have no fixed length" : "");
        }
        if (n > (INT64_MAX - total_us) / us) return bad(err, s, ": too long");
        total_us += (int64_t)n * us;
        pairs++;
        p = u + ul;
    }
    if (!pairs) return bad(err, s, "");
    *out_ms = total_us / 1000;
    return 0;
}

int silt_delta_prop_duration(int64_t *out_ms, const char **out_text,
                             const silt_delta_snapshot *snap, const char *key, const char *dflt,
                             silt_error *err)
{
    const char *v = silt_delta_snapshot_config(snap, key);
    if (!v) v = dflt;
    if (out_text) *out_text = v;
    int rc = silt_delta_parse_interval(out_ms, v, err);
    if (rc) silt_error_prefix(err, "table property %s", key);
    return rc;
}

char *silt_delta_duration_text(char *buf, size_t n, int64_t ms)
{
    static const struct {
        const char *suffix;
        int64_t ms;
    } u[] = {{"d", 86400000}, {"h", 3600000}, {"m", 60000}, {"s", 1000}};
    for (size_t i = 0; i < sizeof u / sizeof *u; i++) {
        if (ms % u[i].ms == 0 && (ms != 0 || u[i].ms == 1000)) {
            snprintf(buf, n, "%" PRId64 "%s", ms / u[i].ms, u[i].suffix);
            return buf;
        }
    }
    snprintf(buf, n, "%" PRId64 "ms", ms);
    return buf;
}
