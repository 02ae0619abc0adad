/* Statements and queries of the SQL parser: SELECT blocks (items, FROM with joins, tables and
 * subqueries, WHERE, GROUP BY, HAVING), WITH, UNION ALL, ORDER BY, LIMIT, CREATE TABLE AS,
 * INSERT INTO, DESCRIBE and EXPLAIN. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sql/parser.h"
#include "sql/types.h"

int sp_type(sql_parser *p, silt_field *out)
{
    size_t start = p->i, j = p->i;
    int depth = 0;
    for (; p->t[j].kind != TK_EOF; j++) {
        const sql_tok *t = &p->t[j];
        if (t->kind != TK_OP) continue;
        if (!strcmp(t->op, "(") || !strcmp(t->op, "<")) depth++;
        if (!strcmp(t->op, ")") || !strcmp(t->op, ">")) {
            if (depth == 0) break;
            depth--;
        }
        if (!strcmp(t->op, ",") && depth == 0) break;
    }
    if (j == start) return sp_fail(p, "a type name");
    int a = p->t[start].pos, b = p->t[j].pos;
    char *txt = silt_arena_strndup(p->a, p->text + a, (size_t)(b - a));
    if (!txt) return silt_error_set(p->err, SILT_ENOMEM, "out of memory");
    silt_field f;
    silt_error e2;
    silt_error_clear(&e2);
    int trc = silt_sql_type_parse(&f, txt, &e2);
    if (trc == SILT_ENOMEM) return silt_error_set(p->err, trc, "out of memory");
    if (trc) return sql_error_at(p->err, SILT_EINVAL, p->text, a, "%s", e2.msg);
    int rc = sql_field_dup(p->a, out, &f, "");
    silt_field_clear(&f);
    p->i = j;
    return rc ? silt_error_set(p->err, rc, "out of memory") : 0;
}

static int parse_items(sql_parser *p, sql_select *s)
{
    size_t cap = 0;
    do {
        sql_item *it = sp_alloc(p, sizeof *it);
        if (!it) return SILT_ENOMEM;
        int a = sp_peek(p)->pos;
        int rc = sp_expr(p, &it->expr);
        if (rc) return rc;
        int b = sp_peek(p)->pos;
        while (b > a && (p->text[b - 1] == ' ' || p->text[b - 1] == '\n')) b--;
        it->text = silt_arena_strndup(p->a, p->text + a, (size_t)(b - a));
        if (sp_accept_kw(p, "as")) {
            if (!(it->alias = sp_ident(p))) return sp_fail(p, "a column alias");
        } else {
            it->alias = sp_ident(p);
        }
        void **arr = (void **)s->items;
        /* items are stored by value: copy into a fresh array */
        sql_item *na = sp_alloc(p, (s->n_items + 1) * sizeof *na);
        if (!na) return SILT_ENOMEM;
        if (s->n_items) memcpy(na, s->items, s->n_items * sizeof *na);
        na[s->n_items++] = *it;
        s->items = na;
        (void)arr;
        (void)cap;
    } while (sp_accept_op(p, ","));
    return 0;
}

static int parse_time_travel(sql_parser *p, sql_from *f)
{
    for (;;) {
        bool ver = sp_is_kw(p, "version") && sp_is_kw_at(p, 1, "as");
        bool ts = sp_is_kw(p, "timestamp") && sp_is_kw_at(p, 1, "as");
        if (!ver && !ts) return 0;
        p->i += 2;
        int rc = sp_expect_kw(p, "of");
        if (rc) return rc;
        const sql_tok *t = sp_peek(p);
        if (ver && t->kind != TK_INT) return sp_fail(p, "a version number");
        if (ts && t->kind != TK_STRING) return sp_fail(p, "a timestamp string");
        if (ver) f->version = strtoll(t->text, NULL, 10);
        if (ts) f->timestamp = t->text;
        p->i++;
    }
}

static int parse_table_ex(sql_parser *p, sql_from **out, bool alias)
{
    sql_from *f = sp_alloc(p, sizeof *f);
    int rc;
    if (!f) return SILT_ENOMEM;
    f->pos = sp_peek(p)->pos;
    f->version = -1;
    if (sp_accept_op(p, "(")) {
        f->kind = F_SUBQUERY;
        if ((rc = sp_query(p, &f->sub)) || (rc = sp_expect_op(p, ")"))) return rc;
    } else {
        const sql_tok *t = sp_peek(p);
        if (t->kind != TK_IDENT && t->kind != TK_QIDENT) return sp_fail(p, "a table");
        p->i++;
        f->kind = F_TABLE;
        f->path = t->text;
        if (sp_accept_op(p, ".")) {
            const sql_tok *t2 = sp_peek(p);
            if (t2->kind != TK_IDENT && t2->kind != TK_QIDENT)
                return sp_fail(p, "a path in backquotes, as in delta.`/data/table`");
            p->i++;
            f->format = t->text;
            f->path = t2->text;
        }
    }
    if ((rc = parse_time_travel(p, f))) return rc;
    if (!alias) {
        *out = f;
        return 0;
    }
    if (sp_accept_kw(p, "as")) {
        if (!(f->alias = sp_ident(p))) return sp_fail(p, "a table alias");
    } else {
        f->alias = sp_ident(p);
    }
    *out = f;
    return 0;
}

static int parse_table(sql_parser *p, sql_from **out)
{
    return parse_table_ex(p, out, true);
}

static int parse_from(sql_parser *p, sql_from **out)
{
    int rc = parse_table(p, out);
    while (!rc) {
        bool left = false;
        int pos = sp_peek(p)->pos;
        if (sp_accept_kw(p, "left")) {
            left = true;
            sp_accept_kw(p, "outer");
            if ((rc = sp_expect_kw(p, "join"))) return rc;
        } else if (sp_accept_kw(p, "inner")) {
            if ((rc = sp_expect_kw(p, "join"))) return rc;
        } else if (!sp_accept_kw(p, "join")) {
            if (sp_is_kw(p, "right") || sp_is_kw(p, "full") || sp_is_kw(p, "cross"))
                return sql_error_at(p->err, SILT_EINVAL, p->text, pos,
                                    "only INNER and LEFT joins are supported");
            break;
        }
        sql_from *j = sp_alloc(p, sizeof *j);
        if (!j) return SILT_ENOMEM;
        j->kind = F_JOIN;
        j->pos = pos;
        j->left = *out;
        j->left_join = left;
        if ((rc = parse_table(p, &j->right))) return rc;
        if (sp_accept_kw(p, "using")) {
            size_t cap = 0;
            if ((rc = sp_expect_op(p, "("))) return rc;
            do {
                const char *c = sp_ident(p);
                if (!c) return sp_fail(p, "a column name");
                if ((rc = sp_push(p, (void ***)&j->using_cols, &j->n_using, &cap, (void *)c)))
                    return rc;
            } while (sp_accept_op(p, ","));
            if ((rc = sp_expect_op(p, ")"))) return rc;
        } else if ((rc = sp_expect_kw(p, "on")) || (rc = sp_expr(p, &j->on))) {
            return rc;
        }
        *out = j;
    }
    return rc;
}

static int parse_group(sql_parser *p, sql_select *s)
{
    size_t cap = 0;
    int rc = sp_expect_kw(p, "by");
    if (rc) return rc;
    if (sp_is_kw(p, "all") && !sp_is_op(p, "(")) {
        p->i++;
        s->group_all = true;
        return 0;
    }
    do {
        sql_ast *e;
        if ((rc = sp_expr(p, &e)) || (rc = sp_push(p, (void ***)&s->group, &s->n_group, &cap, e)))
            return rc;
    } while (sp_accept_op(p, ","));
    return 0;
}

static int parse_select(sql_parser *p, sql_select **out)
{
    int rc;
    if (sp_accept_op(p, "(")) {
        sql_query *q;
        if ((rc = sp_query(p, &q)) || (rc = sp_expect_op(p, ")"))) return rc;
        if (q->n_blocks != 1 || q->n_order || q->limit >= 0 || q->n_ctes)
            return sp_fail(p, "a simple SELECT inside parentheses");
        *out = q->blocks[0];
        return 0;
    }
    sql_select *s = sp_alloc(p, sizeof *s);
    if (!s) return SILT_ENOMEM;
    s->pos = sp_peek(p)->pos;
    if ((rc = sp_expect_kw(p, "select"))) return rc;
    s->distinct = sp_accept_kw(p, "distinct");
    if (!s->distinct) sp_accept_kw(p, "all");
    if ((rc = parse_items(p, s))) return rc;
    if (sp_accept_kw(p, "from") && (rc = parse_from(p, &s->from))) return rc;
    if (sp_accept_kw(p, "where") && (rc = sp_expr(p, &s->where))) return rc;
    if (sp_accept_kw(p, "group") && (rc = parse_group(p, s))) return rc;
    if (sp_accept_kw(p, "having") && (rc = sp_expr(p, &s->having))) return rc;
    *out = s;
    return 0;
}

static int parse_order(sql_parser *p, sql_query *q)
{
    int rc = sp_expect_kw(p, "by");
    if (rc) return rc;
    do {
        sql_order *na = sp_alloc(p, (q->n_order + 1) * sizeof *na);
        if (!na) return SILT_ENOMEM;
        if (q->n_order) memcpy(na, q->order, q->n_order * sizeof *na);
        q->order = na;
        sql_order *o = &na[q->n_order++];
        if ((rc = sp_expr(p, &o->expr))) return rc;
        if (sp_accept_kw(p, "desc"))
            o->desc = true;
        else
            sp_accept_kw(p, "asc");
        if (sp_accept_kw(p, "nulls")) {
            if (sp_accept_kw(p, "first"))
                o->nulls = 1;
            else if (sp_accept_kw(p, "last"))
                o->nulls = 2;
            else
                return sp_fail(p, "FIRST or LAST");
        }
    } while (sp_accept_op(p, ","));
    return 0;
}

static int parse_with(sql_parser *p, sql_query *q)
{
    do {
        const char *name = sp_ident(p);
        if (!name) return sp_fail(p, "a name for the WITH query");
        int rc = sp_expect_kw(p, "as");
        sql_query *sub;
        if (rc || (rc = sp_expect_op(p, "(")) || (rc = sp_query(p, &sub)) ||
            (rc = sp_expect_op(p, ")")))
            return rc;
        sql_cte *na = sp_alloc(p, (q->n_ctes + 1) * sizeof *na);
        if (!na) return SILT_ENOMEM;
        if (q->n_ctes) memcpy(na, q->ctes, q->n_ctes * sizeof *na);
        na[q->n_ctes].name = name;
        na[q->n_ctes++].q = sub;
        q->ctes = na;
    } while (sp_accept_op(p, ","));
    return 0;
}

int sp_query(sql_parser *p, sql_query **out)
{
    sql_query *q = sp_alloc(p, sizeof *q);
    size_t cap = 0;
    int rc;
    if (!q) return SILT_ENOMEM;
    q->limit = -1;
    if (++p->depth > SQL_MAX_DEPTH) return sp_fail(p, "a less deeply nested query");
    if (sp_accept_kw(p, "with") && (rc = parse_with(p, q))) return rc;
    do {
        sql_select *s = NULL;
        if ((rc = parse_select(p, &s)) ||
            (rc = sp_push(p, (void ***)&q->blocks, &q->n_blocks, &cap, s)))
            return rc;
        if (sp_is_kw(p, "union") && !sp_is_kw_at(p, 1, "all"))
            return sql_error_at(p->err, SILT_EINVAL, p->text, sp_peek(p)->pos,
                                "only UNION ALL is supported (write UNION ALL, then SELECT "
                                "DISTINCT over it to remove duplicates)");
    } while (sp_accept_kw(p, "union") && sp_accept_kw(p, "all"));
    if (sp_accept_kw(p, "order") && (rc = parse_order(p, q))) return rc;
    if (sp_accept_kw(p, "limit")) {
        const sql_tok *t = sp_peek(p);
        if (t->kind != TK_INT) return sp_fail(p, "a row count after LIMIT");
        q->limit = strtoll(t->text, NULL, 10);
        p->i++;
    }
    p->depth--;
    *out = q;
    return 0;
}

static int parse_target(sql_parser *p, sql_stmt *s)
{
    int rc = parse_table_ex(p, &s->table, false);
    if (rc) return rc;
    if (s->table->kind != F_TABLE || !s->table->format) {
        p->i--;
        return sql_error_at(p->err, SILT_EINVAL, p->text, s->table->pos,
                            "expected a table as delta.`path`");
    }
    return 0;
}

static int parse_partitioned(sql_parser *p, sql_stmt *s)
{
    size_t cap = 0;
    int rc;
    if ((rc = sp_expect_kw(p, "by")) || (rc = sp_expect_op(p, "("))) return rc;
    do {
        const char *c = sp_ident(p);
        if (!c) return sp_fail(p, "a partition column name");
        if ((rc = sp_push(p, (void ***)&s->partition_cols, &s->n_partition_cols, &cap, (void *)c)))
            return rc;
    } while (sp_accept_op(p, ","));
    return sp_expect_op(p, ")");
}

static int parse_statement(sql_parser *p, sql_stmt *s)
{
    int rc;
    if (sp_accept_kw(p, "create")) {
        s->kind = S_CTAS;
        if ((rc = sp_expect_kw(p, "table")) || (rc = parse_target(p, s))) return rc;
        if (sp_accept_kw(p, "using") && !sp_accept_kw(p, "delta")) return sp_fail(p, "DELTA");
        if (sp_accept_kw(p, "partitioned") && (rc = parse_partitioned(p, s))) return rc;
        if ((rc = sp_expect_kw(p, "as"))) return rc;
        return sp_query(p, &s->query);
    }
    if (sp_accept_kw(p, "insert")) {
        s->kind = S_INSERT;
        if (!sp_accept_kw(p, "into") && !sp_accept_kw(p, "overwrite")) return sp_fail(p, "INTO");
        sp_accept_kw(p, "table");
        if ((rc = parse_target(p, s))) return rc;
        return sp_query(p, &s->query);
    }
    if (sp_accept_kw(p, "describe") || sp_accept_kw(p, "desc")) {
        s->kind = S_DESCRIBE;
        sp_accept_kw(p, "table");
        return parse_table(p, &s->table);
    }
    if (sp_accept_kw(p, "explain")) {
        s->kind = S_EXPLAIN;
        s->analyze = sp_accept_kw(p, "analyze");
        return sp_query(p, &s->query);
    }
    if (!sp_is_kw(p, "select") && !sp_is_kw(p, "with") && !sp_is_op(p, "("))
        return sp_fail(p, "SELECT, WITH, CREATE TABLE, INSERT INTO, DESCRIBE or EXPLAIN");
    s->kind = S_SELECT;
    return sp_query(p, &s->query);
}

int sql_parse(sql_stmt **out, silt_arena *a, const sql_tok *toks, size_t n_toks, const char *text,
              silt_error *err)
{
    sql_parser p = {toks, n_toks, 0, a, text, err, 0};
    sql_stmt *s = sp_alloc(&p, sizeof *s);
    if (!s) return SILT_ENOMEM;
    int rc = parse_statement(&p, s);
    if (rc) return rc;
    sp_accept_op(&p, ";");
    if (sp_peek(&p)->kind != TK_EOF) {
        if (s->kind == S_SELECT || s->kind == S_EXPLAIN)
            return sp_fail(&p, "the end of the query (or WHERE, GROUP BY, HAVING, ORDER BY, "
                               "LIMIT, UNION ALL)");
        return sp_fail(&p, "the end of the statement");
    }
    *out = s;
    return 0;
}
