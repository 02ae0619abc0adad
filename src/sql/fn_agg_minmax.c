/* min, max and any_value over every orderable type: integers, booleans, floats (NaN above
 * everything, as Spark orders it), decimals, strings and binary (bytewise), dates, timestamps.
 * A string state owns a copy of its current value, reallocated only when it must grow. */
#include "sql/fn_agg.h"
#include "util/alloc.h"

typedef struct mm_state {
    int64_t has;
    int64_t i;
    double d;
    fn_i128 dec;
    uint8_t *p; /* string bytes, owned */
    uint32_t len, cap;
} mm_state;
/* The engine lays group states out back to back: each keeps 8-byte alignment. */
_Static_assert(sizeof(mm_state) % 8 == 0, "group states keep 8-byte alignment");

enum { MM_MIN, MM_MAX, MM_ANY, MM_FIRST, MM_LAST };

typedef struct mm_site {
    fn_agg_site base;
    int kind;
    bool ignore_nulls; /* first/last: skip NULL values */
} mm_site;

static int mm_bind_kind_impl(silt_sql_fn_bind *b, int kind, const char *name, silt_error *err)
{
    fn_cat cat = fn_agg_cat(b->arg_types[0]->type);
    if (!cat) return fn_bad_args(err, name, b, "expected an orderable scalar argument");
    if (fn_ret_copy(b, b->arg_types[0], err) != 0) return SILT_ENOMEM;
    b->agg_state_size = sizeof(mm_state);
    mm_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    s->base.cat = cat;
    s->base.in = b->arg_types[0]->type;
    s->kind = kind;
    b->state = s;
    if (b->n_args > 1) {
        const silt_column *k = b->const_args[1];
        if (!k || b->arg_types[1]->type != SILT_TYPE_BOOL || !silt_column_is_valid(k, 0))
            return fn_bad_args(err, name, b, "ignoreNulls must be a constant boolean");
        s->ignore_nulls = silt_bit_get(k->values, 0);
    }
    return 0;
}

static int mm_bind_kind(silt_sql_fn_bind *b, int kind, const char *name, silt_error *err)
{
    return fn_bind_done(b, mm_bind_kind_impl(b, kind, name, err), silt_free);
}

static int min_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return mm_bind_kind(b, MM_MIN, "min", err);
}
static int max_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return mm_bind_kind(b, MM_MAX, "max", err);
}
static int any_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return mm_bind_kind(b, MM_ANY, "any_value", err);
}

static int first_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return mm_bind_kind(b, MM_FIRST, "first", err);
}
static int last_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return mm_bind_kind(b, MM_LAST, "last", err);
}

static void mm_init(void *bstate, void *st)
{
    memset(st, 0, sizeof(mm_state));
}

static void mm_destroy(void *bstate, void *st)
{
    mm_state *m = st;
    silt_free(m->p);
    m->p = NULL;
    m->len = m->cap = 0;
}

/* Spark's double order: NaN is the largest value, -0.0 equals 0.0. */
static int cmp_double(double a, double b)
{
    bool na = a != a, nb = b != b;
    if (na || nb) return na - nb;
    return (a > b) - (a < b);
}

static int cmp_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return (na > nb) - (na < nb);
}

/* Whether candidate (cmp = candidate vs current) replaces the current value. */
static inline bool wins(int kind, int64_t has, int cmp)
{
    if (!has) return true;
    if (kind == MM_ANY) return false;
    return kind == MM_MIN ? cmp < 0 : cmp > 0;
}

static int set_bytes(mm_state *m, const uint8_t *p, size_t len)
{
    if (len > UINT32_MAX) return SILT_ENOMEM;
    if (len > m->cap || !m->p) {
        size_t cap = len < 16 ? 16 : len;
        uint8_t *n = silt_realloc(m->p, cap);
        if (!n) return SILT_ENOMEM;
        m->p = n;
        m->cap = (uint32_t)cap;
    }
    if (len) memcpy(m->p, p, len);
    m->len = (uint32_t)len;
    return 0;
}

/* Offers value `row` of c to state m. */
static int mm_offer(const mm_site *s, mm_state *m, const silt_column *c, int64_t row)
{
    switch (s->base.cat) {
    case FN_CAT_INT:
    case FN_CAT_BOOL: {
        int64_t v = fn_get_i64(c, row);
        if (wins(s->kind, m->has, (v > m->i) - (v < m->i))) m->i = v, m->has = 1;
        return 0;
    }
    case FN_CAT_DBL: {
        double v = fn_get_double(c, 0, row);
        if (wins(s->kind, m->has, cmp_double(v, m->d))) m->d = v, m->has = 1;
        return 0;
    }
    case FN_CAT_DEC: {
        __int128 v = fn_get_dec(c, row), cur = m->dec;
        if (wins(s->kind, m->has, (v > cur) - (v < cur))) m->dec = v, m->has = 1;
        return 0;
    }
    default: {
        size_t len;
        const uint8_t *p = silt_column_bytes(c, row, &len);
        if (!wins(s->kind, m->has, m->has ? cmp_bytes(p, len, m->p, m->len) : 0)) return 0;
        m->has = 1;
        return set_bytes(m, p, len);
    }
    }
}

/* min/max of int32, int64, date or double values without a per-row type switch. */
#define MM_LOOP(T, FIELD, LESS)                                                                    \
    do {                                                                                           \
        const T *v = (const T *)c->values;                                                         \
        for (int64_t r = 0; r < n_rows; r++) {                                                     \
            if (c->validity && !silt_bit_get(c->validity, r)) continue;                            \
            mm_state *m = (mm_state *)(states + (groups ? (size_t)groups[r] * stride : 0));        \
            T x = v[r];                                                                            \
            if (!m->has || (s->kind == MM_MIN ? LESS(x, m->FIELD) : LESS(m->FIELD, x)))            \
                m->FIELD = x, m->has = 1;                                                          \
        }                                                                                          \
    } while (0)
#define LT(a, b) ((a) < (b))
#define DLT(a, b) (cmp_double((a), (b)) < 0)

static bool mm_fast(const mm_site *s, uint8_t *states, size_t stride, const uint32_t *groups,
                    const silt_column *c, int64_t n_rows)
{
    if (s->kind == MM_ANY) return false;
    if (c->type == SILT_TYPE_INT64 || c->type == SILT_TYPE_TIMESTAMP)
        MM_LOOP(int64_t, i, LT);
    else if (c->type == SILT_TYPE_INT32 || c->type == SILT_TYPE_DATE32)
        MM_LOOP(int32_t, i, LT);
    else if (c->type == SILT_TYPE_DOUBLE)
        MM_LOOP(double, d, DLT);
    else
        return false;
    return true;
}

static int mm_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                     const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    const mm_site *s = bstate;
    const silt_column *c = args->cols[0];
    bool k = args->is_const[0];
    if (!k && mm_fast(s, states, stride, groups, c, n_rows)) return 0;
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = k ? 0 : r;
        if (!silt_column_is_valid(c, row)) continue;
        if (mm_offer(s, fn_agg_state(states, stride, groups, r), c, row) != 0) return FN_OOM(err);
    }
    return 0;
}

static int mm_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    const mm_site *s = bstate;
    mm_state *d = dst;
    const mm_state *o = src;
    if (!o->has) return 0;
    int cmp;
    switch (s->base.cat) {
    case FN_CAT_DBL: cmp = cmp_double(o->d, d->d); break;
    case FN_CAT_DEC: cmp = (o->dec > d->dec) - (o->dec < d->dec); break;
    case FN_CAT_STR: cmp = d->has ? cmp_bytes(o->p, o->len, d->p, d->len) : 0; break;
    default: cmp = (o->i > d->i) - (o->i < d->i);
    }
    if (!wins(s->kind, d->has, cmp)) return 0;
    d->has = 1;
    d->i = o->i;
    d->d = o->d;
    d->dec = o->dec;
    if (s->base.cat == FN_CAT_STR && set_bytes(d, o->p, o->len) != 0) return FN_OOM(err);
    return 0;
}

/* first/last: has is 0 (nothing seen), 1 (a value) or 2 (a NULL was the value). */
static int fl_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                     const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    const mm_site *s = bstate;
    const silt_column *c = args->cols[0];
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = silt_sql_arg_row(args, 0, r);
        bool valid = silt_column_is_valid(c, row);
        mm_state *m = fn_agg_state(states, stride, groups, r);
        if ((!valid && s->ignore_nulls) || (s->kind == MM_FIRST && m->has)) continue;
        if (!valid) {
            m->has = 2;
            continue;
        }
        m->has = 0; /* mm_offer with any_value semantics takes the value */
        mm_site any = *s;
        any.kind = MM_ANY;
        if (mm_offer(&any, m, c, row) != 0) return FN_OOM(err);
    }
    return 0;
}

static int fl_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    const mm_site *s = bstate;
    mm_state *d = dst;
    const mm_state *o = src;
    if (!o->has || (s->kind == MM_FIRST && d->has)) return 0;
    d->has = o->has;
    d->i = o->i;
    d->d = o->d;
    d->dec = o->dec;
    if (o->has == 1 && s->base.cat == FN_CAT_STR && set_bytes(d, o->p, o->len) != 0)
        return FN_OOM(err);
    return 0;
}

static int mm_append(const mm_site *s, silt_column *out, const mm_state *m)
{
    if (m->has != 1) return silt_column_append_null(out);
    switch (s->base.cat) {
    case FN_CAT_BOOL: return silt_column_append_bool(out, m->i != 0);
    case FN_CAT_INT: return silt_column_append_int(out, m->i);
    case FN_CAT_DBL:
        return s->base.in == SILT_TYPE_FLOAT ? silt_column_append_float(out, (float)m->d)
                                             : silt_column_append_double(out, m->d);
    case FN_CAT_DEC: {
        uint8_t le[16];
        __int128 v = m->dec;
        memcpy(le, &v, 16);
        return silt_column_append_decimal(out, le);
    }
    default: return silt_column_append_bytes(out, m->p ? m->p : (const uint8_t *)"", m->len);
    }
}

static int mm_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                       int64_t n_groups, silt_error *err)
{
    for (int64_t g = 0; g < n_groups; g++)
        if (mm_append(bstate, out, (const mm_state *)(states + (size_t)g * stride)) != 0)
            return FN_OOM(err);
    return 0;
}

const silt_sql_agg_fn silt_sql_agg_minmax[] = {
    {"min", 1, 1, min_bind, mm_init, mm_update, mm_merge, mm_finalize, mm_destroy, silt_free,
     "min(expr) - smallest non-NULL value of any orderable type (strings bytewise). "
     "min(col) -> 1"},
    {"max", 1, 1, max_bind, mm_init, mm_update, mm_merge, mm_finalize, mm_destroy, silt_free,
     "max(expr) - largest non-NULL value of any orderable type (NaN above all numbers). "
     "max(col) -> 9"},
    {"any_value", 1, 1, any_bind, mm_init, mm_update, mm_merge, mm_finalize, mm_destroy, silt_free,
     "any_value(expr) - some non-NULL value of expr in the group (the first seen). "
     "any_value(col) -> 'a'"},
    {"first", 1, 2, first_bind, mm_init, fl_update, fl_merge, mm_finalize, mm_destroy, silt_free,
     "first(expr[, ignoreNulls]) - the value of the first row of the group (the first non-NULL "
     "with ignoreNulls true). first(col) over (10), (5), (20) -> 10"},
    {"first_value", 1, 2, first_bind, mm_init, fl_update, fl_merge, mm_finalize, mm_destroy,
     silt_free, "first_value(expr[, ignoreNulls]) - same as first. first_value(col) -> 10"},
    {"last", 1, 2, last_bind, mm_init, fl_update, fl_merge, mm_finalize, mm_destroy, silt_free,
     "last(expr[, ignoreNulls]) - the value of the last row of the group (the last non-NULL "
     "with ignoreNulls true). last(col) over (10), (5), (20) -> 20"},
    {"last_value", 1, 2, last_bind, mm_init, fl_update, fl_merge, mm_finalize, mm_destroy,
     silt_free, "last_value(expr[, ignoreNulls]) - same as last. last_value(col) -> 20"},
    {0},
};
