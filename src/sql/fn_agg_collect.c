/* collect_list and collect_set: the non-NULL values of each group as an array (collect_set
 * without repeats, in first-seen order). A group's state is a pointer to its own column of
 * values (and, for sets, a set of their keys), created at its first value. */
#include "sql/fn_agg.h"
#include "util/alloc.h"

typedef struct collect_site {
    silt_field elem; /* owned */
    bool set;
} collect_site;

typedef struct collect_state {
    silt_column *vals;
    fn_set *keys;
} collect_state;
_Static_assert(sizeof(collect_state) % 8 == 0, "group states keep 8-byte alignment");

static void collect_free(void *state)
{
    collect_site *s = state;
    if (!s) return;
    silt_field_clear(&s->elem);
    silt_free(s);
}

static int collect_bind_impl(silt_sql_fn_bind *b, bool set, silt_error *err)
{
    const silt_field *t = b->arg_types[0];
    const char *name = set ? "collect_set" : "collect_list";
    if (set && !fn_agg_cat(t->type)) return fn_bad_args(err, name, b, "expected scalar values");
    collect_site *s = silt_calloc(1, sizeof *s);
    if (!s) return FN_OOM(err);
    b->state = s;
    s->set = set;
    if (silt_field_copy(&s->elem, t)) return FN_OOM(err);
    silt_free(s->elem.name);
    s->elem.name = silt_strdup("element");
    s->elem.nullable = true;
    if (!s->elem.name) return FN_OOM(err);
    if (silt_field_init_nested(&b->ret, "", SILT_TYPE_LIST, false, 1) ||
        silt_field_copy(&b->ret.children[0], &s->elem))
        return FN_OOM(err);
    b->agg_state_size = sizeof(collect_state);
    return 0;
}
static int list_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, collect_bind_impl(b, false, err), collect_free);
}
static int set_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_bind_done(b, collect_bind_impl(b, true, err), collect_free);
}

static void collect_init(void *bstate, void *st)
{
    memset(st, 0, sizeof(collect_state));
}

static void collect_destroy(void *bstate, void *st)
{
    collect_state *c = st;
    if (c->vals) silt_column_clear(c->vals);
    silt_free(c->vals);
    fn_set_destroy(c->keys);
    memset(c, 0, sizeof *c);
}

/* Adds value `row` of col to state c (sets: only when its key is new). */
static int collect_add(const collect_site *s, collect_state *c, const silt_column *col, int64_t row,
                       silt_buf *key)
{
    if (!c->vals) {
        if (!(c->vals = silt_calloc(1, sizeof *c->vals))) return SILT_ENOMEM;
        if (silt_column_init(c->vals, &s->elem)) {
            silt_free(c->vals);
            c->vals = NULL;
            return SILT_ENOMEM;
        }
    }
    if (s->set) {
        const silt_column *one[1] = {col};
        bool k[1] = {false};
        silt_sql_fn_args a = {.n = 1, .cols = one, .is_const = k};
        silt_buf_reset(key);
        fn_agg_key(key, &a, row);
        if (silt_buf_oom(key)) return SILT_ENOMEM;
        if (!c->keys && !(c->keys = fn_set_create(false))) return SILT_ENOMEM;
        size_t before = c->keys->n;
        if (fn_set_add(c->keys, key->ptr ? key->ptr : (const uint8_t *)"", key->len))
            return SILT_ENOMEM;
        if (c->keys->n == before) return 0;
    }
    return silt_column_append_range(c->vals, col, row, 1) ? SILT_ENOMEM : 0;
}

static int collect_update(void *bstate, uint8_t *states, size_t stride, const uint32_t *groups,
                          const silt_sql_fn_args *args, int64_t n_rows, silt_error *err)
{
    const silt_column *c = args->cols[0];
    silt_buf key = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t r = 0; r < n_rows && rc == 0; r++) {
        int64_t row = silt_sql_arg_row(args, 0, r);
        if (silt_column_is_valid(c, row))
            rc = collect_add(bstate, fn_agg_state(states, stride, groups, r), c, row, &key);
    }
    silt_buf_free(&key);
    return rc ? FN_OOM(err) : 0;
}

static int collect_merge(void *bstate, void *dst, const void *src, silt_error *err)
{
    const collect_state *o = src;
    silt_buf key = SILT_BUF_INIT;
    int rc = 0;
    for (int64_t i = 0; o->vals && i < o->vals->length && rc == 0; i++)
        rc = collect_add(bstate, dst, o->vals, i, &key);
    silt_buf_free(&key);
    return rc ? FN_OOM(err) : 0;
}

static int collect_finalize(void *bstate, silt_column *out, const uint8_t *states, size_t stride,
                            int64_t n_groups, silt_error *err)
{
    for (int64_t g = 0; g < n_groups; g++) {
        const collect_state *c = (const collect_state *)(states + (size_t)g * stride);
        if (c->vals && silt_column_append_range(&out->children[0], c->vals, 0, c->vals->length))
            return FN_OOM(err);
        if (silt_column_append_valid(out)) return FN_OOM(err);
    }
    return 0;
}

const silt_sql_agg_fn silt_sql_agg_collect[] = {
    {"collect_list", 1, 1, list_bind, collect_init, collect_update, collect_merge, collect_finalize,
     collect_destroy, collect_free,
     "collect_list(expr) - the non-NULL values of the group as an array. collect_list(col) over "
     "(1), (2), (1) -> [1, 2, 1]"},
    {"array_agg", 1, 1, list_bind, collect_init, collect_update, collect_merge, collect_finalize,
     collect_destroy, collect_free,
     "array_agg(expr) - same as collect_list. array_agg(col) over (1), (2), (1) -> [1, 2, 1]"},
    {"collect_set", 1, 1, set_bind, collect_init, collect_update, collect_merge, collect_finalize,
     collect_destroy, collect_free,
     "collect_set(expr) - the distinct non-NULL values of the group as an array (first-seen "
     "order). collect_set(col) over (1), (2), (1) -> [1, 2]"},
    {0},
};
