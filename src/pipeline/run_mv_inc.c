/* Views kept incrementally: an aggregate over one upstream whose columns are group keys, sums,
 * counts, mins and maxes is not recomputed when the upstream appends rows: the query runs over
 * the new rows only, and the partial aggregates are merged into the view by group key with
 * deletion vectors (pipeline/mv.h), with the upstream's txn in the same commit. */
#include <string.h>

#include "delta/optimize.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "pipeline/mv.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

static int op_of(const silt_sql_col_origin *o)
{
    if (o->key) return SILT_MV_KEY;
    if (o->distinct && strcmp(o->agg, "min") && strcmp(o->agg, "max")) return 0;
    if (!strcmp(o->agg, "sum")) return SILT_MV_SUM;
    if (!strcmp(o->agg, "count")) return SILT_MV_COUNT;
    if (!strcmp(o->agg, "min")) return SILT_MV_MIN;
    if (!strcmp(o->agg, "max")) return SILT_MV_MAX;
    return 0;
}

/* Why t is not kept incrementally, or NULL when it can be (inc_* set). */
static const char *eligible(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    int up = t->upstream >= 0 && d->n_reads == 0  ? t->upstream
             : t->upstream < 0 && d->n_reads == 1 ? d->reads[0]
                                                  : -1;
    if (up < 0) return "it does not read exactly one upstream table";
    if (d->n_partition_by) return "it is partitioned";
    run_delta *u = &r->t[up].d;
    const char *name = t->upstream >= 0 ? t->in_name : r->def->tables[up].name;
    const char *q = t->upstream >= 0 ? d->query : d->bind_query;
    if (!q) return "its query is not bound over its upstream";
    if (!u->snap) return "its upstream does not exist yet";
    if (!(t->inc_schema = silt_schema_copy(u->snap->schema))) return "out of memory";
    silt_sql_input in = {name, t->inc_schema};
    if (silt_sql_prepare(&t->inc_plan, q, &in, 1, err)) return err->msg;
    size_t n = silt_sql_plan_schema(t->inc_plan)->n_fields;
    silt_sql_col_origin *o = silt_calloc(n + 1, sizeof *o);
    t->inc_ops = silt_calloc(n + 1, sizeof *t->inc_ops);
    if (!o || !t->inc_ops) {
        silt_free(o);
        return "out of memory";
    }
    const char *why = NULL;
    if (silt_sql_plan_agg_shape(t->inc_plan, o, n, err)) why = err->msg;
    for (size_t i = 0; !why && i < n; i++)
        if (!(t->inc_ops[i] = op_of(&o[i])))
            why = "an aggregate other than sum, count, min, max (or a DISTINCT one)";
    silt_free(o);
    silt_pipeline_mv_spec spec = {(const silt_pipeline_mv_op *)t->inc_ops, n};
    if (!why && silt_pipeline_mv_check(&spec, silt_sql_plan_schema(t->plan), err)) why = err->msg;
    t->inc_upstream = up;
    return why;
}

void run_mv_inc_free(run_table *t)
{
    silt_sql_plan_destroy(t->inc_plan);
    silt_schema_destroy(t->inc_schema);
    silt_free(t->inc_ops);
    t->inc_plan = NULL;
    t->inc_schema = NULL;
    t->inc_ops = NULL;
}

int run_mv_inc_prepare(silt_pipeline_run *r, run_table *t, silt_error *err)
{
    (void)err;
    silt_error e;
    silt_error_clear(&e);
    const char *why = eligible(r, t, &e);
    if (!why) {
        silt_log_info("table %s: kept incrementally (aggregates merged by group key with "
                      "deletion vectors)",
                      t->def->name);
        return 0;
    }
    silt_log_info("table %s: recomputed in full when its upstream moves: %s", t->def->name, why);
    run_mv_inc_free(t);
    return 0;
}

typedef struct new_rows {
    silt_batch *rows;
    bool append_only;
} new_rows;

static int on_rows(void *arg, const silt_batch *b, silt_error *err)
{
    new_rows *nr = arg;
    for (size_t c = 0; c < b->n_cols && c < nr->rows->n_cols; c++)
        if (silt_column_append_range(&nr->rows->cols[c], &b->cols[c], 0, b->n_rows))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
    nr->rows->n_rows += b->n_rows;
    return 0;
}

/* The rows version v of u appended; a removal with dataChange clears append_only. */
static int read_version(new_rows *nr, run_delta *u, const silt_schema *schema, int64_t v,
                        silt_error *err)
{
    run_version c;
    int rc = run_version_read(&c, u, v, err);
    silt_delta_add *adds = c.adds;
    size_t n = c.n;
    if (!c.appended) nr->append_only = false;
    if (!rc && n && nr->append_only) {
        silt_delta_scan_opts o = silt_delta_scan_opts_default();
        o.file_ops = silt_delta_parquet_ops();
        silt_delta_snapshot view = *u->snap;
        view.schema = (silt_schema *)schema;
        silt_batch kept;
        silt_column *cols = silt_calloc(schema->n_fields + 1, sizeof *cols);
        if (!cols)
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        else if (run_kept_view(&kept, cols, u, v, schema, run_stats_rows(adds, n)))
            rc = on_rows(nr, &kept, err); /* appended in this pass: the files are not read */
        else
            rc = silt_delta_scan_files(NULL, &view, adds, n, u->store, &o, on_rows, nr, err);
        silt_free(cols);
    }
    if (rc) silt_error_prefix(err, "reading version %lld of '%s'", (long long)v, u->location);
    run_version_clear(&c);
    return rc;
}

/* Auto-compaction after a merge: the small files merges append, and files whose deletion
 * vectors delete much of them (losing a race to another compaction is not an error). */
static int compact(run_table *t, silt_error *err)
{
    silt_delta_optimize_opts oo = {0};
    oo.file_ops = &t->d.ops;
    silt_delta_optimize_result res;
    silt_error e2;
    silt_error_clear(&e2);
    if (silt_delta_auto_compact(&res, t->d.store, t->d.snap, &oo, &e2) == 0 && res.version >= 0)
        return run_delta_refresh(&t->d, err);
    return 0;
}

/* Merges the partial aggregates of (a, b] into t and logs the batch. */
static int merge_batch(silt_pipeline_run *r, run_table *t, run_delta *u, const new_rows *nr,
                       int64_t a, int64_t b, int64_t t0, silt_error *err)
{
    silt_batch *partial = NULL;
    int rc = silt_sql_run(t->inc_plan, nr->rows, &partial, err);
    char id[600];
    snprintf(id, sizeof id, "silt:%s:%s", t->d.name, u->name);
    silt_delta_txn txn = {id, b, -1};
    silt_pipeline_mv_spec spec = {(const silt_pipeline_mv_op *)t->inc_ops,
                                  silt_sql_plan_schema(t->plan)->n_fields};
    silt_pipeline_mv_stats ms;
    if (!rc) {
        partial->schema = silt_sql_plan_schema(t->plan);
        rc = silt_pipeline_mv_upsert(&ms, t->d.store, &t->d.snap, &spec, partial, &txn, 1,
                                     &t->d.ops, err);
    }
    if (rc) silt_error_prefix(err, "table %s", t->def->name);
    if (!rc) rc = compact(t, err);
    if (!rc) {
        t->st.batches++;
        t->st.rows_read += nr->rows->n_rows;
        t->st.rows_written += ms.groups_in;
        t->st.version = t->d.snap->version;
        t->st.upstream = b;
        t->st.lag = u->snap->version - b;
        t->last_ms = (int64_t)(silt_time_mono_ns() / 1000000) - t0;
        run_event ev = {t->def->name, NULL, u->name, a + 1, b,    nr->rows->n_rows,
                        ms.groups_in, 0,    0,       0,     NULL, t->last_ms,
                        NULL};
        rc = run_evlog_write(r, &ev, err);
    }
    silt_batch_destroy(partial);
    return rc;
}

int run_mv_inc_refresh(silt_pipeline_run *r, run_table *t, bool *out_done, silt_error *err)
{
    *out_done = false;
    run_delta *u = &r->t[t->inc_upstream].d;
    int64_t a = run_delta_txn(&t->d, t->d.name, u->name);
    if (a < 0 || !t->d.snap || !u->snap || u->snap->version <= a) return 0;
    int64_t b = u->snap->version;
    if (b - a > r->opts.max_versions) b = a + r->opts.max_versions;
    int64_t t0 = (int64_t)(silt_time_mono_ns() / 1000000);
    new_rows nr = {silt_batch_create(t->inc_schema), true};
    int rc = nr.rows ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (int64_t v = a + 1; !rc && nr.append_only && v <= b; v++)
        rc = read_version(&nr, u, t->inc_schema, v, err);
    if (!rc && nr.append_only) {
        rc = merge_batch(r, t, u, &nr, a, b, t0, err);
        *out_done = rc == 0;
    } else if (!rc) {
        silt_log_info("table %s: %s changed other than by appends in versions %lld..%lld: "
                      "recomputed in full",
                      t->def->name, u->name, (long long)a + 1, (long long)b);
    }
    silt_batch_destroy(nr.rows);
    return rc;
}
