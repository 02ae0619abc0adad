/* Binding FROM: table sources (opened once per reference; the second binding pass reads only
 * the columns the first one saw used), WITH names, subqueries, inputs given to prepare, and
 * INNER / LEFT equi-joins split into key pairs and residual conditions. */
#include <string.h>
#include <strings.h>

#include "sql/plan.h"
#include "util/alloc.h"
#include "util/suggest.h"

int sql_bind_query(sql_node **out, sql_ctx *c, const sql_query *q);

static sql_tableref *find_ref(sql_ctx *c, const void *key)
{
    for (size_t i = 0; i < c->n_refs; i++)
        if (c->refs[i].key == key) return &c->refs[i];
    return NULL;
}

static int open_ref(sql_tableref **out, sql_ctx *c, const sql_from *f)
{
    if ((*out = find_ref(c, f))) return 0;
    if (c->n_refs == c->cap_refs) {
        size_t nc = c->cap_refs ? c->cap_refs * 2 : 8;
        sql_tableref *nr = sql_ctx_alloc(c, nc * sizeof *nr);
        if (!nr) return SILT_ENOMEM;
        if (c->n_refs) memcpy(nr, c->refs, c->n_refs * sizeof *nr);
        c->refs = nr;
        c->cap_refs = nc;
    }
    sql_node *proto = sql_node_new(c, N_SCAN, NULL, 0);
    if (!proto) return SILT_ENOMEM;
    int rc = sql_scan_open(proto, c, f);
    if (rc) return rc;
    sql_tableref *r = &c->refs[c->n_refs++];
    memset(r, 0, sizeof *r);
    r->key = f;
    r->proto = proto;
    r->used = sql_ctx_alloc(c, (proto->schema.n_fields + 1) * sizeof *r->used);
    if (!r->used) return SILT_ENOMEM;
    *out = r;
    return 0;
}

static int bind_table(sql_node **out, sql_scope *scope, sql_ctx *c, const sql_from *f)
{
    sql_tableref *r;
    int rc = open_ref(&r, c, f);
    if (rc) return rc;
    const silt_schema *ts = &r->proto->schema;
    size_t n = 0, *map = sql_ctx_alloc(c, (ts->n_fields + 1) * sizeof *map);
    if (!map) return SILT_ENOMEM;
    for (size_t i = 0; i < ts->n_fields; i++)
        if (!c->prune || r->used[i]) map[n++] = i;
    if (c->prune && n == 0 && ts->n_fields) map[n++] = 0; /* rows without columns: count(*) */
    sql_node *s = sql_node_new(c, N_SCAN, NULL, n);
    if (!s) return SILT_ENOMEM;
    sql_node keep = *r->proto;
    s->format = keep.format;
    s->path = keep.path;
    s->version = keep.version;
    s->timestamp = keep.timestamp;
    s->table_schema = keep.table_schema;
    s->source = keep.source;
    s->columns = sql_ctx_alloc(c, (n + 1) * sizeof *s->columns);
    scope->n = n;
    scope->cols = sql_ctx_alloc(c, (n + 1) * sizeof *scope->cols);
    if (!s->columns || !scope->cols) return SILT_ENOMEM;
    s->n_columns = n;
    const char *qual = f->alias ? f->alias : NULL;
    for (size_t k = 0; k < n; k++) {
        if (sql_node_field(c, s, k, &ts->fields[map[k]], ts->fields[map[k]].name))
            return SILT_ENOMEM;
        s->columns[k] = s->schema.fields[k].name;
        scope->cols[k] = (sql_scope_col){qual, s->schema.fields[k].name, &s->schema.fields[k],
                                         &r->used[map[k]], false};
    }
    *out = s;
    return 0;
}

static int bind_named(sql_node **out, sql_scope *scope, sql_ctx *c, const sql_from *f)
{
    const char *qual = f->alias ? f->alias : f->path;
    for (size_t i = c->n_ctes; i-- > 0;)
        if (!strcasecmp(c->ctes[i]->name, f->path)) {
            size_t saved = c->n_ctes;
            c->n_ctes = i; /* a WITH query sees the ones before it */
            int rc = sql_bind_query(out, c, c->ctes[i]->q);
            c->n_ctes = saved;
            return rc ? rc : sql_scope_of(scope, c, *out, qual);
        }
    for (size_t i = 0; i < c->n_inputs; i++)
        if (!strcasecmp(c->inputs[i].name, f->path)) {
            const silt_schema *sc = c->inputs[i].schema;
            sql_node *n = sql_node_new(c, N_INPUT, NULL, sc->n_fields);
            if (!n) return SILT_ENOMEM;
            for (size_t k = 0; k < sc->n_fields; k++)
                if (sql_node_field(c, n, k, &sc->fields[k], sc->fields[k].name)) return SILT_ENOMEM;
            n->limit = (int64_t)i;
            *out = n;
            return sql_scope_of(scope, c, n, qual);
        }
    const char *cand[80];
    size_t nc = 0;
    for (size_t i = 0; i < c->n_ctes && nc < 64; i++) cand[nc++] = c->ctes[i]->name;
    for (size_t i = 0; i < c->n_inputs && nc < 80; i++) cand[nc++] = c->inputs[i].name;
    const char *best = silt_suggest(f->path, cand, nc);
    if (best)
        return sql_error_at(c->err, SILT_EINVAL, c->text, f->pos,
                            "unknown table '%s' (did you mean '%s'?)", f->path, best);
    return sql_error_at(c->err, SILT_EINVAL, c->text, f->pos,
                        "unknown table '%s': name a WITH query, or read a table as "
                        "delta.`path`, parquet.`path`, json.`path` or csv.`path`",
                        f->path);
}

static void split_and(sql_expr **v, size_t *n, size_t cap, sql_expr *e)
{
    if (e->kind == E_OP && e->op == OP_AND) {
        split_and(v, n, cap, e->args[0]);
        split_and(v, n, cap, e->args[1]);
    } else if (*n < cap) {
        v[(*n)++] = e;
    }
}

/* -1: no columns, 0: only < nl, 1: only >= nl, 2: both */
static int side_of(const sql_expr *e, int nl)
{
    int s = -1;
    if (e->kind == E_COL) return e->index < nl ? 0 : 1;
    for (size_t i = 0; i < e->n_args; i++) {
        int k = side_of(e->args[i], nl);
        if (k < 0) continue;
        s = s < 0 ? k : s == k ? s : 2;
    }
    return s;
}

static void shift_cols(sql_expr *e, int by)
{
    if (e->kind == E_COL) e->index -= by;
    for (size_t i = 0; i < e->n_args; i++) shift_cols(e->args[i], by);
}

static int add_filter(sql_node **n, sql_ctx *c, sql_expr *pred)
{
    sql_node *f = sql_node_new(c, N_FILTER, *n, 0);
    if (!f) return SILT_ENOMEM;
    f->schema = (*n)->schema;
    f->pred = pred;
    *n = f;
    return 0;
}

static int join_conds(sql_node *j, sql_ctx *c, sql_expr *on, int nl, const sql_from *f)
{
    sql_expr *conj[256];
    size_t n = 0;
    split_and(conj, &n, 256, on);
    j->lkeys = sql_ctx_alloc(c, n * sizeof *j->lkeys + 1);
    j->rkeys = sql_ctx_alloc(c, n * sizeof *j->rkeys + 1);
    if (!j->lkeys || !j->rkeys) return SILT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        sql_expr *e = conj[i];
        if (e->kind == E_OP && e->op == OP_EQ) {
            int a = side_of(e->args[0], nl), b = side_of(e->args[1], nl);
            if ((a == 0 && b == 1) || (a == 1 && b == 0)) {
                sql_expr *l = e->args[a == 0 ? 0 : 1], *r = e->args[a == 0 ? 1 : 0];
                shift_cols(r, nl);
                j->lkeys[j->n_keys] = l;
                j->rkeys[j->n_keys++] = r;
                continue;
            }
        }
        int s = side_of(e, nl);
        if (j->left_join && s == 1) {
            shift_cols(e, nl);
            if (add_filter(&j->right, c, e)) return SILT_ENOMEM;
        } else if (j->left_join) {
            return sql_error_at(c->err, SILT_EUNSUPPORTED, c->text, e->pos,
                                "LEFT JOIN conditions must be equalities between the two sides "
                                "or conditions on the right side only");
        } else {
            sql_expr *and = j->pred;
            if (and) {
                sql_expr *x = sql_ctx_alloc(c, sizeof *x);
                sql_expr **args = sql_ctx_alloc(c, 2 * sizeof *args);
                if (!x || !args) return SILT_ENOMEM;
                x->kind = E_OP;
                x->op = OP_AND;
                x->type = sql_type(SILT_TYPE_BOOL);
                args[0] = and;
                args[1] = e;
                x->args = args;
                x->n_args = 2;
                e = x;
            }
            j->pred = e;
        }
    }
    if (!j->n_keys)
        return sql_error_at(c->err, SILT_EUNSUPPORTED, c->text, f->pos,
                            "a join needs at least one equality between its two sides in ON "
                            "(cross joins are not supported)");
    return 0;
}

/* JOIN ... USING (cols): l.col = r.col for each, the right copies hidden from unqualified
 * names and from SELECT *. */
static int using_cond(sql_expr **out, sql_ctx *c, sql_scope *scope, size_t nl, const sql_from *f)
{
    *out = NULL;
    for (size_t u = 0; u < f->n_using; u++) {
        int li = -1, ri = -1;
        for (size_t i = 0; i < scope->n; i++)
            if (!strcasecmp(scope->cols[i].name, f->using_cols[u])) {
                if (i < nl && li < 0) li = (int)i;
                if (i >= nl && ri < 0) ri = (int)i;
            }
        if (li < 0 || ri < 0)
            return sql_error_at(c->err, SILT_EINVAL, c->text, f->pos,
                                "USING column '%s' is not on both sides of the join",
                                f->using_cols[u]);
        sql_ast eq = {.kind = A_BINARY, .op = "=", .pos = f->pos};
        sql_ast l = {.kind = A_COL, .pos = f->pos}, r = l;
        const char *qn[2] = {"__l", f->using_cols[u]}, *rn[2] = {"__r", f->using_cols[u]};
        const char *lq = scope->cols[li].qual, *rq = scope->cols[ri].qual;
        scope->cols[li].qual = "__l";
        scope->cols[ri].qual = "__r";
        l.parts = qn;
        l.n_parts = 2;
        r.parts = rn;
        r.n_parts = 2;
        sql_ast *args[2] = {&l, &r};
        eq.args = args;
        eq.n_args = 2;
        sql_expr *e;
        int rc = sql_bind_expr(&e, c, scope, NULL, &eq);
        scope->cols[li].qual = lq;
        scope->cols[ri].qual = rq;
        scope->cols[ri].hidden = true;
        if (rc) return rc;
        if (*out) {
            sql_expr *x = sql_ctx_alloc(c, sizeof *x);
            sql_expr **xa = sql_ctx_alloc(c, 2 * sizeof *xa);
            if (!x || !xa) return SILT_ENOMEM;
            x->kind = E_OP;
            x->op = OP_AND;
            x->type = sql_type(SILT_TYPE_BOOL);
            xa[0] = *out;
            xa[1] = e;
            x->args = xa;
            x->n_args = 2;
            e = x;
        }
        *out = e;
    }
    return 0;
}

static int bind_join(sql_node **out, sql_scope *scope, sql_ctx *c, const sql_from *f)
{
    sql_node *l, *r;
    sql_scope ls, rs;
    int rc;
    if ((rc = sql_bind_from(&l, &ls, c, f->left)) || (rc = sql_bind_from(&r, &rs, c, f->right)))
        return rc;
    size_t nl = l->schema.n_fields, nr = r->schema.n_fields;
    sql_node *j = sql_node_new(c, N_JOIN, l, nl + nr);
    if (!j) return SILT_ENOMEM;
    j->right = r;
    j->left_join = f->left_join;
    scope->n = nl + nr;
    scope->cols = sql_ctx_alloc(c, (nl + nr + 1) * sizeof *scope->cols);
    if (!scope->cols) return SILT_ENOMEM;
    memcpy(scope->cols, ls.cols, nl * sizeof *ls.cols);
    memcpy(scope->cols + nl, rs.cols, nr * sizeof *rs.cols);
    for (size_t i = 0; i < nl + nr; i++) {
        const silt_field *t = i < nl ? &l->schema.fields[i] : &r->schema.fields[i - nl];
        if (sql_node_field(c, j, i, t, t->name)) return SILT_ENOMEM;
        scope->cols[i].type = &j->schema.fields[i];
    }
    sql_expr *on;
    if (f->n_using) {
        if ((rc = using_cond(&on, c, scope, nl, f))) return rc;
    } else if ((rc = sql_bind_expr(&on, c, scope, NULL, f->on))) {
        return rc;
    }
    if (on->type.type != SILT_TYPE_BOOL)
        return sql_error_at(c->err, SILT_EINVAL, c->text, f->on->pos,
                            "the ON condition must be a boolean");
    if ((rc = join_conds(j, c, on, (int)nl, f))) return rc;
    *out = j;
    if (j->pred && !j->left_join) {
        sql_expr *p = j->pred;
        j->pred = NULL;
        return add_filter(out, c, p);
    }
    return 0;
}

int sql_bind_from(sql_node **out, sql_scope *scope, sql_ctx *c, const sql_from *f)
{
    int rc;
    switch (f->kind) {
    case F_TABLE:
        if (!f->format) return bind_named(out, scope, c, f);
        return bind_table(out, scope, c, f);
    case F_SUBQUERY:
        if ((rc = sql_bind_query(out, c, f->sub))) return rc;
        return sql_scope_of(scope, c, *out, f->alias);
    default: return bind_join(out, scope, c, f);
    }
}
