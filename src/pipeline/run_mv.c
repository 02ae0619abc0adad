/* Materialized views (and streaming tables whose query aggregates, until they are kept
 * incrementally): recomputed in full when an upstream has a new version. The upstreams are
 * read at fixed versions, and the new contents replace the old in one commit whose txns
 * (silt:<table>:<upstream>) record exactly the versions read. */
#include <string.h>

#include "delta/pqio.h"
#include "delta/scan.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
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

int silt_pipeline_mv_refresh(silt_pipeline_run *r, size_t i, bool force, bool *out_changed,
                             silt_error *err)
{
    run_table *t = &r->t[i];
    int ups[16];
    int64_t vers[16];
    size_t n = upstreams(t, ups, 16);
    bool moved = force;
    *out_changed = false;
    int rc = run_delta_refresh(&t->d, err);
    for (size_t k = 0; !rc && k < n; k++) {
        run_delta *u = &r->t[ups[k]].d;
        if ((rc = run_delta_refresh(u, err))) break;
        vers[k] = u->snap ? u->snap->version : -1;
        if (run_delta_txn(&t->d, t->d.name, u->name) != vers[k]) moved = true;
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
    int64_t t0 = (int64_t)(silt_time_mono_ns() / 1000000);
    silt_batch *out = NULL;
    rc = compute(&out, r, t, ups, vers, n, err);
    if (rc) silt_error_prefix(err, "table %s", t->def->name);
    if (!rc) rc = replace(r, t, out, ups, vers, n, err);
    if (!rc) {
        *out_changed = true;
        t->st.batches++;
        t->st.rows_written = out->n_rows;
        t->st.version = t->d.snap ? t->d.snap->version : -1;
        t->st.upstream = n ? vers[0] : -1;
        t->st.lag = 0;
        t->last_ms = (int64_t)(silt_time_mono_ns() / 1000000) - t0;
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
