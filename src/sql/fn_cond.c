/* Conditional functions: coalesce, nvl, ifnull, nvl2, nullif, if/iff, greatest, least,
 * isnull, isnotnull. Arguments that share a result are unified to one type first (Spark's
 * implicit widening: ints to bigint, to decimal, to double; anything with a string to string). */
#include "sql/fn_util.h"

static int coalesce_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_unify(b, 0, b->n_args, "coalesce", err);
}

static int coalesce_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int rc = -1;
        for (size_t i = 0; i < a->n && rc < 0; i++) {
            int64_t row = silt_sql_arg_row(a, i, r);
            if (silt_column_is_valid(a->cols[i], row)) rc = fn_copy_value(out, a->cols[i], row);
        }
        if (rc < 0) rc = silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int nvl2_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return fn_unify(b, 1, 3, "nvl2", err);
}

static int nvl2_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                     silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        size_t k = fn_valid(a, 0, r) ? 1 : 2;
        int64_t row = silt_sql_arg_row(a, k, r);
        int rc = silt_column_is_valid(a->cols[k], row) ? fn_copy_value(out, a->cols[k], row)
                                                       : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int nullif_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (b->arg_types[0]->n_children || b->arg_types[1]->n_children)
        return fn_bad_args(err, "nullif", b, "expected scalar arguments");
    return fn_unify(b, 0, 2, "nullif", err);
}

static int nullif_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                       silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        int64_t i = silt_sql_arg_row(a, 0, r), j = silt_sql_arg_row(a, 1, r);
        int rc;
        if (!silt_column_is_valid(a->cols[0], i) ||
            (silt_column_is_valid(a->cols[1], j) &&
             fn_value_cmp(a->cols[0], i, a->cols[1], j) == 0))
            rc = silt_column_append_null(out);
        else
            rc = fn_copy_value(out, a->cols[0], i);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int if_bind(silt_sql_fn_bind *b, silt_error *err)
{
    silt_type_id c = b->arg_types[0]->type;
    if (c != SILT_TYPE_BOOL && c != 0)
        return fn_bad_args(err, "if", b, "the condition must be a boolean");
    return fn_unify(b, 1, 3, "if", err);
}

static int if_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                   silt_error *err)
{
    const silt_column *c = a->cols[0];
    for (int64_t r = 0; r < n; r++) {
        int64_t ci = silt_sql_arg_row(a, 0, r);
        bool yes =
            c->type == SILT_TYPE_BOOL && silt_column_is_valid(c, ci) && silt_bit_get(c->values, ci);
        size_t k = yes ? 1 : 2;
        int64_t row = silt_sql_arg_row(a, k, r);
        int rc = silt_column_is_valid(a->cols[k], row) ? fn_copy_value(out, a->cols[k], row)
                                                       : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}

static int extreme_bind(silt_sql_fn_bind *b, const char *name, silt_error *err)
{
    for (size_t i = 0; i < b->n_args; i++)
        if (b->arg_types[i]->n_children)
            return fn_bad_args(err, name, b, "expected scalar arguments");
    return fn_unify(b, 0, b->n_args, name, err);
}
static int greatest_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return extreme_bind(b, "greatest", err);
}
static int least_bind(silt_sql_fn_bind *b, silt_error *err)
{
    return extreme_bind(b, "least", err);
}

/* greatest (sign 1) or least (sign -1) of the non-NULL arguments; NULL when all are. */
static int extreme_eval(silt_column *out, const silt_sql_fn_args *a, int64_t n, int sign,
                        silt_error *err)
{
    for (int64_t r = 0; r < n; r++) {
        const silt_column *best = NULL;
        int64_t brow = 0;
        for (size_t i = 0; i < a->n; i++) {
            int64_t row = silt_sql_arg_row(a, i, r);
            if (!silt_column_is_valid(a->cols[i], row)) continue;
            if (!best || sign * fn_value_cmp(a->cols[i], row, best, brow) > 0)
                best = a->cols[i], brow = row;
        }
        int rc = best ? fn_copy_value(out, best, brow) : silt_column_append_null(out);
        if (rc) return FN_OOM(err);
    }
    return 0;
}
static int greatest_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                         silt_error *err)
{
    return extreme_eval(out, a, n, 1, err);
}
static int least_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                      silt_error *err)
{
    return extreme_eval(out, a, n, -1, err);
}

static int isnull_bind(silt_sql_fn_bind *b, silt_error *err)
{
    if (fn_ret(b, SILT_TYPE_BOOL, err)) return SILT_ENOMEM;
    b->ret.nullable = false;
    return 0;
}

static int isnull_kind(silt_column *out, const silt_sql_fn_args *a, int64_t n, bool want_null,
                       silt_error *err)
{
    for (int64_t r = 0; r < n; r++)
        if (silt_column_append_bool(out, fn_valid(a, 0, r) != want_null)) return FN_OOM(err);
    return 0;
}
static int isnull_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                       silt_error *err)
{
    return isnull_kind(out, a, n, true, err);
}
static int isnotnull_eval(void *state, silt_column *out, const silt_sql_fn_args *a, int64_t n,
                          silt_error *err)
{
    return isnull_kind(out, a, n, false, err);
}

const silt_sql_scalar_fn silt_sql_fn_cond[] = {
    {"coalesce", 1, -1, coalesce_bind, coalesce_eval, NULL,
     "coalesce(a, b, ...) - the first non-NULL argument. coalesce(NULL, 1, NULL) -> 1"},
    {"nvl", 2, 2, coalesce_bind, coalesce_eval, NULL,
     "nvl(a, b) - a unless it is NULL, else b. nvl(NULL, 'x') -> 'x'"},
    {"ifnull", 2, 2, coalesce_bind, coalesce_eval, NULL,
     "ifnull(a, b) - same as nvl. ifnull(NULL, 2) -> 2"},
    {"nvl2", 3, 3, nvl2_bind, nvl2_eval, NULL,
     "nvl2(a, b, c) - b when a is not NULL, else c. nvl2(NULL, 2, 1) -> 1"},
    {"nullif", 2, 2, nullif_bind, nullif_eval, NULL,
     "nullif(a, b) - NULL when a equals b, else a. nullif(2, 2) -> NULL"},
    {"if", 3, 3, if_bind, if_eval, NULL,
     "if(cond, a, b) - a when cond is true, else b (NULL cond: b). if(1 < 2, 'a', 'b') -> 'a'"},
    {"iff", 3, 3, if_bind, if_eval, NULL, "iff(cond, a, b) - same as if. iff(false, 1, 2) -> 2"},
    {"greatest", 1, -1, greatest_bind, greatest_eval, NULL,
     "greatest(a, b, ...) - the largest non-NULL argument; NULL when all are NULL. "
     "greatest(10, 9, 2, 4, 3) -> 10"},
    {"least", 1, -1, least_bind, least_eval, NULL,
     "least(a, b, ...) - the smallest non-NULL argument; NULL when all are NULL. "
     "least(10, 9, 2, 4, 3) -> 2"},
    {"isnull", 1, 1, isnull_bind, isnull_eval, NULL,
     "isnull(x) - true when x is NULL. isnull(1) -> false"},
    {"isnotnull", 1, 1, isnull_bind, isnotnull_eval, NULL,
     "isnotnull(x) - true when x is not NULL. isnotnull(1) -> true"},
    {0},
};
