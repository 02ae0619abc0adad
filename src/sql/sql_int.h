/* The SQL engine's private structures: tokens, the syntax tree, bound expressions and plan
 * nodes. Everything here lives in one arena per prepared statement (silt_sql_plan), except
 * column data, which the executor owns and frees batch by batch. */
#ifndef SILT_SQL_INT_H
#define SILT_SQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch/batch.h"
#include "sql/fn.h"
#include "util/arena.h"
#include "util/error.h"

/* ---- lexer ---- */

typedef enum sql_tok_kind {
    TK_EOF,
    TK_IDENT,  /* bare word (keywords too; compared case-insensitively) */
    TK_QIDENT, /* `quoted` identifier */
    TK_STRING, /* 'text' (escapes resolved) */
    TK_INT,    /* 123 */
    TK_NUM,    /* 1.5 (exact decimal literal) */
    TK_FLOAT,  /* 1e3, 1.5D */
    TK_OP,     /* punctuation and operators, text in op */
    TK_HEX,    /* X'CAFE' (text: the hex digits) */
} sql_tok_kind;

typedef struct sql_tok {
    sql_tok_kind kind;
    char op[4];
    const char *text; /* arena copy, NUL-terminated (resolved for strings and quoted names) */
    size_t len;
    int pos; /* byte offset in the statement text */
    int end; /* byte offset just past the token */
} sql_tok;

/* Splits text into tokens (arena-owned array ending with TK_EOF). */
int sql_lex(sql_tok **out, size_t *out_n, silt_arena *a, const char *text, silt_error *err);

/* Sets err to "msg" with line:col of pos in text and a caret line after it. Returns code. */
int sql_error_at(silt_error *err, int code, const char *text, int pos, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- syntax tree ---- */

typedef enum sql_ast_kind {
    A_LIT,       /* tok: literal token; lit_null / lit_bool for NULL TRUE FALSE */
    A_TYPED_LIT, /* DATE '...' / TIMESTAMP '...': cast_type + tok */
    A_COL,       /* parts[0..n_parts) */
    A_STAR,      /* * or qualifier.* (parts) */
    A_UNARY,     /* op: "-", "NOT" */
    A_BINARY,    /* op: + - * / % div = <> < <= > >= AND OR || <=> */
    A_FUNC,      /* name(args), distinct, star (count(*)) */
    A_CASE,      /* args: [operand?] when/then pairs [else]: see has_operand, has_else */
    A_CAST,      /* args[0], cast_type, try_cast */
    A_IN,        /* args[0] IN (args[1..]), negated */
    A_BETWEEN,   /* args[0] BETWEEN args[1] AND args[2], negated */
    A_LIKE,      /* args[0] LIKE args[1] [ESCAPE args[2]], op: LIKE ILIKE RLIKE, negated */
    A_ISNULL,    /* args[0] IS [NOT] NULL */
    A_SUBSCRIPT, /* args[0][args[1]] */
    A_FIELD,     /* args[0].name (field access on an expression) */
} sql_ast_kind;

typedef struct sql_ast {
    sql_ast_kind kind;
    int pos;
    const char *op;
    const char *name;
    const char **parts;
    size_t n_parts;
    struct sql_ast **args;
    size_t n_args;
    sql_tok tok;
    silt_field cast_type;   /* arena-owned */
    const char *alias;      /* struct(x AS name) */
    struct sql_ast *filter; /* agg(x) FILTER (WHERE filter) */
    bool negated, distinct, star, try_cast, has_operand, has_else, lit_null, lit_bool, bool_val;
} sql_ast;

struct sql_query;

typedef enum sql_from_kind { F_TABLE, F_SUBQUERY, F_JOIN } sql_from_kind;

typedef struct sql_from {
    sql_from_kind kind;
    int pos;
    const char *format; /* delta parquet json csv, or NULL for a CTE name */
    const char *path;   /* table path or CTE name */
    const char *alias;
    int64_t version;        /* -1: latest */
    const char *timestamp;  /* TIMESTAMP AS OF text or NULL */
    struct sql_query *sub;  /* F_SUBQUERY */
    struct sql_from *left;  /* F_JOIN */
    struct sql_from *right; /* F_JOIN */
    bool left_join;
    sql_ast *on;
    const char **using_cols; /* JOIN ... USING (cols) */
    size_t n_using;
} sql_from;

typedef struct sql_item {
    sql_ast *expr;
    const char *alias;
    const char *text; /* the expression's source text (column name when no alias) */
} sql_item;

typedef struct sql_order {
    sql_ast *expr;
    bool desc;
    int nulls; /* 0 default, 1 first, 2 last */
} sql_order;

/* One SELECT block. */
typedef struct sql_select {
    bool distinct;
    sql_item *items;
    size_t n_items;
    sql_from *from; /* NULL: one row, no columns */
    sql_ast *where;
    sql_ast **group;
    size_t n_group;
    bool group_all;
    sql_ast *having;
    int pos;
} sql_select;

typedef struct sql_cte {
    const char *name;
    struct sql_query *q;
} sql_cte;

/* A query: WITH ctes, blocks joined by UNION ALL, ORDER BY and LIMIT over the whole. */
typedef struct sql_query {
    sql_cte *ctes;
    size_t n_ctes;
    sql_select **blocks;
    size_t n_blocks;
    sql_order *order;
    size_t n_order;
    int64_t limit; /* -1: none */
} sql_query;

typedef enum sql_stmt_kind { S_SELECT, S_CTAS, S_INSERT, S_DESCRIBE, S_EXPLAIN } sql_stmt_kind;

typedef struct sql_stmt {
    sql_stmt_kind kind;
    sql_query *query;
    sql_from *table; /* CTAS / INSERT target, DESCRIBE table */
    const char **partition_cols;
    size_t n_partition_cols;
    bool analyze;
    void *write_state; /* CTAS / INSERT: the target (stmt_write.c) */
} sql_stmt;

/* Parses one statement from tokens (text for error messages). *out is arena-owned. */
int sql_parse(sql_stmt **out, silt_arena *a, const sql_tok *toks, size_t n_toks, const char *text,
              silt_error *err);

/* ---- bound expressions ---- */

typedef enum sql_expr_kind {
    E_COL,   /* input column index */
    E_CONST, /* value: one-row column */
    E_OP,    /* built-in operator op over args (same-typed after casts) */
    E_FN,    /* registry scalar function */
    E_CAST,  /* args[0] to type; try_cast has the same non-ANSI semantics */
    E_CASE,  /* args: when/then pairs then else (always present, maybe NULL const) */
    E_IN,    /* args[0] in args[1..]; hashed set when all constant */
    E_LIKE,  /* args[0] LIKE pattern (constant): compiled */
    E_ISNULL,
    E_FIELD,     /* struct field: args[0], index */
    E_SUBSCRIPT, /* array (0-based, as Spark's a[i]) or map lookup */
    E_AGGREF     /* binder only: aggregate call index, rewritten to E_COL */
} sql_expr_kind;

typedef enum sql_op {
    OP_ADD = 1,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_IDIV,
    OP_NEG,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EQNS, /* <=> */
    OP_AND,
    OP_OR,
    OP_NOT,
} sql_op;

typedef struct sql_like {
    int mode;   /* 0 general, 1 exact, 2 prefix, 3 suffix, 4 contains */
    bool icase; /* ILIKE */
    const char *pat;
    size_t pat_len;
    char esc;
} sql_like;

struct sql_inset;

typedef struct sql_expr {
    sql_expr_kind kind;
    silt_field type; /* arena-owned */
    sql_op op;
    int index;          /* E_COL, E_FIELD */
    silt_column *value; /* E_CONST: one row, owned by the plan (freed at destroy) */
    struct sql_expr **args;
    size_t n_args;
    bool negated;
    const silt_sql_scalar_fn *fn;
    void *fn_state;
    sql_like like;
    struct sql_inset *set;
    const char *name; /* E_COL: the column name, for messages */
    int pos;          /* offset in the statement text */
    bool rewritten;   /* binder: already moved into an aggregate's output */
} sql_expr;

/* ---- plan ---- */

typedef enum sql_node_kind {
    N_SCAN,
    N_ONEROW,
    N_FILTER,
    N_PROJECT,
    N_AGG,
    N_SORT,
    N_LIMIT,
    N_DISTINCT,
    N_JOIN,
    N_UNION,
    N_INPUT, /* the batch given to silt_sql_run */
} sql_node_kind;

typedef struct sql_aggcall {
    const silt_sql_agg_fn *fn;
    void *bstate;
    sql_expr **args;
    size_t n_args;
    size_t state_size;
    silt_field type;
    bool distinct; /* f(DISTINCT ...) */
} sql_aggcall;

typedef struct sql_sortkey {
    sql_expr *expr;
    bool desc;
    bool nulls_first;
} sql_sortkey;

typedef struct sql_node {
    sql_node_kind kind;
    silt_schema schema; /* output; arena-owned fields */
    struct sql_node *in;
    struct sql_node *right; /* N_JOIN */
    struct sql_node **inputs;
    size_t n_inputs; /* N_UNION */
    sql_expr *pred;  /* N_FILTER, N_JOIN residual */
    sql_expr **exprs;
    size_t n_exprs; /* N_PROJECT; N_AGG keys */
    sql_aggcall *aggs;
    size_t n_aggs;
    sql_sortkey *keys;
    size_t n_keys; /* N_SORT; N_JOIN: pairs in lkeys/rkeys */
    sql_expr **lkeys, **rkeys;
    bool left_join;
    int64_t limit; /* N_LIMIT, N_SORT top-N (-1 none) */
    /* N_SCAN */
    const char *format, *path;
    int64_t version;
    const char *timestamp;
    silt_schema *table_schema; /* whole table schema (owned by the plan's resources) */
    const char **columns;      /* projected columns */
    size_t n_columns;
    sql_expr **pushed; /* conjuncts column op literal offered to the scan */
    size_t n_pushed;
    void *source; /* opened table (delta snapshot + store) */
    /* N_AGG: running states kept across runs (silt_sql_plan_set_running) */
    bool running_on;
    bool running_quiet; /* silt_sql_run_feed: fold into the running states, give no rows */
    void *running;
    /* N_JOIN, N_FILTER: the output columns its consumer reads (NULL: all; the others may come
     * out as nulls); set by the consumer for the length of one run */
    const bool *need;
    /* executor: where a streaming node hands its batches (owned, consumed) */
    int (*sink)(void *arg, struct silt_batch *b, silt_error *err);
    void *sink_arg;
    /* N_SCAN: when set, batches the scan keeps whole are lent to it (borrowed for the call,
     * sink_arg) instead of copied for sink; set by a consumer that only reads them */
    int (*sink_lend)(void *arg, const struct silt_batch *b, silt_error *err);
    /* stats */
    size_t files_total, files_read;
    int64_t rows_in, rows_out;
    size_t mem_peak;
} sql_node;

/* A relation: a growable list of owned batches (all of one schema). */
typedef struct sql_rel {
    silt_batch **b;
    size_t n, cap;
} sql_rel;

#endif
