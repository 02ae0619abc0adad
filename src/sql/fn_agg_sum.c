/* count, sum and avg, with and without DISTINCT, as Spark types them: count bigint; sum of
 * integers bigint (wrapping), of floats double, of decimal(p,s) decimal(p+10,s); avg double, or
 * decimal(p+4,s+4) for decimals. A decimal result past 38 digits is NULL (non-ANSI). */
#include "sql/fn_agg.h"
#include "util/alloc.h"

/* sum and avg keep the same state: rows seen, and the running total in the site's category. */
typedef struct sum_state {
    int64_t n;
    int64_t i;
    double d;
    fn_i128 dec;
    int64_t overflow; /* decimal total left int128 */
} sum_state;
/* The engine lays group states out back to back: each keeps 8-byte alignment. */
_Static_assert(sizeof(sum_state) % 8 == 0, "group states keep 8-byte alignment");

/* ---- count ---- */

static int count_bind_impl(silt_sql_fn_bind *b, silt_error *err)
{
    for (size_t i = 0; b->distinct && i < b->n_args; i++)
        if (!fn_agg_cat(b->arg_types[i]->type) && b->arg_types[i]->type != 0)
            return fn_bad_args(err, "count", b, "DISTINCT takes only scalar arguments");
    if (b->distinct && b->n_args == 0)
        return fn_bad_args(err, "count", b, "DISTINCT needs an argument");
    if (fn_ret(b, SILT_TYPE_INT64, err) != 0) return SILT_ENOMEM;
    b->ret.nullable = false;
    b->agg_state_size = b->distinct ? sizeof(fn_set *) : sizeof(int64_t);
    return fn_agg_site_new(b, FN_CAT_INT, err);
}

static int count_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, count_bind_impl(b, err), silt_free);
}

static void count_init(void *bstate, void *st)
{
    fn_agg_site *s = bstate;
    if (s->distinct)
        fn_agg_set_init(bstate, st);
    else
        *(int64_t *)st = 0;
}

static int count_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                        const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    fn_agg_site *s = bstate;
    if (s->distinct) return fn_agg_set_update(bstate, states, stride, groups, args, n_rows, err);
    if (!groups) {
        int64_t n = 0;
        for (int64_t r = 0; r < n_rows; r++) n += fn_all_valid(args, r);
        *(int64_t *)states += n;
        return 0;
    }
    for (int64_t r = 0; r < n_rows; r++)
        if (fn_all_valid(args, r)) ++*(int64_t *)(states + (size_t)groups[r] * stride);
    return 0;
}

static int count_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    fn_agg_site *s = bstate;
    if (s->distinct) return fn_agg_set_merge(bstate, dst, src, err);
    *(int64_t *)dst += *(const int64_t *)src;
    return 0;
}

static int count_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                          int64_t n_groups, silt_error *err)
{
    fn_agg_site *s = bstate;
    for (int64_t g = 0; g < n_groups; g++) {
        const uint8_t *st = states + (size_t)g * stride;
        int64_t v;
        if (s->distinct) {
            const fn_set *set = *(fn_set *const *)st;
            v = set ? (int64_t)set->n : 0;
        } else {
            v = *(const int64_t *)st;
        }
        if (silt_column_append_int(out, v) != 0) return FN_OOM(err);
    }
    return 0;
}

static void count_destroy(void *bstate, void *st)
{
    fn_agg_site *s = bstate;
    if (s->distinct) fn_agg_set_destroy(bstate, st);
}

/* ---- sum and avg ---- */

/* Binds sum (avg = false) or avg: picks the category and the result type. */
static int sum_bind_common_impl(silt_sql_fn_bind *b, bool avg, silt_error *err)
{
    const char *name = avg ? "avg" : "sum";
    const silt_field *t = b->arg_types[0];
    fn_cat cat;
    int rc;
    if (fn_is_int(t->type)) {
        cat = avg ? FN_CAT_DBL : FN_CAT_INT;
        if (avg) fn_want(b, 0, SILT_TYPE_DOUBLE);
        rc = fn_ret(b, avg ? SILT_TYPE_DOUBLE : SILT_TYPE_INT64, err);
    } else if (fn_is_float(t->type) || t->type == SILT_TYPE_STRING || t->type == 0) {
        cat = FN_CAT_DBL;
        if (t->type != SILT_TYPE_DOUBLE) fn_want(b, 0, SILT_TYPE_DOUBLE);
        rc = fn_ret(b, SILT_TYPE_DOUBLE, err);
    } else if (t->type == SILT_TYPE_DECIMAL) {
        cat = FN_CAT_DEC;
        rc = avg ? fn_ret_dec(b, t->precision + 4, t->scale + 4, err)
                 : fn_ret_dec(b, t->precision + 10, t->scale, err);
    } else {
        return fn_bad_args(err, name, b, "expected a numeric argument");
    }
    if (rc != 0) return rc;
    b->agg_state_size = b->distinct ? sizeof(fn_set *) : sizeof(sum_state);
    if (fn_agg_site_new(b, cat, err) != 0) return SILT_ENOMEM;
    fn_agg_site *s = b->state;
    s->out_p = b->ret.precision;
    s->out_s = b->ret.scale;
    return 0;
}

static int sum_bind_common(silt_sql_fn_bind *b, bool avg, silt_error *err)
{
    return fn_bind_done(b, sum_bind_common_impl(b, avg, err), silt_free);
}

static int sum_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return sum_bind_common(b, false, err);
}

static int avg_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return sum_bind_common(b, true, err);
}

static void sum_init(void *bstate, void *st)
{
    fn_agg_site *s = bstate;
    if (s->distinct)
        fn_agg_set_init(bstate, st);
    else
        memset(st, 0, sizeof(sum_state));
}

/* Adds one value of the site's category to a state. */
static inline void sum_add(const fn_agg_site *s, sum_state *st, const silt_column *c, int64_t row)
{
    st->n++;
    switch (s->cat) {
    case FN_CAT_INT: st->i = (int64_t)((uint64_t)st->i + (uint64_t)fn_get_i64(c, row)); break;
    case FN_CAT_DBL: st->d += fn_get_double(c, 0, row); break;
    default: {
        __int128 acc = st->dec;
        if (__builtin_add_overflow(acc, fn_get_dec(c, row), &acc)) st->overflow = 1;
        st->dec = acc;
    }
    }
}

/* The common cases without a per-row type switch: int32, int64 or double values. */
#define SUM_LOOP(T, ACC, EXPR)                                                                     \
    do {                                                                                           \
        const T *v = (const T *)c->values;                                                         \
        for (int64_t r = 0; r < n_rows; r++) {                                                     \
            if (c->validity && !silt_bit_get(c->validity, r)) continue;                            \
            sum_state *st = (sum_state *)(states + (groups ? (size_t)groups[r] * stride : 0));     \
            st->n++;                                                                               \
            st->ACC = EXPR;                                                                        \
        }                                                                                          \
    } while (0)

static bool sum_fast(const fn_agg_site *s, uint8_t *states, size_t stride, const uint32_t *groups,
                     const silt_column *c, int64_t n_rows)
{
    if (s->cat == FN_CAT_INT && c->type == SILT_TYPE_INT64)
        SUM_LOOP(int64_t, i, (int64_t)((uint64_t)st->i + (uint64_t)v[r]));
    else if (s->cat == FN_CAT_INT && c->type == SILT_TYPE_INT32)
        SUM_LOOP(int32_t, i, (int64_t)((uint64_t)st->i + (uint64_t)(int64_t)v[r]));
    else if (s->cat == FN_CAT_DBL && c->type == SILT_TYPE_DOUBLE)
        SUM_LOOP(double, d, st->d + v[r]);
    else
        return false;
    return true;
}

static int sum_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                      const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    fn_agg_site *s = bstate;
    if (s->distinct) return fn_agg_set_update(bstate, states, stride, groups, args, n_rows, err);
    const silt_column *c = args->cols[0];
    bool k = args->is_const[0];
    if (!k && sum_fast(s, states, stride, groups, c, n_rows)) return 0;
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = k ? 0 : r;
        if (silt_column_is_valid(c, row))
            sum_add(s, fn_agg_state(states, stride, groups, r), c, row);
    }
    return 0;
}

static int sum_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    fn_agg_site *s = bstate;
    if (s->distinct) return fn_agg_set_merge(bstate, dst, src, err);
    sum_state *d = dst;
    const sum_state *o = src;
    __int128 acc = d->dec;
    d->n += o->n;
    d->i = (int64_t)((uint64_t)d->i + (uint64_t)o->i);
    d->d += o->d;
    if (__builtin_add_overflow(acc, (__int128)o->dec, &acc)) d->overflow = 1;
    d->dec = acc;
    d->overflow |= o->overflow;
    return 0;
}

/* Folds a DISTINCT set into a plain state. */
static void set_total(const fn_agg_site *s, const fn_set *set, sum_state *st)
{
    memset(st, 0, sizeof *st);
    size_t pos = 0, len;
    const uint8_t *key;
    while (set && fn_set_next(set, &pos, &key, &len) == 0) {
        st->n++;
        if (s->cat == FN_CAT_INT) {
            int64_t v;
            memcpy(&v, key, 8);
            st->i = (int64_t)((uint64_t)st->i + (uint64_t)v);
        } else if (s->cat == FN_CAT_DBL) {
            double v;
            memcpy(&v, key, 8);
            st->d += v;
        } else {
            __int128 v, acc = st->dec;
            memcpy(&v, key, 16);
            if (__builtin_add_overflow(acc, v, &acc)) st->overflow = 1;
            st->dec = acc;
        }
    }
}

/* The state of group g, folding a DISTINCT set into tmp. */
static const sum_state *group_state(const fn_agg_site *s, const uint8_t *states, size_t stride,
                                    int64_t g, sum_state *tmp)
{
    const uint8_t *p = states + (size_t)g * stride;
    if (!s->distinct) return (const sum_state *)p;
    set_total(s, *(fn_set *const *)p, tmp);
    return tmp;
}

static int sum_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                        int64_t n_groups, silt_error *err)
{
    fn_agg_site *s = bstate;
    for (int64_t g = 0; g < n_groups; g++) {
        sum_state tmp;
        const sum_state *st = group_state(s, states, stride, g, &tmp);
        int rc;
        if (st->n == 0 || st->overflow)
            rc = silt_column_append_null(out);
        else if (s->cat == FN_CAT_INT)
            rc = silt_column_append_int(out, st->i);
        else if (s->cat == FN_CAT_DBL)
            rc = silt_column_append_double(out, st->d);
        else
            rc = fn_append_dec(out, st->dec, s->out_p);
        if (rc != 0) return FN_OOM(err);
    }
    return 0;
}

/* avg of a decimal: total / n at the result scale, rounded half up; NULL past the precision. */
static int avg_dec(silt_column *out, const fn_agg_site *s, const sum_state *st)
{
    int k = s->out_s - s->in_s;
    __int128 q = st->dec / st->n, r = st->dec % st->n, scaled;
    if (__builtin_mul_overflow(q, fn_pow10(k), &scaled)) return silt_column_append_null(out);
    scaled += fn_div_round(r * fn_pow10(k), st->n);
    return fn_append_dec(out, scaled, s->out_p);
}

static int avg_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                        int64_t n_groups, silt_error *err)
{
    fn_agg_site *s = bstate;
    for (int64_t g = 0; g < n_groups; g++) {
        sum_state tmp;
        const sum_state *st = group_state(s, states, stride, g, &tmp);
        int rc;
        if (st->n == 0 || st->overflow)
            rc = silt_column_append_null(out);
        else if (s->cat == FN_CAT_DEC)
            rc = avg_dec(out, s, st);
        else
            rc = silt_column_append_double(out, st->d / (double)st->n);
        if (rc != 0) return FN_OOM(err);
    }
    return 0;
}

const silt_sql_agg_fn silt_sql_agg_sum[] = {
    {"count", 0, -1, count_bind, count_init, count_update, count_merge, count_finalize,
     count_destroy, silt_free,
     "count(*) | count(expr[, ...]) | count(DISTINCT expr[, ...]) - rows, or rows where every "
     "expr is non-NULL (distinct tuples with DISTINCT); bigint. count(a) -> 3"},
    {"sum", 1, 1, sum_bind, sum_init, sum_update, sum_merge, sum_finalize, count_destroy, silt_free,
     "sum([DISTINCT] expr) - total of the non-NULL values: bigint for integers (wraps), double "
     "for floats, decimal(p+10,s) for decimals; NULL when none. sum(col) -> 10"},
    {"avg", 1, 1, avg_bind, sum_init, sum_update, sum_merge, avg_finalize, count_destroy, silt_free,
     "avg([DISTINCT] expr) - mean of the non-NULL values: double, or decimal(p+4,s+4) for "
     "decimals; NULL when none. avg(col) -> 2.5"},
    {"mean", 1, 1, avg_bind, sum_init, sum_update, sum_merge, avg_finalize, count_destroy,
     silt_free, "mean([DISTINCT] expr) - same as avg. mean(col) -> 2.5"},
    {0},
};
