/* The executor: runs plan nodes bottom-up over relations of batches. Filters and projections
 * stream batch by batch; aggregate, sort, join and DISTINCT consume their whole input. */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"
#include "util/hot.h"

SILT_HOT int sql_filter_rows(int64_t **out_idx, int64_t *out_n, const silt_batch *b,
                             const sql_expr *pred, silt_error *err)
{
    sql_vec v;
    int rc = sql_eval(&v, pred, b, err);
    if (rc) return rc;
    int64_t n = b->n_rows, k = 0;
    int64_t *idx = silt_malloc((size_t)(n ? n : 1) * sizeof *idx);
    if (!idx) {
        sql_vec_free(&v);
        return silt_error_set(err, SILT_ENOMEM, "out of memory filtering rows");
    }
    const silt_column *c = v.c;
    if (v.is_const) {
        bool t = silt_column_is_valid(c, 0) && silt_bit_get(c->values, 0);
        for (int64_t i = 0; t && i < n; i++) idx[k++] = i;
    } else {
        /* 64 rows at a time: a selective filter skips its empty words at once */
        const uint8_t *valid = c->validity && c->null_count ? c->validity : NULL;
        int64_t i = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ /* row i + j is bit j of the word */
        for (; i + 64 <= n; i += 64) {
            uint64_t m, w;
            memcpy(&m, c->values + (i >> 3), 8);
            if (valid) {
                memcpy(&w, valid + (i >> 3), 8);
                m &= w;
            }
            for (; m; m &= m - 1) idx[k++] = i + __builtin_ctzll(m);
        }
#endif
        for (; i < n; i++)
            if (silt_bit_get(c->values, i) && (!valid || silt_bit_get(valid, i))) idx[k++] = i;
    }
    sql_vec_free(&v);
    *out_idx = idx;
    *out_n = k;
    return 0;
}

int sql_filter_batch(silt_batch **out, const silt_batch *b, const sql_expr *pred, silt_error *err)
{
    return sql_filter_batch_need(out, b, pred, NULL, err);
}

int sql_filter_batch_need(silt_batch **out, const silt_batch *b, const sql_expr *pred,
                          const bool *need, silt_error *err)
{
    int64_t *idx, k;
    int rc = sql_filter_rows(&idx, &k, b, pred, err);
    if (rc) return rc;
    silt_batch *o = silt_batch_create(b->schema);
    if (!o) rc = SILT_ENOMEM;
    for (size_t c = 0; !rc && c < o->n_cols; c++) /* a column nothing above reads: nulls */
        rc = need && !need[c] ? sql_col_nulls(&o->cols[c], k)
                              : sql_gather(&o->cols[c], &b->cols[c], idx, k);
    if (o) o->n_rows = k;
    if (!rc)
        *out = o;
    else
        silt_batch_destroy(o);
    silt_free(idx);
    if (rc) return silt_error_set(err, rc, "out of memory filtering rows");
    return 0;
}

int sql_project_batch(silt_batch **out, const silt_batch *b, const sql_node *n, silt_error *err)
{
    silt_batch *o = silt_batch_create(&n->schema);
    if (!o) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n->n_exprs; i++) {
        silt_column col;
        int rc = sql_eval_full(&col, n->exprs[i], b, err);
        if (rc) {
            silt_batch_destroy(o);
            return rc;
        }
        silt_column_clear(&o->cols[i]);
        o->cols[i] = col;
    }
    o->n_rows = b ? b->n_rows : 1;
    *out = o;
    return 0;
}

typedef struct xform {
    sql_node *n;
    sql_sink sink;
    void *arg;
} xform;

/* Filters or projects rows b (borrowed) into *o. */
static int xform_apply(xform *x, const silt_batch *b, silt_batch **o, silt_error *err)
{
    x->n->rows_in += b->n_rows;
    return x->n->kind == N_FILTER ? sql_filter_batch_need(o, b, x->n->pred, x->n->need, err)
                                  : sql_project_batch(o, b, x->n, err);
}

/* Passes a filter's or projection's result o (owned) on; an empty filter result goes nowhere. */
static int xform_pass(xform *x, silt_batch *o, silt_error *err)
{
    x->n->rows_out += o->n_rows;
    if (o->n_rows == 0 && x->n->kind == N_FILTER) {
        silt_batch_destroy(o);
        return 0;
    }
    return x->sink(x->arg, o, err);
}

/* Filters or projects rows b (borrowed) and passes the result on. */
static int xform_rows(xform *x, const silt_batch *b, silt_error *err)
{
    silt_batch *o = NULL;
    int rc = xform_apply(x, b, &o, err);
    return rc ? rc : xform_pass(x, o, err);
}

static bool has_lazy(const silt_batch *b)
{
    for (size_t c = 0; c < b->n_cols; c++)
        if (b->cols[c].lazy) return true;
    return false;
}

/* Filters or projects one batch of the child (freed before the result goes on) and passes the
 * result on. */
static int xform_batch(void *arg, silt_batch *b, silt_error *err)
{
    xform *x = arg;
    silt_batch *o = NULL;
    int rc = xform_apply(x, b, &o, err);
    silt_batch_destroy(b);
    return rc ? rc : xform_pass(x, o, err);
}

static int push_rel(void *arg, silt_batch *b, silt_error *err)
{
    int rc = sql_rel_push(arg, b);
    return rc ? silt_error_set(err, rc, "out of memory") : 0;
}

typedef struct limiter {
    sql_node *n;
    int64_t left;
    sql_sink sink;
    void *arg;
    bool done;
} limiter;

/* LIMIT over a stream: passes rows on until the limit, then stops the producer. */
static int limit_batch(void *arg, silt_batch *b, silt_error *err)
{
    limiter *l = arg;
    if (b->n_rows > l->left) {
        for (size_t c = 0; c < b->n_cols; c++) silt_column_truncate(&b->cols[c], l->left);
        b->n_rows = l->left;
    }
    l->left -= b->n_rows;
    l->n->rows_out += b->n_rows;
    int rc = l->sink(l->arg, b, err);
    if (!rc && l->left <= 0) {
        l->done = true;
        return SILT_ECANCELLED; /* enough rows: stop reading */
    }
    return rc;
}

static int stream_limit(sql_node *n, const silt_batch *input, sql_sink sink, void *arg,
                        silt_error *err)
{
    limiter l = {n, n->limit, sink, arg, false};
    if (n->limit <= 0) {
        silt_batch *b = silt_batch_create(&n->schema);
        return b ? sink(arg, b, err) : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    int rc = sql_exec_stream(n->in, input, limit_batch, &l, err);
    if (rc == SILT_ECANCELLED && l.done) {
        silt_error_clear(err);
        rc = 0;
    }
    return rc;
}

int sql_exec_stream(sql_node *n, const silt_batch *input, sql_sink sink, void *arg, silt_error *err)
{
    if (n->kind == N_LIMIT && n->in->kind != N_SORT) return stream_limit(n, input, sink, arg, err);
    if (n->kind == N_SCAN || (n->kind == N_FILTER && n->in->kind == N_SCAN)) {
        sql_node *s = n->kind == N_SCAN ? n : n->in;
        sql_rel none = {0};
        if (n != s) s->pred = n->pred; /* fused: rows are filtered as the scan reads them */
        s->sink = sink;
        s->sink_arg = arg;
        int rc = sql_exec_scan(&none, s, err);
        if (n != s) n->rows_out = s->rows_out;
        return rc;
    }
    if ((n->kind == N_FILTER || n->kind == N_PROJECT) && n->in->kind == N_INPUT && input &&
        input->n_cols >= n->in->schema.n_fields && !has_lazy(input)) {
        /* the input batch is read where it is (the caller keeps it for the run): a filter
         * gathers, and a projection evaluates, from it without a copy of every column first */
        silt_batch view = *input;
        view.schema = &n->in->schema;
        view.n_cols = n->in->schema.n_fields;
        xform x = {n, sink, arg};
        return xform_rows(&x, &view, err);
    }
    if (n->kind == N_FILTER || n->kind == N_PROJECT) {
        xform x = {n, sink, arg};
        return sql_exec_stream(n->in, input, xform_batch, &x, err);
    }
    if (n->kind == N_JOIN) return sql_join_stream(n, input, sink, arg, err);
    sql_rel r = {0};
    int rc = sql_exec_node(&r, n, input, err);
    size_t i = 0;
    for (; !rc && i < r.n; i++) {
        rc = sink(arg, r.b[i], err);
        r.b[i] = NULL;
    }
    sql_rel_free(&r);
    return rc;
}

static int exec_limit(sql_rel *out, sql_node *n, sql_rel *in)
{
    int64_t left = n->limit;
    for (size_t i = 0; i < in->n; i++) {
        silt_batch *b = in->b[i];
        in->b[i] = NULL;
        if (left <= 0 && out->n) {
            silt_batch_destroy(b);
            continue;
        }
        if (b->n_rows > left) {
            for (size_t c = 0; c < b->n_cols; c++) silt_column_truncate(&b->cols[c], left);
            b->n_rows = left;
        }
        left -= b->n_rows;
        int rc = sql_rel_push(out, b);
        if (rc) return rc;
    }
    return 0;
}

static int exec_onerow(sql_rel *out, sql_node *n, const silt_batch *input)
{
    silt_batch *b = silt_batch_create(&n->schema);
    if (!b) return SILT_ENOMEM;
    b->n_rows = 1;
    (void)input;
    return sql_rel_push(out, b);
}

static int exec_input(sql_rel *out, sql_node *n, const silt_batch *input, silt_error *err)
{
    if (!input) return silt_error_set(err, SILT_EINVAL, "the plan needs an input batch");
    silt_batch *b = silt_batch_create(&n->schema);
    if (!b) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t c = 0; c < b->n_cols; c++) {
        int rc = silt_column_append_range(&b->cols[c], &input->cols[c], 0, input->n_rows);
        if (!rc) rc = silt_column_share_dict(&b->cols[c], &input->cols[c], NULL, input->n_rows);
        if (rc) {
            silt_batch_destroy(b);
            return silt_error_set(err, rc, "out of memory");
        }
    }
    b->n_rows = input->n_rows;
    return sql_rel_push(out, b);
}

static int exec_union(sql_rel *out, sql_node *n, const silt_batch *input, silt_error *err)
{
    for (size_t k = 0; k < n->n_inputs; k++) {
        sql_rel r = {0};
        int rc = sql_exec_node(&r, n->inputs[k], input, err);
        for (size_t i = 0; !rc && i < r.n; i++) {
            r.b[i]->schema = &n->schema;
            rc = sql_rel_push(out, r.b[i]);
            r.b[i] = NULL;
        }
        sql_rel_free(&r);
        if (rc) return rc;
    }
    return 0;
}

static int exec_unary(sql_rel *out, sql_node *n, const silt_batch *input, silt_error *err)
{
    sql_rel in = {0};
    int rc;
    if (n->kind == N_FILTER || n->kind == N_PROJECT ||
        (n->kind == N_LIMIT && n->in->kind != N_SORT))
        return sql_exec_stream(n, input, push_rel, out, err);
    if (n->kind == N_AGG) return sql_exec_agg(out, n, input, err);
    if ((rc = sql_exec_node(&in, n->in, input, err))) goto done;
    n->rows_in = sql_rel_rows(&in);
    switch (n->kind) {
    case N_LIMIT:
        if ((rc = exec_limit(out, n, &in))) silt_error_set(err, rc, "out of memory");
        break;
    case N_SORT: rc = sql_exec_sort(out, n, &in, err); break;
    case N_DISTINCT: rc = sql_exec_distinct(out, n, &in, err); break;
    default: rc = silt_error_set(err, SILT_EGENERIC, "internal: bad plan node"); break;
    }
done:
    sql_rel_free(&in);
    return rc;
}

int sql_exec_node(sql_rel *out, sql_node *n, const silt_batch *input, silt_error *err)
{
    int rc;
    switch (n->kind) {
    case N_SCAN: return sql_exec_stream(n, input, push_rel, out, err);
    case N_ONEROW:
        rc = exec_onerow(out, n, input);
        return rc ? silt_error_set(err, rc, "out of memory") : 0;
    case N_INPUT: return exec_input(out, n, input, err);
    case N_UNION: return exec_union(out, n, input, err);
    case N_JOIN: return sql_join_stream(n, input, push_rel, out, err);
    default: return exec_unary(out, n, input, err);
    }
}
