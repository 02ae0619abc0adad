/* The binder's context: name scopes, the aggregation being bound, deferred releases of what
 * a plan owns outside its arena, and the entry points of bind_expr.c and bind_query.c. */
#ifndef SILT_SQL_BINDER_H
#define SILT_SQL_BINDER_H

#include "sql/exec.h"
#include "sql/sql_int.h"

typedef struct sql_scope_col {
    const char *qual; /* table alias or name; NULL for derived columns */
    const char *name;
    const silt_field *type;
    bool *used;  /* the table column this is, marked when referenced (projection pushdown) */
    bool hidden; /* the right side's copy of a JOIN USING column: only found qualified */
} sql_scope_col;

typedef struct sql_scope {
    sql_scope_col *cols;
    size_t n;
} sql_scope;

typedef struct sql_aggctx {
    sql_expr **keys;
    size_t n_keys;
    sql_aggcall *aggs;
    size_t n_aggs, cap;
} sql_aggctx;

typedef struct sql_defer {
    void (*fn)(void *);
    void *p;
} sql_defer;

/* A table reference met while binding: its source, opened once, and the columns used. */
typedef struct sql_tableref {
    const void *key; /* the sql_from it was read from */
    sql_node *proto; /* N_SCAN with the whole table schema */
    bool *used;
    bool all_used;
} sql_tableref;

typedef struct sql_named_input {
    const char *name;
    const silt_schema *schema;
} sql_named_input;

typedef struct sql_ctx {
    silt_arena *a;
    const char *text;
    silt_error *err;
    int64_t now_us;
    sql_defer *defers;
    size_t n_defers, cap_defers;
    sql_tableref *refs;
    size_t n_refs, cap_refs;
    bool prune; /* second pass: scans read only the columns the first pass used */
    const sql_cte *ctes[64];
    size_t n_ctes;
    const sql_named_input *inputs;
    size_t n_inputs;
    int depth;
} sql_ctx;

/* Registers a release to run when the plan is destroyed. Returns 0 or SILT_ENOMEM (and runs
 * fn(p) at once). */
int sql_ctx_defer(sql_ctx *c, void (*fn)(void *), void *p);
void sql_ctx_release(sql_ctx *c);
void *sql_ctx_alloc(sql_ctx *c, size_t n);
int sql_oom(sql_ctx *c);

/* Binds an expression in scope; agg non-NULL allows aggregate calls (registered in agg). */
int sql_bind_expr(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                  const sql_ast *a);
/* Wraps e in a cast to t (or returns e when it already has type t). */
int sql_bind_cast(sql_expr **out, sql_ctx *c, sql_expr *e, const silt_field *t);
/* Rewrites an expression bound with agg into the aggregate's output (keys, then aggregates). */
int sql_agg_rewrite(sql_expr *e, sql_ctx *c, const sql_aggctx *agg);
bool sql_expr_equal(const sql_expr *a, const sql_expr *b);
bool sql_ast_has_agg(const sql_ast *a);
/* A column reference expression. */
sql_expr *sql_col_ref(sql_ctx *c, int index, const silt_field *type, const char *name);
/* Folds an expression whose arguments are all constant into one. */
int sql_fold(sql_expr **e, sql_ctx *c);

/* Binds a whole statement's query into a plan; *out_names unused (schema names carry it). */
int sql_bind_query(sql_node **out, sql_ctx *c, const sql_query *q);
/* Opens a table source (scan_*.c): fills node (N_SCAN) with its table schema. */
int sql_scan_open(sql_node *node, sql_ctx *c, const sql_from *f);

#endif
