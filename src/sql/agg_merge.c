/* Running aggregates: a plan run on batch after batch keeps, in each aggregate node, the
 * states of every group seen so far; each run's partial states are merged into them with the
 * aggregates' merge (fn.h), and the result of a run is the running result. */
#include <string.h>

#include "sql/agg.h"
#include "util/alloc.h"

int sql_agg_merge(aggrun *dst, const aggrun *src, silt_error *err)
{
    sql_node *n = dst->n;
    int64_t ng = n->n_exprs ? src->g.n : 1;
    uint32_t *ids = silt_malloc((size_t)(ng + 1) * sizeof *ids);
    const silt_column **kp = silt_calloc(n->n_exprs + 1, sizeof *kp);
    int rc = ids && kp ? 0 : SILT_ENOMEM;
    for (size_t k = 0; kp && k < n->n_exprs; k++) kp[k] = &src->g.keys[k];
    if (!rc && n->n_exprs) {
        int64_t before = dst->g.n;
        rc = sql_groups_map(&dst->g, kp, ng, ids, true);
        if (!rc) rc = sql_agg_grow_states(dst, dst->g.n);
        if (!rc) sql_agg_init_states(dst, before, dst->g.n);
    } else if (!rc) {
        ids[0] = 0;
    }
    if (rc) silt_error_set(err, rc, "out of memory merging aggregates");
    for (size_t k = 0; !rc && k < n->n_aggs; k++) {
        const sql_aggcall *ac = &n->aggs[k];
        for (int64_t g = 0; !rc && g < ng; g++)
            rc = ac->fn->merge(ac->bstate, dst->states[k] + (size_t)ids[g] * ac->state_size,
                               src->states[k] + (size_t)g * ac->state_size, err);
    }
    silt_free(ids);
    silt_free(kp);
    return rc;
}

void sql_agg_release(sql_node *n)
{
    if (!n) return;
    if (n->kind == N_AGG && n->running) {
        sql_agg_free(n->running);
        silt_free(n->running);
        n->running = NULL;
    }
    sql_agg_release(n->in);
    sql_agg_release(n->right);
    for (size_t i = 0; i < n->n_inputs; i++) sql_agg_release(n->inputs[i]);
}
