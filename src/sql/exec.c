/* The executor: runs plan nodes bottom-up over relations of batches. Filters and projections
 * stream batch by batch; aggregate, sort, join and DISTINCT consume their whole input. */
#include <string.h>

#include "sql/exec.h"
#include "util/alloc.h"

int sql_filter_batch(silt_batch **out, const silt_batch *b, const sql_expr *pred,
                     silt_error *err)
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
    } else if (!c->validity || !c->null_count) {
        for (int64_t i = 0; i < n; i++)
            if (silt_bit_get(c->values, i)) idx[k++] = i;
    } else {
        for (int64_t i = 0; i < n; i++)
            if (silt_bit_get(c->values, i) && silt_bit_get(c->validity, i)) idx[k++] = i;
    }
    sql_vec_free(&v);
    rc = sql_gather_batch(out, b, b->schema, idx, k);
    silt_free(idx);
    if (rc) return silt_error_set(err, rc, "out of memory filtering rows");
    return 0;
}

static int project_batch(silt_batch **out, const silt_batch *b, const sql_node *n,
                         silt_error *err)
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

static int map_rel(sql_rel *out, sql_node *n, sql_rel *in, silt_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < in->n && !rc; i++) {
        silt_batch *o;
        rc = n->kind == N_FILTER ? sql_filter_batch(&o, in->b[i], n->pred, err)
                                 : project_batch(&o, in->b[i], n, err);
        if (!rc) {
            n->rows_out += o->n_rows;
            if (o->n_rows == 0 && in->n > 1)
                silt_batch_destroy(o);
            else if ((rc = sql_rel_push(out, o)))
                silt_error_set(err, rc, "out of memory");
        }
        silt_batch_destroy(in->b[i]);
        in->b[i] = NULL;
    }
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
    if (n->kind == N_FILTER && n->in->kind == N_SCAN) {
        n->in->pred = n->pred; /* fused: rows are filtered as the scan reads them */
        rc = sql_exec_scan(out, n->in, err);
        n->rows_out = sql_rel_rows(out);
        return rc;
    }
    if ((rc = sql_exec_node(&in, n->in, input, err))) goto done;
    n->rows_in = sql_rel_rows(&in);
    switch (n->kind) {
    case N_FILTER:
    case N_PROJECT: rc = map_rel(out, n, &in, err); break;
    case N_LIMIT:
        if ((rc = exec_limit(out, n, &in))) silt_error_set(err, rc, "out of memory");
        break;
    case N_AGG: rc = sql_exec_agg(out, n, &in, err); break;
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
    case N_SCAN: return sql_exec_scan(out, n, err);
    case N_ONEROW:
        rc = exec_onerow(out, n, input);
        return rc ? silt_error_set(err, rc, "out of memory") : 0;
    case N_INPUT: return exec_input(out, n, input, err);
    case N_UNION: return exec_union(out, n, input, err);
    case N_JOIN: {
        sql_rel l = {0}, r = {0};
        rc = sql_exec_node(&l, n->in, input, err);
        if (!rc) rc = sql_exec_node(&r, n->right, input, err);
        if (!rc) rc = sql_exec_join(out, n, &l, &r, err);
        sql_rel_free(&l);
        sql_rel_free(&r);
        return rc;
    }
    default: return exec_unary(out, n, input, err);
    }
}
