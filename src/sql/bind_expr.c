/* Binding expressions: operators with Spark's implicit casts and result types, CASE, IN,
 * BETWEEN, LIKE, IS NULL, CAST, subscripts, and constant folding. Function calls are in
 * bind_fn.c. */
#include <string.h>
#include <strings.h>

#include "sql/binder.h"

int sql_bind_literal(sql_expr **out, sql_ctx *c, const sql_ast *a);
int sql_bind_column(sql_expr **out, sql_ctx *c, const sql_scope *s, const sql_ast *a);
int sql_bind_field(sql_expr **out, sql_ctx *c, sql_expr *base, const char *name, int pos);
int sql_bind_call(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                  const sql_ast *a);
int sql_bind_fn_named(sql_expr **out, sql_ctx *c, const char *name, sql_expr **args, size_t n,
                      int pos);
void sql_like_compile(sql_like *l, const char *pat, size_t len, char esc, bool icase);

static sql_expr *mk(sql_ctx *c, sql_expr_kind k, const silt_field *t, size_t n_args, int pos)
{
    sql_expr *e = sql_ctx_alloc(c, sizeof *e);
    if (!e) return NULL;
    e->kind = k;
    e->pos = pos;
    e->n_args = n_args;
    if (n_args && !(e->args = sql_ctx_alloc(c, n_args * sizeof *e->args))) return NULL;
    if (t && sql_field_dup(c->a, &e->type, t, "")) {
        sql_oom(c);
        return NULL;
    }
    return e;
}

int sql_fold(sql_expr **e, sql_ctx *c)
{
    sql_expr *x = *e;
    if (x->kind == E_CONST || x->kind == E_COL || x->kind == E_AGGREF || !x->n_args) return 0;
    for (size_t i = 0; i < x->n_args; i++)
        if (x->args[i]->kind != E_CONST) return 0;
    if (x->type.type == SQL_TYPE_NULL) return 0;
    silt_column col;
    silt_error e2;
    silt_error_clear(&e2);
    if (sql_eval_full(&col, x, NULL, &e2)) return 0; /* evaluated at run time instead */
    int sql_const_from_column(sql_expr * *out, sql_ctx * c, const silt_field *t,
                              const silt_column *src);
    sql_expr *k;
    int rc = sql_const_from_column(&k, c, &x->type, &col);
    silt_column_clear(&col);
    if (rc) return rc;
    k->pos = x->pos;
    *e = k;
    return 0;
}

int sql_bind_cast(sql_expr **out, sql_ctx *c, sql_expr *e, const silt_field *t)
{
    if (sql_type_equal(&e->type, t) || t->type == SQL_TYPE_NULL) {
        *out = e;
        return 0;
    }
    sql_expr *x = mk(c, E_CAST, t, 1, e->pos);
    if (!x) return SILT_ENOMEM;
    x->args[0] = e;
    *out = x;
    return sql_fold(out, c);
}

static int type_err(sql_ctx *c, int pos, const char *what, const silt_field *a, const silt_field *b)
{
    char ta[128], tb[128];
    if (!b)
        return sql_error_at(c->err, SILT_EINVAL, c->text, pos, "type error: %s cannot take %s",
                            what, sql_type_str(a, ta, sizeof ta));
    return sql_error_at(c->err, SILT_EINVAL, c->text, pos,
                        "type error: %s cannot take %s and %s (cast one side)", what,
                        sql_type_str(a, ta, sizeof ta), sql_type_str(b, tb, sizeof tb));
}

static int to_bool(sql_expr **e, sql_ctx *c, const char *what)
{
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    if ((*e)->type.type == SILT_TYPE_BOOL) return 0;
    if ((*e)->type.type != SQL_TYPE_NULL && (*e)->type.type != SILT_TYPE_STRING)
        return type_err(c, (*e)->pos, what, &(*e)->type, NULL);
    return sql_bind_cast(e, c, *e, &bt);
}

static sql_op op_of(const char *s)
{
    static const struct {
        const char *s;
        sql_op op;
    } t[] = {{"+", OP_ADD},    {"-", OP_SUB}, {"*", OP_MUL},    {"/", OP_DIV},   {"%", OP_MOD},
             {"div", OP_IDIV}, {"=", OP_EQ},  {"<>", OP_NE},    {"<", OP_LT},    {"<=", OP_LE},
             {">", OP_GT},     {">=", OP_GE}, {"<=>", OP_EQNS}, {"AND", OP_AND}, {"OR", OP_OR}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].s, s)) return t[i].op;
    return 0;
}

/* An integral operand as a decimal: an integer literal by its digits (Spark: 4 is
 * decimal(1,0)), a column by its type (int: decimal(10,0)). */
static silt_field dec_operand(const sql_expr *e, const silt_field *t)
{
    if (e->kind == E_CONST && sql_type_is_integral(t) && silt_column_is_valid(e->value, 0)) {
        int64_t v = silt_column_get_int(e->value, 0);
        int d = 1;
        for (uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; u >= 10; u /= 10) d++;
        return sql_decimal_type(d, 0);
    }
    return sql_decimal_of(t);
}

/* Result type of arithmetic per Spark; sets *ca / *cb to the operand types to cast to. */
static bool arith_type(silt_field *r, silt_field *ca, silt_field *cb, sql_op op, const sql_expr *ea,
                       const sql_expr *eb)
{
    const silt_field *a = &ea->type, *b = &eb->type;
    silt_field x = a->type == SQL_TYPE_NULL ? *b : *a, y = b->type == SQL_TYPE_NULL ? *a : *b;
    if (x.type == SQL_TYPE_NULL) x = y = sql_type(SILT_TYPE_DOUBLE);
    if (x.type == SILT_TYPE_STRING) x = sql_type(SILT_TYPE_DOUBLE);
    if (y.type == SILT_TYPE_STRING) y = sql_type(SILT_TYPE_DOUBLE);
    if (!sql_type_is_numeric(&x) || !sql_type_is_numeric(&y)) return false;
    if (op == OP_IDIV) {
        *r = *ca = *cb = sql_type(SILT_TYPE_INT64);
        return true;
    }
    bool dec = (x.type == SILT_TYPE_DECIMAL || y.type == SILT_TYPE_DECIMAL) &&
               x.type != SILT_TYPE_DOUBLE && y.type != SILT_TYPE_DOUBLE &&
               x.type != SILT_TYPE_FLOAT && y.type != SILT_TYPE_FLOAT;
    if (dec) {
        silt_field p = dec_operand(ea, &x), q = dec_operand(eb, &y);
        int p1 = p.precision, s1 = p.scale, p2 = q.precision, s2 = q.scale;
        int s = s1 > s2 ? s1 : s2, ip = p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2;
        if (op == OP_ADD || op == OP_SUB)
            *r = sql_decimal_adjust(ip + s + 1, s);
        else if (op == OP_MUL)
            *r = sql_decimal_adjust(p1 + p2 + 1, s1 + s2);
        else if (op == OP_DIV) {
            int sc = 6 > s1 + p2 + 1 ? 6 : s1 + p2 + 1;
            *r = sql_decimal_adjust(p1 - s1 + s2 + sc, sc);
        } else {
            int mi = p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2;
            *r = sql_decimal_adjust(mi + s, s);
        }
        *ca = p;
        *cb = q;
        return true;
    }
    silt_field w;
    if (op == OP_DIV) {
        w = sql_type(SILT_TYPE_DOUBLE);
    } else {
        if (x.type == SILT_TYPE_DECIMAL || y.type == SILT_TYPE_DECIMAL)
            w = sql_type(SILT_TYPE_DOUBLE);
        else
            w = sql_type(x.type > y.type ? x.type : y.type);
    }
    *r = *ca = *cb = w;
    return true;
}

static int bind_binary(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                       const sql_ast *a)
{
    sql_expr *l, *r;
    int rc;
    if ((rc = sql_bind_expr(&l, c, s, agg, a->args[0])) ||
        (rc = sql_bind_expr(&r, c, s, agg, a->args[1])))
        return rc;
    if (!strcmp(a->op, "||")) {
        sql_expr *args[2] = {l, r};
        return sql_bind_fn_named(out, c, "concat", args, 2, a->pos);
    }
    sql_op op = op_of(a->op);
    silt_field rt, ca, cb;
    if (op == OP_AND || op == OP_OR) {
        if ((rc = to_bool(&l, c, a->op)) || (rc = to_bool(&r, c, a->op))) return rc;
        rt = ca = cb = sql_type(SILT_TYPE_BOOL);
    } else if (op >= OP_EQ && op <= OP_EQNS) {
        if (!sql_common_type(c->a, &ca, &l->type, &r->type))
            return type_err(c, a->pos, a->op, &l->type, &r->type);
        cb = ca;
        rt = sql_type(SILT_TYPE_BOOL);
        if (ca.type == SQL_TYPE_NULL) ca = cb = sql_type(SILT_TYPE_STRING);
    } else if (!arith_type(&rt, &ca, &cb, op, l, r)) {
        return type_err(c, a->pos, a->op, &l->type, &r->type);
    }
    if ((rc = sql_bind_cast(&l, c, l, &ca)) || (rc = sql_bind_cast(&r, c, r, &cb))) return rc;
    sql_expr *e = mk(c, E_OP, &rt, 2, a->pos);
    if (!e) return SILT_ENOMEM;
    e->op = op;
    e->args[0] = l;
    e->args[1] = r;
    *out = e;
    return sql_fold(out, c);
}

static int bind_unary(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                      const sql_ast *a)
{
    sql_expr *x;
    int rc = sql_bind_expr(&x, c, s, agg, a->args[0]);
    if (rc) return rc;
    bool neg = !strcmp(a->op, "-");
    if (!neg && (rc = to_bool(&x, c, "NOT"))) return rc;
    if (neg && x->type.type == SILT_TYPE_STRING) {
        silt_field d = sql_type(SILT_TYPE_DOUBLE);
        if ((rc = sql_bind_cast(&x, c, x, &d))) return rc;
    }
    if (neg && !sql_type_is_numeric(&x->type) && x->type.type != SQL_TYPE_NULL)
        return type_err(c, a->pos, "unary minus", &x->type, NULL);
    sql_expr *e = mk(c, E_OP, &x->type, 1, a->pos);
    if (!e) return SILT_ENOMEM;
    e->op = neg ? OP_NEG : OP_NOT;
    e->args[0] = x;
    *out = e;
    return sql_fold(out, c);
}

/* Binds args[0..n) and casts all to their common type. */
static int bind_common(sql_expr **v, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                       sql_ast *const *asts, size_t n, silt_field *out_t, const char *what, int pos)
{
    silt_field t = sql_type(SQL_TYPE_NULL);
    int rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = sql_bind_expr(&v[i], c, s, agg, asts[i]))) return rc;
        silt_field nt;
        if (!sql_common_type(c->a, &nt, &t, &v[i]->type))
            return type_err(c, asts[i]->pos, what, &t, &v[i]->type);
        t = nt;
    }
    if (t.type == SQL_TYPE_NULL) t = sql_type(SILT_TYPE_STRING);
    for (size_t i = 0; i < n; i++)
        if ((rc = sql_bind_cast(&v[i], c, v[i], &t))) return rc;
    (void)pos;
    *out_t = t;
    return 0;
}

static int bind_in(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                   const sql_ast *a)
{
    silt_field t, bt = sql_type(SILT_TYPE_BOOL);
    sql_expr *e = mk(c, E_IN, &bt, a->n_args, a->pos);
    if (!e) return SILT_ENOMEM;
    int rc = bind_common(e->args, c, s, agg, a->args, a->n_args, &t, "IN", a->pos);
    if (rc) return rc;
    e->negated = a->negated;
    bool consts = true;
    for (size_t i = 1; i < e->n_args; i++)
        if (e->args[i]->kind != E_CONST) consts = false;
    if (consts) {
        if ((rc = sql_inset_build(&e->set, e, c->err))) return rc;
        if ((rc = sql_ctx_defer(c, (void (*)(void *))sql_inset_free, e->set))) return rc;
        e->n_args = 1;
    }
    *out = e;
    return sql_fold(out, c);
}

static int bind_between(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                        const sql_ast *a)
{
    silt_field t, bt = sql_type(SILT_TYPE_BOOL);
    sql_expr *v[3];
    int rc = bind_common(v, c, s, agg, a->args, 3, &t, "BETWEEN", a->pos);
    if (rc) return rc;
    sql_expr *ge = mk(c, E_OP, &bt, 2, a->pos), *le = mk(c, E_OP, &bt, 2, a->pos),
             *and = mk(c, E_OP, &bt, 2, a->pos);
    if (!ge || !le || !and) return SILT_ENOMEM;
    ge->op = OP_GE;
    ge->args[0] = v[0];
    ge->args[1] = v[1];
    le->op = OP_LE;
    le->args[0] = v[0];
    le->args[1] = v[2];
    and->op = OP_AND;
    and->args[0] = ge;
    and->args[1] = le;
    *out = and;
    if (a->negated) {
        sql_expr *n = mk(c, E_OP, &bt, 1, a->pos);
        if (!n) return SILT_ENOMEM;
        n->op = OP_NOT;
        n->args[0] = and;
        *out = n;
    }
    return sql_fold(out, c);
}

static int bind_like(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                     const sql_ast *a)
{
    sql_expr *x, *p, *esc = NULL;
    silt_field st = sql_type(SILT_TYPE_STRING), bt = sql_type(SILT_TYPE_BOOL);
    int rc;
    if ((rc = sql_bind_expr(&x, c, s, agg, a->args[0])) ||
        (rc = sql_bind_expr(&p, c, s, agg, a->args[1])) || (rc = sql_bind_cast(&x, c, x, &st)) ||
        (rc = sql_bind_cast(&p, c, p, &st)))
        return rc;
    if (!strcmp(a->op, "RLIKE")) {
        sql_expr *args[2] = {x, p};
        if ((rc = sql_bind_fn_named(out, c, "rlike", args, 2, a->pos))) return rc;
    } else {
        if (a->n_args > 2 && (rc = sql_bind_expr(&esc, c, s, agg, a->args[2]))) return rc;
        if (p->kind != E_CONST || (esc && esc->kind != E_CONST))
            return sql_error_at(c->err, SILT_EUNSUPPORTED, c->text, a->args[1]->pos,
                                "the pattern of %s must be a constant string", a->op);
        char ec = '\\';
        size_t len;
        if (esc) ec = (char)*silt_column_bytes(esc->value, 0, &len);
        sql_expr *e = mk(c, E_LIKE, &bt, 1, a->pos);
        if (!e) return SILT_ENOMEM;
        e->args[0] = x;
        if (!silt_column_is_valid(p->value, 0)) return sql_bind_cast(out, c, p, &bt);
        const char *pat = (const char *)silt_column_bytes(p->value, 0, &len);
        char *copy = silt_arena_strndup(c->a, pat, len);
        if (!copy) return sql_oom(c);
        sql_like_compile(&e->like, copy, len, ec, !strcmp(a->op, "ILIKE"));
        *out = e;
        if (!a->negated) return sql_fold(out, c);
    }
    if (a->negated) {
        sql_expr *n = mk(c, E_OP, &bt, 1, a->pos);
        if (!n) return SILT_ENOMEM;
        n->op = OP_NOT;
        n->args[0] = *out;
        *out = n;
    }
    return sql_fold(out, c);
}

static int bind_case(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                     const sql_ast *a)
{
    size_t first = a->has_operand ? 1 : 0, nw = (a->n_args - first - a->has_else) / 2;
    sql_expr *operand = NULL;
    int rc;
    if (a->has_operand && (rc = sql_bind_expr(&operand, c, s, agg, a->args[0]))) return rc;
    sql_expr *e = mk(c, E_CASE, NULL, 2 * nw + 1, a->pos);
    if (!e) return SILT_ENOMEM;
    silt_field t = sql_type(SQL_TYPE_NULL), bt = sql_type(SILT_TYPE_BOOL);
    for (size_t k = 0; k <= nw; k++) {
        bool is_else = k == nw;
        sql_expr *v;
        if (is_else && !a->has_else) {
            sql_ast nl = {.kind = A_LIT, .lit_null = true, .pos = a->pos};
            rc = sql_bind_expr(&v, c, s, agg, &nl);
        } else {
            rc = sql_bind_expr(&v, c, s, agg, a->args[is_else ? a->n_args - 1 : first + 2 * k + 1]);
        }
        if (rc) return rc;
        silt_field nt;
        if (!sql_common_type(c->a, &nt, &t, &v->type))
            return type_err(c, v->pos, "CASE branches", &t, &v->type);
        t = nt;
        e->args[2 * k + (is_else ? 0 : 1)] = v;
        if (is_else) break;
        sql_expr *w;
        if (operand) {
            sql_ast eq = {.kind = A_BINARY, .op = "=", .pos = a->args[first + 2 * k]->pos};
            sql_ast *pair[2] = {NULL, a->args[first + 2 * k]};
            sql_expr *rv;
            if ((rc = sql_bind_expr(&rv, c, s, agg, pair[1]))) return rc;
            silt_field ct;
            if (!sql_common_type(c->a, &ct, &operand->type, &rv->type))
                return type_err(c, eq.pos, "CASE x WHEN", &operand->type, &rv->type);
            sql_expr *lo, *ro;
            if ((rc = sql_bind_cast(&lo, c, operand, &ct)) || (rc = sql_bind_cast(&ro, c, rv, &ct)))
                return rc;
            if (!(w = mk(c, E_OP, &bt, 2, eq.pos))) return SILT_ENOMEM;
            w->op = OP_EQ;
            w->args[0] = lo;
            w->args[1] = ro;
        } else if ((rc = sql_bind_expr(&w, c, s, agg, a->args[first + 2 * k]))) {
            return rc;
        }
        if ((rc = to_bool(&w, c, "WHEN"))) return rc;
        e->args[2 * k] = w;
    }
    if (t.type == SQL_TYPE_NULL) t = sql_type(SILT_TYPE_STRING);
    for (size_t k = 0; k < e->n_args; k++)
        if ((k % 2 == 1 || k == e->n_args - 1) &&
            (rc = sql_bind_cast(&e->args[k], c, e->args[k], &t)))
            return rc;
    if (sql_field_dup(c->a, &e->type, &t, "")) return sql_oom(c);
    *out = e;
    return sql_fold(out, c);
}

static int bind_misc(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                     const sql_ast *a)
{
    sql_expr *x, *k;
    int rc = sql_bind_expr(&x, c, s, agg, a->args[0]);
    if (rc) return rc;
    if (a->kind == A_CAST) {
        char ta[128], tb[128];
        if ((x->type.n_children || a->cast_type.n_children) &&
            !sql_type_equal(&x->type, &a->cast_type) && a->cast_type.type != SILT_TYPE_STRING)
            return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos, "cannot cast %s to %s",
                                sql_type_str(&x->type, ta, sizeof ta),
                                sql_type_str(&a->cast_type, tb, sizeof tb));
        return sql_bind_cast(out, c, x, &a->cast_type);
    }
    if (a->kind == A_FIELD) return sql_bind_field(out, c, x, a->name, a->pos);
    silt_field bt = sql_type(SILT_TYPE_BOOL);
    if (a->kind == A_ISNULL) {
        sql_expr *e = mk(c, E_ISNULL, &bt, 1, a->pos);
        if (!e) return SILT_ENOMEM;
        e->args[0] = x;
        e->negated = a->negated;
        *out = e;
        return sql_fold(out, c);
    }
    /* subscript */
    if ((rc = sql_bind_expr(&k, c, s, agg, a->args[1]))) return rc;
    const silt_field *t = &x->type, *rt, *kt;
    silt_field it = sql_type(SILT_TYPE_INT32);
    if (t->type == SILT_TYPE_LIST) {
        rt = &t->children[0];
        kt = &it;
    } else if (t->type == SILT_TYPE_MAP) {
        rt = &t->children[0].children[1];
        kt = &t->children[0].children[0];
    } else {
        return type_err(c, a->pos, "subscript [ ]", t, NULL);
    }
    if ((rc = sql_bind_cast(&k, c, k, kt))) return rc;
    sql_expr *e = mk(c, E_SUBSCRIPT, rt, 2, a->pos);
    if (!e) return SILT_ENOMEM;
    e->type.nullable = true;
    e->args[0] = x;
    e->args[1] = k;
    *out = e;
    return sql_fold(out, c);
}

int sql_bind_expr(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg, const sql_ast *a)
{
    if (++c->depth > 2000)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos, "expression nested too deeply");
    int rc;
    switch (a->kind) {
    case A_LIT:
    case A_TYPED_LIT: rc = sql_bind_literal(out, c, a); break;
    case A_COL: rc = sql_bind_column(out, c, s, a); break;
    case A_STAR:
        rc = sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                          "'*' is only allowed as a SELECT item or in count(*)");
        break;
    case A_UNARY: rc = bind_unary(out, c, s, agg, a); break;
    case A_BINARY: rc = bind_binary(out, c, s, agg, a); break;
    case A_FUNC: rc = sql_bind_call(out, c, s, agg, a); break;
    case A_CASE: rc = bind_case(out, c, s, agg, a); break;
    case A_IN: rc = bind_in(out, c, s, agg, a); break;
    case A_BETWEEN: rc = bind_between(out, c, s, agg, a); break;
    case A_LIKE: rc = bind_like(out, c, s, agg, a); break;
    default: rc = bind_misc(out, c, s, agg, a); break;
    }
    c->depth--;
    if (!rc && !(*out)->pos) (*out)->pos = a->pos;
    return rc;
}
