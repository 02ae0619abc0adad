/* Row origins of a plan that is a chain of projections and filters over its named input: the
 * chain run node by node, keeping for each row the input row it came from and, where from_json
 * refused an input row's text, the decoder's reason (the pipelines' quarantine needs both). */
#include <string.h>

#include "sql/exec.h"
#include "sql/fn_json.h"
#include "sql/sql.h"
#include "util/alloc.h"
#include "util/buf.h"

sql_node *sql_plan_root(silt_sql_plan *p);
void **sql_plan_trace(silt_sql_plan *p);
void sql_trace_free(void *t);

typedef struct sql_trace {
    int64_t *origin; /* per output row: its input row */
    int64_t n_out;
    int64_t *reason_at; /* per input row: offset in reasons, -1 none */
    int64_t n_in;
    silt_buf reasons; /* NUL-terminated messages */
} sql_trace;

void sql_trace_free(void *t)
{
    sql_trace *tr = t;
    if (!tr) return;
    silt_free(tr->origin);
    silt_free(tr->reason_at);
    silt_buf_free(&tr->reasons);
    silt_free(tr);
}

static const char *node_name(sql_node_kind k)
{
    switch (k) {
    case N_AGG: return "an aggregate (GROUP BY or an aggregate function)";
    case N_JOIN: return "a join";
    case N_SORT: return "ORDER BY";
    case N_LIMIT: return "LIMIT";
    case N_DISTINCT: return "DISTINCT";
    case N_UNION: return "UNION ALL";
    case N_SCAN: return "a table read";
    case N_ONEROW: return "a SELECT without FROM";
    default: return "an operator";
    }
}

int silt_sql_plan_traceable(const silt_sql_plan *p, const char *what, silt_error *err)
{
    if (silt_sql_plan_kind(p) != SILT_SQL_SELECT)
        return silt_error_set(err, SILT_EUNSUPPORTED, "%s: the statement is not a SELECT", what);
    const sql_node *n = sql_plan_root((silt_sql_plan *)p);
    while (n && (n->kind == N_PROJECT || n->kind == N_FILTER)) n = n->in;
    if (n && n->kind == N_INPUT) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "%s: output rows must each come from one input row (a chain of "
                          "projections and filters over the stream), but the query has %s",
                          what, n ? node_name(n->kind) : "no input");
}

/* Calls f on every from_json call site's state in e. */
static int each_from_json(const sql_expr *e, int (*f)(void *arg, const void *st), void *arg)
{
    if (!e) return 0;
    if (e->kind == E_FN && e->fn && !strcmp(e->fn->name, "from_json")) {
        int rc = f(arg, e->fn_state);
        if (rc) return rc;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        int rc = each_from_json(e->args[i], f, arg);
        if (rc) return rc;
    }
    return 0;
}

typedef struct collect {
    sql_trace *t;
    const int64_t *idx; /* current row -> input row */
    int64_t n;
} collect;

/* Keeps the reasons of one from_json call site's last evaluation (first reason per row wins). */
static int keep_reasons(void *arg, const void *st)
{
    collect *c = arg;
    for (int64_t j = 0; j < c->n; j++) {
        const char *r = fn_json_reason(st, j);
        int64_t in = c->idx[j];
        if (!r || c->t->reason_at[in] >= 0) continue;
        c->t->reason_at[in] = (int64_t)c->t->reasons.len;
        silt_buf_append(&c->t->reasons, r, strlen(r) + 1);
        if (silt_buf_oom(&c->t->reasons)) return SILT_ENOMEM;
    }
    return 0;
}

static int trace_reset(sql_trace **tp, int64_t n_in)
{
    if (!*tp && !(*tp = silt_calloc(1, sizeof **tp))) return SILT_ENOMEM;
    sql_trace *t = *tp;
    silt_free(t->origin);
    silt_free(t->reason_at);
    t->origin = silt_malloc((size_t)(n_in ? n_in : 1) * sizeof *t->origin);
    t->reason_at = silt_malloc((size_t)(n_in ? n_in : 1) * sizeof *t->reason_at);
    if (!t->origin || !t->reason_at) return SILT_ENOMEM;
    for (int64_t i = 0; i < n_in; i++) {
        t->origin[i] = i;
        t->reason_at[i] = -1;
    }
    t->n_in = t->n_out = n_in;
    silt_buf_reset(&t->reasons);
    return 0;
}

/* Runs one node of the chain over *cur (owned unless it is input), updating the origins. */
static int step(silt_batch **cur, const silt_batch *input, const sql_node *n, sql_trace *t,
                silt_error *err)
{
    silt_batch *o = NULL;
    int rc;
    if (n->kind == N_PROJECT) {
        rc = sql_project_batch(&o, *cur, n, err);
        for (size_t i = 0; !rc && i < n->n_exprs; i++) {
            collect c = {t, t->origin, (*cur)->n_rows};
            rc = each_from_json(n->exprs[i], keep_reasons, &c);
        }
    } else {
        int64_t *idx = NULL, k = 0;
        rc = sql_filter_rows(&idx, &k, *cur, n->pred, err);
        collect c = {t, t->origin, (*cur)->n_rows};
        if (!rc) rc = each_from_json(n->pred, keep_reasons, &c);
        if (!rc) rc = sql_gather_batch(&o, *cur, (*cur)->schema, idx, k);
        for (int64_t j = 0; !rc && j < k; j++) t->origin[j] = t->origin[idx[j]];
        if (!rc) t->n_out = k;
        silt_free(idx);
    }
    if (rc && !err->code) silt_error_set(err, rc, "out of memory");
    if (*cur != input) silt_batch_destroy(*cur);
    *cur = o;
    if (o && n->kind == N_PROJECT) o->schema = &n->schema;
    return rc;
}

int silt_sql_run_traced(silt_sql_plan *p, const silt_batch *input, silt_batch **out,
                        silt_error *err)
{
    int rc = silt_sql_plan_traceable(p, "row origins", err);
    if (rc) return rc;
    if (!input) return silt_error_set(err, SILT_EINVAL, "the plan needs an input batch");
    const sql_node *chain[256];
    size_t n = 0;
    for (const sql_node *x = sql_plan_root(p); x->kind != N_INPUT && n < 256; x = x->in)
        chain[n++] = x;
    sql_trace **tp = (sql_trace **)sql_plan_trace(p);
    if ((rc = trace_reset(tp, input->n_rows))) return silt_error_set(err, rc, "out of memory");
    silt_batch *cur = (silt_batch *)input;
    while (n > 0 && !rc) rc = step(&cur, input, chain[--n], *tp, err);
    if (!rc && cur == input)
        rc = sql_gather_batch(&cur, input, input->schema, (*tp)->origin, input->n_rows);
    if (rc) {
        if (cur != input) silt_batch_destroy(cur);
        return rc;
    }
    cur->schema = silt_sql_plan_schema(p);
    *out = cur;
    return 0;
}

int64_t silt_sql_plan_row_origin(const silt_sql_plan *p, int64_t i)
{
    const sql_trace *t = *sql_plan_trace((silt_sql_plan *)p);
    return t && i >= 0 && i < t->n_out ? t->origin[i] : -1;
}

const char *silt_sql_plan_row_reason(const silt_sql_plan *p, int64_t i)
{
    const sql_trace *t = *sql_plan_trace((silt_sql_plan *)p);
    int64_t in = silt_sql_plan_row_origin(p, i);
    if (in < 0 || in >= t->n_in || t->reason_at[in] < 0) return NULL;
    return (const char *)t->reasons.ptr + t->reason_at[in];
}
