/* Date and time text to numbers: ISO 8601, or a compiled Spark-style pattern. */
#include "util/datefmt.h"

#include <string.h>

#include "util/time.h"

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int add_item(silt_datefmt *f, char kind, int width, silt_error *err)
{
    if (f->n >= SILT_DATEFMT_MAX_ITEMS)
        return silt_error_set(err, SILT_EINVAL, "date pattern: more than %d parts",
                              SILT_DATEFMT_MAX_ITEMS);
    struct silt_datefmt_item *it = &f->items[f->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->width = width;
    return 0;
}

/* Appends one literal character, merging with a literal just before. */
static int add_lit(silt_datefmt *f, char c, silt_error *err)
{
    struct silt_datefmt_item *last = f->n ? &f->items[f->n - 1] : NULL;
    if (!last || last->kind != 'L' || strlen(last->lit) + 1 >= sizeof last->lit) {
        int rc = add_item(f, 'L', 0, err);
        if (rc) return rc;
        last = &f->items[f->n - 1];
    }
    size_t k = strlen(last->lit);
    last->lit[k] = c;
    last->lit[k + 1] = '\0';
    return 0;
}

int silt_datefmt_compile(silt_datefmt *out, const char *pattern, silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!pattern || !*pattern) {
        out->iso = true;
        return 0;
    }
    const char *p = pattern;
    while (*p) {
        char c = *p;
        if (c == '\'') {
            p++;
            if (*p == '\'') { /* '' = one quote */
                if (add_lit(out, '\'', err)) return err ? err->code : SILT_EINVAL;
                p++;
                continue;
            }
            while (*p && !(*p == '\'' && p[1] != '\'')) {
                if (*p == '\'') p++; /* '' inside quotes */
                if (add_lit(out, *p, err)) return err ? err->code : SILT_EINVAL;
                p++;
            }
            if (*p != '\'')
                return silt_error_set(err, SILT_EINVAL, "date pattern '%s': unterminated quote",
                                      pattern);
            p++;
            continue;
        }
        if (!is_letter(c)) {
            if (add_lit(out, c, err)) return err ? err->code : SILT_EINVAL;
            p++;
            continue;
        }
        int w = 0;
        while (p[w] == c) w++;
        char kind;
        switch (c) {
        case 'y':
        case 'u': kind = 'y'; break;
        case 'M':
        case 'L': kind = 'M'; break;
        case 'd': kind = 'd'; break;
        case 'H': kind = 'H'; break;
        case 'h': kind = 'h'; break;
        case 'm': kind = 'm'; break;
        case 's': kind = 's'; break;
        case 'S': kind = 'S'; break;
        case 'a': kind = 'a'; break;
        case 'X':
        case 'Z':
        case 'x': kind = 'X'; break;
        default:
            return silt_error_set(err, SILT_EINVAL,
                                  "date pattern '%s': letter '%c' is not supported (use y M d H "
                                  "h m s S a X, and quotes for text)",
                                  pattern, c);
        }
        if ((kind == 'M' && w > 2) || (kind != 'y' && kind != 'S' && kind != 'X' && w > 2))
            return silt_error_set(err, SILT_EINVAL,
                                  "date pattern '%s': '%.*s' is not supported (month names are "
                                  "not; at most two letters)",
                                  pattern, w, p);
        if (kind == 'S' && w > 9)
            return silt_error_set(err, SILT_EINVAL, "date pattern '%s': at most 9 S", pattern);
        int rc = add_item(out, kind, w, err);
        if (rc) return rc;
        p += w;
    }
    return 0;
}

/* Reads between min and max digits; returns the count read (0 = none). */
static int digits(const char **p, const char *end, int min, int max, int64_t *v)
{
    int k = 0;
    int64_t x = 0;
    while (*p + k < end && k < max && (*p)[k] >= '0' && (*p)[k] <= '9') {
        x = x * 10 + ((*p)[k] - '0');
        k++;
    }
    if (k < min) return 0;
    *p += k;
    *v = x;
    return k;
}

/* Z, +hh, +hhmm, +hh:mm -> seconds east of UTC. */
static bool offset(const char **p, const char *end, int64_t *secs)
{
    if (*p < end && **p == 'Z') {
        (*p)++;
        *secs = 0;
        return true;
    }
    if (*p >= end || (**p != '+' && **p != '-')) return false;
    int sign = **p == '-' ? -1 : 1;
    (*p)++;
    int64_t hh, mm = 0;
    if (digits(p, end, 2, 2, &hh) != 2 || hh > 18) return false;
    if (*p < end && **p == ':') {
        (*p)++;
        if (digits(p, end, 2, 2, &mm) != 2) return false;
    } else if (*p < end && **p >= '0' && **p <= '9') {
        if (digits(p, end, 2, 2, &mm) != 2) return false;
    }
    if (mm > 59) return false;
    *secs = sign * (hh * 3600 + mm * 60);
    return true;
}

typedef struct fields {
    int64_t y, mo, d, h, mi, s, ns, off;
    bool has_off, pm, has_ampm, h12;
} fields;

static int fail(const char **why, const char *reason)
{
    if (why) *why = reason;
    return SILT_ECORRUPT;
}

static int parse_iso(fields *f, const char *p, const char *end, const char **why)
{
    if (p < end && (*p == '+' || *p == '-')) return fail(why, "signed years are not ISO dates");
    if (!digits(&p, end, 4, 4, &f->y) || p >= end || *p++ != '-' ||
        !digits(&p, end, 2, 2, &f->mo) || p >= end || *p++ != '-' || !digits(&p, end, 2, 2, &f->d))
        return fail(why, "expected yyyy-MM-dd");
    if (p == end) return 0;
    if (*p != 'T' && *p != 't' && *p != ' ') return fail(why, "expected 'T' or ' ' after the date");
    p++;
    if (!digits(&p, end, 2, 2, &f->h) || p >= end || *p++ != ':' || !digits(&p, end, 2, 2, &f->mi))
        return fail(why, "expected HH:mm after the date");
    if (p < end && *p == ':') {
        p++;
        if (!digits(&p, end, 2, 2, &f->s)) return fail(why, "expected seconds after HH:mm:");
        if (p < end && (*p == '.' || *p == ',')) {
            p++;
            int64_t frac;
            int k = digits(&p, end, 1, 9, &frac);
            if (!k) return fail(why, "expected digits after the decimal point");
            while (k++ < 9) frac *= 10;
            f->ns = frac;
            while (p < end && *p >= '0' && *p <= '9') p++; /* beyond nanoseconds: dropped */
        }
    }
    if (p < end) {
        if (!offset(&p, end, &f->off)) return fail(why, "bad time zone offset");
        f->has_off = true;
    }
    if (p != end) return fail(why, "unexpected text after the time");
    return 0;
}

static int parse_pattern(fields *f, const silt_datefmt *fmt, const char *p, const char *end,
                         const char **why)
{
    for (int i = 0; i < fmt->n; i++) {
        const struct silt_datefmt_item *it = &fmt->items[i];
        int64_t v = 0;
        int min = it->width == 1 ? 1 : it->width, max = it->width == 1 ? 2 : it->width;
        switch (it->kind) {
        case 'L': {
            size_t k = strlen(it->lit);
            if ((size_t)(end - p) < k || memcmp(p, it->lit, k) != 0)
                return fail(why, "text does not match the pattern");
            p += k;
            continue;
        }
        case 'y':
            if (it->width == 2) {
                if (digits(&p, end, 2, 2, &v) != 2) return fail(why, "expected a 2-digit year");
                f->y = 2000 + v;
            } else {
                /* up to 9 digits, or exactly the letters' count when digits follow at once
                 * (yyyyMMdd) */
                const struct silt_datefmt_item *nx = i + 1 < fmt->n ? &fmt->items[i + 1] : NULL;
                bool packed = nx && nx->kind != 'L' && nx->kind != 'a' && nx->kind != 'X';
                if (!digits(&p, end, it->width < 4 ? 1 : it->width,
                            packed ? (it->width < 4 ? 4 : it->width) : 9, &v))
                    return fail(why, "expected a year");
                f->y = v;
            }
            continue;
        case 'S': {
            int k = digits(&p, end, 1, it->width == 1 ? 9 : it->width, &v);
            if (!k || (it->width > 1 && k != it->width))
                return fail(why, "expected a fraction of a second");
            while (k++ < 9) v *= 10;
            f->ns = v;
            continue;
        }
        case 'a':
            if (end - p >= 2 && (p[1] == 'M' || p[1] == 'm') &&
                (p[0] == 'A' || p[0] == 'a' || p[0] == 'P' || p[0] == 'p')) {
                f->pm = p[0] == 'P' || p[0] == 'p';
                f->has_ampm = true;
                p += 2;
                continue;
            }
            return fail(why, "expected AM or PM");
        case 'X':
            if (!offset(&p, end, &f->off)) return fail(why, "bad time zone offset");
            f->has_off = true;
            continue;
        default: break;
        }
        if (!digits(&p, end, min, max, &v)) return fail(why, "expected digits");
        switch (it->kind) {
        case 'M': f->mo = v; break;
        case 'd': f->d = v; break;
        case 'H': f->h = v; break;
        case 'h':
            f->h = v;
            f->h12 = true;
            break;
        case 'm': f->mi = v; break;
        case 's': f->s = v; break;
        default: break;
        }
    }
    if (p != end) return fail(why, "unexpected text after the pattern");
    if (f->h12) {
        if (f->h < 1 || f->h > 12) return fail(why, "hour out of range 1-12");
        f->h = f->h % 12 + (f->pm ? 12 : 0);
    } else if (f->has_ampm && f->pm && f->h < 12) {
        f->h += 12;
    }
    return 0;
}

int silt_datefmt_parse(int64_t *out_secs, int32_t *out_nanos, bool *out_has_offset,
                       const silt_datefmt *fmt, const char *s, size_t len, const char **why)
{
    fields f = {.y = 1970, .mo = 1, .d = 1};
    int rc = fmt->iso ? parse_iso(&f, s, s + len, why) : parse_pattern(&f, fmt, s, s + len, why);
    if (rc) return rc;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (f.mo < 1 || f.mo > 12) return fail(why, "month out of range");
    bool leap = (f.y % 4 == 0 && f.y % 100 != 0) || f.y % 400 == 0;
    if (f.d < 1 || f.d > mdays[f.mo - 1] || (f.mo == 2 && f.d == 29 && !leap))
        return fail(why, "no such day in that month");
    if (f.h > 23 || f.mi > 59 || f.s > 60) return fail(why, "time out of range");
    if (f.s == 60) f.s = 59; /* a leap second reads as the second before it */
    if (f.y > 294000) return fail(why, "year out of range");
    int64_t days = silt_time_days_from_civil(f.y, (unsigned)f.mo, (unsigned)f.d);
    int64_t secs = days * 86400 + f.h * 3600 + f.mi * 60 + f.s - f.off;
    *out_secs = secs;
    *out_nanos = (int32_t)f.ns;
    if (out_has_offset) *out_has_offset = f.has_off;
    return 0;
}
