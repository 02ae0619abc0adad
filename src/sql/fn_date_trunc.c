/* Truncating instants: date_trunc(unit, ts) to a timestamp, trunc(date, unit) to a date, and
 * window(ts, duration[, slide[, start]]) for tumbling windows as Spark aligns them (to the epoch
 * plus start), a struct<start:timestamp,end:timestamp>. Timestamps are in UTC. */
#include <strings.h>

#include "sql/fn_time.h"
#include "util/alloc.h"

enum { U_NONE, U_YEAR, U_QUARTER, U_MONTH, U_WEEK, U_DAY, U_HOUR, U_MINUTE, U_SECOND, U_MS, U_US };

static int unit_of(const uint8_t *s, size_t n)
{
    static const struct {
        const char *name;
        int unit;
    } names[] = {
        {"year", U_YEAR},     {"yyyy", U_YEAR},      {"yy", U_YEAR},        {"quarter", U_QUARTER},
        {"month", U_MONTH},   {"mm", U_MONTH},       {"mon", U_MONTH},      {"week", U_WEEK},
        {"day", U_DAY},       {"dd", U_DAY},         {"hour", U_HOUR},      {"minute", U_MINUTE},
        {"second", U_SECOND}, {"millisecond", U_MS}, {"microsecond", U_US},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, (const char *)s, n) == 0)
            return names[i].unit;
    return U_NONE;
}

/* The first day of the unit (year .. week) containing day `days`. */
static int64_t trunc_days(int64_t days, int unit)
{
    fn_civil c;
    fn_civil_from_days(&c, days);
    switch (unit) {
    case U_YEAR: return silt_time_days_from_civil(c.y, 1, 1);
    case U_QUARTER: return silt_time_days_from_civil(c.y, (c.m - 1) / 3 * 3 + 1, 1);
    case U_MONTH: return silt_time_days_from_civil(c.y, c.m, 1);
    case U_WEEK: return days - fn_floor_mod(days + 3, 7);
    default: return days;
    }
}

static int64_t trunc_us(int64_t us, int unit)
{
    static const int64_t step[] = {[U_HOUR] = 3600000000LL,
                                   [U_MINUTE] = 60000000LL,
                                   [U_SECOND] = 1000000LL,
                                   [U_MS] = 1000LL,
                                   [U_US] = 1};
    if (unit <= U_DAY) return trunc_days(fn_floor_div(us, FN_US_PER_DAY), unit) * FN_US_PER_DAY;
    return us - fn_floor_mod(us, step[unit]);
}

/* Binds date_trunc (unit first) or trunc (unit second). */
static int trunc_bind_kind_impl(silt_sql_fn_bind *b, bool to_date, silt_error *err)
{
    const char *name = to_date ? "trunc" : "date_trunc";
    size_t ui = to_date ? 1 : 0, vi = 1 - ui;
    silt_type_id t = b->arg_types[vi]->type;
    if (!fn_is_datetime(t) && t != SILT_TYPE_STRING && t != 0)
        return fn_bad_args(err, name, b, "expected a date or a timestamp");
    if (to_date && t != SILT_TYPE_DATE32) fn_want(b, vi, SILT_TYPE_DATE32);
    if (!to_date && t != SILT_TYPE_TIMESTAMP) fn_want(b, vi, SILT_TYPE_TIMESTAMP);
    if (b->arg_types[ui]->type != SILT_TYPE_STRING)
        return fn_bad_args(err, name, b, "the unit must be a string such as 'month'");
    int *unit = silt_calloc(1, sizeof *unit);
    if (!unit) return FN_OOM(err);
    b->state = unit;
    const silt_column *k = b->const_args[ui];
    *unit = -1; /* per row */
    if (k && silt_column_is_valid(k, 0)) {
        size_t len;
        const uint8_t *p = silt_column_bytes(k, 0, &len);
        *unit = unit_of(p, len);
    }
    if (to_date && *unit > U_WEEK) *unit = U_NONE;
    return fn_ret(b, to_date ? SILT_TYPE_DATE32 : SILT_TYPE_TIMESTAMP, err);
}

static int trunc_bind_kind(silt_sql_fn_bind *b, bool to_date, silt_error *err)
{
    return fn_bind_done(b, trunc_bind_kind_impl(b, to_date, err), silt_free);
}
static int date_trunc_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return trunc_bind_kind(b, false, err);
}
static int trunc_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return trunc_bind_kind(b, true, err);
}

static int trunc_eval_kind(int unit0, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           bool to_date, silt_error *err)
{
    size_t ui = to_date ? 1 : 0, vi = 1 - ui;
    for (int64_t r = 0; r < n; r++) {
        int unit = unit0;
        if (unit < 0 && fn_valid(a, ui, r)) {
            size_t len;
            const uint8_t *p = fn_str(a, ui, r, &len);
            unit = unit_of(p, len);
            if (to_date && unit > U_WEEK) unit = U_NONE;
        }
        int rc;
        if (!fn_all_valid(a, r) || unit <= U_NONE)
            rc = silt_column_append_null(out);
        else if (to_date)
            rc = silt_column_append_int(
                out, trunc_days(fn_get_i64(a->cols[vi], silt_sql_arg_row(a, vi, r)), unit));
        else
            rc = silt_column_append_int(
                out, trunc_us(fn_get_i64(a->cols[vi], silt_sql_arg_row(a, vi, r)), unit));
        if (rc) return FN_OOM(err);
    }
    return 0;
}
static int date_trunc_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           silt_error *err)
{
    return trunc_eval_kind(*(int *)state, out, a, n, false, err);
}
static int trunc_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    return trunc_eval_kind(*(int *)state, out, a, n, true, err);
}

/* ---- window ---- */

typedef struct window_site {
    int64_t size, start; /* microseconds */
} window_site;

/* Reads constant interval argument i into *us. */
static int interval_arg(silt_sql_fn_bind *b, size_t i, int64_t *us, silt_error *err)
{
    const silt_column *k = b->const_args[i];
    if (!k || b->arg_types[i]->type != SILT_TYPE_STRING || !silt_column_is_valid(k, 0))
        return fn_bad_args(err, "window", b,
                           "durations must be constant strings such as "
                           "'5 minutes'");
    size_t len;
    const uint8_t *p = silt_column_bytes(k, 0, &len);
    if (!fn_parse_interval(p, len, us))
        return silt_error_set(err, SILT_EINVAL,
                              "window: '%.*s' is not a duration (expected e.g. '5 minutes', "
                              "'1 hour', '10 seconds'; months and years are not supported)",
                              (int)(len > 80 ? 80 : len), (const char *)p);
    return 0;
}

static int window_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (!fn_is_datetime(t) && t != SILT_TYPE_STRING)
        return fn_bad_args(err, "window", b, "expected a timestamp");
    window_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    int64_t slide;
    if (interval_arg(b, 1, &s->size, err)) return SILT_EINVAL;
    if (s->size <= 0) return fn_bad_args(err, "window", b, "the duration must be positive");
    if (b->n_args > 2 && (interval_arg(b, 2, &slide, err) || slide != s->size))
        return fn_bad_args(err, "window", b,
                           "only tumbling windows (slide = duration) are supported");
    if (b->n_args > 3 && interval_arg(b, 3, &s->start, err)) return SILT_EINVAL;
    bool tz = t != SILT_TYPE_TIMESTAMP || b->arg_types[0]->tz_utc;
    if (t != SILT_TYPE_TIMESTAMP) fn_want(b, 0, SILT_TYPE_TIMESTAMP);
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_STRUCT, true, 2) ||
        silt_field_init(&b->ret.children[0], "start", SILT_TYPE_TIMESTAMP, true) ||
        silt_field_init(&b->ret.children[1], "end", SILT_TYPE_TIMESTAMP, true))
        return FN_OOM(err);
    b->ret.children[0].tz_utc = b->ret.children[1].tz_utc = tz;
    return 0;
}

static int window_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, window_bind_impl(b, err), silt_free);
}

static int window_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                       silt_error *err)
{
    const window_site *s = state;
    for (int64_t r = 0; r < n; r++) {
        int rc;
        if (!fn_valid(a, 0, r)) {
            rc = silt_column_append_null(out);
        } else {
            int64_t ts = fn_get_i64(a->cols[0], silt_sql_arg_row(a, 0, r));
            int64_t start = ts - fn_floor_mod(ts - s->start, s->size);
            rc = silt_column_append_int(&out->children[0], start);
            if (!rc) rc = silt_column_append_int(&out->children[1], start + s->size);
            if (!rc) rc = silt_column_append_valid(out);
        }
        if (rc) return FN_OOM(err);
    }
    return 0;
}

const silt_sql_scalar_fn silt_sql_fn_date_trunc[] = {
    {"date_trunc", 2, 2, date_trunc_bind, date_trunc_eval, silt_free,
     "date_trunc(unit, ts) - ts cut to the unit (year, quarter, month, week, day, hour, minute, "
     "second, millisecond, microsecond). date_trunc('MM', '2015-03-05T09:32:05') -> "
     "2015-03-01 00:00:00"},
    {"trunc", 2, 2, trunc_bind, trunc_eval, silt_free,
     "trunc(date, unit) - the date cut to the unit (year, quarter, month, week). "
     "trunc('2019-08-04', 'month') -> 2019-08-01"},
    {"window", 2, 4, window_bind, window_eval, silt_free,
     "window(ts, duration[, slide[, start]]) - the tumbling window holding ts, "
     "struct<start,end>, aligned to the epoch (+ start). window(ts, '5 minutes') -> "
     "{start: 2024-01-01 10:05:00, end: 2024-01-01 10:10:00}"},
    {0},
};
