/* Plan nodes: creation, output schemas and the scopes they offer to the binder. */
#include <string.h>

#include "sql/plan.h"

sql_node *sql_node_new(sql_ctx *c, sql_node_kind k, sql_node *in, size_t n_fields)
{
    sql_node *n = sql_ctx_alloc(c, sizeof *n);
    if (!n) return NULL;
    n->kind = k;
    n->in = in;
    n->limit = -1;
    n->version = -1;
    n->schema.n_fields = n_fields;
    if (n_fields && !(n->schema.fields = sql_ctx_alloc(c, n_fields * sizeof(silt_field))))
        return NULL;
    return n;
}

int sql_node_field(sql_ctx *c, sql_node *n, size_t i, const silt_field *t, const char *name)
{
    silt_field st = t->type == SQL_TYPE_NULL ? sql_type(SILT_TYPE_STRING) : *t;
    if (sql_field_dup(c->a, &n->schema.fields[i], &st, name)) return sql_oom(c);
    n->schema.fields[i].nullable = true;
    return 0;
}

int sql_node_project(sql_node **out, sql_ctx *c, sql_node *in, sql_expr **exprs, const char **names,
                     size_t n)
{
    sql_node *p = sql_node_new(c, N_PROJECT, in, n);
    if (!p) return SILT_ENOMEM;
    p->exprs = exprs;
    p->n_exprs = n;
    silt_field st = sql_type(SILT_TYPE_STRING);
    for (size_t i = 0; i < n; i++) {
        if (exprs[i]->type.type == SQL_TYPE_NULL) {
            int rc = sql_bind_cast(&exprs[i], c, exprs[i], &st);
            if (rc) return rc;
        }
        if (sql_node_field(c, p, i, &exprs[i]->type, names[i])) return SILT_ENOMEM;
    }
    *out = p;
    return 0;
}

int sql_scope_of(sql_scope *out, sql_ctx *c, const sql_node *n, const char *qual)
{
    out->n = n->schema.n_fields;
    out->cols = sql_ctx_alloc(c, (out->n + 1) * sizeof *out->cols);
    if (!out->cols) return SILT_ENOMEM;
    for (size_t i = 0; i < out->n; i++) {
        out->cols[i].qual = qual;
        out->cols[i].name = n->schema.fields[i].name;
        out->cols[i].type = &n->schema.fields[i];
    }
    return 0;
}
