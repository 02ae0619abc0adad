/* Dates and times: to_date and to_timestamp (Spark patterns through util/datefmt, or Spark's
 * lenient casts), the fields (year .. second, dayofweek with 1 = Sunday, quarter, dayofyear,
 * weekofyear), date_add, date_sub, datediff, current_date, current_timestamp. Text that is
 * not a date gives NULL. Timestamps are read in UTC. */
#include <stdio.h>
#include <string.h>

#include "sql/fn_time.h"
#include "util/alloc.h"
#include "util/datefmt.h"

/* ---- to_date, to_timestamp ---- */

typedef struct parse_site {
    bool to_ts;     /* to_timestamp, else to_date */
    bool fmt_const; /* fmt compiled in bind */
    silt_datefmt fmt;
} parse_site;

static int parse_bind_kind_impl(silt_sql_fn_bind *b, bool to_ts, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (!fn_is_datetime(t) && t != SILT_TYPE_STRING) {
        if (b->arg_types[0]->n_children) return fn_bad_args(err, name, b, "expected a string");
        fn_want(b, 0, SILT_TYPE_STRING);
    }
    if (b->n_args > 1 && b->arg_types[1]->type != SILT_TYPE_STRING)
        return fn_bad_args(err, name, b, "the format must be a string");
    parse_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->to_ts = to_ts;
    const silt_column *k = b->n_args > 1 ? b->const_args[1] : NULL;
    if (k && silt_column_is_valid(k, 0)) {
        size_t len;
        const uint8_t *p = silt_column_bytes(k, 0, &len);
        char pat[256];
        snprintf(pat, sizeof pat, "%.*s", (int)len, (const char *)p);
        int rc = silt_datefmt_compile(&s->fmt, pat, err);
        if (rc) {
            silt_error_prefix(err, "%s", name);
            return rc;
        }
        s->fmt_const = true;
    }
    return fn_ret(b, to_ts ? SILT_TYPE_TIMESTAMP : SILT_TYPE_DATE32, err);
}

static int parse_bind_kind(silt_sql_fn_bind *b, bool to_ts, const char *name, silt_error *err)
{
    return fn_bind_done(b, parse_bind_kind_impl(b, to_ts, name, err), silt_free);
}

static int to_date_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return parse_bind_kind(b, false, "to_date", err);
}
static int to_ts_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return parse_bind_kind(b, true, "to_timestamp", err);
}

/* A format that is not a constant, compiled once per distinct text in a run of rows (the
 * same pattern on every row is compiled once per batch, not once per row). */
typedef struct row_fmt_cache {
    bool valid; /* fmt holds the compiled pat */
    bool ok;    /* pat compiled */
    char pat[256];
    silt_datefmt fmt;
} row_fmt_cache;

static const silt_datefmt *row_format(row_fmt_cache *c, const uint8_t *fp, size_t fl)
{
    char pat[256];
    snprintf(pat, sizeof pat, "%.*s", (int)fl, fl ? (const char *)fp : "");
    if (!c->valid || strcmp(pat, c->pat)) {
        memcpy(c->pat, pat, sizeof pat);
        c->ok = silt_datefmt_compile(&c->fmt, pat, NULL) == 0;
        c->valid = true;
    }
    return c->ok ? &c->fmt : NULL;
}

/* Parses row r's text; returns false for NULL. *us = the instant in microseconds, or, for
 * to_date without a format (*is_days set), the day itself: a DATE reaches further than a
 * timestamp in microseconds does. An instant past the int64 microsecond range is NULL. */
static bool parse_text(const parse_site *s, row_fmt_cache *row_fmt, const silt_sql_fn_args *a,
                       int64_t r, int64_t *us, bool *is_days)
{
    size_t n;
    const uint8_t *p = fn_str(a, 0, r, &n);
    if (a->n == 1) {
        if (s->to_ts) return fn_text_to_us(p, n, us);
        *is_days = true;
        return fn_text_to_days(p, n, us);
    }
    const silt_datefmt *f = &s->fmt;
    if (!s->fmt_const) {
        size_t fl;
        const uint8_t *fp = fn_str(a, 1, r, &fl);
        if (!(f = row_format(row_fmt, fp, fl))) return false;
    }
    int64_t secs;
    int32_t nanos;
    if (silt_datefmt_parse(&secs, &nanos, NULL, f, (const char *)p, n, NULL) != 0) return false;
    return !__builtin_mul_overflow(secs, (int64_t)1000000, us) &&
           !__builtin_add_overflow(*us, (int64_t)(nanos / 1000), us);
}

static int parse_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    const parse_site *s = state;
    const silt_column *c = a->cols[0];
    row_fmt_cache row_fmt;
    row_fmt.valid = false;
    if (silt_column_reserve(out, n, 0)) return FN_OOM(err);
    for (int64_t r = 0; r < n; r++) {
        int64_t us = 0, i = silt_sql_arg_row(a, 0, r);
        bool ok = fn_all_valid(a, r), is_days = false;
        if (ok && c->type == SILT_TYPE_STRING)
            ok = parse_text(s, &row_fmt, a, r, &us, &is_days);
        else if (ok)
            us = fn_arg_us(c, i);
        int rc = !ok ? silt_column_append_null(out)
                 : is_days || s->to_ts
                     ? silt_column_append_int(out, us)
                     : silt_column_append_int(out, fn_floor_div(us, FN_US_PER_DAY));
        if (rc) return FN_OOM(err);
    }
    return 0;
}

/* ---- fields ---- */

enum {
    F_YEAR,
    F_MONTH,
    F_DAY,
    F_HOUR,
    F_MINUTE,
    F_SECOND,
    F_DOW,
    F_WEEKDAY,
    F_QUARTER,
    F_DOY,
    F_WEEK
};

static int64_t iso_week(const fn_civil *c)
{
    int64_t wd = fn_floor_mod(c->day + 3, 7); /* 0 = Monday */
    int64_t thu = c->day - wd + 3;
    int64_t y;
    unsigned m, d;
    silt_time_civil_from_days(thu, &y, &m, &d);
    return (thu - silt_time_days_from_civil(y, 1, 1)) / 7 + 1;
}

static int64_t field_of(int f, const fn_civil *c)
{
    switch (f) {
    case F_YEAR: return c->y;
    case F_MONTH: return c->m;
    case F_DAY: return c->d;
    case F_HOUR: return c->hh;
    case F_MINUTE: return c->mi;
    case F_SECOND: return c->ss;
    case F_DOW: return fn_floor_mod(c->day + 4, 7) + 1;
    case F_WEEKDAY: return fn_floor_mod(c->day + 3, 7);
    case F_QUARTER: return (c->m - 1) / 3 + 1;
    case F_DOY: return c->day - silt_time_days_from_civil(c->y, 1, 1) + 1;
    default: return iso_week(c);
    }
}

static const int field_codes[] = {F_YEAR, F_MONTH,   F_DAY,     F_HOUR, F_MINUTE, F_SECOND,
                                  F_DOW,  F_WEEKDAY, F_QUARTER, F_DOY,  F_WEEK};

static int field_bind(silt_sql_fn_bind *b, int f, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    bool time_field = f == F_HOUR || f == F_MINUTE || f == F_SECOND;
    if (!fn_is_datetime(t)) {
        if (t != SILT_TYPE_STRING && t != 0)
            return fn_bad_args(err, name, b, "expected a date or a timestamp");
        fn_want(b, 0, time_field ? SILT_TYPE_TIMESTAMP : SILT_TYPE_DATE32);
    }
    b->state = (void *)&field_codes[f];
    return fn_ret(b, SILT_TYPE_INT32, err);
}

#define FIELD_BIND(fn, code, name)                                                                 \
    static int fn(silt_sql_fn_bind *b, silt_error *err)                                            \
    {                                                                                              \
        return field_bind(b, code, name, err);                                                     \
    }
FIELD_BIND(year_bind, F_YEAR, "year")
FIELD_BIND(month_bind, F_MONTH, "month")
FIELD_BIND(day_bind, F_DAY, "day")
FIELD_BIND(hour_bind, F_HOUR, "hour")
FIELD_BIND(minute_bind, F_MINUTE, "minute")
FIELD_BIND(second_bind, F_SECOND, "second")
FIELD_BIND(dow_bind, F_DOW, "dayofweek")
FIELD_BIND(weekday_bind, F_WEEKDAY, "weekday")
FIELD_BIND(quarter_bind, F_QUARTER, "quarter")
FIELD_BIND(doy_bind, F_DOY, "dayofyear")
FIELD_BIND(week_bind, F_WEEK, "weekofyear")

static int field_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    int f = *(const int *)state;
    const silt_column *c = a->cols[0];
    if (silt_column_reserve(out, n, 0)) return FN_OOM(err);
    for (int64_t r = 0; r < n; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r);
        if (!silt_column_is_valid(c, i)) {
            if (silt_column_append_null(out)) return FN_OOM(err);
            continue;
        }
        fn_civil cv;
        if (c->type == SILT_TYPE_DATE32)
            fn_civil_from_days(&cv, fn_get_i64(c, i));
        else
            fn_civil_from_us(&cv, fn_arg_us(c, i));
        if (silt_column_append_int(out, field_of(f, &cv))) return FN_OOM(err);
    }
    return 0;
}

/* ---- date_add, date_sub, datediff ---- */

static int days_arg(silt_sql_fn_bind *b, size_t i, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[i]->type;
    if (t == SILT_TYPE_DATE32) return 0;
    if (t != SILT_TYPE_STRING && !fn_is_datetime(t) && t != 0)
        return fn_bad_args(err, name, b, "expected a date");
    fn_want(b, i, SILT_TYPE_DATE32);
    return 0;
}

static int date_add_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (days_arg(b, 0, "date_add", err)) return SILT_EINVAL;
    silt_type_id t = b->arg_types[1]->type;
    if (!fn_is_int(t) && t != SILT_TYPE_STRING && t != 0)
        return fn_bad_args(err, "date_add", b, "the number of days must be an integer");
    if (t != SILT_TYPE_INT32) fn_want(b, 1, SILT_TYPE_INT32);
    return fn_ret(b, SILT_TYPE_DATE32, err);
}

static int date_add_kind(silt_column *out, const silt_sql_fn_args *a, int64_t n, int sign,
                         silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int rc;
        if (!fn_all_valid(a, r)) {
            rc = silt_column_append_null(out);
        } else {
            int64_t d = fn_get_i64(a->cols[0], silt_sql_arg_row(a, 0, r));
            int64_t k = fn_get_i64(a->cols[1], silt_sql_arg_row(a, 1, r));
            rc = silt_column_append_int(out, (int32_t)(uint32_t)(uint64_t)(d + sign * k));
        }
        if (rc) return FN_OOM(err);
    }
    return 0;
}
static int date_add_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    return date_add_kind(out, a, n, 1, err);
}
static int date_sub_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    return date_add_kind(out, a, n, -1, err);
}

static int datediff_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (days_arg(b, 0, "datediff", err) || days_arg(b, 1, "datediff", err)) return SILT_EINVAL;
    return fn_ret(b, SILT_TYPE_INT32, err);
}

static int datediff_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int rc =
            fn_all_valid(a, r)
                ? silt_column_append_int(out, fn_get_i64(a->cols[0], silt_sql_arg_row(a, 0, r)) -
                                                  fn_get_i64(a->cols[1], silt_sql_arg_row(a, 1, r)))
                : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

/* ---- current_date, current_timestamp ---- */

static int now_bind_kind_impl(silt_sql_fn_bind *b, silt_type_id t, silt_error *err)
{
    int64_t *v = silt_malloc(sizeof *v);
    if (!v) return FN_OOM(err);
    *v = t == SILT_TYPE_DATE32 ? fn_floor_div(b->now_us, FN_US_PER_DAY) : b->now_us;
    b->state = v;
    if (fn_ret(b, t, err)) return SILT_ENOMEM;
    b->ret.nullable = false;
    return 0;
}

static int now_bind_kind(silt_sql_fn_bind *b, silt_type_id t, silt_error *err)
{
    return fn_bind_done(b, now_bind_kind_impl(b, t, err), silt_free);
}
static int cur_date_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return now_bind_kind(b, SILT_TYPE_DATE32, err);
}
static int cur_ts_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return now_bind_kind(b, SILT_TYPE_TIMESTAMP, err);
}

static int now_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    for (int64_t r = 0; r < n; r++)
        if (silt_column_append_int(out, *(const int64_t *)state)) return FN_OOM(err);
    return 0;
}

#define FIELD(name, bind, doc)                                                                     \
    {                                                                                              \
        name, 1, 1, bind, field_eval, NULL, doc                                                    \
    }

const silt_sql_scalar_fn silt_sql_fn_date[] = {
    {"to_date", 1, 2, to_date_bind, parse_eval, silt_free,
     "to_date(str[, fmt]) - str as a date, read with Spark pattern fmt (e.g. 'M/d/yyyy') or as "
     "Spark casts text; NULL when it does not match. to_date('12/9/2019', 'M/d/yyyy') -> "
     "2019-12-09"},
    {"to_timestamp", 1, 2, to_ts_bind, parse_eval, silt_free,
     "to_timestamp(str[, fmt]) - str as a timestamp (UTC), read with Spark pattern fmt or as "
     "Spark casts text. to_timestamp('2016-12-31 00:12:00') -> 2016-12-31 00:12:00"},
    FIELD("year", year_bind,
          "year(d) - the year of a date or timestamp. year('2016-07-30') -> "
          "2016"),
    FIELD("month", month_bind, "month(d) - the month, 1-12. month('2016-07-30') -> 7"),
    FIELD("day", day_bind, "day(d) - the day of the month. day('2009-07-30') -> 30"),
    FIELD("dayofmonth", day_bind, "dayofmonth(d) - same as day. dayofmonth('2009-07-30') -> 30"),
    FIELD("hour", hour_bind,
          "hour(ts) - the hour, 0-23 (UTC). hour('2009-07-30 12:58:59') -> "
          "12"),
    FIELD("minute", minute_bind,
          "minute(ts) - the minute, 0-59. minute('2009-07-30 12:58:59') -> 58"),
    FIELD("second", second_bind,
          "second(ts) - the second, 0-59. second('2009-07-30 12:58:59') -> 59"),
    FIELD("dayofweek", dow_bind,
          "dayofweek(d) - the day of the week, 1 = Sunday .. 7 = Saturday. "
          "dayofweek('2009-07-30') -> 5"),
    FIELD("weekday", weekday_bind,
          "weekday(d) - the day of the week, 0 = Monday .. 6 = Sunday. weekday('2009-07-30') -> "
          "3"),
    FIELD("quarter", quarter_bind, "quarter(d) - the quarter, 1-4. quarter('2016-08-31') -> 3"),
    FIELD("dayofyear", doy_bind,
          "dayofyear(d) - the day of the year, 1-366. "
          "dayofyear('2016-04-09') -> 100"),
    FIELD("weekofyear", week_bind,
          "weekofyear(d) - the ISO 8601 week of the year. weekofyear('2008-02-20') -> 8"),
    {"date_add", 2, 2, date_add_bind, date_add_eval, NULL,
     "date_add(d, n) - the date n days after d. date_add('2016-07-30', 1) -> 2016-07-31"},
    {"date_sub", 2, 2, date_add_bind, date_sub_eval, NULL,
     "date_sub(d, n) - the date n days before d. date_sub('2016-07-30', 1) -> 2016-07-29"},
    {"datediff", 2, 2, datediff_bind, datediff_eval, NULL,
     "datediff(end, start) - days from start to end. datediff('2009-07-31', '2009-07-30') -> 1"},
    {"current_date", 0, 0, cur_date_bind, now_eval, silt_free,
     "current_date() - the date (UTC) when the statement started. current_date() -> 2026-12-02"},
    {"current_timestamp", 0, 0, cur_ts_bind, now_eval, silt_free,
     "current_timestamp() - the instant the statement started. current_timestamp() -> "
     "2026-12-02 09:47:45.123"},
    {"now", 0, 0, cur_ts_bind, now_eval, silt_free,
     "now() - same as current_timestamp. now() -> 2026-12-02 09:47:45.123"},
    {0},
};
