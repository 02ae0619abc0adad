/* Views recomputed in full over one upstream table (count DISTINCT, ORDER BY ... LIMIT, a
 * join of the table with itself): the upstream, as of the version the recompute pins, is read
 * once into memory and shared by every view of the pass that reads it at that version, instead
 * of each view's query opening every data file again (a partitioned silver has thousands of
 * small ones). Only while the upstream holds at most SHARE_ROWS_PER_BATCH times --max-rows rows
 * (by its files' numRecords): a larger one is scanned by each query as before. */
#include <string.h>

#include "delta/pqio.h"
#include "delta/scan.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"

#define SHARE_ROWS_PER_BATCH 4

static int on_rows(void *arg, const silt_batch *b, silt_error *err)
{
    silt_batch *w = arg;
    for (size_t c = 0; c < b->n_cols && c < w->n_cols; c++)
        if (silt_column_append_range(&w->cols[c], &b->cols[c], 0, b->n_rows))
            return silt_error_set(err, SILT_ENOMEM, "out of memory reading the upstream");
    w->n_rows += b->n_rows;
    return 0;
}

/* u's rows as of its snapshot (version ver), read now or earlier in the pass; NULL (no error)
 * when u is too large to share or its files carry no row counts. */
static int whole_rows(const silt_batch **out, const silt_pipeline_run *r, run_delta *u, int64_t ver,
                      silt_error *err)
{
    *out = NULL;
    if (u->whole && u->whole_version == ver) {
        *out = u->whole;
        return 0;
    }
    if (!u->snap || u->snap->version != ver) return 0;
    for (size_t i = 0; i < u->snap->n_files; i++)
        if (!u->snap->files[i].stats || !strstr(u->snap->files[i].stats, "\"numRecords\":"))
            return 0;
    int64_t rows = run_stats_rows(u->snap->files, u->snap->n_files);
    if (rows > SHARE_ROWS_PER_BATCH * r->opts.max_rows) return 0;
    silt_batch *w = silt_batch_create_owned(silt_schema_copy(u->snap->schema));
    if (!w) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    int rc = silt_delta_scan(NULL, u->snap, u->store, &o, on_rows, w, err);
    if (rc) {
        silt_batch_destroy(w);
        return rc;
    }
    run_mv_whole_drop(u);
    u->whole = w;
    u->whole_version = ver;
    *out = w;
    return 0;
}

void run_mv_whole_drop(run_delta *d)
{
    silt_batch_destroy(d->whole);
    d->whole = NULL;
    d->whole_version = -1;
}

static bool same_schema(const silt_schema *a, const silt_schema *b)
{
    if (a->n_fields != b->n_fields) return false;
    for (size_t i = 0; i < a->n_fields; i++)
        if (a->fields[i].type != b->fields[i].type || a->fields[i].n_children ||
            b->fields[i].n_children)
            return false;
    return true;
}

int run_mv_whole_compute(silt_batch **out, bool *done, silt_pipeline_run *r, run_table *t,
                         int64_t ver, silt_error *err)
{
    *done = false;
    const silt_pipeline_table *d = t->def;
    if (t->upstream >= 0 || d->n_reads != 1 || !d->bind_query) return 0;
    run_delta *u = &r->t[d->reads[0]].d;
    const silt_batch *rows;
    int rc = whole_rows(&rows, r, u, ver, err);
    if (rc || !rows) return rc;
    silt_sql_input in = {r->def->tables[d->reads[0]].name, rows->schema};
    silt_sql_plan *p = NULL;
    silt_error e2;
    silt_error_clear(&e2);
    if (silt_sql_prepare(&p, d->bind_query, &in, 1, &e2) ||
        !same_schema(silt_sql_plan_schema(p), silt_sql_plan_schema(t->plan))) {
        silt_log_debug("table %s: not recomputed over %s in memory: %s", d->name, in.name,
                       e2.code ? e2.msg : "other columns");
        silt_sql_plan_destroy(p);
        return 0;
    }
    rc = silt_sql_run(p, rows, out, err);
    if (!rc) {
        (*out)->schema = silt_sql_plan_schema(t->plan);
        *done = true;
        silt_log_debug("table %s: recomputed over version %lld of %s in memory", d->name,
                       (long long)ver, in.name);
    }
    silt_sql_plan_destroy(p);
    return rc;
}
