/* Binding function calls through the registry (fn.h): scalar functions' bind with constant
 * arguments and the casts they ask for, aggregates registered in the aggregation being bound
 * and later rewritten into references to its output; expression equality for GROUP BY. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sql/binder.h"
#include "util/alloc.h"

typedef struct fn_state_rel {
    void (*free_state)(void *);
    void *state;
} fn_state_rel;

static void release_state(void *p)
{
    fn_state_rel *r = p;
    if (r->free_state && r->state) r->free_state(r->state);
    silt_free(r);
}

static int keep_state(sql_ctx *c, void (*f)(void *), void *state)
{
    if (!f || !state) return 0;
    fn_state_rel *r = silt_malloc(sizeof *r);
    if (!r) {
        f(state);
        return sql_oom(c);
    }
    r->free_state = f;
    r->state = state;
    return sql_ctx_defer(c, release_state, r);
}

/* Runs a function's bind over bound args; applies the casts it wants. */
/* Casts NULL literals among args to t (the condition of if() to boolean); true if any. */
static int type_nulls(sql_ctx *c, sql_expr **args, size_t n, const char *name, const silt_field *t,
                      bool *any)
{
    silt_field boolt = sql_type(SILT_TYPE_BOOL);
    *any = false;
    for (size_t i = 0; i < n; i++) {
        if (args[i]->type.type != SQL_TYPE_NULL) continue;
        *any = true;
        int rc = sql_bind_cast(&args[i], c, args[i], i == 0 && !strcmp(name, "if") ? &boolt : t);
        if (rc) return rc;
    }
    return 0;
}

static int call_bind(sql_ctx *c, int (*bind)(silt_sql_fn_bind *, silt_error *), sql_expr **args,
                     size_t n, bool distinct, silt_sql_fn_bind *b, silt_error *e2)
{
    const silt_field **types = sql_ctx_alloc(c, (n + 1) * sizeof *types);
    const silt_column **consts = sql_ctx_alloc(c, (n + 1) * sizeof *consts);
    silt_field *want = sql_ctx_alloc(c, (n + 1) * sizeof *want);
    if (!types || !consts || !want) return SILT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        types[i] = &args[i]->type;
        consts[i] = args[i]->kind == E_CONST ? args[i]->value : NULL;
    }
    memset(b, 0, sizeof *b);
    b->n_args = n;
    b->arg_types = types;
    b->const_args = consts;
    b->now_us = c->now_us;
    b->distinct = distinct;
    b->want = want;
    silt_error_clear(e2);
    int rc = bind(b, e2);
    if (rc) silt_field_clear(&b->ret);
    return rc;
}

/* Runs a function's bind over bound args; applies the casts it wants. A NULL literal argument
 * takes the common type of the other arguments, or else string. */
static int run_bind(sql_ctx *c, int (*bind)(silt_sql_fn_bind *, silt_error *), sql_expr **args,
                    size_t n, bool distinct, silt_sql_fn_bind *b, const char *name, int pos)
{
    silt_field str = sql_type(SILT_TYPE_STRING), other = sql_type(SQL_TYPE_NULL);
    sql_expr **orig = sql_ctx_alloc(c, (n + 1) * sizeof *orig);
    if (!orig) return SILT_ENOMEM;
    if (n) memcpy(orig, args, n * sizeof *orig);
    for (size_t i = !strcmp(name, "if"); i < n; i++) {
        silt_field t;
        if (args[i]->type.type != SQL_TYPE_NULL &&
            sql_common_type(c->a, &t, &other, &args[i]->type))
            other = t;
    }
    if (other.type == SQL_TYPE_NULL) other = str;
    bool any;
    silt_error e2;
    int rc = type_nulls(c, args, n, name, &other, &any);
    if (!rc) rc = call_bind(c, bind, args, n, distinct, b, &e2);
    if (rc && rc != SILT_ENOMEM && any && other.type != SILT_TYPE_STRING) {
        silt_error first = e2; /* retry with the NULLs as strings (date_add(NULL, 1)) */
        if (n) memcpy(args, orig, n * sizeof *orig);
        rc = type_nulls(c, args, n, name, &str, &any);
        if (!rc) rc = call_bind(c, bind, args, n, distinct, b, &e2);
        if (rc) e2 = first;
    }
    if (rc) return sql_error_at(c->err, rc, c->text, pos, "%s", e2.msg[0] ? e2.msg : name);
    for (size_t i = 0; i < n && !rc; i++) {
        if (b->want[i].type) rc = sql_bind_cast(&args[i], c, args[i], &b->want[i]);
        silt_field_clear(&b->want[i]);
    }
    return rc;
}

int sql_bind_fn_named(sql_expr **out, sql_ctx *c, const char *name, sql_expr **args, size_t n,
                      int pos);
int sql_bind_fn_named(sql_expr **out, sql_ctx *c, const char *name, sql_expr **args, size_t n,
                      int pos)
{
    const silt_sql_scalar_fn *fn = silt_sql_scalar_find(name);
    if (!fn) {
        const char *best = silt_sql_fn_suggest(name);
        return sql_error_at(c->err, SILT_EINVAL, c->text, pos, "unknown function %s%s%s%s", name,
                            best ? " (did you mean " : "", best ? best : "", best ? "?)" : "");
    }
    if ((int)n < fn->min_args || (fn->max_args >= 0 && (int)n > fn->max_args))
        return sql_error_at(c->err, SILT_EINVAL, c->text, pos,
                            "%s takes %d%s%s argument(s), not %zu (%s)", fn->name, fn->min_args,
                            fn->max_args != fn->min_args ? " to " : "",
                            fn->max_args < 0               ? "any"
                            : fn->max_args != fn->min_args ? "more"
                                                           : "",
                            n, fn->doc ? fn->doc : fn->name);
    sql_expr *e = sql_ctx_alloc(c, sizeof *e);
    sql_expr **av = sql_ctx_alloc(c, (n + 1) * sizeof *av);
    if (!e || !av) return SILT_ENOMEM;
    if (n) memcpy(av, args, n * sizeof *av);
    silt_sql_fn_bind b;
    int rc = run_bind(c, fn->bind, av, n, false, &b, fn->name, pos);
    if (rc) return rc;
    rc = sql_field_dup(c->a, &e->type, &b.ret, "");
    silt_field_clear(&b.ret);
    if (rc) return sql_oom(c);
    if ((rc = keep_state(c, fn->free_state, b.state))) return rc;
    e->kind = E_FN;
    e->fn = fn;
    e->fn_state = b.state;
    e->args = av;
    e->n_args = n;
    e->pos = pos;
    *out = e;
    return sql_fold(out, c);
}

/* CASE WHEN filter THEN arg END, for agg(arg) FILTER (WHERE filter). */
static int filtered(sql_ast **out, sql_ctx *c, const sql_ast *arg, sql_ast *filter)
{
    sql_ast *k = sql_ctx_alloc(c, sizeof *k);
    sql_ast **args = sql_ctx_alloc(c, 2 * sizeof *args);
    sql_ast *copy = sql_ctx_alloc(c, sizeof *copy);
    if (!k || !args || !copy) return SILT_ENOMEM;
    *copy = *arg;
    k->kind = A_CASE;
    k->pos = arg->pos;
    args[0] = filter;
    args[1] = copy;
    k->args = args;
    k->n_args = 2;
    *out = k;
    return 0;
}

static int bind_agg(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                    const sql_ast *a, const silt_sql_agg_fn *fn)
{
    if (!agg)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "aggregate function %s is not allowed here (use it in SELECT or "
                            "HAVING; filter groups with HAVING, not WHERE)",
                            a->name);
    size_t n = a->star ? 0 : a->n_args;
    sql_expr **args = sql_ctx_alloc(c, (n + 2) * sizeof *args);
    if (!args) return SILT_ENOMEM;
    int rc;
    for (size_t i = 0; i < n; i++) {
        if (sql_ast_has_agg(a->args[i]))
            return sql_error_at(c->err, SILT_EINVAL, c->text, a->args[i]->pos,
                                "aggregate calls cannot be nested");
        const sql_ast *arg = a->args[i];
        sql_ast *w = NULL;
        if (a->filter && (rc = filtered(&w, c, arg, a->filter))) return rc;
        if ((rc = sql_bind_expr(&args[i], c, s, NULL, w ? w : arg))) return rc;
    }
    if (a->filter && a->star) { /* count(*) FILTER (WHERE f) = count(CASE WHEN f THEN 1 END) */
        sql_ast one = {.kind = A_LIT, .pos = a->pos, .lit_bool = true, .bool_val = true}, *w;
        if ((rc = filtered(&w, c, &one, a->filter)) ||
            (rc = sql_bind_expr(&args[0], c, s, NULL, w)))
            return rc;
        n = 1;
    }
    if ((int)n < fn->min_args || (fn->max_args >= 0 && (int)n > fn->max_args))
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos,
                            "%s takes %d to %d argument(s), not %zu", fn->name, fn->min_args,
                            fn->max_args, n);
    silt_sql_fn_bind b;
    if ((rc = run_bind(c, fn->bind, args, n, a->distinct, &b, fn->name, a->pos))) return rc;
    if (agg->n_aggs == agg->cap) {
        size_t nc = agg->cap ? agg->cap * 2 : 8;
        sql_aggcall *na = sql_ctx_alloc(c, nc * sizeof *na);
        if (!na) return SILT_ENOMEM;
        if (agg->n_aggs) memcpy(na, agg->aggs, agg->n_aggs * sizeof *na);
        agg->aggs = na;
        agg->cap = nc;
    }
    sql_aggcall *ac = &agg->aggs[agg->n_aggs];
    memset(ac, 0, sizeof *ac);
    ac->distinct = a->distinct;
    rc = sql_field_dup(c->a, &ac->type, &b.ret, "");
    silt_field_clear(&b.ret);
    if (rc) return sql_oom(c);
    if ((rc = keep_state(c, fn->free_state, b.state))) return rc;
    ac->fn = fn;
    ac->bstate = b.state;
    ac->args = args;
    ac->n_args = n;
    ac->state_size = b.agg_state_size;
    sql_expr *e = sql_col_ref(c, (int)agg->n_aggs++, &ac->type, a->name);
    if (!e) return SILT_ENOMEM;
    e->kind = E_AGGREF;
    *out = e;
    return 0;
}

int sql_bind_call(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg,
                  const sql_ast *a);
int sql_bind_call(sql_expr **out, sql_ctx *c, const sql_scope *s, sql_aggctx *agg, const sql_ast *a)
{
    char name[64];
    size_t i = 0;
    for (; a->name[i] && i < sizeof name - 1; i++)
        name[i] = (char)tolower((unsigned char)a->name[i]);
    name[i] = 0;
    const silt_sql_agg_fn *af = silt_sql_agg_find(name);
    if (af) return bind_agg(out, c, s, agg, a, af);
    if (a->star)
        return sql_error_at(c->err, SILT_EINVAL, c->text, a->pos, "%s(*) is not allowed", name);
    bool named = !strcmp(name, "struct");
    size_t na = named ? 2 * a->n_args : a->n_args, j = 0;
    sql_expr **args = sql_ctx_alloc(c, (na + 1) * sizeof *args);
    if (!args) return SILT_ENOMEM;
    for (size_t k = 0; k < a->n_args; k++) {
        if (named) { /* struct(a, x AS b) = named_struct('a', a, 'b', x) */
            char col[32];
            snprintf(col, sizeof col, "col%zu", k + 1);
            const sql_ast *x = a->args[k];
            const char *fn = x->alias           ? x->alias
                             : x->kind == A_COL ? x->parts[x->n_parts - 1]
                                                : col;
            sql_ast lit = {.kind = A_LIT, .pos = x->pos};
            lit.tok.kind = TK_STRING;
            lit.tok.text = silt_arena_strndup(c->a, fn, strlen(fn));
            lit.tok.len = strlen(fn);
            int rc = sql_bind_expr(&args[j++], c, s, agg, &lit);
            if (rc) return rc;
        }
        int rc = sql_bind_expr(&args[j++], c, s, agg, a->args[k]);
        if (rc) return rc;
    }
    return sql_bind_fn_named(out, c, named ? "named_struct" : name, args, na, a->pos);
}

bool sql_ast_has_agg(const sql_ast *a)
{
    if (!a) return false;
    if (a->kind == A_FUNC && silt_sql_agg_find(a->name)) return true;
    for (size_t i = 0; i < a->n_args; i++)
        if (sql_ast_has_agg(a->args[i])) return true;
    return false;
}

bool sql_expr_equal(const sql_expr *a, const sql_expr *b)
{
    if (a->kind != b->kind || a->n_args != b->n_args || !sql_type_equal(&a->type, &b->type))
        return false;
    switch (a->kind) {
    case E_COL:
    case E_AGGREF:
    case E_FIELD:
        if (a->index != b->index) return false;
        break;
    case E_CONST: return sql_rows_equal(a->value, 0, b->value, 0);
    case E_OP:
        if (a->op != b->op) return false;
        break;
    case E_FN:
        if (a->fn != b->fn) return false;
        break;
    case E_LIKE:
        if (a->like.pat_len != b->like.pat_len || a->like.icase != b->like.icase ||
            memcmp(a->like.pat, b->like.pat, a->like.pat_len))
            return false;
        break;
    case E_IN:
        if (a->set || b->set) return false;
        break;
    default: break;
    }
    if (a->negated != b->negated) return false;
    for (size_t i = 0; i < a->n_args; i++)
        if (!sql_expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

int sql_agg_rewrite(sql_expr *e, sql_ctx *c, const sql_aggctx *agg)
{
    if (e->rewritten) return 0;
    e->rewritten = true;
    for (size_t k = 0; k < agg->n_keys; k++)
        if (sql_expr_equal(e, agg->keys[k])) {
            e->kind = E_COL;
            e->index = (int)k;
            e->n_args = 0;
            return 0;
        }
    if (e->kind == E_AGGREF) {
        e->kind = E_COL;
        e->index += (int)agg->n_keys;
        return 0;
    }
    if (e->kind == E_COL)
        return sql_error_at(c->err, SILT_EINVAL, c->text, e->pos,
                            "column '%s' must be in GROUP BY or inside an aggregate such as "
                            "any_value(%s)",
                            e->name ? e->name : "?", e->name ? e->name : "?");
    for (size_t i = 0; i < e->n_args; i++) {
        int rc = sql_agg_rewrite(e->args[i], c, agg);
        if (rc) return rc;
    }
    return 0;
}
