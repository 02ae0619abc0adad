/* Expressions of the SQL parser: precedence climbing from OR down to primaries (literals,
 * names, function calls, CASE, CAST, parentheses), with IN, BETWEEN, LIKE and IS NULL. */
#include <string.h>
#include <strings.h>

#include "sql/parser.h"

static sql_ast *node(sql_parser *p, sql_ast_kind k, int pos)
{
    sql_ast *n = sp_alloc(p, sizeof *n);
    if (n) {
        n->kind = k;
        n->pos = pos;
    }
    return n;
}

static int set_args(sql_parser *p, sql_ast *n, sql_ast *a0, sql_ast *a1, sql_ast *a2)
{
    sql_ast *v[3] = {a0, a1, a2};
    n->n_args = a2 ? 3 : a1 ? 2 : 1;
    n->args = sp_alloc(p, 3 * sizeof *n->args);
    if (!n->args) return SILT_ENOMEM;
    memcpy(n->args, v, sizeof v);
    return 0;
}

static int binary(sql_parser *p, sql_ast **out, const char *op, int pos, sql_ast *l, sql_ast *r)
{
    sql_ast *n = node(p, A_BINARY, pos);
    if (!n || set_args(p, n, l, r, NULL)) return SILT_ENOMEM;
    n->op = op;
    *out = n;
    return 0;
}

static int expr_list(sql_parser *p, sql_ast ***out, size_t *n_out)
{
    size_t cap = 0;
    *n_out = 0;
    if (sp_is_op(p, ")")) return 0;
    do {
        sql_ast *e;
        int rc = sp_expr(p, &e);
        if (rc || (rc = sp_push(p, (void ***)out, n_out, &cap, e))) return rc;
        if (sp_accept_kw(p, "as")) { /* struct(x AS name) */
            if (!(e->alias = sp_ident(p))) return sp_fail(p, "a field name");
        }
    } while (sp_accept_op(p, ","));
    return 0;
}

static int parse_case(sql_parser *p, sql_ast **out, int pos)
{
    sql_ast *n = node(p, A_CASE, pos), *e;
    size_t cap = 0;
    int rc;
    if (!n) return SILT_ENOMEM;
    if (!sp_is_kw(p, "when")) {
        if ((rc = sp_expr(p, &e)) || (rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, e)))
            return rc;
        n->has_operand = true;
    }
    if (!sp_is_kw(p, "when")) return sp_fail(p, "WHEN");
    while (sp_accept_kw(p, "when")) {
        if ((rc = sp_expr(p, &e)) || (rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, e)))
            return rc;
        if ((rc = sp_expect_kw(p, "then")) || (rc = sp_expr(p, &e)) ||
            (rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, e)))
            return rc;
    }
    if (sp_accept_kw(p, "else")) {
        if ((rc = sp_expr(p, &e)) || (rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, e)))
            return rc;
        n->has_else = true;
    }
    if ((rc = sp_expect_kw(p, "end"))) return rc;
    *out = n;
    return 0;
}

static int parse_cast(sql_parser *p, sql_ast **out, int pos, bool try_cast)
{
    sql_ast *n = node(p, A_CAST, pos), *e;
    int rc;
    if (!n) return SILT_ENOMEM;
    if ((rc = sp_expect_op(p, "(")) || (rc = sp_expr(p, &e)) || (rc = sp_expect_kw(p, "as")) ||
        (rc = sp_type(p, &n->cast_type)) || (rc = sp_expect_op(p, ")")))
        return rc;
    n->try_cast = try_cast;
    *out = n;
    return set_args(p, n, e, NULL, NULL);
}

static int parse_call(sql_parser *p, sql_ast **out, const char *name, int pos)
{
    sql_ast *n = node(p, A_FUNC, pos);
    int rc;
    if (!n) return SILT_ENOMEM;
    n->name = name;
    if (sp_accept_op(p, "*")) {
        n->star = true;
    } else {
        n->distinct = sp_accept_kw(p, "distinct");
        if (!n->distinct) sp_accept_kw(p, "all");
        if ((rc = expr_list(p, &n->args, &n->n_args))) return rc;
    }
    if ((rc = sp_expect_op(p, ")"))) return rc;
    if (sp_is_kw(p, "filter") && p->t[p->i + 1].kind == TK_OP && !strcmp(p->t[p->i + 1].op, "(")) {
        p->i += 2;
        if ((rc = sp_expect_kw(p, "where")) || (rc = sp_expr(p, &n->filter)) ||
            (rc = sp_expect_op(p, ")")))
            return rc;
    }
    *out = n;
    return 0;
}

static int parse_name(sql_parser *p, sql_ast **out, const sql_tok *t)
{
    if (t->kind == TK_IDENT && sp_accept_op(p, "(")) return parse_call(p, out, t->text, t->pos);
    sql_ast *n = node(p, A_COL, t->pos);
    size_t cap = 0;
    if (!n || sp_push(p, (void ***)&n->parts, &n->n_parts, &cap, (void *)t->text))
        return SILT_ENOMEM;
    while (sp_is_op(p, ".")) {
        p->i++;
        if (sp_accept_op(p, "*")) {
            n->kind = A_STAR;
            break;
        }
        const sql_tok *f = sp_peek(p);
        if (f->kind != TK_IDENT && f->kind != TK_QIDENT) return sp_fail(p, "a field name");
        p->i++;
        if (sp_push(p, (void ***)&n->parts, &n->n_parts, &cap, (void *)f->text)) return SILT_ENOMEM;
    }
    *out = n;
    return 0;
}

static int parse_keyword_primary(sql_parser *p, sql_ast **out, const sql_tok *t, bool *done)
{
    *done = true;
    if (!strcasecmp(t->text, "null") || !strcasecmp(t->text, "true") ||
        !strcasecmp(t->text, "false")) {
        sql_ast *n = node(p, A_LIT, t->pos);
        if (!n) return SILT_ENOMEM;
        n->lit_null = t->text[0] == 'n' || t->text[0] == 'N';
        n->lit_bool = !n->lit_null;
        n->bool_val = t->text[0] == 't' || t->text[0] == 'T';
        *out = n;
        return 0;
    }
    if (!strcasecmp(t->text, "case")) return parse_case(p, out, t->pos);
    if (!strcasecmp(t->text, "cast")) return parse_cast(p, out, t->pos, false);
    if (!strcasecmp(t->text, "try_cast")) return parse_cast(p, out, t->pos, true);
    if ((!strcasecmp(t->text, "date") || !strcasecmp(t->text, "timestamp")) &&
        sp_peek(p)->kind == TK_STRING) {
        sql_ast *n = node(p, A_TYPED_LIT, t->pos);
        if (!n) return SILT_ENOMEM;
        n->tok = *sp_peek(p);
        p->i++;
        n->cast_type.type =
            t->text[0] == 'd' || t->text[0] == 'D' ? SILT_TYPE_DATE32 : SILT_TYPE_TIMESTAMP;
        n->cast_type.tz_utc = true;
        n->cast_type.nullable = true;
        *out = n;
        return 0;
    }
    *done = false;
    return 0;
}

static int primary(sql_parser *p, sql_ast **out)
{
    const sql_tok *t = sp_peek(p);
    int rc;
    if (t->kind == TK_INT || t->kind == TK_NUM || t->kind == TK_FLOAT || t->kind == TK_STRING) {
        sql_ast *n = node(p, A_LIT, t->pos);
        if (!n) return SILT_ENOMEM;
        n->tok = *t;
        p->i++;
        *out = n;
        return 0;
    }
    if (sp_accept_op(p, "(")) {
        if ((rc = sp_expr(p, out))) return rc;
        return sp_expect_op(p, ")");
    }
    if (t->kind == TK_IDENT && (t->text[0] == 'x' || t->text[0] == 'X') && !t->text[1] &&
        p->t[p->i + 1].kind == TK_STRING && p->t[p->i + 1].pos == t->pos + 1) {
        sql_ast *n = node(p, A_LIT, t->pos);
        if (!n) return SILT_ENOMEM;
        n->tok = p->t[p->i + 1];
        n->tok.kind = TK_HEX;
        p->i += 2;
        *out = n;
        return 0;
    }
    if (t->kind == TK_IDENT) {
        p->i++;
        bool done;
        if ((rc = parse_keyword_primary(p, out, t, &done)) || done) return rc;
        if (sp_reserved(t->text) && !sp_is_op(p, "(")) {
            p->i--;
            return sp_fail(p, "an expression");
        }
        return parse_name(p, out, t);
    }
    if (t->kind == TK_QIDENT) {
        p->i++;
        return parse_name(p, out, t);
    }
    if (sp_is_op(p, "*")) {
        sql_ast *n = node(p, A_STAR, t->pos);
        if (!n) return SILT_ENOMEM;
        p->i++;
        *out = n;
        return 0;
    }
    return sp_fail(p, "an expression");
}

static int postfix(sql_parser *p, sql_ast **out)
{
    int rc = primary(p, out);
    while (!rc) {
        int pos = sp_peek(p)->pos;
        if (sp_accept_op(p, "[")) {
            sql_ast *n = node(p, A_SUBSCRIPT, pos), *idx;
            if (!n) return SILT_ENOMEM;
            if ((rc = sp_expr(p, &idx)) || (rc = sp_expect_op(p, "]"))) return rc;
            if ((rc = set_args(p, n, *out, idx, NULL))) return rc;
            *out = n;
        } else if (sp_is_op(p, ".") && (*out)->kind != A_COL) {
            p->i++;
            const char *f = sp_ident(p);
            if (!f) return sp_fail(p, "a field name");
            sql_ast *n = node(p, A_FIELD, pos);
            if (!n || (rc = set_args(p, n, *out, NULL, NULL))) return SILT_ENOMEM;
            n->name = f;
            *out = n;
        } else {
            break;
        }
    }
    return rc;
}

static int unary(sql_parser *p, sql_ast **out)
{
    int pos = sp_peek(p)->pos;
    if (sp_accept_op(p, "-") || sp_accept_op(p, "+")) {
        bool neg = p->t[p->i - 1].op[0] == '-';
        sql_ast *e;
        if (++p->depth > SQL_MAX_DEPTH) return sp_fail(p, "a less deeply nested expression");
        int rc = unary(p, &e);
        p->depth--;
        if (rc) return rc;
        if (!neg) {
            *out = e;
            return 0;
        }
        if (e->kind == A_LIT &&
            (e->tok.kind == TK_INT || e->tok.kind == TK_NUM || e->tok.kind == TK_FLOAT) &&
            e->tok.text[0] != '-') {
            size_t l = strlen(e->tok.text);
            char *t = sp_alloc(p, l + 2);
            if (!t) return SILT_ENOMEM;
            t[0] = '-';
            memcpy(t + 1, e->tok.text, l + 1);
            e->tok.text = t;
            e->tok.len = l + 1;
            e->pos = pos;
            *out = e;
            return 0;
        }
        sql_ast *n = node(p, A_UNARY, pos);
        if (!n || set_args(p, n, e, NULL, NULL)) return SILT_ENOMEM;
        n->op = "-";
        *out = n;
        return 0;
    }
    return postfix(p, out);
}

static int multiplicative(sql_parser *p, sql_ast **out)
{
    int rc = unary(p, out);
    while (!rc) {
        int pos = sp_peek(p)->pos;
        const char *op = sp_accept_op(p, "*")     ? "*"
                         : sp_accept_op(p, "/")   ? "/"
                         : sp_accept_op(p, "%")   ? "%"
                         : sp_accept_kw(p, "div") ? "div"
                                                  : NULL;
        if (!op) break;
        sql_ast *r;
        if ((rc = unary(p, &r))) break;
        rc = binary(p, out, op, pos, *out, r);
    }
    return rc;
}

static int additive(sql_parser *p, sql_ast **out)
{
    int rc = multiplicative(p, out);
    while (!rc) {
        int pos = sp_peek(p)->pos;
        const char *op = sp_accept_op(p, "+")    ? "+"
                         : sp_accept_op(p, "-")  ? "-"
                         : sp_accept_op(p, "||") ? "||"
                                                 : NULL;
        if (!op) break;
        sql_ast *r;
        if ((rc = multiplicative(p, &r))) break;
        rc = binary(p, out, op, pos, *out, r);
    }
    return rc;
}

static int parse_in(sql_parser *p, sql_ast **out, sql_ast *l, int pos, bool neg)
{
    sql_ast *n = node(p, A_IN, pos);
    size_t cap = 0;
    int rc;
    if (!n) return SILT_ENOMEM;
    if ((rc = sp_expect_op(p, "("))) return rc;
    if ((rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, l))) return rc;
    do {
        sql_ast *e;
        if ((rc = sp_expr(p, &e)) || (rc = sp_push(p, (void ***)&n->args, &n->n_args, &cap, e)))
            return rc;
    } while (sp_accept_op(p, ","));
    n->negated = neg;
    *out = n;
    return sp_expect_op(p, ")");
}

static int predicate_tail(sql_parser *p, sql_ast **out, int pos, bool *more)
{
    sql_ast *l = *out, *r, *r2 = NULL;
    int rc;
    bool neg = sp_is_kw(p, "not") && (sp_is_kw_at(p, 1, "in") || sp_is_kw_at(p, 1, "between") ||
                                      sp_is_kw_at(p, 1, "like") || sp_is_kw_at(p, 1, "ilike") ||
                                      sp_is_kw_at(p, 1, "rlike") || sp_is_kw_at(p, 1, "regexp"));
    if (neg) p->i++;
    *more = true;
    if (sp_accept_kw(p, "in")) return parse_in(p, out, l, pos, neg);
    if (sp_accept_kw(p, "between")) {
        sql_ast *n = node(p, A_BETWEEN, pos);
        if (!n || (rc = additive(p, &r)) || (rc = sp_expect_kw(p, "and")) ||
            (rc = additive(p, &r2)))
            return n ? rc : SILT_ENOMEM;
        n->negated = neg;
        *out = n;
        return set_args(p, n, l, r, r2);
    }
    const char *lk = sp_accept_kw(p, "like")     ? "LIKE"
                     : sp_accept_kw(p, "ilike")  ? "ILIKE"
                     : sp_accept_kw(p, "rlike")  ? "RLIKE"
                     : sp_accept_kw(p, "regexp") ? "RLIKE"
                                                 : NULL;
    if (lk) {
        sql_ast *n = node(p, A_LIKE, pos);
        if (!n || (rc = additive(p, &r))) return n ? rc : SILT_ENOMEM;
        if (sp_accept_kw(p, "escape") && (rc = primary(p, &r2))) return rc;
        n->op = lk;
        n->negated = neg;
        *out = n;
        return set_args(p, n, l, r, r2);
    }
    if (sp_accept_kw(p, "is")) {
        sql_ast *n = node(p, A_ISNULL, pos);
        if (!n) return SILT_ENOMEM;
        n->negated = sp_accept_kw(p, "not");
        if ((rc = sp_expect_kw(p, "null"))) return rc;
        *out = n;
        return set_args(p, n, l, NULL, NULL);
    }
    *more = false;
    return 0;
}

static int comparison(sql_parser *p, sql_ast **out)
{
    static const char *const cmps[] = {"<=>", "=", "<>", "<=", ">=", "<", ">", NULL};
    int rc = additive(p, out);
    while (!rc) {
        int pos = sp_peek(p)->pos;
        const char *op = NULL;
        for (int k = 0; cmps[k] && !op; k++)
            if (sp_accept_op(p, cmps[k])) op = cmps[k];
        if (op) {
            sql_ast *r;
            if ((rc = additive(p, &r))) break;
            rc = binary(p, out, op, pos, *out, r);
            continue;
        }
        bool more;
        if ((rc = predicate_tail(p, out, pos, &more)) || !more) break;
    }
    return rc;
}

static int not_expr(sql_parser *p, sql_ast **out)
{
    int pos = sp_peek(p)->pos;
    if (sp_accept_kw(p, "not") || sp_accept_op(p, "!")) {
        sql_ast *e;
        if (++p->depth > SQL_MAX_DEPTH) return sp_fail(p, "a less deeply nested expression");
        int rc = not_expr(p, &e);
        p->depth--;
        if (rc) return rc;
        sql_ast *n = node(p, A_UNARY, pos);
        if (!n || set_args(p, n, e, NULL, NULL)) return SILT_ENOMEM;
        n->op = "NOT";
        *out = n;
        return 0;
    }
    return comparison(p, out);
}

static int and_expr(sql_parser *p, sql_ast **out)
{
    int rc = not_expr(p, out);
    while (!rc && sp_is_kw(p, "and")) {
        int pos = sp_peek(p)->pos;
        p->i++;
        sql_ast *r;
        if ((rc = not_expr(p, &r))) break;
        rc = binary(p, out, "AND", pos, *out, r);
    }
    return rc;
}

int sp_expr(sql_parser *p, sql_ast **out)
{
    if (++p->depth > SQL_MAX_DEPTH) return sp_fail(p, "a less deeply nested expression");
    int rc = and_expr(p, out);
    while (!rc && sp_is_kw(p, "or")) {
        int pos = sp_peek(p)->pos;
        p->i++;
        sql_ast *r;
        if ((rc = and_expr(p, &r))) break;
        rc = binary(p, out, "OR", pos, *out, r);
    }
    p->depth--;
    return rc;
}
