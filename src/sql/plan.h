/* Plan nodes built by the binder: creation, output schemas from expressions, and the name
 * scope a node's output offers to the expressions above it. */
#ifndef SILT_SQL_PLAN_H
#define SILT_SQL_PLAN_H

#include "sql/binder.h"

sql_node *sql_node_new(sql_ctx *c, sql_node_kind k, sql_node *in, size_t n_fields);
/* Sets field i of node's schema (type copied, named name). */
int sql_node_field(sql_ctx *c, sql_node *n, size_t i, const silt_field *t, const char *name);
/* A projection of exprs (names[i]) over in. */
int sql_node_project(sql_node **out, sql_ctx *c, sql_node *in, sql_expr **exprs, const char **names,
                     size_t n);
/* The scope of node's output, every column qualified by qual (may be NULL). */
int sql_scope_of(sql_scope *out, sql_ctx *c, const sql_node *n, const char *qual);

int sql_bind_from(sql_node **out, sql_scope *scope, sql_ctx *c, const sql_from *f);
int sql_bind_select(sql_node **out, size_t *n_visible, sql_sortkey **keys, sql_ctx *c,
                    const sql_select *s, const sql_query *q);
/* Sort keys (n = q->n_order) for ORDER BY resolved against output names / ordinals. */
int sql_bind_order_output(sql_sortkey **keys, sql_ctx *c, const sql_node *n, const sql_query *q);

/* Renders the plan (EXPLAIN) into buf. */
struct silt_buf;
int sql_explain(struct silt_buf *out, const sql_node *n, int depth, bool stats);

#endif
