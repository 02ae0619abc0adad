/* Expression evaluation: walks the bound expression once per batch, each node turning whole
 * argument vectors into a result vector through its kernel (no per-row tree walking). */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"

static int eval_fn(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n, silt_error *err)
{
    const silt_column *cols[64];
    bool is_const[64];
    const silt_field *types[64];
    if (e->n_args > 64)
        return silt_error_set(err, SILT_EINVAL, "%s: too many arguments", e->fn->name);
    for (size_t i = 0; i < e->n_args; i++) {
        cols[i] = args[i].c;
        is_const[i] = args[i].is_const;
        types[i] = &e->args[i]->type;
    }
    silt_sql_fn_args fa = {e->n_args, cols, is_const, types};
    int rc = silt_column_init(&out->own, &e->type);
    if (rc) return silt_error_set(err, rc, "out of memory");
    out->owned = true;
    out->c = &out->own;
    return e->fn->eval(e->fn_state, &out->own, &fa, n, err);
}

static bool all_const(const sql_vec *args, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!args[i].is_const) return false;
    return n > 0;
}

/* A cast that changes no byte (to the same type, or between string and binary: Spark takes a
 * string's UTF-8 bytes as they are) hands on its argument's buffers instead of copying them:
 * moved when the argument is owned, else a shallow view of the borrowed input column. A
 * dictionary view is dropped when the type changes (its values keep the old type). */
static bool relabel(sql_vec *out, const sql_expr *e, sql_vec *arg)
{
    const silt_field *from = &e->args[0]->type, *to = &e->type;
    const silt_column *c = arg->c;
    bool bytes = (from->type == SILT_TYPE_STRING || from->type == SILT_TYPE_BINARY) &&
                 (to->type == SILT_TYPE_STRING || to->type == SILT_TYPE_BINARY);
    if (!bytes || c->lazy || c->n_children || c->type != from->type) return false;
    if (arg->owned) {
        out->own = arg->own;
        memset(&arg->own, 0, sizeof arg->own);
        arg->owned = false;
        out->owned = true;
        if (to->type != from->type) silt_column_drop_dict(&out->own);
    } else {
        out->own = *c; /* borrowed: the input outlives the evaluation */
        out->owned = false;
        if (to->type != from->type) {
            out->own.dict = NULL;
            out->own.codes = NULL;
            out->own.dict_rows = 0;
        }
    }
    out->own.type = to->type;
    out->c = &out->own;
    return true;
}

static int dispatch(sql_vec *out, const sql_expr *e, sql_vec *args, int64_t n, silt_error *err)
{
    int rc;
    switch (e->kind) {
    case E_OP:
        if (e->op == OP_AND || e->op == OP_OR || e->op == OP_NOT)
            rc = sql_k_logic(out, e, args, n);
        else if (e->op >= OP_EQ && e->op <= OP_EQNS)
            rc = sql_k_cmp(out, e, &args[0], &args[1], n);
        else
            return sql_k_arith(out, e, &args[0], e->n_args > 1 ? &args[1] : NULL, n, err);
        break;
    case E_FN: return eval_fn(out, e, args, n, err);
    case E_CAST:
        if (relabel(out, e, &args[0])) return 0;
        out->owned = true;
        out->c = &out->own;
        return sql_cast_column(&out->own, args[0].c, &e->args[0]->type, &e->type, err);
    case E_CASE: rc = sql_k_case(out, e, args, n); break;
    case E_IN: return sql_k_in(out, e, args, n, err);
    case E_LIKE: rc = sql_k_like(out, e, &args[0], n); break;
    case E_ISNULL: rc = sql_k_isnull(out, e, &args[0], n); break;
    case E_FIELD: rc = sql_k_field(out, e, &args[0], n); break;
    case E_SUBSCRIPT: rc = sql_k_subscript(out, e, &args[0], &args[1], n); break;
    default: return silt_error_set(err, SILT_EGENERIC, "internal: bad expression kind");
    }
    if (rc) silt_error_set(err, rc, "out of memory evaluating an expression");
    return rc;
}

/* The one argument of e that varies (the others are constants) when it has a dictionary view
 * without nulls, smaller than half the rows: its index, else -1. */
static int dict_arg(const sql_expr *e, const sql_vec *args, int64_t n)
{
    int k = -1;
    if (e->kind == E_FN && !e->n_args) return -1;
    for (size_t i = 0; i < e->n_args; i++) {
        if (args[i].is_const) continue;
        if (k >= 0) return -1;
        k = (int)i;
    }
    if (k < 0) return -1;
    const silt_column *c = args[k].c;
    const silt_dict *d = silt_column_dict(c);
    return d && !c->null_count && c->length == n && d->values.length * 2 <= n ? k : -1;
}

/* Evaluates e once per distinct value of args[k] (its dictionary) and spreads the results over
 * the rows by their codes. The result keeps a dictionary view: the results per value. */
static int eval_dict(sql_vec *out, const sql_expr *e, sql_vec *args, int k, int64_t n,
                     silt_error *err)
{
    const silt_column *c = args[k].c;
    sql_vec saved = args[k], r;
    memset(&r, 0, sizeof r);
    args[k].c = &c->dict->values;
    args[k].owned = false;
    int rc = dispatch(&r, e, args, c->dict->values.length, err);
    args[k] = saved;
    silt_dict *nd = rc ? NULL : silt_dict_create(&e->type);
    if (!rc && !nd) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (!rc && r.owned) {
        silt_column_clear(&nd->values);
        nd->values = r.own;
        memset(&r.own, 0, sizeof r.own);
        r.owned = false;
    } else if (!rc && (rc = silt_column_append_range(&nd->values, r.c, 0, r.c->length))) {
        rc = silt_error_set(err, rc, "out of memory");
    }
    sql_vec_free(&r);
    if (!rc && nd->values.length != c->dict->values.length)
        rc = silt_error_set(err, SILT_EGENERIC, "internal: a kernel gave the wrong row count");
    if (!rc) {
        out->owned = true;
        out->c = &out->own;
        if ((rc = silt_column_init(&out->own, &e->type)) ||
            (rc = sql_gather_codes(&out->own, &nd->values, c->codes, n, nd)))
            rc = silt_error_set(err, rc, "out of memory");
    }
    silt_dict_release(nd);
    return rc;
}

int sql_eval(sql_vec *out, const sql_expr *e, const silt_batch *in, silt_error *err)
{
    memset(out, 0, sizeof *out);
    if (e->kind == E_COL) {
        out->c = &in->cols[e->index];
        return 0;
    }
    if (e->kind == E_CONST) {
        out->c = e->value;
        out->is_const = true;
        return 0;
    }
    sql_vec stack[4], *args = stack;
    if (e->n_args > 4 && !(args = silt_calloc(e->n_args, sizeof *args)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (e->n_args <= 4) memset(stack, 0, sizeof stack);
    int rc = 0;
    size_t done = 0;
    for (; done < e->n_args && !rc; done++) rc = sql_eval(&args[done], e->args[done], in, err);
    if (!rc) {
        bool cst = all_const(args, e->n_args) && e->kind != E_FN;
        int64_t n = cst ? 1 : in ? in->n_rows : 1;
        int k = cst ? -1 : dict_arg(e, args, n);
        rc = k >= 0 ? eval_dict(out, e, args, k, n, err) : dispatch(out, e, args, n, err);
        out->is_const = cst && !rc;
    }
    for (size_t i = 0; i < done; i++) sql_vec_free(&args[i]);
    if (args != stack) silt_free(args);
    if (rc) sql_vec_free(out);
    return rc;
}

int sql_eval_full(silt_column *out, const sql_expr *e, const silt_batch *in, silt_error *err)
{
    sql_vec v;
    int rc = sql_eval(&v, e, in, err);
    if (rc) return rc;
    int64_t n = in ? in->n_rows : 1;
    if (v.owned && !v.is_const) {
        *out = v.own;
        return 0;
    }
    rc = silt_column_init(out, &e->type);
    if (!rc && !v.is_const) rc = silt_column_append_range(out, v.c, 0, n);
    if (!rc && !v.is_const) rc = silt_column_share_dict(out, v.c, NULL, n);
    if (!rc && v.is_const) {
        int64_t *idx = silt_calloc((size_t)(n ? n : 1), sizeof *idx);
        rc = idx ? sql_gather(out, v.c, idx, n) : SILT_ENOMEM;
        silt_free(idx);
    }
    sql_vec_free(&v);
    if (rc) {
        silt_column_clear(out);
        return silt_error_set(err, rc, "out of memory");
    }
    return 0;
}
