/* Binding one SELECT block: FROM, WHERE, SELECT items (with * and t.* expanded), GROUP BY
 * (expressions, ordinals, ALL), aggregates, HAVING, DISTINCT, and ORDER BY keys resolved
 * against aliases, ordinals or input columns (extra ones carried as hidden columns). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/plan.h"

typedef struct item {
    const sql_ast *ast;
    int direct; /* scope column, or -1 */
    const char *name;
} item;

typedef struct sel {
    sql_ctx *c;
    const sql_select *s;
    sql_node *node;
    sql_scope scope;
    item *items;
    size_t n_items;
    bool aggregating;
    sql_aggctx agg;
    sql_expr **out; /* projected exprs (visible, then hidden) */
    const char **names;
    size_t n_out, cap_out;
    sql_expr *having;
} sel;

static const char *item_name(const sql_item *it)
{
    if (it->alias) return it->alias;
    if (it->expr->kind == A_COL) return it->expr->parts[it->expr->n_parts - 1];
    if (it->expr->kind == A_FIELD) return it->expr->name;
    return it->text;
}

static int expand_star(sel *b, const sql_ast *a, size_t *cap)
{
    sql_ctx *c = b->c;
    const char *q = a->n_parts ? a->parts[0] : NULL;
    size_t before = b->n_items;
    for (size_t i = 0; i < b->scope.n; i++) {
        const sql_scope_col *sc = &b->scope.cols[i];
        if (q && !(sc->qual && !strcasecmp(sc->qual, q))) continue;
        if (!q && sc->hidden) continue;
        if (b->n_items == *cap) {
            size_t nc = *cap * 2 + 8;
            item *ni = sql_ctx_alloc(c, nc * sizeof *ni);
            if (!ni) return SILT_ENOMEM;
            memcpy(ni, b->items, b->n_items * sizeof *ni);
            b->items = ni;
            *cap = nc;
        }
        b->items[b->n_items++] = (item){NULL, (int)i, sc->name};
        if (sc->used) *sc->used = true;
    }
    if (b->n_items == before && q)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "'%s.*': no table or alias called '%s' in FROM", q, q);
    return 0;
}

static int push_item(sel *b, size_t *cap, item it)
{
    if (b->n_items == *cap) {
        size_t nc = *cap * 2 + 8;
        item *ni = sql_ctx_alloc(b->c, nc * sizeof *ni);
        if (!ni) return SILT_ENOMEM;
        memcpy(ni, b->items, b->n_items * sizeof *ni);
        b->items = ni;
        *cap = nc;
    }
    b->items[b->n_items++] = it;
    return 0;
}

/* s.* where s is a struct column: one item per field (synthetic s.field references). */
static int expand_struct_star(sel *b, const sql_ast *a, size_t *cap)
{
    sql_ctx *c = b->c;
    const sql_scope_col *col = NULL;
    for (size_t k = 0; k < b->scope.n && !col; k++)
        if (!strcasecmp(b->scope.cols[k].name, a->parts[0])) col = &b->scope.cols[k];
    if (!col || col->type->type != SILT_TYPE_STRUCT)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "'%s.*': '%s' is neither a table alias nor a struct column",
                            a->parts[0], a->parts[0]);
    for (size_t k = 0; k < col->type->n_children; k++) {
        sql_ast *x = sql_ctx_alloc(c, sizeof *x);
        const char **parts = sql_ctx_alloc(c, 2 * sizeof *parts);
        if (!x || !parts) return SILT_ENOMEM;
        x->kind = A_COL;
        x->pos = a->pos;
        parts[0] = a->parts[0];
        parts[1] = col->type->children[k].name;
        x->parts = parts;
        x->n_parts = 2;
        int rc = push_item(b, cap, (item){x, -1, parts[1]});
        if (rc) return rc;
    }
    return 0;
}

static int expand_items(sel *b)
{
    size_t cap = b->s->n_items + 8;
    b->items = sql_ctx_alloc(b->c, cap * sizeof *b->items);
    if (!b->items) return SILT_ENOMEM;
    for (size_t i = 0; i < b->s->n_items; i++) {
        const sql_item *it = &b->s->items[i];
        if (it->expr->kind == A_STAR) {
            /* struct.* : a column of struct type expands to its fields */
            const sql_ast *a = it->expr;
            if (a->n_parts == 1) {
                bool is_table = false;
                for (size_t k = 0; k < b->scope.n; k++)
                    if (b->scope.cols[k].qual && !strcasecmp(b->scope.cols[k].qual, a->parts[0]))
                        is_table = true;
                if (!is_table) {
                    int rc = expand_struct_star(b, a, &cap);
                    if (rc) return rc;
                    continue;
                }
            }
            int rc = expand_star(b, a, &cap);
            if (rc) return rc;
            continue;
        }
        int rc = push_item(b, &cap, (item){it->expr, -1, item_name(it)});
        if (rc) return rc;
    }
    return 0;
}

static int push_out(sel *b, sql_expr *e, const char *name)
{
    if (b->n_out == b->cap_out) {
        size_t nc = b->cap_out * 2 + 8;
        sql_expr **ne = sql_ctx_alloc(b->c, nc * sizeof *ne);
        const char **nn = sql_ctx_alloc(b->c, nc * sizeof *nn);
        if (!ne || !nn) return SILT_ENOMEM;
        if (b->n_out) {
            memcpy(ne, b->out, b->n_out * sizeof *ne);
            memcpy(nn, b->names, b->n_out * sizeof *nn);
        }
        b->out = ne;
        b->names = nn;
        b->cap_out = nc;
    }
    b->out[b->n_out] = e;
    b->names[b->n_out++] = name;
    return 0;
}

/* Binds item i in the input scope; with aggregates allowed and rewritten when aggregating
 * (final), else plain (a grouping key). */
static int bind_item(sql_expr **out, sel *b, size_t i, bool final)
{
    const item *it = &b->items[i];
    sql_ctx *c = b->c;
    int rc;
    if (it->direct >= 0) {
        const sql_scope_col *sc = &b->scope.cols[it->direct];
        if (!(*out = sql_col_ref(c, it->direct, sc->type, sc->name))) return SILT_ENOMEM;
    } else if ((rc = sql_bind_expr(out, c, &b->scope, final && b->aggregating ? &b->agg : NULL,
                                   it->ast))) {
        return rc;
    }
    return final && b->aggregating ? sql_agg_rewrite(*out, c, &b->agg) : 0;
}

static int add_key(sel *b, sql_expr *k)
{
    sql_expr **nk = sql_ctx_alloc(b->c, (b->agg.n_keys + 1) * sizeof *nk);
    if (!nk) return SILT_ENOMEM;
    if (b->agg.n_keys) memcpy(nk, b->agg.keys, b->agg.n_keys * sizeof *nk);
    nk[b->agg.n_keys++] = k;
    b->agg.keys = nk;
    return 0;
}

static int bind_group_item(sel *b, const sql_ast *g)
{
    sql_ctx *c = b->c;
    sql_expr *k;
    int rc;
    if (g->kind == A_LIT && g->tok.kind == TK_INT) {
        long ord = strtol(g->tok.text, NULL, 10);
        if (ord < 1 || (size_t)ord > b->n_items)
            return sql_error_at(c->err, SILT_EINVAL, c->text, g->pos,
                                "GROUP BY position %ld is not in the select list (1..%zu)", ord,
                                b->n_items);
        const item *it = &b->items[ord - 1];
        if (it->ast && sql_ast_has_agg(it->ast))
            return sql_error_at(c->err, SILT_EINVAL, c->text, g->pos,
                                "GROUP BY %ld refers to an aggregate", ord);
        if ((rc = bind_item(&k, b, (size_t)ord - 1, false))) return rc;
        return add_key(b, k);
    }
    rc = sql_bind_expr(&k, c, &b->scope, NULL, g);
    if (rc == SILT_EINVAL && g->kind == A_COL && g->n_parts == 1) {
        for (size_t i = 0; i < b->n_items; i++)
            if (b->items[i].ast && !strcasecmp(b->items[i].name, g->parts[0]) &&
                !sql_ast_has_agg(b->items[i].ast)) {
                silt_error_clear(c->err);
                if ((rc = bind_item(&k, b, i, false))) return rc;
                break;
            }
    }
    return rc ? rc : add_key(b, k);
}

static bool in_scope(const sql_scope *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!s->cols[i].hidden && !strcasecmp(s->cols[i].name, name)) return true;
    return false;
}

/* A copy of a where names that are select aliases (not input columns) become the aliased
 * expressions (HAVING q > 5 with sum(x) AS q). */
static sql_ast *subst_alias(sel *b, const sql_ast *a)
{
    if (!a) return NULL;
    if (a->kind == A_COL && a->n_parts == 1 && !in_scope(&b->scope, a->parts[0])) {
        for (size_t i = 0; i < b->n_items; i++)
            if (b->items[i].ast && b->s->items && !strcasecmp(b->items[i].name, a->parts[0]))
                return (sql_ast *)b->items[i].ast;
        return (sql_ast *)a;
    }
    if (!a->n_args) return (sql_ast *)a;
    sql_ast *copy = sql_ctx_alloc(b->c, sizeof *copy);
    sql_ast **args = sql_ctx_alloc(b->c, a->n_args * sizeof *args);
    if (!copy || !args) return (sql_ast *)a;
    *copy = *a;
    for (size_t i = 0; i < a->n_args; i++) args[i] = subst_alias(b, a->args[i]);
    copy->args = args;
    return copy;
}

static int bind_aggregate(sel *b)
{
    sql_ctx *c = b->c;
    const sql_select *s = b->s;
    int rc;
    if (s->group_all) {
        for (size_t i = 0; i < b->n_items; i++) {
            sql_expr *k;
            if (b->items[i].ast && sql_ast_has_agg(b->items[i].ast)) continue;
            if ((rc = bind_item(&k, b, i, false)) || (rc = add_key(b, k))) return rc;
        }
    }
    for (size_t g = 0; g < s->n_group; g++)
        if ((rc = bind_group_item(b, s->group[g]))) return rc;
    for (size_t i = 0; i < b->n_items; i++) {
        sql_expr *e;
        if ((rc = bind_item(&e, b, i, true)) || (rc = push_out(b, e, b->items[i].name))) return rc;
    }
    if (s->having) {
        if ((rc = sql_bind_expr(&b->having, c, &b->scope, &b->agg, subst_alias(b, s->having))) ||
            (rc = sql_agg_rewrite(b->having, c, &b->agg)))
            return rc;
        silt_field bt = sql_type(SILT_TYPE_BOOL);
        if ((rc = sql_bind_cast(&b->having, c, b->having, &bt))) return rc;
    }
    return 0;
}

/* The aggregate node (keys, then aggregates) and HAVING above it. */
static int build_agg(sel *b)
{
    sql_ctx *c = b->c;
    sql_node *n = sql_node_new(c, N_AGG, b->node, b->agg.n_keys + b->agg.n_aggs);
    if (!n) return SILT_ENOMEM;
    n->exprs = b->agg.keys;
    n->n_exprs = b->agg.n_keys;
    n->aggs = b->agg.aggs;
    n->n_aggs = b->agg.n_aggs;
    for (size_t k = 0; k < b->agg.n_keys; k++) {
        const char *nm = b->agg.keys[k]->name ? b->agg.keys[k]->name : "key";
        if (sql_node_field(c, n, k, &b->agg.keys[k]->type, nm)) return SILT_ENOMEM;
    }
    for (size_t k = 0; k < b->agg.n_aggs; k++)
        if (sql_node_field(c, n, b->agg.n_keys + k, &b->agg.aggs[k].type, b->agg.aggs[k].fn->name))
            return SILT_ENOMEM;
    b->node = n;
    if (b->having) {
        sql_node *f = sql_node_new(c, N_FILTER, n, 0);
        if (!f) return SILT_ENOMEM;
        f->schema = n->schema;
        f->pred = b->having;
        b->node = f;
    }
    return 0;
}

static int order_key(sel *b, const sql_order *o, sql_sortkey *k)
{
    sql_ctx *c = b->c;
    const sql_ast *a = o->expr;
    int idx = -1, rc;
    size_t n_visible = b->n_items;
    if (a->kind == A_LIT && a->tok.kind == TK_INT) {
        long ord = strtol(a->tok.text, NULL, 10);
        if (ord < 1 || (size_t)ord > n_visible)
            return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                                "ORDER BY position %ld is not in the select list (1..%zu)", ord,
                                n_visible);
        idx = (int)ord - 1;
    } else if (a->kind == A_COL && a->n_parts == 1) {
        for (size_t i = 0; i < n_visible && idx < 0; i++)
            if (!strcasecmp(b->names[i], a->parts[0])) idx = (int)i;
    }
    if (idx < 0) {
        sql_expr *e;
        if ((rc = sql_bind_expr(&e, c, &b->scope, b->aggregating ? &b->agg : NULL,
                                subst_alias(b, a))))
            return rc;
        if (b->aggregating && (rc = sql_agg_rewrite(e, c, &b->agg))) return rc;
        for (size_t i = 0; i < b->n_out && idx < 0; i++)
            if (sql_expr_equal(e, b->out[i])) idx = (int)i;
        if (idx < 0) {
            if (b->s->distinct)
                return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                                    "with SELECT DISTINCT, ORDER BY expressions must appear in "
                                    "the select list");
            idx = (int)b->n_out;
            if ((rc = push_out(b, e, "__order"))) return rc;
        }
    }
    k->desc = o->desc;
    k->nulls_first = o->nulls ? o->nulls == 1 : !o->desc;
    k->expr = (sql_expr *)(intptr_t)idx; /* resolved into a column reference by the caller */
    return 0;
}

static int bind_where(sel *b)
{
    sql_ctx *c = b->c;
    sql_expr *w;
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    int rc = sql_bind_expr(&w, c, &b->scope, NULL, b->s->where);
    if (rc) return rc;
    if (w->type.type != SILT_TYPE_BOOL && w->type.type != SQL_TYPE_NULL) {
        char tb[128];
        return sql_error_at(c->err, SILT_EINVAL, c->text, b->s->where->pos,
                            "WHERE needs a boolean condition, not %s",
                            sql_type_str(&w->type, tb, sizeof tb));
    }
    if ((rc = sql_bind_cast(&w, c, w, &bt))) return rc;
    sql_node *f = sql_node_new(c, N_FILTER, b->node, 0);
    if (!f) return SILT_ENOMEM;
    f->schema = b->node->schema;
    f->pred = w;
    b->node = f;
    return 0;
}

static int bind_block_body(sel *b, const sql_query *q, sql_sortkey **keys)
{
    sql_ctx *c = b->c;
    const sql_select *s = b->s;
    int rc;
    if ((rc = expand_items(b))) return rc;
    b->aggregating = s->n_group || s->group_all || s->having;
    for (size_t i = 0; i < b->n_items && !b->aggregating; i++)
        if (b->items[i].ast && sql_ast_has_agg(b->items[i].ast)) b->aggregating = true;
    if (b->aggregating) {
        if ((rc = bind_aggregate(b))) return rc;
    } else {
        for (size_t i = 0; i < b->n_items; i++) {
            sql_expr *e;
            if ((rc = bind_item(&e, b, i, true)) || (rc = push_out(b, e, b->items[i].name)))
                return rc;
        }
    }
    size_t n_order = q ? q->n_order : 0;
    if (n_order && !(*keys = sql_ctx_alloc(c, n_order * sizeof **keys))) return SILT_ENOMEM;
    for (size_t i = 0; i < n_order; i++)
        if ((rc = order_key(b, &q->order[i], &(*keys)[i]))) return rc;
    if (b->aggregating && (rc = build_agg(b))) return rc;
    return 0;
}

int sql_bind_select(sql_node **out, size_t *n_visible, sql_sortkey **keys, sql_ctx *c,
                    const sql_select *s, const sql_query *q)
{
    sel b;
    memset(&b, 0, sizeof b);
    b.c = c;
    b.s = s;
    int rc;
    if (s->from) {
        if ((rc = sql_bind_from(&b.node, &b.scope, c, s->from))) return rc;
    } else if (!(b.node = sql_node_new(c, N_ONEROW, NULL, 0))) {
        return SILT_ENOMEM;
    }
    if (s->where && (rc = bind_where(&b))) return rc;
    if ((rc = bind_block_body(&b, q, keys))) return rc;
    sql_node *p;
    if ((rc = sql_node_project(&p, c, b.node, b.out, b.names, b.n_out))) return rc;
    if (s->distinct) {
        sql_node *d = sql_node_new(c, N_DISTINCT, p, 0);
        if (!d) return SILT_ENOMEM;
        d->schema = p->schema;
        p = d;
    }
    for (size_t i = 0; q && i < q->n_order; i++) {
        int idx = (int)(intptr_t)(*keys)[i].expr;
        if (!((*keys)[i].expr = sql_col_ref(c, idx, &p->schema.fields[idx], NULL)))
            return SILT_ENOMEM;
    }
    *n_visible = b.n_items;
    *out = p;
    return 0;
}
