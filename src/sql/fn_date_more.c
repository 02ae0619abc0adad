/* More date functions: unix_timestamp (seconds since the epoch, text read with a Spark pattern,
 * 'yyyy-MM-dd HH:mm:ss' by default), add_months (the day clamped to the month's end, as Spark),
 * last_day, make_date (NULL for a date that does not exist, non-ANSI). */
#include <stdio.h>

#include "sql/fn_time.h"
#include "util/alloc.h"
#include "util/datefmt.h"

/* ---- unix_timestamp ---- */

typedef struct unix_site {
    bool fmt_const;
    silt_datefmt fmt;
    int64_t now_s;
} unix_site;

static int compile_text(silt_datefmt *f, const uint8_t *p, size_t len, silt_error *err)
{
    char pat[256];
    snprintf(pat, sizeof pat, "%.*s", (int)len, len ? (const char *)p : "");
    return silt_datefmt_compile(f, pat, err);
}

static int unix_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    unix_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->now_s = fn_floor_div(b->now_us, 1000000);
    if (b->n_args > 0) {
        silt_type_id t = b->arg_types[0]->type;
        if (!fn_is_datetime(t) && t != SILT_TYPE_STRING) fn_want(b, 0, SILT_TYPE_STRING);
        if (b->n_args > 1 && b->arg_types[1]->type != SILT_TYPE_STRING)
            return fn_bad_args(err, "unix_timestamp", b, "the format must be a string");
        const silt_column *k = b->n_args > 1 ? b->const_args[1] : NULL;
        int rc = 0;
        if (b->n_args == 1) {
            rc = silt_datefmt_compile(&s->fmt, "yyyy-MM-dd HH:mm:ss", err);
            s->fmt_const = true;
        } else if (k && silt_column_is_valid(k, 0)) {
            size_t len;
            const uint8_t *p = silt_column_bytes(k, 0, &len);
            rc = compile_text(&s->fmt, p, len, err);
            s->fmt_const = true;
        }
        if (rc) {
            silt_error_prefix(err, "unix_timestamp");
            return rc;
        }
    }
    return fn_ret(b, SILT_TYPE_INT64, err);
}
static int unix_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, unix_bind_impl(b, err), silt_free);
}

/* Seconds of row r; false for NULL. */
static bool unix_row(const unix_site *s, const silt_sql_fn_args *a, int64_t r, int64_t *secs)
{
    if (a->n == 0) {
        *secs = s->now_s;
        return true;
    }
    if (!fn_all_valid(a, r)) return false;
    const silt_column *c = a->cols[0];
    int64_t i = silt_sql_arg_row(a, 0, r);
    if (c->type != SILT_TYPE_STRING) {
        *secs = fn_floor_div(fn_arg_us(c, i), 1000000);
        return true;
    }
    silt_datefmt row_fmt;
    const silt_datefmt *f = &s->fmt;
    if (!s->fmt_const) {
        size_t fl;
        const uint8_t *fp = fn_str(a, 1, r, &fl);
        if (compile_text(&row_fmt, fp, fl, NULL)) return false;
        f = &row_fmt;
    }
    size_t n;
    const uint8_t *p = fn_str(a, 0, r, &n);
    int32_t nanos;
    return silt_datefmt_parse(secs, &nanos, NULL, f, (const char *)p, n, NULL) == 0;
}

static int unix_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                     silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int64_t secs;
        int rc = unix_row(state, a, r, &secs) ? silt_column_append_int(out, secs)
                                              : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

/* ---- add_months, last_day, make_date ---- */

static int days_in_month(int64_t y, unsigned m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : md[m - 1];
}

static int date_arg(silt_sql_fn_bind *b, size_t i, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[i]->type;
    if (t == SILT_TYPE_DATE32) return 0;
    if (!fn_is_datetime(t) && t != SILT_TYPE_STRING && t != 0)
        return fn_bad_args(err, name, b, "expected a date");
    fn_want(b, i, SILT_TYPE_DATE32);
    return 0;
}

static int int_arg(silt_sql_fn_bind *b, size_t i, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[i]->type;
    if (!fn_is_int(t) && t != SILT_TYPE_STRING && t != 0)
        return fn_bad_args(err, name, b, "expected an integer");
    if (t != SILT_TYPE_INT32) fn_want(b, i, SILT_TYPE_INT32);
    return 0;
}

static int add_months_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (date_arg(b, 0, "add_months", err) || int_arg(b, 1, "add_months", err)) return SILT_EINVAL;
    return fn_ret(b, SILT_TYPE_DATE32, err);
}
static int last_day_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (date_arg(b, 0, "last_day", err)) return SILT_EINVAL;
    return fn_ret(b, SILT_TYPE_DATE32, err);
}
static int make_date_bind(silt_sql_fn_bind *b, silt_error *err)
{
    for (size_t i = 0; i < 3; i++)
        if (int_arg(b, i, "make_date", err)) return SILT_EINVAL;
    return fn_ret(b, SILT_TYPE_DATE32, err);
}

static int64_t arg_at(const silt_sql_fn_args *a, size_t i, int64_t r)
{
    return fn_get_i64(a->cols[i], silt_sql_arg_row(a, i, r));
}

/* The date of row r for add_months (kind 0), last_day (1) or make_date (2); false for NULL. */
static bool month_row(int kind, const silt_sql_fn_args *a, int64_t r, int64_t *out)
{
    if (!fn_all_valid(a, r)) return false;
    if (kind == 2) {
        int64_t y = arg_at(a, 0, r), m = arg_at(a, 1, r), d = arg_at(a, 2, r);
        if (y < 0 || y > 294000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
            return false;
        *out = silt_time_days_from_civil(y, (unsigned)m, (unsigned)d);
        return true;
    }
    fn_civil c;
    fn_civil_from_days(&c, arg_at(a, 0, r));
    int64_t y = c.y;
    unsigned m = c.m, d = c.d;
    if (kind == 0) {
        int64_t months = y * 12 + (m - 1) + arg_at(a, 1, r);
        y = fn_floor_div(months, 12);
        m = (unsigned)(months - y * 12) + 1;
        if (d > (unsigned)days_in_month(y, m)) d = (unsigned)days_in_month(y, m);
    } else {
        d = (unsigned)days_in_month(y, m);
    }
    *out = silt_time_days_from_civil(y, m, d);
    return true;
}

static int month_eval_kind(int kind, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int64_t d;
        int rc = month_row(kind, a, r, &d) ? silt_column_append_int(out, d)
                                           : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}
static int add_months_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                           silt_error *err)
{
    return month_eval_kind(0, out, a, n, err);
}
static int last_day_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    return month_eval_kind(1, out, a, n, err);
}
static int make_date_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                          silt_error *err)
{
    return month_eval_kind(2, out, a, n, err);
}

const silt_sql_scalar_fn silt_sql_fn_date_more[] = {
    {"unix_timestamp", 0, 2, unix_bind, unix_eval, silt_free,
     "unix_timestamp([x[, fmt]]) - seconds since the epoch of x (text read with fmt, default "
     "'yyyy-MM-dd HH:mm:ss'; NULL if it does not match), or of now. "
     "unix_timestamp('2016-04-08', 'yyyy-MM-dd') -> 1460073600"},
    {"to_unix_timestamp", 1, 2, unix_bind, unix_eval, silt_free,
     "to_unix_timestamp(x[, fmt]) - same as unix_timestamp. "
     "to_unix_timestamp('2016-04-08', 'yyyy-MM-dd') -> 1460073600"},
    {"add_months", 2, 2, add_months_bind, add_months_eval, NULL,
     "add_months(d, n) - the date n months after d, the day cut to the month's last. "
     "add_months('2016-08-31', 1) -> 2016-09-30"},
    {"last_day", 1, 1, last_day_bind, last_day_eval, NULL,
     "last_day(d) - the last day of d's month. last_day('2009-01-12') -> 2009-01-31"},
    {"make_date", 3, 3, make_date_bind, make_date_eval, NULL,
     "make_date(y, m, d) - the date, NULL if it does not exist. make_date(2013, 7, 15) -> "
     "2013-07-15"},
    {0},
};
