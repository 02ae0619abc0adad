/* The shape of an aggregate plan, for views kept incrementally: which output columns are group
 * keys and which come straight out of which aggregate function, and whether the rows that feed
 * the aggregate each depend on one input row (so a batch's partial aggregates can be merged). */
#include <string.h>

#include "sql/sql.h"
#include "sql/sql_int.h"

sql_node *sql_plan_root(silt_sql_plan *p);

/* Whether the subtree below an aggregate maps each input row on its own: projections, filters
 * and inner joins (or left joins with the input on the left) with tables read whole, over the
 * one named input. */
static bool per_row(const sql_node *n, int *inputs)
{
    switch (n->kind) {
    case N_INPUT: (*inputs)++; return true;
    case N_SCAN: return true;
    case N_PROJECT:
    case N_FILTER: return per_row(n->in, inputs);
    case N_JOIN: {
        int left = 0, right = 0;
        if (!per_row(n->in, &left) || !per_row(n->right, &right)) return false;
        if (n->left_join && right) return false;
        *inputs += left + right;
        return true;
    }
    default: return false;
    }
}

int silt_sql_plan_agg_shape(const silt_sql_plan *p, silt_sql_col_origin *out, size_t n,
                            silt_error *err)
{
    const sql_node *root = sql_plan_root((silt_sql_plan *)p), *agg = root;
    if (silt_sql_plan_kind(p) != SILT_SQL_SELECT || !root)
        return silt_error_set(err, SILT_EUNSUPPORTED, "not a SELECT");
    if (root->kind == N_PROJECT) agg = root->in;
    if (!agg || agg->kind != N_AGG)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the query is not a GROUP BY aggregate (with a plain select list "
                              "above it: no HAVING, ORDER BY, LIMIT or expressions over "
                              "aggregates)");
    int inputs = 0;
    if (!per_row(agg->in, &inputs) || inputs != 1)
        return silt_error_set(err, SILT_EUNSUPPORTED,
                              "the aggregate's input is not one stream (with tables joined to "
                              "it) whose rows are aggregated each on its own");
    if (n != root->schema.n_fields)
        return silt_error_set(err, SILT_EINVAL, "%zu origins for %zu columns", n,
                              root->schema.n_fields);
    for (size_t i = 0; i < n; i++) {
        long src = (long)i;
        if (root != agg) {
            const sql_expr *e = root->exprs[i];
            if (e->kind != E_COL)
                return silt_error_set(err, SILT_EUNSUPPORTED,
                                      "column %zu is an expression over the aggregate", i + 1);
            src = e->index;
        }
        memset(&out[i], 0, sizeof out[i]);
        if (src < (long)agg->n_exprs) {
            out[i].key = true;
        } else {
            const sql_aggcall *ac = &agg->aggs[src - (long)agg->n_exprs];
            out[i].agg = ac->fn->name;
            out[i].n_args = ac->n_args;
            out[i].distinct = ac->distinct;
        }
    }
    return 0;
}

/* Whether the subtree n keeps what silt_sql_plan_accumulates needs; agg: n is read by an
 * aggregate through projections and filters only; counts the aggregates and input reads. */
static bool accumulates(const sql_node *n, bool agg, int *aggs, int *inputs)
{
    switch (n->kind) {
    case N_INPUT: (*inputs)++; return agg;
    case N_SCAN: return false;
    case N_ONEROW: return true;
    case N_PROJECT:
    case N_FILTER: return accumulates(n->in, agg, aggs, inputs);
    case N_AGG: {
        int below = 0, reads = 0;
        /* it reads the input, and no aggregate (a running one would count its rows again) */
        if (!accumulates(n->in, true, &below, &reads) || below || !reads) return false;
        (*aggs)++;
        *inputs += reads;
        return true;
    }
    default:
        if (n->in && !accumulates(n->in, false, aggs, inputs)) return false;
        if (n->right && !accumulates(n->right, false, aggs, inputs)) return false;
        for (size_t i = 0; i < n->n_inputs; i++)
            if (!accumulates(n->inputs[i], false, aggs, inputs)) return false;
        return true;
    }
}

bool silt_sql_plan_accumulates(const silt_sql_plan *p)
{
    const sql_node *root = sql_plan_root((silt_sql_plan *)p);
    int aggs = 0, inputs = 0;
    return silt_sql_plan_kind(p) == SILT_SQL_SELECT && root &&
           accumulates(root, false, &aggs, &inputs) && aggs > 0;
}
