/* The recursive-descent parser's shared state and helpers (parser_expr.c, parser_stmt.c). */
#ifndef SILT_SQL_PARSER_H
#define SILT_SQL_PARSER_H

#include "sql/sql_int.h"

typedef struct sql_parser {
    const sql_tok *t;
    size_t n, i;
    silt_arena *a;
    const char *text;
    silt_error *err;
    int depth;
} sql_parser;

#define SQL_MAX_DEPTH 900

static inline const sql_tok *sp_peek(const sql_parser *p)
{
    return &p->t[p->i];
}
/* True when the current token is keyword kw (case-insensitive). */
bool sp_is_kw(const sql_parser *p, const char *kw);
bool sp_is_kw_at(const sql_parser *p, size_t ahead, const char *kw);
bool sp_is_op(const sql_parser *p, const char *op);
/* Consumes keyword / operator when present. */
bool sp_accept_kw(sql_parser *p, const char *kw);
bool sp_accept_op(sql_parser *p, const char *op);
/* Consumes it or fails with "expected <what>" at the current token. */
int sp_expect_kw(sql_parser *p, const char *kw);
int sp_expect_op(sql_parser *p, const char *op);
int sp_fail(sql_parser *p, const char *expected);
void *sp_alloc(sql_parser *p, size_t n);
/* Appends ptr to a growable arena array (arr, n, cap of void*). */
int sp_push(sql_parser *p, void ***arr, size_t *n, size_t *cap, void *item);
/* An identifier (bare, non-reserved, or quoted): its text, else NULL (no error set). */
const char *sp_ident(sql_parser *p);
bool sp_reserved(const char *word);

int sp_expr(sql_parser *p, sql_ast **out);
int sp_type(sql_parser *p, silt_field *out);
int sp_query(sql_parser *p, sql_query **out);

#endif
