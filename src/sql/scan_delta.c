/* The Delta table source: the one adapter between the SQL engine and silt_delta_scan. It
 * loads the snapshot (time travel by version or timestamp), reads only the projected columns,
 * and hands the scan one WHERE conjunct of the form `column op literal` for partition pruning
 * and file skipping (the filter above still applies every conjunct). */
#include <stdio.h>
#include <string.h>

#include "delta/pqio.h"
#include "delta/scan.h"
#include "delta/skip.h"
#include "delta/schema.h"
#include "sql/cast.h"
#include "sql/scan.h"
#include "util/alloc.h"

typedef struct delta_src {
    silt_store *store;
    silt_delta_snapshot *snap;
} delta_src;

static void delta_src_free(void *p)
{
    delta_src *d = p;
    silt_delta_snapshot_destroy(d->snap);
    silt_store_destroy(d->store);
    silt_free(d);
}

int sql_scan_delta_open(sql_node *n, sql_ctx *c, const sql_from *f)
{
    delta_src *d = silt_calloc(1, sizeof *d);
    if (!d) return sql_oom(c);
    int rc = sql_ctx_defer(c, delta_src_free, d);
    if (rc) return rc;
    silt_error e2;
    silt_error_clear(&e2);
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.file_ops = silt_delta_parquet_ops();
    ro.version = f->version;
    if (f->timestamp) {
        int64_t us;
        if (!sql_parse_timestamp(&us, f->timestamp, strlen(f->timestamp)))
            return sql_error_at(c->err, SILT_EINVAL, c->text, f->pos,
                                "TIMESTAMP AS OF '%s' is not a timestamp (write "
                                "'yyyy-MM-dd HH:mm:ss', UTC)",
                                f->timestamp);
        ro.timestamp_ms = us / 1000;
    }
    if ((rc = silt_store_open(&d->store, f->path, &e2)) ||
        (rc = silt_delta_snapshot_load(&d->snap, d->store, &ro, &e2))) {
        *c->err = e2;
        silt_error_prefix(c->err, "delta.`%s`", f->path);
        return rc;
    }
    n->source = d;
    n->table_schema = d->snap->schema;
    n->schema.n_fields = d->snap->schema->n_fields;
    n->schema.fields = sql_ctx_alloc(c, (n->schema.n_fields + 1) * sizeof(silt_field));
    if (!n->schema.fields) return SILT_ENOMEM;
    for (size_t i = 0; i < n->schema.n_fields; i++) {
        const silt_field *t = &d->snap->schema->fields[i];
        if (sql_field_dup(c->a, &n->schema.fields[i], t, t->name)) return sql_oom(c);
    }
    return 0;
}

static bool const_text(char *buf, size_t cap, const sql_expr *k)
{
    const silt_column *v = k->value;
    if (!silt_column_is_valid(v, 0)) return false;
    size_t len;
    switch (k->type.type) {
    case SILT_TYPE_STRING: {
        const uint8_t *p = silt_column_bytes(v, 0, &len);
        if (len >= cap) return false;
        if (len) memcpy(buf, p, len); /* an empty string's bytes may be NULL */
        buf[len] = 0;
        return true;
    }
    case SILT_TYPE_INT8:
    case SILT_TYPE_INT16:
    case SILT_TYPE_INT32:
    case SILT_TYPE_INT64:
        snprintf(buf, cap, "%lld", (long long)silt_column_get_int(v, 0));
        return true;
    case SILT_TYPE_DATE32: sql_fmt_date(buf, cap, silt_column_get_int(v, 0)); return true;
    default: return false;
    }
}

static bool set_column(silt_delta_pred *out, const sql_node *n, int index)
{
    const char *name = n->schema.fields[index].name;
    if (strlen(name) >= sizeof out->column) return false;
    snprintf(out->column, sizeof out->column, "%s", name);
    return true;
}

/* The first conjunct of pred usable by the Delta scan. */
static bool pick_pred(silt_delta_pred *out, const sql_node *n, const sql_expr *e)
{
    if (!e) return false;
    memset(out, 0, sizeof *out);
    if (e->kind == E_OP && e->op == OP_AND)
        return pick_pred(out, n, e->args[0]) || pick_pred(out, n, e->args[1]);
    if (e->kind == E_ISNULL && !e->negated && e->args[0]->kind == E_COL) {
        out->op = SILT_PRED_IS_NULL;
        return set_column(out, n, e->args[0]->index);
    }
    if (e->kind != E_OP || e->op < OP_EQ || e->op > OP_GE || e->op == OP_NE) return false;
    static const silt_pred_op ops[] = {SILT_PRED_EQ, 0,           SILT_PRED_LT, SILT_PRED_LE,
                                       SILT_PRED_GT, SILT_PRED_GE};
    static const silt_pred_op flip[] = {SILT_PRED_EQ, 0,           SILT_PRED_GT, SILT_PRED_GE,
                                        SILT_PRED_LT, SILT_PRED_LE};
    const sql_expr *a = e->args[0], *b = e->args[1];
    bool swapped = a->kind == E_CONST;
    if (swapped) {
        const sql_expr *t = a;
        a = b;
        b = t;
    }
    if (a->kind != E_COL || b->kind != E_CONST || !sql_type_equal(&a->type, &b->type)) return false;
    if (!const_text(out->value, sizeof out->value, b)) return false;
    int k = e->op - OP_EQ;
    out->op = swapped ? flip[k] : ops[k];
    return set_column(out, n, a->index);
}

void sql_scan_delta_explain(silt_buf *out, const sql_node *n)
{
    const delta_src *d = n->source;
    silt_delta_pred p;
    size_t total = d ? d->snap->n_files : 0, keep = total, *sel = NULL;
    if (pick_pred(&p, n, n->pred)) {
        if (p.op == SILT_PRED_IS_NULL)
            silt_buf_printf(out, ", pushed: %s IS NULL", p.column);
        else
            silt_buf_printf(out, ", pushed: %s %s '%s'", p.column, silt_pred_op_name(p.op),
                            p.value);
        if (d && silt_delta_select_files(&sel, &keep, d->snap, &p, NULL)) keep = total;
        silt_free(sel);
    }
    silt_buf_printf(out, ", files %zu of %zu (%zu pruned or skipped)", keep, total, total - keep);
}

static int emit(void *arg, const silt_batch *b, silt_error *err)
{
    void **a = arg;
    return sql_scan_keep(a[0], a[1], b, err);
}

#define MAX_TERMS 16

/* The WHERE conjuncts `column op literal` that the Delta scan can prune and skip by: only those
 * that resolve against the table (a term the scan cannot judge is left to the filter above). */
typedef struct skip_terms {
    silt_delta_pred preds[MAX_TERMS];
    size_t n;
} skip_terms;

static void pick_terms(skip_terms *k, const sql_node *n, const sql_expr *e,
                       const silt_delta_snapshot *snap)
{
    if (!e || k->n == MAX_TERMS) return;
    if (e->kind == E_OP && e->op == OP_AND) {
        pick_terms(k, n, e->args[0], snap);
        pick_terms(k, n, e->args[1], snap);
        return;
    }
    silt_delta_term t;
    silt_error e2;
    silt_error_clear(&e2);
    if (pick_pred(&k->preds[k->n], n, e) &&
        !silt_delta_term_resolve(&t, snap, &k->preds[k->n], &e2))
        k->n++;
}

/* May the scan hand the filter lazy string columns (silt_column.lazy)? Yes when every string
 * column the predicate reads is the one varying argument of an expression whose other
 * arguments are constants: sql_eval evaluates such an expression once per dictionary value and
 * never reads the rows' bytes. The filter's gather then copies only the rows it keeps (and
 * columns the predicate does not read need no more). */
static bool lazy_safe(const sql_expr *e)
{
    if (e->kind == E_COL)
        return e->type.type != SILT_TYPE_STRING && e->type.type != SILT_TYPE_BINARY;
    size_t varying = 0;
    for (size_t i = 0; i < e->n_args; i++) varying += e->args[i]->kind != E_CONST;
    for (size_t i = 0; i < e->n_args; i++) {
        const sql_expr *a = e->args[i];
        if (a->kind == E_COL ? !lazy_safe(a) && varying > 1 : !lazy_safe(a)) return false;
    }
    return true;
}

/* Runs the scan with the WHERE conjuncts `column op literal` as prune-only terms: partitions
 * pruned, files and Parquet row groups skipped by their statistics, while the vectorized
 * filter above tests every row, once. */
int sql_scan_delta_run(sql_node *n, sql_rel *out, silt_error *err)
{
    delta_src *d = n->source;
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    skip_terms *k = silt_calloc(1, sizeof *k);
    if (!k) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    o.columns = n->columns;
    o.n_columns = n->n_columns;
    o.file_ops = silt_delta_parquet_ops();
    pick_terms(k, n, n->pred, d->snap);
    o.preds = k->preds;
    o.n_preds = k->n;
    o.prune_only = true;
    o.lazy_dict = n->pred && lazy_safe(n->pred);
    silt_delta_scan_stats st;
    memset(&st, 0, sizeof st);
    void *arg[2] = {n, out};
    int rc = silt_delta_scan(&st, d->snap, d->store, &o, emit, arg, err);
    n->files_total = d->snap->n_files;
    n->files_read = st.files_read;
    silt_free(k);
    return rc;
}

int64_t sql_scan_delta_rows(const sql_node *n)
{
    const delta_src *d = n->source;
    int64_t total = 0;
    for (size_t i = 0; d && i < d->snap->n_files; i++) {
        int64_t r;
        if (silt_delta_stats_num_records(&r, d->snap->files[i].stats, NULL)) return INT64_MAX / 4;
        total += r;
    }
    return total;
}
