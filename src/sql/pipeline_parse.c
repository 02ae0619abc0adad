/* The statements of a pipeline file: CREATE [OR REFRESH] STREAMING TABLE | MATERIALIZED VIEW
 * (and DLT's older LIVE TABLE forms) with their column and CONSTRAINT ... EXPECT list,
 * PARTITIONED BY, COMMENT, LOCATION and TBLPROPERTIES, then AS and the query (pipeline_query.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/fn.h"
#include "sql/pipeline_int.h"
#include "util/alloc.h"
#include "util/arena.h"

struct silt_sql_pl_file {
    silt_arena *a;
    silt_sql_pl_stmt *stmts;
    size_t n, cap;
};

int pl_tok_end(const char *text, const sql_tok *t)
{
    int i = t->pos, j;
    switch (t->kind) {
    case TK_EOF: return i;
    case TK_IDENT: return i + (int)t->len;
    case TK_HEX:
        i++; /* X'...' */
        /* fall through */
    case TK_QIDENT:
    case TK_STRING: {
        char q = text[i];
        for (j = i + 1; text[j];) {
            if (text[j] == q && text[j + 1] == q)
                j += 2;
            else if (text[j] == q)
                return j + 1;
            else if (text[j] == '\\' && q != '`' && text[j + 1])
                j += 2;
            else
                j++;
        }
        return j;
    }
    case TK_OP:
        if (!strncmp(text + i, "<=>", 3)) return i + 3;
        if (strchr("<>!=|", text[i]) && text[i + 1] && strchr("=>|", text[i + 1]) &&
            !(text[i] == '=' && text[i + 1] == '>'))
            return i + 2;
        return i + 1;
    default: /* numbers, with their exponent and D / L suffix */
        for (j = i; text[j]; j++) {
            char c = text[j];
            if (isalnum((unsigned char)c) || c == '.') continue;
            if ((c == '+' || c == '-') && j > i && (text[j - 1] == 'e' || text[j - 1] == 'E'))
                continue;
            break;
        }
        return j;
    }
}

int pl_error(sql_parser *p, int pos, const char *fmt, ...)
{
    char msg[SILT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    silt_error_set(p->err, SILT_EINVAL, "%s", msg);
    silt_error_offset(p->err, pos);
    return SILT_EINVAL;
}

int pl_fix_error(sql_parser *p, int rc)
{
    silt_error *e = p->err;
    if (rc != SILT_EINVAL || !e || e->line < 1 || e->offset >= 0) return rc;
    int64_t line = 1, off = 0;
    for (; p->text[off] && line < e->line; off++)
        if (p->text[off] == '\n') line++;
    off += e->col - 1;
    char *at = NULL;
    for (char *s = strstr(e->msg, " at line "); s; s = strstr(s + 1, " at line ")) at = s;
    if (at) *at = 0;
    char msg[SILT_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", e->msg);
    return pl_error(p, (int)off, "%s", msg);
}

void *pl_grow(sql_parser *p, void **arr, size_t *n, size_t *cap, size_t esz)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        char *na = sp_alloc(p, nc * esz);
        if (!na) return NULL;
        if (*n) memcpy(na, *arr, *n * esz);
        *arr = na;
        *cap = nc;
    }
    char *e = (char *)*arr + (*n)++ * esz;
    memset(e, 0, esz);
    return e;
}

int pl_literal(sql_parser *p, const char **out)
{
    const sql_tok *t = sp_peek(p);
    bool neg = sp_is_op(p, "-");
    if (neg) t = &p->t[p->i + 1];
    if (t->kind == TK_STRING && !neg) {
        *out = t->text;
    } else if (t->kind == TK_INT || t->kind == TK_NUM || t->kind == TK_FLOAT) {
        size_t n = strlen(t->text);
        char *v = sp_alloc(p, n + 2);
        if (!v) return SILT_ENOMEM;
        snprintf(v, n + 2, "%s%s", neg ? "-" : "", t->text);
        *out = v;
    } else if (!neg && t->kind == TK_IDENT &&
               (!strcasecmp(t->text, "true") || !strcasecmp(t->text, "false"))) {
        *out = tolower((unsigned char)t->text[0]) == 't' ? "true" : "false";
    } else {
        return sp_fail(p, "a value (a string, a number, TRUE or FALSE)");
    }
    p->i += neg ? 2 : 1;
    return 0;
}

static int parse_action(sql_parser *p, silt_sql_pl_constraint *c)
{
    int rc;
    if (!sp_accept_kw(p, "on")) return 0;
    if ((rc = sp_expect_kw(p, "violation"))) return rc;
    if (sp_accept_kw(p, "drop")) {
        c->action = SILT_SQL_PL_ON_DROP;
        return sp_expect_kw(p, "row");
    }
    if (sp_accept_kw(p, "fail")) {
        c->action = SILT_SQL_PL_ON_FAIL;
        return sp_expect_kw(p, "update");
    }
    if (sp_accept_kw(p, "quarantine")) {
        c->action = SILT_SQL_PL_ON_QUARANTINE;
        return 0;
    }
    return sp_fail(p, "DROP ROW, FAIL UPDATE or QUARANTINE after ON VIOLATION");
}

static int parse_constraint(sql_parser *p, silt_sql_pl_stmt *st, size_t *cap)
{
    silt_sql_pl_constraint *c =
        pl_grow(p, (void **)&st->constraints, &st->n_constraints, cap, sizeof *c);
    if (!c) return SILT_ENOMEM;
    c->pos = p->t[p->i - 1].pos;
    if (!(c->name = sp_ident(p))) return sp_fail(p, "a name for the constraint");
    for (size_t k = 0; k + 1 < st->n_constraints; k++)
        if (!strcasecmp(st->constraints[k].name, c->name))
            return pl_error(p, p->t[p->i - 1].pos, "constraint '%s' is defined twice", c->name);
    sql_ast *e;
    int rc;
    if ((rc = sp_expect_kw(p, "expect")) || (rc = sp_expect_op(p, "("))) return rc;
    c->expr.start = sp_peek(p)->pos;
    if ((rc = sp_expr(p, &e))) return rc;
    c->expr.end = pl_tok_end(p->text, &p->t[p->i - 1]);
    if ((rc = sp_expect_op(p, ")"))) return rc;
    return parse_action(p, c);
}

/* name TYPE [NOT NULL] [COMMENT '...']: the type runs to the next ',' / ')' / NOT / COMMENT at
 * depth 0. */
static int parse_column(sql_parser *p, silt_sql_pl_stmt *st, size_t *cap)
{
    silt_sql_pl_column *c = pl_grow(p, (void **)&st->columns, &st->n_columns, cap, sizeof *c);
    if (!c) return SILT_ENOMEM;
    c->pos = sp_peek(p)->pos;
    if (!(c->name = sp_ident(p))) return sp_fail(p, "CONSTRAINT or a column definition");
    size_t j = p->i;
    for (int depth = 0; p->t[j].kind != TK_EOF; j++) {
        const sql_tok *t = &p->t[j];
        bool open = t->kind == TK_OP && (!strcmp(t->op, "(") || !strcmp(t->op, "<"));
        bool close = t->kind == TK_OP && (!strcmp(t->op, ")") || !strcmp(t->op, ">"));
        if (depth == 0 && (close || (t->kind == TK_OP && !strcmp(t->op, ",")) ||
                           sp_is_kw_at(p, j - p->i, "not") || sp_is_kw_at(p, j - p->i, "comment")))
            break;
        depth += open ? 1 : close ? -1 : 0;
    }
    if (j == p->i) return sp_fail(p, "the column's type");
    int a = p->t[p->i].pos, b = pl_tok_end(p->text, &p->t[j - 1]);
    char *txt = silt_arena_strndup(p->a, p->text + a, (size_t)(b - a)), buf[256];
    if (!txt) return silt_error_set(p->err, SILT_ENOMEM, "out of memory");
    silt_field f;
    silt_error e2;
    silt_error_clear(&e2);
    int rc = silt_sql_type_parse(&f, txt, &e2);
    if (rc)
        return rc == SILT_ENOMEM ? silt_error_set(p->err, rc, "out of memory")
                                 : pl_error(p, a, "%s", e2.msg);
    silt_sql_type_format(buf, sizeof buf, &f);
    silt_field_clear(&f);
    if (!(c->type = silt_arena_strndup(p->a, buf, strlen(buf)))) return SILT_ENOMEM;
    p->i = j;
    if (sp_accept_kw(p, "not")) {
        if ((rc = sp_expect_kw(p, "null"))) return rc;
        c->not_null = true;
    }
    if (sp_accept_kw(p, "comment")) {
        if (sp_peek(p)->kind != TK_STRING) return sp_fail(p, "the comment as a string");
        c->comment = sp_peek(p)->text;
        p->i++;
    }
    return 0;
}

static int parse_defs(sql_parser *p, silt_sql_pl_stmt *st)
{
    size_t ccap = 0, kcap = 0;
    int rc;
    do {
        if (sp_accept_kw(p, "constraint"))
            rc = parse_constraint(p, st, &ccap);
        else
            rc = parse_column(p, st, &kcap);
        if (rc) return rc;
    } while (sp_accept_op(p, ","));
    return sp_expect_op(p, ")");
}

static int parse_names(sql_parser *p, silt_sql_pl_stmt *st)
{
    size_t cap = 0;
    int rc;
    if ((rc = sp_expect_kw(p, "by")) || (rc = sp_expect_op(p, "("))) return rc;
    do {
        const char *c = sp_ident(p);
        if (!c) return sp_fail(p, "a partition column name");
        if ((rc = sp_push(p, (void ***)&st->partition_by, &st->n_partition_by, &cap, (void *)c)))
            return rc;
    } while (sp_accept_op(p, ","));
    return sp_expect_op(p, ")");
}

/* 'key' = 'value' or key.parts = value, separated by commas. */
static int parse_properties(sql_parser *p, silt_sql_pl_stmt *st)
{
    size_t cap = 0;
    int rc = sp_expect_op(p, "(");
    if (rc) return rc;
    do {
        silt_sql_pl_arg *kv =
            pl_grow(p, (void **)&st->properties, &st->n_properties, &cap, sizeof *kv);
        if (!kv) return SILT_ENOMEM;
        const sql_tok *t = sp_peek(p);
        kv->pos = t->pos;
        if (t->kind == TK_STRING) {
            kv->key = t->text;
            p->i++;
        } else {
            size_t j = p->i;
            for (;;) {
                if (p->t[j].kind != TK_IDENT && p->t[j].kind != TK_QIDENT) {
                    p->i = j;
                    return sp_fail(p, "a property name");
                }
                if (!(p->t[++j].kind == TK_OP && !strcmp(p->t[j].op, "."))) break;
                j++;
            }
            int b = pl_tok_end(p->text, &p->t[j - 1]);
            kv->key = silt_arena_strndup(p->a, p->text + t->pos, (size_t)(b - t->pos));
            if (!kv->key) return SILT_ENOMEM;
            p->i = j;
        }
        if ((rc = sp_expect_op(p, "=")) || (rc = pl_literal(p, &kv->value))) return rc;
    } while (sp_accept_op(p, ","));
    return sp_expect_op(p, ")");
}

static int clause_string(sql_parser *p, const char **out, const char *what)
{
    if (*out) return pl_error(p, p->t[p->i - 1].pos, "%s is given twice", what);
    if (sp_peek(p)->kind != TK_STRING) return sp_fail(p, "a string after the keyword");
    *out = sp_peek(p)->text;
    p->i++;
    return 0;
}

/* PARTITIONED BY, COMMENT, LOCATION, TBLPROPERTIES, USING DELTA, in any order. */
static int parse_clauses(sql_parser *p, silt_sql_pl_stmt *st)
{
    for (int rc = 0;; rc = 0) {
        int pos = sp_peek(p)->pos;
        if (sp_accept_kw(p, "partitioned")) {
            if (st->partition_by) return pl_error(p, pos, "PARTITIONED BY is given twice");
            rc = parse_names(p, st);
        } else if (sp_accept_kw(p, "comment")) {
            rc = clause_string(p, &st->comment, "COMMENT");
        } else if (sp_accept_kw(p, "location")) {
            st->location_pos = sp_peek(p)->pos;
            rc = clause_string(p, &st->location, "LOCATION");
        } else if (sp_accept_kw(p, "tblproperties")) {
            if (st->properties) return pl_error(p, pos, "TBLPROPERTIES is given twice");
            rc = parse_properties(p, st);
        } else if (sp_accept_kw(p, "using")) {
            if (!sp_accept_kw(p, "delta")) return sp_fail(p, "DELTA (tables are Delta tables)");
        } else if (sp_is_kw(p, "cluster")) {
            return pl_error(p, pos, "CLUSTER BY is not supported: use PARTITIONED BY (columns)");
        } else {
            return 0;
        }
        if (rc) return rc;
    }
}

/* [OR REFRESH] then the kind of table. */
static int parse_kind(sql_parser *p, silt_sql_pl_stmt *st)
{
    int pos = sp_peek(p)->pos;
    if (sp_accept_kw(p, "or") && !sp_accept_kw(p, "refresh")) {
        if (sp_is_kw(p, "replace"))
            return pl_error(p, sp_peek(p)->pos,
                            "CREATE OR REPLACE is not pipeline SQL: write CREATE OR REFRESH");
        return sp_fail(p, "REFRESH");
    }
    pos = sp_peek(p)->pos;
    if (sp_is_kw(p, "temporary") || sp_is_kw(p, "view") ||
        (sp_is_kw(p, "live") && sp_is_kw_at(p, 1, "view")))
        return pl_error(p, pos,
                        "views are not supported: write CREATE OR REFRESH MATERIALIZED "
                        "VIEW (a table kept up to date)");
    if (sp_accept_kw(p, "streaming")) {
        st->kind = SILT_SQL_PL_STREAMING_TABLE;
        sp_accept_kw(p, "live");
        return sp_expect_kw(p, "table");
    }
    if (sp_accept_kw(p, "materialized")) {
        st->kind = SILT_SQL_PL_MATERIALIZED_VIEW;
        return sp_expect_kw(p, "view");
    }
    if (sp_accept_kw(p, "live") && sp_accept_kw(p, "table")) {
        st->kind = SILT_SQL_PL_MATERIALIZED_VIEW; /* DLT's old name for it */
        return 0;
    }
    return sp_fail(p, "STREAMING TABLE or MATERIALIZED VIEW");
}

static int parse_create(sql_parser *p, silt_sql_pl_stmt *st)
{
    int rc;
    st->pos = sp_peek(p)->pos;
    if (!sp_accept_kw(p, "create"))
        return sp_fail(p, "CREATE OR REFRESH STREAMING TABLE or MATERIALIZED VIEW");
    if ((rc = parse_kind(p, st))) return rc;
    if (sp_is_kw(p, "live") && p->t[p->i + 1].kind == TK_OP && !strcmp(p->t[p->i + 1].op, "."))
        p->i += 2; /* LIVE.name */
    st->name_pos = sp_peek(p)->pos;
    if (!(st->name = sp_ident(p))) return sp_fail(p, "the table's name");
    if (!st->name[0]) return pl_error(p, st->name_pos, "a table's name cannot be empty");
    if (sp_is_op(p, "."))
        return pl_error(p, st->name_pos,
                        "name the table without catalog or schema: its location is "
                        "<lake>/<name>, or give LOCATION '...'");
    if (sp_accept_op(p, "(") && (rc = parse_defs(p, st))) return rc;
    if ((rc = parse_clauses(p, st))) return rc;
    if (!sp_accept_kw(p, "as"))
        return sp_fail(p, "AS and the query (or PARTITIONED BY, COMMENT, LOCATION, "
                          "TBLPROPERTIES)");
    return pl_parse_query(p, st);
}

static int parse_all(silt_sql_pl_file *f, const char *text, silt_error *err)
{
    sql_tok *toks;
    size_t n;
    int rc = sql_lex(&toks, &n, f->a, text, err);
    sql_parser p = {toks, n, 0, f->a, text, err, 0};
    if (rc) return pl_fix_error(&p, rc);
    for (;;) {
        while (sp_accept_op(&p, ";")) {
        }
        if (sp_peek(&p)->kind == TK_EOF) return 0;
        silt_sql_pl_stmt *st = pl_grow(&p, (void **)&f->stmts, &f->n, &f->cap, sizeof *st);
        if (!st) return SILT_ENOMEM;
        if ((rc = parse_create(&p, st))) return pl_fix_error(&p, rc);
        if (!sp_is_op(&p, ";") && sp_peek(&p)->kind != TK_EOF)
            return pl_fix_error(&p, sp_fail(&p, "';' after the statement"));
    }
}

int silt_sql_pl_parse(silt_sql_pl_file **out, const char *text, silt_error *err)
{
    *out = NULL;
    silt_sql_pl_file *f = silt_calloc(1, sizeof *f);
    if (!f || !(f->a = silt_arena_create(1 << 14))) {
        silt_free(f);
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    int rc = parse_all(f, text, err);
    if (rc) {
        silt_sql_pl_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

void silt_sql_pl_free(silt_sql_pl_file *f)
{
    if (!f) return;
    silt_arena_destroy(f->a);
    silt_free(f);
}

const silt_sql_pl_stmt *silt_sql_pl_stmts(const silt_sql_pl_file *f, size_t *n)
{
    *n = f->n;
    return f->stmts;
}
