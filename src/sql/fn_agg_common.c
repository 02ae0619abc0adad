/* What the aggregate families share: value categories, the call-site state bind allocates,
 * and the DISTINCT machinery (a per-group set of encoded argument tuples). */
#include "sql/fn_agg.h"
#include "util/alloc.h"

fn_cat fn_agg_cat(silt_type_id t)
{
    switch (t) {
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
    case SILT_TYPE_DATE32:
    case SILT_TYPE_TIMESTAMP:
    case SILT_TYPE_TIMESTAMP_NS: return FN_CAT_INT;
    case SILT_TYPE_BOOL: return FN_CAT_BOOL;
    case SILT_TYPE_FLOAT:
    case SILT_TYPE_DOUBLE: return FN_CAT_DBL;
    case SILT_TYPE_DECIMAL: return FN_CAT_DEC;
    case SILT_TYPE_STRING:
    case SILT_TYPE_BINARY: return FN_CAT_STR;
    default: return 0;
    }
}

int fn_agg_site_new(silt_sql_fn_bind *b, fn_cat cat, silt_error *err)
{
    fn_agg_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    s->cat = cat;
    s->distinct = b->distinct;
    s->n_args = b->n_args;
    if (b->n_args > 0) {
        const silt_field *t = b->want[0].type ? &b->want[0] : b->arg_types[0];
        s->in = t->type;
        s->in_p = t->precision;
        s->in_s = t->scale;
    }
    b->state = s;
    return 0;
}

/* Canonical bytes of a double for equality: -0.0 is 0.0 and every NaN is one NaN. */
static double canon_double(double d)
{
    if (d == 0) return 0.0;
    if (d != d) return __builtin_nan("");
    return d;
}

bool fn_agg_key(silt_buf *key, const silt_sql_fn_args *args, int64_t r)
{
    for (size_t i = 0; i < args->n; i++) {
        const silt_column *c = args->cols[i];
        int64_t row = silt_sql_arg_row(args, i, r);
        if (!silt_column_is_valid(c, row)) return false;
        switch (fn_agg_cat(c->type)) {
        case FN_CAT_DBL: {
            double d = canon_double(c->type == SILT_TYPE_FLOAT ? ((const float *)c->values)[row]
                                                               : ((const double *)c->values)[row]);
            silt_buf_append(key, &d, 8);
            break;
        }
        case FN_CAT_DEC: silt_buf_append(key, c->values + (size_t)row * 16, 16); break;
        case FN_CAT_STR: {
            size_t len;
            const uint8_t *p = silt_column_bytes(c, row, &len);
            silt_buf_put_u32le(key, (uint32_t)len);
            silt_buf_append(key, p, len);
            break;
        }
        default: {
            int64_t v = fn_get_i64(c, row);
            silt_buf_append(key, &v, 8);
            break;
        }
        }
    }
    return true;
}

/* Whether the DISTINCT keys of these arguments are one 8-byte value (fn_set's fast form). */
static bool keys_fixed8(const silt_sql_fn_args *args)
{
    if (args->n != 1) return false;
    fn_cat c = fn_agg_cat(args->cols[0]->type);
    return c == FN_CAT_INT || c == FN_CAT_BOOL || c == FN_CAT_DBL;
}

/* Adds key[0..len) to the set in *slot, made on first use. */
static int set_put(fn_set **slot, const void *key, size_t len, bool fixed8)
{
    if (!*slot && !(*slot = fn_set_create(fixed8))) return SILT_ENOMEM;
    return fn_set_add(*slot, key ? key : (const void *)"", len);
}

void fn_agg_set_init(void *bstate, void *st)
{
    (void)bstate;
    *(fn_set **)st = NULL;
}

int fn_agg_set_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                      const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    (void)bstate;
    silt_buf key = SILT_BUF_INIT;
    int rc = 0;
    /* A row whose group and value are the previous row's adds nothing: skipped without
     * hashing (the lines of one order come together, and count(DISTINCT order) by customer or
     * day sees the same pair again and again). */
    fn_set **prev = NULL;
    if (keys_fixed8(args)) { /* one integer or double: the key is the value itself */
        const silt_column *c = args->cols[0];
        bool dbl = fn_agg_cat(c->type) == FN_CAT_DBL;
        uint64_t prev_k = 0;
        for (int64_t r = 0; r < n_rows && rc == 0; r++) {
            int64_t row = silt_sql_arg_row(args, 0, r);
            if (!silt_column_is_valid(c, row)) continue;
            fn_set **slot = fn_agg_state(states, stride, groups, r);
            uint64_t k;
            if (dbl) {
                double d = canon_double(fn_get_double(c, 0, row));
                memcpy(&k, &d, 8);
            } else {
                k = (uint64_t)fn_get_i64(c, row);
            }
            if (slot == prev && k == prev_k) continue;
            rc = set_put(slot, &k, 8, true);
            prev = slot, prev_k = k;
        }
        return rc ? FN_OOM(err) : 0;
    }
    silt_buf last = SILT_BUF_INIT;
    for (int64_t r = 0; r < n_rows && rc == 0; r++) {
        fn_set **slot = fn_agg_state(states, stride, groups, r);
        silt_buf_reset(&key);
        if (!fn_agg_key(&key, args, r)) continue; /* a null: not counted */
        if (silt_buf_oom(&key)) {
            rc = SILT_ENOMEM;
            break;
        }
        if (slot == prev && key.len == last.len &&
            (!key.len || !memcmp(key.ptr, last.ptr, key.len)))
            continue;
        rc = set_put(slot, key.ptr, key.len, false);
        silt_buf_reset(&last);
        silt_buf_append(&last, key.ptr, key.len);
        prev = silt_buf_oom(&last) ? NULL : slot;
    }
    silt_buf_free(&last);
    silt_buf_free(&key);
    return rc ? FN_OOM(err) : 0;
}

int fn_agg_set_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    (void)bstate;
    fn_set *s = *(fn_set *const *)src, **d = dst;
    if (!s || s->n == 0) return 0;
    if (!*d && !(*d = fn_set_create(s->fixed8))) return FN_OOM(err);
    return fn_set_merge(*d, s) ? FN_OOM(err) : 0;
}

void fn_agg_set_destroy(void *bstate, void *st)
{
    (void)bstate;
    fn_set_destroy(*(fn_set **)st);
    *(fn_set **)st = NULL;
}
