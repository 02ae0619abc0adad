/* Hash join (INNER and LEFT equi-joins): the smaller side (the right one for LEFT) is built
 * into a group table with row chains, the other side probes it batch-wide; NULL keys never
 * match. Output rows are gathered from both sides by index. */
#include <string.h>

#include "sql/groups.h"
#include "util/alloc.h"

typedef struct side {
    silt_batch *b;
    silt_column *keys;
    const silt_column **kp;
    size_t nk;
} side;

static int side_load(side *s, const sql_rel *r, const silt_schema *schema, sql_expr **keys,
                     size_t nk, silt_error *err)
{
    memset(s, 0, sizeof *s);
    s->nk = nk;
    int rc = sql_rel_concat(&s->b, r, schema);
    if (rc) return silt_error_set(err, rc, "out of memory in JOIN");
    s->keys = silt_calloc(nk + 1, sizeof *s->keys);
    s->kp = silt_calloc(nk + 1, sizeof *s->kp);
    if (!s->keys || !s->kp) return silt_error_set(err, SILT_ENOMEM, "out of memory in JOIN");
    for (size_t k = 0; k < nk; k++) {
        if ((rc = sql_eval_full(&s->keys[k], keys[k], s->b, err))) {
            s->nk = k;
            return rc;
        }
        s->kp[k] = &s->keys[k];
    }
    return 0;
}

static void side_free(side *s)
{
    for (size_t k = 0; s->keys && k < s->nk; k++) silt_column_clear(&s->keys[k]);
    silt_free(s->keys);
    silt_free(s->kp);
    silt_batch_destroy(s->b);
}

static bool key_null(const side *s, int64_t r)
{
    for (size_t k = 0; k < s->nk; k++)
        if (!silt_column_is_valid(s->kp[k], r)) return true;
    return false;
}

typedef struct pairs {
    int64_t *l, *r;
    int64_t n, cap;
} pairs;

static int pairs_add(pairs *p, int64_t l, int64_t r)
{
    if (p->n == p->cap) {
        int64_t nc = p->cap ? p->cap * 2 : 1024;
        int64_t *nl = silt_realloc(p->l, (size_t)nc * sizeof *nl);
        if (!nl) return SILT_ENOMEM;
        p->l = nl;
        int64_t *nr = silt_realloc(p->r, (size_t)nc * sizeof *nr);
        if (!nr) return SILT_ENOMEM;
        p->r = nr;
        p->cap = nc;
    }
    p->l[p->n] = l;
    p->r[p->n++] = r;
    return 0;
}

/* Builds build's table, probes with probe; pairs are (probe row, build row). */
static int hash_join(pairs *p, sql_node *n, const side *build, const side *probe, bool outer)
{
    sql_groups g;
    memset(&g, 0, sizeof g);
    const silt_field **kt = silt_calloc(build->nk + 1, sizeof *kt);
    int64_t nb = build->b->n_rows, np = probe->b->n_rows;
    uint32_t *ids = silt_malloc((size_t)((nb > np ? nb : np) + 1) * sizeof *ids);
    int64_t *head = NULL, *next = silt_malloc((size_t)(nb + 1) * sizeof *next);
    int rc = kt && ids && next ? 0 : SILT_ENOMEM;
    for (size_t k = 0; kt && k < build->nk; k++) kt[k] = &n->lkeys[k]->type;
    if (!rc) rc = sql_groups_init(&g, kt, build->nk);
    if (!rc) rc = sql_groups_map(&g, build->kp, nb, ids, true);
    if (!rc && !(head = silt_malloc((size_t)(g.n + 1) * sizeof *head))) rc = SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < g.n; i++) head[i] = -1;
    for (int64_t r = nb - 1; !rc && r >= 0; r--) {
        if (key_null(build, r)) continue;
        next[r] = head[ids[r]];
        head[ids[r]] = r;
    }
    if (!rc) {
        n->mem_peak = sql_groups_bytes(&g) + (size_t)nb * 12;
        rc = sql_groups_map(&g, probe->kp, np, ids, false);
    }
    for (int64_t r = 0; !rc && r < np; r++) {
        int64_t h = ids[r] == UINT32_MAX || key_null(probe, r) ? -1 : head[ids[r]];
        if (h < 0 && outer) rc = pairs_add(p, r, -1);
        for (; h >= 0 && !rc; h = next[h]) rc = pairs_add(p, r, h);
    }
    sql_groups_free(&g);
    silt_free(kt);
    silt_free(ids);
    silt_free(head);
    silt_free(next);
    return rc;
}

int sql_exec_join(sql_rel *out, sql_node *n, const sql_rel *l, const sql_rel *r, silt_error *err)
{
    side ls, rs;
    pairs p = {0};
    int rc = side_load(&ls, l, &n->in->schema, n->lkeys, n->n_keys, err);
    if (!rc)
        rc = side_load(&rs, r, &n->right->schema, n->rkeys, n->n_keys, err);
    else
        memset(&rs, 0, sizeof rs);
    if (rc) goto done;
    bool build_left = !n->left_join && ls.b->n_rows < rs.b->n_rows;
    rc = build_left ? hash_join(&p, n, &ls, &rs, false) : hash_join(&p, n, &rs, &ls, n->left_join);
    if (build_left) {
        int64_t *t = p.l;
        p.l = p.r;
        p.r = t;
    }
    silt_batch *o = rc ? NULL : silt_batch_create(&n->schema);
    if (!rc && !o) rc = SILT_ENOMEM;
    size_t nl = ls.b ? ls.b->n_cols : 0;
    for (size_t c = 0; !rc && c < n->schema.n_fields; c++)
        rc = c < nl ? sql_gather(&o->cols[c], &ls.b->cols[c], p.l, p.n)
                    : sql_gather(&o->cols[c], &rs.b->cols[c - nl], p.r, p.n);
    if (o) o->n_rows = p.n;
    if (!rc) {
        n->rows_out = p.n;
        rc = sql_rel_push(out, o);
    } else {
        silt_batch_destroy(o);
    }
    if (rc) silt_error_set(err, rc, "out of memory in JOIN");
done:
    side_free(&ls);
    side_free(&rs);
    silt_free(p.l);
    silt_free(p.r);
    return rc;
}
