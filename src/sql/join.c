/* Hash join (INNER and LEFT equi-joins): the smaller side (the right one for LEFT) is built
 * into a group table with row chains, the other side probes it batch-wide; NULL keys never
 * match. Output rows are gathered from both sides by index. */
#include <string.h>

#include "sql/groups.h"
#include "sql/scan.h"
#include "util/alloc.h"

typedef struct side {
    silt_batch *b;
    silt_column *keys;
    const silt_column **kp;
    size_t nk;
} side;

/* Takes batch b (owned) as the side's rows and evaluates its keys. */
static int side_keys(side *s, silt_batch *b, sql_expr **keys, size_t nk, silt_error *err)
{
    int rc;
    memset(s, 0, sizeof *s);
    s->b = b;
    s->nk = nk;
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

static int side_load(side *s, const sql_rel *r, const silt_schema *schema, sql_expr **keys,
                     size_t nk, silt_error *err)
{
    silt_batch *b;
    int rc = sql_rel_concat(&b, r, schema);
    if (rc) {
        memset(s, 0, sizeof *s);
        return silt_error_set(err, rc, "out of memory in JOIN");
    }
    return side_keys(s, b, keys, nk, err);
}

/* Gives the build side's string columns without nulls a dictionary view of themselves (codes
 * 0..n-1): the columns gathered from them for each probe batch keep it, so work above the join
 * (GROUP BY a dimension's attribute) is done once per build row rather than once per row. */
static int build_dicts(silt_batch *b)
{
    for (size_t c = 0; c < b->n_cols; c++) {
        silt_column *col = &b->cols[c];
        int64_t n = col->length;
        if ((col->type != SILT_TYPE_STRING && col->type != SILT_TYPE_BINARY) || n <= 0 ||
            (col->validity && col->null_count) || silt_column_dict(col))
            continue;
        silt_field f = {.type = col->type};
        silt_dict *d = silt_dict_create(&f);
        int32_t *codes = silt_malloc((size_t)n * sizeof *codes);
        if (!d || !codes || silt_column_append_range(&d->values, col, 0, n)) {
            silt_dict_release(d);
            silt_free(codes);
            return SILT_ENOMEM;
        }
        for (int64_t i = 0; i < n; i++) codes[i] = (int32_t)i;
        silt_column_drop_dict(col);
        col->dict = d;
        col->codes = codes;
        col->dict_rows = n;
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

static int pairs_reserve(pairs *p, int64_t cap)
{
    if (cap <= p->cap) return 0;
    int64_t *nl = silt_realloc(p->l, (size_t)cap * sizeof *nl);
    if (!nl) return SILT_ENOMEM;
    p->l = nl;
    int64_t *nr = silt_realloc(p->r, (size_t)cap * sizeof *nr);
    if (!nr) return SILT_ENOMEM;
    p->r = nr;
    p->cap = cap;
    return 0;
}

static int pairs_add(pairs *p, int64_t l, int64_t r)
{
    if (p->n == p->cap) {
        int rc = pairs_reserve(p, p->cap ? p->cap * 2 : 1024);
        if (rc) return rc;
    }
    p->l[p->n] = l;
    p->r[p->n++] = r;
    return 0;
}

/* An estimate of a plan's rows, to build the hash table on the smaller side. */
static int64_t estimate(const sql_node *n)
{
    switch (n->kind) {
    case N_SCAN: return !strcmp(n->format, "delta") ? sql_scan_delta_rows(n) : INT64_MAX / 4;
    case N_ONEROW: return 1;
    case N_LIMIT: {
        int64_t e = estimate(n->in);
        return e < n->limit ? e : n->limit;
    }
    case N_FILTER:
    case N_PROJECT:
    case N_AGG:
    case N_SORT:
    case N_DISTINCT: return estimate(n->in);
    default: return INT64_MAX / 4;
    }
}

typedef struct joinrun {
    sql_node *n;
    sql_groups g;
    side build;
    int64_t *head, *next;
    bool build_left;
    sql_sink sink;
    void *arg;
} joinrun;

static int build_table(joinrun *j)
{
    int64_t nb = j->build.b->n_rows;
    uint32_t *ids = silt_malloc((size_t)(nb + 1) * sizeof *ids);
    const silt_field **kt = silt_calloc(j->build.nk + 1, sizeof *kt);
    int rc = ids && kt ? 0 : SILT_ENOMEM;
    for (size_t k = 0; kt && k < j->build.nk; k++) kt[k] = &j->n->lkeys[k]->type;
    if (!rc) rc = sql_groups_init(&j->g, kt, j->build.nk);
    if (!rc) rc = sql_groups_map(&j->g, j->build.kp, nb, ids, true);
    if (!rc && (!(j->head = silt_malloc((size_t)(j->g.n + 1) * sizeof *j->head)) ||
                !(j->next = silt_malloc((size_t)(nb + 1) * sizeof *j->next))))
        rc = SILT_ENOMEM;
    for (int64_t i = 0; !rc && i < j->g.n; i++) j->head[i] = -1;
    for (int64_t r = nb - 1; !rc && r >= 0; r--) {
        if (key_null(&j->build, r)) continue;
        j->next[r] = j->head[ids[r]];
        j->head[ids[r]] = r;
    }
    if (!rc) j->n->mem_peak = sql_groups_bytes(&j->g) + (size_t)nb * 12;
    silt_free(ids);
    silt_free(kt);
    return rc;
}

/* Whether the probe rows of the pairs are 0, 1, ..., n_rows - 1 (each row matched once). */
static bool is_identity(const int64_t *l, int64_t n, int64_t n_rows)
{
    if (n != n_rows) return false;
    for (int64_t k = 0; k < n; k++)
        if (l[k] != k) return false;
    return true;
}

/* Joins one probe batch against the table and hands the joined rows on. */
static int probe_batch(void *arg, silt_batch *b, silt_error *err)
{
    joinrun *j = arg;
    sql_node *n = j->n;
    side probe;
    pairs p = {0};
    silt_batch *o = NULL;
    /* the probe batch is used in place (owned by probe from here) */
    int rc = side_keys(&probe, b, j->build_left ? n->rkeys : n->lkeys, n->n_keys, err);
    uint32_t *ids = rc ? NULL : silt_malloc((size_t)(probe.b->n_rows + 1) * sizeof *ids);
    if (!rc && !ids) rc = SILT_ENOMEM;
    if (!rc) rc = sql_groups_map(&j->g, probe.kp, probe.b->n_rows, ids, false);
    if (!rc) rc = pairs_reserve(&p, probe.b->n_rows); /* room for one match per row */
    for (int64_t r = 0; !rc && r < probe.b->n_rows; r++) {
        /* NULL keys never match (a NULL build key has an id, but no chain) */
        int64_t h = ids[r] == UINT32_MAX || key_null(&probe, r) ? -1 : j->head[ids[r]];
        if (h < 0 && n->left_join) rc = pairs_add(&p, r, -1);
        if (h >= 0 && j->next[h] < 0 && p.n < p.cap) { /* one match */
            p.l[p.n] = r;
            p.r[p.n++] = h;
            continue;
        }
        for (; h >= 0 && !rc; h = j->next[h]) rc = pairs_add(&p, r, h);
    }
    const silt_batch *lb = j->build_left ? j->build.b : probe.b;
    const silt_batch *rb = j->build_left ? probe.b : j->build.b;
    const int64_t *li = j->build_left ? p.r : p.l, *ri = j->build_left ? p.l : p.r;
    if (!rc && !(o = silt_batch_create(&n->schema))) rc = SILT_ENOMEM;
    bool same = !rc && is_identity(p.l, p.n, probe.b->n_rows);
    for (size_t c = 0; !rc && c < n->schema.n_fields; c++) {
        bool left = c < lb->n_cols;
        silt_column *src = left ? &lb->cols[c] : &rb->cols[c - lb->n_cols];
        if (same && (left ? lb : rb) == probe.b) { /* every probe row once, in order: moved */
            silt_column t = o->cols[c];
            o->cols[c] = *src;
            *src = t;
            continue;
        }
        if (n->need && !n->need[c])
            rc = sql_col_nulls(&o->cols[c], p.n); /* a column nothing above reads */
        else
            rc = sql_gather(&o->cols[c], src, left ? li : ri, p.n);
    }
    if (o) o->n_rows = p.n;
    silt_free(ids);
    silt_free(p.l);
    silt_free(p.r);
    side_free(&probe);
    if (rc) {
        silt_batch_destroy(o);
        return err->code ? rc : silt_error_set(err, rc, "out of memory in JOIN");
    }
    n->rows_out += o->n_rows;
    return j->sink(j->arg, o, err);
}

/* Builds the smaller side (the right one for LEFT JOIN), streams the other through it. */
int sql_join_stream(sql_node *n, const silt_batch *input, sql_sink sink, void *arg, silt_error *err)
{
    joinrun j;
    memset(&j, 0, sizeof j);
    j.n = n;
    j.sink = sink;
    j.arg = arg;
    j.build_left = !n->left_join && estimate(n->in) < estimate(n->right);
    sql_rel br = {0};
    sql_node *bn = j.build_left ? n->in : n->right, *pn = j.build_left ? n->right : n->in;
    int rc = sql_exec_node(&br, bn, input, err);
    if (!rc)
        rc = side_load(&j.build, &br, &bn->schema, j.build_left ? n->lkeys : n->rkeys, n->n_keys,
                       err);
    sql_rel_free(&br);
    if (!rc && ((rc = build_table(&j)) || (rc = build_dicts(j.build.b))))
        silt_error_set(err, rc, "out of memory in JOIN");
    if (!rc) rc = sql_exec_stream(pn, input, probe_batch, &j, err);
    sql_groups_free(&j.g);
    silt_free(j.head);
    silt_free(j.next);
    side_free(&j.build);
    return rc;
}
