/* Token helpers of the SQL parser: keyword and operator tests, "expected ..." errors with a
 * caret, arena growth of node lists, identifiers vs reserved words. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/parser.h"

static const char *const reserved[] = {
    "select", "from",        "where",    "group",    "by",     "having", "order", "limit",
    "union",  "all",         "as",       "on",       "join",   "inner",  "left",  "right",
    "full",   "outer",       "cross",    "and",      "or",     "not",    "in",    "is",
    "null",   "like",        "ilike",    "rlike",    "case",   "when",   "then",  "else",
    "end",    "between",     "with",     "distinct", "asc",    "desc",   "nulls", "true",
    "false",  "cast",        "try_cast", "exists",   "using",  "create", "table", "insert",
    "into",   "partitioned", "describe", "explain",  "regexp", "escape", "div",   NULL,
};

bool sp_reserved(const char *word)
{
    for (int i = 0; reserved[i]; i++)
        if (!strcasecmp(word, reserved[i])) return true;
    return false;
}

bool sp_is_kw_at(const sql_parser *p, size_t ahead, const char *kw)
{
    if (p->i + ahead >= p->n) return false;
    const sql_tok *t = &p->t[p->i + ahead];
    return t->kind == TK_IDENT && !strcasecmp(t->text, kw);
}

bool sp_is_kw(const sql_parser *p, const char *kw)
{
    return sp_is_kw_at(p, 0, kw);
}

bool sp_is_op(const sql_parser *p, const char *op)
{
    const sql_tok *t = sp_peek(p);
    return t->kind == TK_OP && !strcmp(t->op, op);
}

bool sp_accept_kw(sql_parser *p, const char *kw)
{
    if (!sp_is_kw(p, kw)) return false;
    p->i++;
    return true;
}

bool sp_accept_op(sql_parser *p, const char *op)
{
    if (!sp_is_op(p, op)) return false;
    p->i++;
    return true;
}

int sp_fail(sql_parser *p, const char *expected)
{
    const sql_tok *t = sp_peek(p);
    char got[80];
    if (t->kind == TK_EOF)
        snprintf(got, sizeof got, "the end of the query");
    else if (t->kind == TK_OP)
        snprintf(got, sizeof got, "'%s'", t->op);
    else if (t->kind == TK_STRING)
        snprintf(got, sizeof got, "the string '%.40s'", t->text);
    else
        snprintf(got, sizeof got, "'%.60s'", t->text);
    return sql_error_at(p->err, SILT_EINVAL, p->text, t->pos, "syntax error: expected %s, got %s",
                        expected, got);
}

int sp_expect_kw(sql_parser *p, const char *kw)
{
    if (sp_accept_kw(p, kw)) return 0;
    char w[64];
    snprintf(w, sizeof w, "%s", kw);
    for (char *c = w; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    return sp_fail(p, w);
}

int sp_expect_op(sql_parser *p, const char *op)
{
    if (sp_accept_op(p, op)) return 0;
    char w[16];
    snprintf(w, sizeof w, "'%s'", op);
    return sp_fail(p, w);
}

void *sp_alloc(sql_parser *p, size_t n)
{
    void *v = silt_arena_alloc(p->a, n);
    if (!v) {
        silt_error_set(p->err, SILT_ENOMEM, "out of memory parsing the query");
        return NULL;
    }
    memset(v, 0, n);
    return v;
}

int sp_push(sql_parser *p, void ***arr, size_t *n, size_t *cap, void *item)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        void **na = sp_alloc(p, nc * sizeof *na);
        if (!na) return SILT_ENOMEM;
        if (*n) memcpy(na, *arr, *n * sizeof *na);
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = item;
    return 0;
}

const char *sp_ident(sql_parser *p)
{
    const sql_tok *t = sp_peek(p);
    if (t->kind == TK_QIDENT || (t->kind == TK_IDENT && !sp_reserved(t->text))) {
        p->i++;
        return t->text;
    }
    return NULL;
}
