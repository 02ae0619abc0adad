/* Formatting dates and timestamps with Spark's datetime pattern letters (date_format,
 * from_unixtime): y, M/L (MMM Jan, MMMM
 * January), d, D, H, h, k, K, m, s, S (fraction), a, E (EEE Mon, EEEE Monday), Q, and zones
 * (always UTC here): z, VV, X, x, Z, O. Text in single quotes is literal. */
#include <stdio.h>

#include "sql/fn_time.h"
#include "util/alloc.h"
#include "util/buf.h"

#define FMT_MAX 48

typedef struct dfmt {
    int n;
    struct {
        char kind; /* letter, or 'L' for literal (lit[off..off+len)) */
        int width;
        int off, len;
    } items[FMT_MAX];
    char lit[256];
    int lit_len;
} dfmt;

static int add(dfmt *f, char kind, int width, const char *lit, int len)
{
    if (f->n >= FMT_MAX || f->lit_len + len > (int)sizeof f->lit) return -1;
    f->items[f->n].kind = kind;
    f->items[f->n].width = width;
    f->items[f->n].off = f->lit_len;
    f->items[f->n].len = len;
    memcpy(f->lit + f->lit_len, lit, (size_t)len);
    f->lit_len += len;
    f->n++;
    return 0;
}

/* Compiles a pattern; returns 0, or -1 naming the letter in *bad (0 = too long/quote). */
static int dfmt_compile(dfmt *f, const char *p, size_t n, char *bad)
{
    static const char known[] = "yuMLdDHhkKmsSaEQqzVXxZO";
    memset(f, 0, sizeof *f);
    *bad = 0;
    for (size_t i = 0; i < n;) {
        char c = p[i];
        if (c == '\'') {
            size_t j = i + 1;
            if (j < n && p[j] == '\'') {
                if (add(f, 'L', 0, "'", 1)) return -1;
                i += 2;
                continue;
            }
            while (j < n && p[j] != '\'') j++;
            if (j >= n || add(f, 'L', 0, p + i + 1, (int)(j - i - 1))) return -1;
            i = j + 1;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            size_t w = 1;
            while (i + w < n && p[i + w] == c) w++;
            if (!strchr(known, c)) {
                *bad = c;
                return -1;
            }
            if (add(f, c == 'u' ? 'y' : c == 'L' ? 'M' : c == 'q' ? 'Q' : c, (int)w, "", 0))
                return -1;
            i += w;
        } else {
            if (add(f, 'L', 0, p + i, 1)) return -1;
            i++;
        }
    }
    return 0;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const day_names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};

static void put_num(silt_buf *o, int64_t v, int width)
{
    silt_buf_printf(o, "%0*lld", width, (long long)v);
}

static void put_name(silt_buf *o, const char *name, int width)
{
    if (width >= 4)
        silt_buf_puts(o, name);
    else
        silt_buf_append(o, name, 3);
}

static void put_zone(silt_buf *o, char k, int w)
{
    if (k == 'z')
        silt_buf_puts(o, w >= 4 ? "Coordinated Universal Time" : "UTC");
    else if (k == 'V' || k == 'O')
        silt_buf_puts(o, k == 'V' ? "UTC" : "GMT");
    else if (k == 'X')
        silt_buf_puts(o, "Z");
    else if (k == 'x')
        silt_buf_puts(o, w == 1 ? "+00" : w == 2 || w == 4 ? "+0000" : "+00:00");
    else
        silt_buf_puts(o, w >= 4 ? "GMT" : "+0000");
}

static void put_item(silt_buf *o, const dfmt *f, int i, const fn_civil *c)
{
    char k = f->items[i].kind;
    int w = f->items[i].width;
    int64_t h12 = c->hh % 12 == 0 ? 12 : c->hh % 12;
    switch (k) {
    case 'L': silt_buf_append(o, f->lit + f->items[i].off, (size_t)f->items[i].len); break;
    case 'y': put_num(o, w == 2 ? fn_floor_mod(c->y, 100) : c->y, w); break;
    case 'M':
        if (w >= 3)
            put_name(o, month_names[c->m - 1], w);
        else
            put_num(o, c->m, w);
        break;
    case 'd': put_num(o, c->d, w); break;
    case 'D': put_num(o, c->day - silt_time_days_from_civil(c->y, 1, 1) + 1, w); break;
    case 'H': put_num(o, c->hh, w); break;
    case 'k': put_num(o, c->hh == 0 ? 24 : c->hh, w); break;
    case 'h': put_num(o, h12, w); break;
    case 'K': put_num(o, c->hh % 12, w); break;
    case 'm': put_num(o, c->mi, w); break;
    case 's': put_num(o, c->ss, w); break;
    case 'S': {
        char frac[16];
        snprintf(frac, sizeof frac, "%06lld000", (long long)c->us);
        silt_buf_append(o, frac, (size_t)(w > 9 ? 9 : w));
        break;
    }
    case 'a': silt_buf_puts(o, c->hh < 12 ? "AM" : "PM"); break;
    case 'E': put_name(o, day_names[fn_floor_mod(c->day + 3, 7)], w); break;
    case 'Q':
        if (w >= 3)
            silt_buf_printf(o, "Q%u", (c->m - 1) / 3 + 1);
        else
            put_num(o, (c->m - 1) / 3 + 1, w);
        break;
    default: put_zone(o, k, w);
    }
}

static void dfmt_apply(silt_buf *o, const dfmt *f, const fn_civil *c)
{
    for (int i = 0; i < f->n; i++) put_item(o, f, i, c);
}

/* ---- date_format, from_unixtime ---- */

typedef struct fmt_site {
    bool constant;
    dfmt f;
    bool from_unix; /* from_unixtime: the first argument is seconds */
} fmt_site;

static int fmt_bind_kind_impl(silt_sql_fn_bind *b, bool from_unix, const char *name,
                              silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (from_unix && t != SILT_TYPE_INT64) fn_want(b, 0, SILT_TYPE_INT64);
    if (!from_unix && !fn_is_datetime(t)) fn_want(b, 0, SILT_TYPE_TIMESTAMP);
    fmt_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->from_unix = from_unix;
    /* a pattern of another type is cast to a string first, and then it is no constant here */
    if (b->n_args > 1 && b->arg_types[1]->type != SILT_TYPE_STRING) fn_want(b, 1, SILT_TYPE_STRING);
    const silt_column *k =
        b->n_args > 1 && b->arg_types[1]->type == SILT_TYPE_STRING ? b->const_args[1] : NULL;
    const char *dflt = "yyyy-MM-dd HH:mm:ss";
    if (b->n_args == 1 || (k && silt_column_is_valid(k, 0))) {
        size_t len = strlen(dflt);
        const uint8_t *p = b->n_args == 1 ? (const uint8_t *)dflt : silt_column_bytes(k, 0, &len);
        char bad;
        if (dfmt_compile(&s->f, (const char *)p, len, &bad) != 0)
            return silt_error_set(err, SILT_EINVAL, "%s: pattern '%.*s' %s%c%s", name,
                                  (int)(len > 100 ? 100 : len), (const char *)p,
                                  bad ? "uses the unknown letter '" : "is too long",
                                  bad ? bad : ' ', bad ? "'" : "or has an unclosed quote");
        s->constant = true;
    }
    return fn_ret(b, SILT_TYPE_STRING, err);
}

static int fmt_bind_kind(silt_sql_fn_bind *b, bool from_unix, const char *name, silt_error *err)
{
    return fn_bind_done(b, fmt_bind_kind_impl(b, from_unix, name, err), silt_free);
}
static int date_format_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fmt_bind_kind(b, false, "date_format", err);
}
static int from_unixtime_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fmt_bind_kind(b, true, "from_unixtime", err);
}

static int fmt_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                    silt_error *err)
{
    const fmt_site *s = state;
    silt_buf o = SILT_BUF_INIT;
    dfmt row;
    int rc = 0;
    for (int64_t r = 0; r < n && rc == 0; r++) {
        const dfmt *f = &s->f;
        char bad;
        size_t fl;
        if (fn_all_valid(a, r) && !s->constant) {
            const uint8_t *fp = fn_str(a, 1, r, &fl);
            f = dfmt_compile(&row, (const char *)fp, fl, &bad) == 0 ? &row : NULL;
        }
        if (!fn_all_valid(a, r) || !f) {
            rc = silt_column_append_null(out);
            continue;
        }
        int64_t i = silt_sql_arg_row(a, 0, r), v = fn_get_i64(a->cols[0], i);
        fn_civil c;
        fn_civil_from_us(&c, s->from_unix ? v * 1000000 : fn_arg_us(a->cols[0], i));
        silt_buf_reset(&o);
        dfmt_apply(&o, f, &c);
        rc = silt_buf_oom(&o)
                 ? SILT_ENOMEM
                 : silt_column_append_bytes(out, o.ptr ? o.ptr : (const uint8_t *)"", o.len);
    }
    silt_buf_free(&o);
    return rc ? FN_OOM(err) : 0;
}

const silt_sql_scalar_fn silt_sql_fn_date_format[] = {
    {"date_format", 2, 2, date_format_bind, fmt_eval, silt_free,
     "date_format(ts, fmt) - ts (UTC) as text in Spark pattern fmt. "
     "date_format('2016-04-08', 'y') -> '2016'"},
    {"from_unixtime", 1, 2, from_unixtime_bind, fmt_eval, silt_free,
     "from_unixtime(secs[, fmt]) - seconds since the epoch as text in fmt (default "
     "'yyyy-MM-dd HH:mm:ss', UTC). from_unixtime(0) -> '1970-01-01 00:00:00'"},
    {0},
};
