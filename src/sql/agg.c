/* Hash aggregation: group keys mapped to dense ids batch by batch, aggregate states (fn.h)
 * updated with whole argument vectors per batch, finalized into one result batch; and
 * DISTINCT as grouping on every column. Memory held is recorded on the node. */
#include <string.h>

#include "sql/groups.h"
#include "util/alloc.h"

#include "sql/agg.h"

int sql_agg_grow_states(aggrun *a, int64_t need)
{
    if (need <= a->cap) return 0;
    int64_t nc = a->cap ? a->cap : 64;
    while (nc < need) nc *= 2;
    for (size_t k = 0; k < a->n->n_aggs; k++) {
        const sql_aggcall *ac = &a->n->aggs[k];
        size_t sz = ac->state_size ? ac->state_size : 1;
        uint8_t *ns = silt_realloc(a->states[k], (size_t)nc * sz);
        if (!ns) return SILT_ENOMEM;
        a->states[k] = ns;
    }
    a->cap = nc;
    return 0;
}

void sql_agg_init_states(aggrun *a, int64_t from, int64_t to)
{
    for (size_t k = 0; k < a->n->n_aggs; k++) {
        const sql_aggcall *ac = &a->n->aggs[k];
        for (int64_t g = from; g < to; g++) {
            memset(a->states[k] + (size_t)g * ac->state_size, 0, ac->state_size);
            ac->fn->init(ac->bstate, a->states[k] + (size_t)g * ac->state_size);
        }
    }
}

static int update_aggs(aggrun *a, const silt_batch *b, const uint32_t *ids, silt_error *err)
{
    for (size_t k = 0; k < a->n->n_aggs; k++) {
        const sql_aggcall *ac = &a->n->aggs[k];
        sql_vec v[16];
        const silt_column *cols[16];
        bool is_const[16];
        const silt_field *types[16];
        size_t na = ac->n_args < 16 ? ac->n_args : 16, done = 0;
        int rc = 0;
        for (; done < na && !rc; done++) {
            rc = sql_eval(&v[done], ac->args[done], b, err);
            cols[done] = v[done].c;
            is_const[done] = v[done].is_const;
            types[done] = &ac->args[done]->type;
        }
        if (!rc) {
            silt_sql_fn_args fa = {na, cols, is_const, types};
            rc = ac->fn->update(ac->bstate, a->states[k], ac->state_size, ids, &fa, b->n_rows, err);
        }
        for (size_t i = 0; i < done; i++) sql_vec_free(&v[i]);
        if (rc) return rc;
    }
    return 0;
}

static int agg_batch(aggrun *a, const silt_batch *b, silt_error *err)
{
    sql_node *n = a->n;
    int64_t rows = b->n_rows;
    if (rows == 0) return 0;
    if (rows > a->cap_ids) {
        silt_free(a->ids);
        if (!(a->ids = silt_malloc((size_t)rows * sizeof *a->ids))) return SILT_ENOMEM;
        a->cap_ids = rows;
    }
    silt_column *keys = silt_calloc(n->n_exprs + 1, sizeof *keys);
    const silt_column **kp = silt_calloc(n->n_exprs + 1, sizeof *kp);
    int rc = keys && kp ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t done = 0;
    for (; done < n->n_exprs && !rc; done++) {
        if (n->exprs[done]->kind == E_COL) { /* the input column itself, no copy */
            kp[done] = &b->cols[n->exprs[done]->index];
            continue;
        }
        rc = sql_eval_full(&keys[done], n->exprs[done], b, err);
        kp[done] = &keys[done];
    }
    if (!rc && n->n_exprs) {
        int64_t before = a->g.n;
        if (sql_groups_map(&a->g, kp, rows, a->ids, true) || sql_agg_grow_states(a, a->g.n))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory in GROUP BY");
        else
            sql_agg_init_states(a, before, a->g.n);
    }
    if (!rc) rc = update_aggs(a, b, n->n_exprs ? a->ids : NULL, err);
    for (size_t i = 0; i < done; i++) silt_column_clear(&keys[i]);
    silt_free(keys);
    silt_free(kp);
    return rc;
}

int sql_agg_finish(sql_rel *out, aggrun *a, silt_error *err)
{
    sql_node *n = a->n;
    int64_t ng = n->n_exprs ? a->g.n : 1;
    silt_batch *o = silt_batch_create(&n->schema);
    if (!o) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < n->n_exprs && !rc; k++)
        rc = silt_column_append_range(&o->cols[k], &a->g.keys[k], 0, ng);
    if (rc) rc = silt_error_set(err, rc, "out of memory");
    for (size_t k = 0; k < n->n_aggs && !rc; k++) {
        const sql_aggcall *ac = &n->aggs[k];
        rc = ac->fn->finalize(ac->bstate, &o->cols[n->n_exprs + k], a->states[k], ac->state_size,
                              ng, err);
    }
    o->n_rows = ng;
    if (rc) {
        silt_batch_destroy(o);
        return rc;
    }
    n->rows_out = ng;
    if ((rc = sql_rel_push(out, o))) return silt_error_set(err, rc, "out of memory");
    return 0;
}

void sql_agg_free(aggrun *a)
{
    int64_t ng = a->n->n_exprs ? a->g.n : (a->cap ? 1 : 0);
    for (size_t k = 0; a->states && k < a->n->n_aggs; k++) {
        const sql_aggcall *ac = &a->n->aggs[k];
        for (int64_t g = 0; ac->fn->destroy && a->states[k] && g < ng; g++)
            ac->fn->destroy(ac->bstate, a->states[k] + (size_t)g * ac->state_size);
        silt_free(a->states[k]);
    }
    silt_free(a->states);
    silt_free(a->ids);
    sql_groups_free(&a->g);
}

/* Whether the caller's input batch can be lent to the aggregates as it is: it has the input
 * node's columns, and none is lazy (those are filled in by a copy). */
static bool lendable(const silt_batch *input, const silt_schema *s)
{
    if (!input || input->n_cols < s->n_fields) return false;
    for (size_t c = 0; c < s->n_fields; c++)
        if (input->cols[c].lazy) return false;
    return true;
}

/* A batch lent by a scan or the caller (read, not kept). */
static int agg_lend(void *arg, const silt_batch *b, silt_error *err)
{
    aggrun *a = arg;
    a->n->rows_in += b->n_rows;
    return agg_batch(a, b, err);
}

static int agg_sink(void *arg, silt_batch *b, silt_error *err)
{
    aggrun *a = arg;
    a->n->rows_in += b->n_rows;
    int rc = agg_batch(a, b, err);
    silt_batch_destroy(b);
    return rc;
}

int sql_agg_init(aggrun *a, sql_node *n, silt_error *err)
{
    memset(a, 0, sizeof *a);
    a->n = n;
    const silt_field **kt = silt_calloc(n->n_exprs + 1, sizeof *kt);
    a->states = silt_calloc(n->n_aggs + 1, sizeof *a->states);
    int rc = 0;
    for (size_t k = 0; kt && k < n->n_exprs; k++) kt[k] = &n->exprs[k]->type;
    if (!kt || !a->states || sql_groups_init(&a->g, kt, n->n_exprs))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_free(kt);
    if (!rc && !n->n_exprs) {
        if (sql_agg_grow_states(a, 1))
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        else
            sql_agg_init_states(a, 0, 1);
    }
    return rc;
}

static void note_memory(sql_node *n, const aggrun *a)
{
    size_t mem = sql_groups_bytes(&a->g);
    for (size_t k = 0; k < n->n_aggs; k++) mem += (size_t)a->cap * n->aggs[k].state_size;
    if (mem > n->mem_peak) n->mem_peak = mem;
}

static void mark_cols(bool *need, const sql_expr *e)
{
    if (e->kind == E_COL) need[e->index] = true;
    for (size_t i = 0; i < e->n_args; i++) mark_cols(need, e->args[i]);
}

/* The columns of a join or filter below n that n reads (its keys and aggregate arguments):
 * the join or filter need not gather the others. NULL when n's input is neither, or out of
 * memory. */
static bool *input_needs(const sql_node *n)
{
    if (n->in->kind != N_JOIN && n->in->kind != N_FILTER) return NULL;
    bool *need = silt_calloc(n->in->schema.n_fields + 1, sizeof *need);
    for (size_t k = 0; need && k < n->n_exprs; k++) mark_cols(need, n->exprs[k]);
    for (size_t k = 0; need && k < n->n_aggs; k++)
        for (size_t i = 0; i < n->aggs[k].n_args; i++) mark_cols(need, n->aggs[k].args[i]);
    return need;
}

int sql_exec_agg(sql_rel *out, sql_node *n, const silt_batch *input, silt_error *err)
{
    aggrun a, *run = &a; /* running: the rows go straight into the states kept across runs */
    int rc = 0;
    if (n->running_on && !n->running && !(n->running = silt_calloc(1, sizeof(aggrun))))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    if (n->running_on) run = n->running;
    if ((run == &a || !run->n) && (rc = sql_agg_init(run, n, err))) {
        sql_agg_free(run);
        memset(run, 0, sizeof *run); /* a running one is initialised again next run */
        return rc;
    }
    bool *need = input_needs(n);
    if (need) n->in->need = need;
    if (n->in->kind == N_SCAN) n->in->sink_lend = agg_lend;
    if (n->in->kind == N_INPUT && lendable(input, &n->in->schema)) {
        /* the input batch is aggregated where it is, not copied column by column first */
        silt_batch view = *input;
        view.schema = &n->in->schema;
        view.n_cols = n->in->schema.n_fields;
        rc = agg_lend(run, &view, err);
    } else {
        rc = sql_exec_stream(n->in, input, agg_sink, run, err);
    }
    if (n->in->kind == N_SCAN) n->in->sink_lend = NULL;
    if (need) n->in->need = NULL;
    silt_free(need);
    if (!rc) note_memory(n, run);
    if (!rc && !(run != &a && n->running_quiet)) rc = sql_agg_finish(out, run, err);
    if (run == &a) sql_agg_free(&a);
    return rc;
}

void sql_agg_release(sql_node *n)
{
    if (!n) return;
    if (n->kind == N_AGG && n->running) {
        if (((aggrun *)n->running)->n) sql_agg_free(n->running);
        silt_free(n->running);
        n->running = NULL;
    }
    sql_agg_release(n->in);
    sql_agg_release(n->right);
    for (size_t i = 0; i < n->n_inputs; i++) sql_agg_release(n->inputs[i]);
}

int sql_exec_distinct(sql_rel *out, sql_node *n, const sql_rel *in, silt_error *err)
{
    sql_groups g;
    size_t nk = n->schema.n_fields;
    const silt_field **kt = silt_calloc(nk + 1, sizeof *kt);
    int rc = kt ? 0 : SILT_ENOMEM;
    for (size_t k = 0; kt && k < nk; k++) kt[k] = &n->schema.fields[k];
    if (!rc) rc = sql_groups_init(&g, kt, nk);
    silt_free(kt);
    for (size_t i = 0; i < in->n && !rc; i++) {
        const silt_batch *b = in->b[i];
        uint32_t *ids = silt_malloc((size_t)(b->n_rows + 1) * sizeof *ids);
        const silt_column **kp = silt_calloc(nk + 1, sizeof *kp);
        for (size_t k = 0; kp && k < nk; k++) kp[k] = &b->cols[k];
        rc = ids && kp ? sql_groups_map(&g, kp, b->n_rows, ids, true) : SILT_ENOMEM;
        silt_free(ids);
        silt_free(kp);
    }
    if (!rc) {
        silt_batch *o = silt_batch_create(&n->schema);
        rc = o ? 0 : SILT_ENOMEM;
        for (size_t k = 0; !rc && k < nk; k++) {
            silt_column_clear(&o->cols[k]);
            o->cols[k] = g.keys[k];
            memset(&g.keys[k], 0, sizeof g.keys[k]);
        }
        if (o) o->n_rows = g.n;
        if (o) n->mem_peak = sql_groups_bytes(&g);
        if (!rc) rc = sql_rel_push(out, o);
    }
    sql_groups_free(&g);
    return rc ? silt_error_set(err, rc, "out of memory in DISTINCT") : 0;
}
