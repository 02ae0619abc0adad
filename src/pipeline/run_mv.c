/* Materialized views (and streaming tables whose query aggregates, until they are kept
 * incrementally): recomputed in full when an upstream has a new version. The upstreams are
 * read at fixed versions, and the new contents replace the old in one commit whose txns
 * (silt:<table>:<upstream>) record exactly the versions read. */
#include <string.h>

#include "delta/pqio.h"
#include "delta/scan.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

/* The upstreams of t: its STREAM source and the tables it reads whole. */
static size_t upstreams(const run_table *t, int *out, size_t cap)
{
    size_t n = 0;
    if (t->upstream >= 0 && n < cap) out[n++] = t->upstream;
    for (size_t i = 0; i < t->def->n_reads && n < cap; i++) out[n++] = t->def->reads[i];
    return n;
}

/* The query with every delta.`<upstream location>` pinned at the version read. */
static int pinned_query(silt_buf *q, const silt_pipeline_run *r, const run_table *t, const int *ups,
                        const int64_t *vers, size_t n)
{
    const char *s = t->def->query;
    while (*s) {
        size_t best = 0;
        int64_t ver = -1;
        for (size_t k = 0; k < n; k++) {
            char pat[4200];
            int len = snprintf(pat, sizeof pat, "delta.`%s`", r->t[ups[k]].d.location);
            if (len > 0 && (size_t)len > best && !strncmp(s, pat, (size_t)len)) {
                best = (size_t)len;
                ver = vers[k];
            }
        }
        if (!best) {
            silt_buf_putc(q, (uint8_t)*s++);
            continue;
        }
        silt_buf_append(q, s, best);
        silt_buf_printf(q, " VERSION AS OF %lld", (long long)ver);
        s += best;
    }
    return silt_buf_cstr(q);
}

typedef struct whole {
    silt_batch *rows;
} whole;

static int on_whole(void *arg, const silt_batch *b, silt_error *err)
{
    whole *w = arg;
    for (size_t c = 0; c < b->n_cols && c < w->rows->n_cols; c++) {
        int rc = silt_column_append_range(&w->rows->cols[c], &b->cols[c], 0, b->n_rows);
        if (rc) return silt_error_set(err, rc, "out of memory");
    }
    w->rows->n_rows += b->n_rows;
    return 0;
}

/* Runs t's query: over the pinned query text (a view), or over the STREAM upstream's whole
 * snapshot as the input (a streaming aggregate). */
static int compute(silt_batch **out, silt_pipeline_run *r, run_table *t, const int *ups,
                   const int64_t *vers, size_t n, silt_error *err)
{
    if (t->upstream < 0 && n == 1 && run_acc_ready(t, vers[0])) { /* from the states kept */
        int rc = run_acc_result(t, out, err);
        if (!rc) (*out)->schema = silt_sql_plan_schema(t->plan);
        silt_log_debug("table %s: computed from its aggregates kept (%s at version %lld)",
                       t->def->name, r->t[ups[0]].d.name, (long long)vers[0]);
        return rc;
    }
    if (t->upstream < 0) {
        silt_buf q = SILT_BUF_INIT;
        silt_sql_plan *p = NULL;
        int rc = pinned_query(&q, r, t, ups, vers, n) ? SILT_ENOMEM : 0;
        if (rc) silt_error_set(err, rc, "out of memory");
        if (!rc) rc = silt_sql_prepare(&p, (const char *)q.ptr, NULL, 0, err);
        if (!rc) rc = silt_sql_run(p, NULL, out, err);
        if (!rc) (*out)->schema = silt_sql_plan_schema(t->plan);
        silt_sql_plan_destroy(p);
        silt_buf_free(&q);
        return rc;
    }
    run_delta *u = &r->t[t->upstream].d;
    whole w = {silt_batch_create(t->in_schema)};
    if (!w.rows) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    int rc = silt_delta_scan(NULL, u->snap, u->store, &o, on_whole, &w, err);
    if (!rc) rc = silt_sql_run(t->plan, w.rows, out, err);
    silt_batch_destroy(w.rows);
    return rc;
}

/* Commits rows as t's whole contents with one txn per upstream. */
static int replace(silt_pipeline_run *r, run_table *t, const silt_batch *rows, const int *ups,
                   const int64_t *vers, size_t n, silt_error *err)
{
    char ids[16][600];
    silt_delta_txn txns[16];
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        /* a forced recompute at versions already recorded keeps those txns as they are */
        if (run_delta_txn(&t->d, t->d.name, r->t[ups[k]].d.name) >= vers[k]) continue;
        snprintf(ids[m], sizeof ids[m], "silt:%s:%s", t->d.name, r->t[ups[k]].d.name);
        txns[m] = (silt_delta_txn){ids[m], vers[k], -1};
        m++;
    }
    return run_delta_write_txns(&t->d, rows, txns, m, true, err);
}

/* Decides what view i needs (job filled): nothing (the upstream versions are the ones recorded,
 * unless force), an incremental merge (done here: *out_changed), or a full compute (*out_need:
 * run_mv_compute then run_mv_finish). */
int run_mv_begin(silt_pipeline_run *r, size_t i, bool force, run_mv_job *job, bool *out_need,
                 bool *out_changed, silt_error *err)
{
    run_table *t = &r->t[i];
    memset(job, 0, sizeof *job);
    job->i = i;
    job->n = upstreams(t, job->ups, 16);
    bool moved = force;
    *out_need = *out_changed = false;
    int rc = run_delta_refresh(&t->d, err);
    for (size_t k = 0; !rc && k < job->n; k++) {
        run_delta *u = &r->t[job->ups[k]].d;
        if ((rc = run_delta_refresh(u, err))) break;
        job->vers[k] = u->snap ? u->snap->version : -1;
        if (run_delta_txn(&t->d, t->d.name, u->name) != job->vers[k]) moved = true;
    }
    if (rc || !moved) return rc;
    if (!force && t->inc_plan) {
        bool done = false;
        rc = run_mv_inc_refresh(r, t, &done, err);
        if (rc || done) {
            *out_changed = done;
            return rc;
        }
    }
    *out_need = true;
    return run_acc_feed(r, t, true, err); /* with t->acc: compute then reads the states */
}

bool run_mv_any_thread(const run_table *t)
{
    return t->upstream < 0; /* the pinned query reads the upstreams by itself */
}

void run_mv_compute(silt_pipeline_run *r, run_mv_job *job)
{
    run_table *t = &r->t[job->i];
    silt_error_clear(&job->err);
    uint64_t t0 = silt_time_mono_ns();
    job->rc = compute(&job->out, r, t, job->ups, job->vers, job->n, &job->err);
    if (job->rc) silt_error_prefix(&job->err, "table %s", t->def->name);
    job->ms = (int64_t)((silt_time_mono_ns() - t0) / 1000000);
}

int run_mv_finish(silt_pipeline_run *r, run_mv_job *job, bool *out_changed, silt_error *err)
{
    run_table *t = &r->t[job->i];
    const int *ups = job->ups;
    const int64_t *vers = job->vers;
    size_t n = job->n;
    silt_batch *out = job->out;
    job->out = NULL;
    int rc = job->rc;
    if (rc) *err = job->err;
    uint64_t t0 = silt_time_mono_ns();
    if (!rc) rc = replace(r, t, out, ups, vers, n, err);
    if (!rc) {
        *out_changed = true;
        t->st.batches++;
        t->st.rows_written = out->n_rows;
        t->st.version = t->d.snap ? t->d.snap->version : -1;
        t->st.upstream = n ? vers[0] : -1;
        t->st.lag = 0;
        t->last_ms = job->ms + (int64_t)((silt_time_mono_ns() - t0) / 1000000);
        run_event ev = {t->def->name,
                        NULL,
                        n ? r->t[ups[0]].d.name : "",
                        -1,
                        n ? vers[0] : -1,
                        0,
                        out->n_rows,
                        0,
                        0,
                        0,
                        NULL,
                        t->last_ms,
                        NULL};
        rc = run_evlog_write(r, &ev, err);
    }
    silt_batch_destroy(out);
    return rc;
}

int silt_pipeline_mv_refresh(silt_pipeline_run *r, size_t i, bool force, bool *out_changed,
                             silt_error *err)
{
    run_mv_job job;
    bool need = false;
    int rc = run_mv_begin(r, i, force, &job, &need, out_changed, err);
    if (rc || !need) return rc;
    run_mv_compute(r, &job);
    return run_mv_finish(r, &job, out_changed, err);
}
