/* Aggregates of booleans: count_if (rows where the condition is true), bool_and/every and
 * bool_or/some/any (NULL when the group has no non-NULL value). */
#include "sql/fn_agg.h"

enum { B_COUNT, B_AND, B_OR };
static const int b_kinds[] = {B_COUNT, B_AND, B_OR};

typedef struct bool_state {
    int64_t n; /* count_if: rows true; and/or: non-NULL values seen */
    int64_t v; /* and/or: the running result */
} bool_state;
/* The engine lays group states out back to back: each keeps 8-byte alignment. */
_Static_assert(sizeof(bool_state) % 8 == 0, "group states keep 8-byte alignment");

static int bool_bind_kind(silt_sql_fn_bind *b, int kind, const char *name, silt_error *err)
{
    silt_type_id t = b->arg_types[0]->type;
    if (t != SILT_TYPE_BOOL && t != 0) return fn_bad_args(err, name, b, "expected a boolean");
    if (t != SILT_TYPE_BOOL) fn_want(b, 0, SILT_TYPE_BOOL);
    b->agg_state_size = sizeof(bool_state);
    b->state = (void *)&b_kinds[kind];
    if (fn_ret(b, kind == B_COUNT ? SILT_TYPE_INT64 : SILT_TYPE_BOOL, err)) return SILT_ENOMEM;
    b->ret.nullable = kind != B_COUNT;
    return 0;
}
static int count_if_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return bool_bind_kind(b, B_COUNT, "count_if", err);
}
static int and_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return bool_bind_kind(b, B_AND, "bool_and", err);
}
static int or_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return bool_bind_kind(b, B_OR, "bool_or", err);
}

static void bool_init(void *bstate, void *st)
{
    bool_state *s = st;
    s->n = 0;
    s->v = *(const int *)bstate == B_AND;
}

static int bool_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                       const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    int kind = *(const int *)bstate;
    const silt_column *c = args->cols[0];
    for (int64_t r = 0; r < n_rows; r++) {
        int64_t row = silt_sql_arg_row(args, 0, r);
        if (!silt_column_is_valid(c, row)) continue;
        bool x = silt_bit_get(c->values, row);
        bool_state *s = fn_agg_state(states, stride, groups, r);
        if (kind == B_COUNT) {
            s->n += x;
            continue;
        }
        s->n++;
        s->v = kind == B_AND ? (s->v && x) : (s->v || x);
    }
    return 0;
}

static int bool_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    int kind = *(const int *)bstate;
    bool_state *d = dst;
    const bool_state *o = src;
    if (kind != B_COUNT && o->n) d->v = kind == B_AND ? (d->v && o->v) : (d->v || o->v);
    d->n += o->n;
    return 0;
}

static int bool_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                         int64_t n_groups, silt_error *err)
{
    int kind = *(const int *)bstate;
    for (int64_t g = 0; g < n_groups; g++) {
        const bool_state *s = (const bool_state *)(states + (size_t)g * stride);
        int rc = kind == B_COUNT ? silt_column_append_int(out, s->n)
                 : s->n == 0     ? silt_column_append_null(out)
                                 : silt_column_append_bool(out, s->v != 0);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

#define BOOL_AGG(name, bind, doc)                                                                  \
    {                                                                                              \
        name, 1, 1, bind, bool_init, bool_update, bool_merge, bool_finalize, NULL, NULL, doc       \
    }

const silt_sql_agg_fn silt_sql_agg_bool[] = {
    BOOL_AGG("count_if", count_if_bind,
             "count_if(cond) - rows where cond is true; bigint. count_if(col % 2 = 0) over (0), "
             "(1), (2), (3) -> 2"),
    BOOL_AGG("bool_and", and_bind,
             "bool_and(cond) - whether every non-NULL cond is true. bool_and(col) over (true), "
             "(false) -> false"),
    BOOL_AGG("every", and_bind, "every(cond) - same as bool_and. every(col) over (true) -> true"),
    BOOL_AGG("bool_or", or_bind,
             "bool_or(cond) - whether some non-NULL cond is true. bool_or(col) over (true), "
             "(false) -> true"),
    BOOL_AGG("some", or_bind, "some(cond) - same as bool_or. some(col) over (false) -> false"),
    BOOL_AGG("any", or_bind, "any(cond) - same as bool_or. any(col) over (true) -> true"),
    {0},
};
