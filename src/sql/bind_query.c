/* Binding a query: WITH names in scope, SELECT blocks joined by UNION ALL (columns widened to
 * common types), ORDER BY (Spark's default NULL order: first when ascending, last when
 * descending), LIMIT, and the projection that drops hidden ORDER BY columns. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

int sql_bind_order_output(sql_sortkey **keys, sql_ctx *c, const sql_node *n, const sql_query *q)
{
    if (!(*keys = sql_ctx_alloc(c, q->n_order * sizeof **keys))) return SILT_ENOMEM;
    for (size_t i = 0; i < q->n_order; i++) {
        const sql_ast *a = q->order[i].expr;
        int idx = -1;
        if (a->kind == A_LIT && a->tok.kind == TK_INT) {
            long ord = strtol(a->tok.text, NULL, 10);
            if (ord >= 1 && (size_t)ord <= n->schema.n_fields) idx = (int)ord - 1;
        } else if (a->kind == A_COL) {
            const char *nm = a->parts[a->n_parts - 1];
            for (size_t k = 0; k < n->schema.n_fields && idx < 0; k++)
                if (!strcasecmp(n->schema.fields[k].name, nm)) idx = (int)k;
        }
        if (idx < 0)
            return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                                "ORDER BY after UNION ALL must name an output column or give "
                                "its position");
        sql_sortkey *k = &(*keys)[i];
        k->desc = q->order[i].desc;
        k->nulls_first = q->order[i].nulls ? q->order[i].nulls == 1 : !k->desc;
        if (!(k->expr = sql_col_ref(c, idx, &n->schema.fields[idx], NULL))) return SILT_ENOMEM;
    }
    return 0;
}

/* Casts the columns of block node n to the union's types where they differ. */
static int widen_block(sql_node **n, sql_ctx *c, const sql_node *u)
{
    bool same = true;
    size_t nf = u->schema.n_fields;
    for (size_t i = 0; i < nf; i++)
        if (!sql_type_equal(&(*n)->schema.fields[i], &u->schema.fields[i])) same = false;
    if (same) return 0;
    sql_expr **ex = sql_ctx_alloc(c, nf * sizeof *ex);
    const char **names = sql_ctx_alloc(c, nf * sizeof *names);
    if (!ex || !names) return SILT_ENOMEM;
    for (size_t i = 0; i < nf; i++) {
        names[i] = (*n)->schema.fields[i].name;
        sql_expr *col = sql_col_ref(c, (int)i, &(*n)->schema.fields[i], names[i]);
        if (!col) return SILT_ENOMEM;
        int rc = sql_bind_cast(&ex[i], c, col, &u->schema.fields[i]);
        if (rc) return rc;
    }
    return sql_node_project(n, c, *n, ex, names, nf);
}

static int bind_union(sql_node **out, sql_ctx *c, sql_node **blocks, size_t nb, const sql_query *q)
{
    size_t nf = blocks[0]->schema.n_fields;
    sql_node *u = sql_node_new(c, N_UNION, NULL, nf);
    if (!u) return SILT_ENOMEM;
    for (size_t k = 1; k < nb; k++)
        if (blocks[k]->schema.n_fields != nf)
            return sql_error_at(c->err, SILT_EINVAL, c->text, q->blocks[k]->pos,
                                "UNION ALL needs the same number of columns on each side (%zu "
                                "and %zu)",
                                nf, blocks[k]->schema.n_fields);
    for (size_t i = 0; i < nf; i++) {
        silt_field t = blocks[0]->schema.fields[i];
        for (size_t k = 1; k < nb; k++) {
            silt_field nt;
            if (!sql_common_type(c->a, &nt, &t, &blocks[k]->schema.fields[i])) {
                char ta[128], tb[128];
                return sql_error_at(c->err, SILT_EINVAL, c->text, q->blocks[k]->pos,
                                    "UNION ALL column %zu: no common type for %s and %s", i + 1,
                                    sql_type_str(&t, ta, sizeof ta),
                                    sql_type_str(&blocks[k]->schema.fields[i], tb, sizeof tb));
            }
            t = nt;
        }
        if (sql_node_field(c, u, i, &t, blocks[0]->schema.fields[i].name)) return SILT_ENOMEM;
    }
    for (size_t k = 0; k < nb; k++) {
        int rc = widen_block(&blocks[k], c, u);
        if (rc) return rc;
    }
    u->inputs = blocks;
    u->n_inputs = nb;
    *out = u;
    return 0;
}

static int finish_query(sql_node **n, sql_ctx *c, const sql_query *q, sql_sortkey *keys,
                        size_t n_visible)
{
    if (q->n_order) {
        sql_node *s = sql_node_new(c, N_SORT, *n, 0);
        if (!s) return SILT_ENOMEM;
        s->schema = (*n)->schema;
        s->keys = keys;
        s->n_keys = q->n_order;
        s->limit = q->limit;
        *n = s;
    }
    if (q->limit >= 0) {
        sql_node *l = sql_node_new(c, N_LIMIT, *n, 0);
        if (!l) return SILT_ENOMEM;
        l->schema = (*n)->schema;
        l->limit = q->limit;
        *n = l;
    }
    if (n_visible < (*n)->schema.n_fields) {
        sql_expr **ex = sql_ctx_alloc(c, (n_visible + 1) * sizeof *ex);
        const char **names = sql_ctx_alloc(c, (n_visible + 1) * sizeof *names);
        if (!ex || !names) return SILT_ENOMEM;
        for (size_t i = 0; i < n_visible; i++) {
            names[i] = (*n)->schema.fields[i].name;
            if (!(ex[i] = sql_col_ref(c, (int)i, &(*n)->schema.fields[i], names[i])))
                return SILT_ENOMEM;
        }
        return sql_node_project(n, c, *n, ex, names, n_visible);
    }
    return 0;
}

int sql_bind_query(sql_node **out, sql_ctx *c, const sql_query *q)
{
    size_t saved = c->n_ctes;
    int rc = 0;
    if (c->n_ctes + q->n_ctes > 64)
        return silt_error_set(c->err, SILT_EINVAL, "too many WITH queries (at most 64)");
    if (++c->depth > 200) return silt_error_set(c->err, SILT_EINVAL, "query nested too deeply");
    for (size_t i = 0; i < q->n_ctes; i++) c->ctes[c->n_ctes++] = &q->ctes[i];
    sql_node **blocks = sql_ctx_alloc(c, q->n_blocks * sizeof *blocks);
    sql_sortkey *keys = NULL;
    size_t n_visible = 0;
    if (!blocks) rc = SILT_ENOMEM;
    for (size_t k = 0; k < q->n_blocks && !rc; k++) {
        size_t nv;
        rc = sql_bind_select(&blocks[k], &nv, &keys, c, q->blocks[k], q->n_blocks == 1 ? q : NULL);
        if (k == 0) n_visible = nv;
    }
    sql_node *n = rc ? NULL : blocks[0];
    if (!rc && q->n_blocks > 1) {
        rc = bind_union(&n, c, blocks, q->n_blocks, q);
        if (!rc && q->n_order) rc = sql_bind_order_output(&keys, c, n, q);
        n_visible = n ? n->schema.n_fields : 0;
    }
    if (!rc) rc = finish_query(&n, c, q, keys, n_visible);
    c->n_ctes = saved;
    c->depth--;
    if (!rc) *out = n;
    return rc;
}
