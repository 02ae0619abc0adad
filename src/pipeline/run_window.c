/* A windowed streaming aggregate with a WATERMARK (GROUP BY window(col, 'size') ... WATERMARK col
 * DELAY OF d): each window is appended once, when the watermark (the largest event time seen,
 * less d) passes its end; a row whose window was already appended is counted late and left
 * out. No state is kept anywhere but the lake: for a batch (a, b] of upstream versions, the
 * watermark before it is recomputed from the upstream as of version a (or, in memory, carried
 * from the batch that ended at a), and the windows it closes are aggregated from the upstream
 * as of version b; the table's txn records b. */
#include <string.h>
#include <strings.h>

#include "delta/pqio.h"
#include "delta/props.h"
#include "delta/scan.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

#define NO_WM INT64_MIN

/* The size of the first window(col, '<interval>') in the query. */
static int window_size(int64_t *out_us, const char *q, silt_error *err)
{
    for (const char *p = q; *p; p++) {
        if (strncasecmp(p, "window(", 7) && strncasecmp(p, "window (", 8)) continue;
        const char *s = strchr(p, '\''), *close = s ? strchr(s + 1, '\'') : NULL;
        const char *paren = strchr(p, ')');
        if (!s || !close || (paren && paren < s)) break;
        char text[64];
        snprintf(text, sizeof text, "%.*s", (int)(close - s - 1), s + 1);
        int64_t ms;
        int rc = silt_delta_parse_interval(&ms, text, err);
        if (rc) return rc;
        *out_us = ms * 1000;
        return *out_us > 0 ? 0 : silt_error_set(err, SILT_EINVAL, "window size '%s'", text);
    }
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "WATERMARK needs the query to GROUP BY window(column, 'size') (a "
                          "tumbling window)");
}

int run_window_bind(run_table *t, silt_error *err)
{
    const silt_pipeline_table *d = t->def;
    int rc = window_size(&t->window_us, d->query, err);
    t->ts_col = -1;
    for (size_t i = 0; !rc && i < t->in_schema->n_fields; i++)
        if (!strcasecmp(t->in_schema->fields[i].name, d->watermark_column)) t->ts_col = (int)i;
    if (!rc && (t->ts_col < 0 || t->in_schema->fields[t->ts_col].type != SILT_TYPE_TIMESTAMP))
        rc = silt_error_set(err, SILT_EINVAL, "WATERMARK %s: not a timestamp column of the stream",
                            d->watermark_column);
    if (rc) {
        silt_error_prefix(err, "table %s (line %d)", d->name, d->line);
        return rc;
    }
    t->mode = RUN_WINDOW;
    t->traced = false;
    /* a window's row has no one source row: the quarantine keeps the window's row itself */
    if (t->has_quarantine && !(t->q_schema = run_quarantine_schema(silt_sql_plan_schema(t->plan))))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}

static int64_t window_end(int64_t ts, int64_t size)
{
    int64_t m = ((ts % size) + size) % size;
    return ts - m + size;
}

typedef struct maxer {
    int64_t max;
} maxer;

static int on_max(void *arg, const silt_batch *b, silt_error *err)
{
    (void)err;
    maxer *m = arg;
    for (int64_t i = 0; i < b->n_rows; i++)
        if (silt_column_is_valid(&b->cols[0], i)) {
            int64_t v = silt_column_get_int(&b->cols[0], i);
            if (v > m->max) m->max = v;
        }
    return 0;
}

typedef struct picker {
    const run_table *t;
    silt_batch *rows;
    int64_t lo, hi; /* window ends in (lo, hi] */
} picker;

static int on_pick(void *arg, const silt_batch *b, silt_error *err)
{
    picker *p = arg;
    const silt_column *ts = &b->cols[p->t->ts_col];
    for (int64_t i = 0; i < b->n_rows; i++) {
        if (!silt_column_is_valid(ts, i)) continue;
        int64_t e = window_end(silt_column_get_int(ts, i), p->t->window_us);
        if (e <= p->lo || e > p->hi) continue;
        int rc = run_copy_row(p->rows, 0, b, i);
        if (rc) return silt_error_set(err, rc, "out of memory");
        p->rows->n_rows++;
    }
    return 0;
}

/* Bounds on the event time of the rows of windows ending in (lo, hi], whole milliseconds
 * around them (the rows are picked exactly afterwards). */
static int window_preds(silt_delta_pred *p, const run_table *t, const picker *pick, silt_error *err)
{
    const char *col = t->in_schema->fields[t->ts_col].name;
    int64_t lo = pick->lo == INT64_MIN ? INT64_MIN : pick->lo - t->window_us;
    char a[64], b[64], text[2][300];
    if (lo == INT64_MIN) lo = -((int64_t)1 << 52); /* before any date the format can print */
    silt_time_format_iso(a, sizeof a, lo - ((lo % 1000) + 1000) % 1000);
    silt_time_format_iso(b, sizeof b, pick->hi + 1000);
    snprintf(text[0], sizeof text[0], "%s >= '%s'", col, a);
    snprintf(text[1], sizeof text[1], "%s <= '%s'", col, b);
    int rc = silt_delta_pred_parse(&p[0], text[0], err);
    if (!rc) rc = silt_delta_pred_parse(&p[1], text[1], err);
    return rc;
}

/* Scans the upstream as of version v: the largest event time (max) or the rows of windows
 * ending in (lo, hi] (rows). */
static int scan_at(const run_table *t, run_delta *u, int64_t v, maxer *max, picker *pick,
                   silt_error *err)
{
    silt_delta_snapshot *snap = NULL;
    silt_delta_read_opts ro = silt_delta_read_opts_default();
    ro.version = v;
    ro.file_ops = silt_delta_parquet_ops();
    int rc = silt_delta_snapshot_load(&snap, u->store, &ro, err);
    if (rc) return rc;
    silt_delta_scan_opts o = silt_delta_scan_opts_default();
    o.file_ops = silt_delta_parquet_ops();
    const char *col = t->in_schema->fields[t->ts_col].name;
    silt_delta_pred preds[2];
    if (max) {
        o.columns = &col;
        o.n_columns = 1;
    } else if ((rc = window_preds(preds, t, pick, err)) == 0) {
        o.preds = preds; /* skips the files and row groups outside the windows */
        o.n_preds = 2;
        o.prune_only = true;
    }
    if (rc) {
        silt_delta_snapshot_destroy(snap);
        return rc;
    }
    rc = silt_delta_scan(NULL, snap, u->store, &o, max ? on_max : on_pick,
                         max ? (void *)max : (void *)pick, err);
    silt_delta_snapshot_destroy(snap);
    return rc;
}

typedef struct wbatch {
    int64_t a, b, e, q, wm_prev, wm, late;
    run_rows nr;
    silt_batch *in, *out;
    silt_batch *quar; /* windows that broke a QUARANTINE expectation (t->q_schema) */
    int64_t dropped;
    run_verdict v;
    silt_buf ej; /* the expectations' counts, JSON */
} wbatch;

/* The watermarks before and after the batch and its late rows. */
static int watermarks(wbatch *w, silt_pipeline_run *r, run_table *t, run_delta *u, silt_error *err)
{
    int64_t delay = t->def->watermark_delay_us;
    maxer m = {NO_WM};
    /* the largest event time as of a: known from the batch that ended there, else scanned */
    bool known = t->max_known && t->max_version == w->a;
    if (known) m.max = t->max_ts;
    int rc = w->a >= 0 && !known ? scan_at(t, u, w->a, &m, NULL, err) : 0;
    w->wm_prev = m.max == NO_WM ? NO_WM : m.max - delay;
    if (!rc && !(w->nr.rows = silt_batch_create(t->in_schema)))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (int64_t v = w->a + 1; !rc && v <= w->b; v++) rc = run_read_version(&w->nr, u, v, err);
    maxer n = {NO_WM};
    if (!rc)
        on_max(&n,
               &(silt_batch){.n_rows = w->nr.rows->n_rows, .cols = &w->nr.rows->cols[t->ts_col]},
               err);
    w->wm = n.max == NO_WM || (w->wm_prev != NO_WM && n.max - delay < w->wm_prev) ? w->wm_prev
                                                                                  : n.max - delay;
    if (!rc) { /* (a, b] held only appends (run_read_version): the max as of b follows */
        t->max_known = true;
        t->max_version = w->b;
        t->max_ts = n.max > m.max ? n.max : m.max;
    }
    const silt_column *ts = rc ? NULL : &w->nr.rows->cols[t->ts_col];
    for (int64_t i = 0; ts && w->wm_prev != NO_WM && i < w->nr.rows->n_rows; i++)
        if (silt_column_is_valid(ts, i) &&
            window_end(silt_column_get_int(ts, i), t->window_us) <= w->wm_prev)
            w->late++;
    (void)r;
    return rc;
}

static int emit(wbatch *w, run_table *t, run_delta *u, silt_error *err)
{
    /* no window ends in (wm_prev, wm]: none closes, and the upstream need not be scanned (a
     * scan that finds nothing still loads the snapshot and weighs every file's statistics) */
    bool none_closes =
        w->wm != NO_WM && w->wm_prev != NO_WM && window_end(w->wm_prev, t->window_us) > w->wm;
    if (w->wm == NO_WM || w->wm <= w->wm_prev || none_closes) {
        w->out = silt_batch_create(silt_sql_plan_schema(t->plan));
        return w->out ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    if (!(w->in = silt_batch_create(t->in_schema)))
        return silt_error_set(err, SILT_ENOMEM, "out of memory");
    picker p = {t, w->in, w->wm_prev == NO_WM ? INT64_MIN : w->wm_prev, w->wm};
    int rc = scan_at(t, u, w->b, NULL, &p, err);
    if (!rc) rc = silt_sql_run(t->plan, w->in, &w->out, err);
    return rc;
}

static void wbatch_free(wbatch *w)
{
    silt_batch_destroy(w->nr.rows);
    silt_free(w->nr.versions);
    silt_batch_destroy(w->in);
    silt_batch_destroy(w->out);
    silt_batch_destroy(w->quar);
    run_verdict_free(&w->v);
    silt_buf_free(&w->ej);
}

/* The window rows that break an expectation: FAIL UPDATE refuses the batch, QUARANTINE sends
 * the window's row to the quarantine, DROP ROW leaves it out. */
static int apply_expects(wbatch *w, run_table *t, silt_error *err)
{
    if (!t->def->n_expects) return 0;
    int rc = run_expect_eval(&w->v, t, w->out, err);
    if (rc) return rc;
    silt_batch *kept = silt_batch_create(w->out->schema);
    if (t->has_quarantine && !(w->quar = silt_batch_create(t->q_schema))) rc = SILT_ENOMEM;
    if (!kept) rc = SILT_ENOMEM;
    size_t nc = w->out->n_cols;
    for (int64_t i = 0; !rc && i < w->out->n_rows; i++) {
        uint8_t a = w->v.action[i];
        if (a == 1) w->dropped++;
        if (a == 1) continue;
        silt_batch *to = a == 2 ? w->quar : kept;
        rc = run_copy_row(to, 0, w->out, i);
        if (!rc && a == 2) {
            silt_buf n = SILT_BUF_INIT;
            silt_buf_putc(&n, '[');
            for (size_t k = 0; k < t->def->n_expects && k < 64; k++)
                if (w->v.failed_mask[i] & ((uint64_t)1 << k))
                    silt_buf_printf(&n, "%s\"%s\"", n.len > 1 ? "," : "", t->def->expects[k].name);
            silt_buf_putc(&n, ']');
            rc = silt_column_append_bytes(&to->cols[nc], n.ptr, n.len);
            if (!rc) rc = silt_column_append_null(&to->cols[nc + 1]);
            if (!rc) rc = silt_column_append_int(&to->cols[nc + 2], w->b);
            silt_buf_free(&n);
        }
        to->n_rows++;
    }
    if (!rc) rc = run_expect_json(&w->ej, t, &w->v);
    silt_batch_destroy(rc ? kept : w->out);
    if (!rc) w->out = kept;
    return rc ? silt_error_set(err, SILT_ENOMEM, "out of memory") : 0;
}

static int commit(silt_pipeline_run *r, run_table *t, run_delta *u, wbatch *w, int64_t t0,
                  silt_error *err)
{
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    run_event ev = {t->def->name,
                    evid,
                    u->name,
                    w->a + 1,
                    w->b,
                    w->nr.rows->n_rows,
                    w->out->n_rows,
                    w->dropped,
                    w->quar ? w->quar->n_rows : 0,
                    w->late,
                    w->ej.len ? (const char *)w->ej.ptr : NULL,
                    (int64_t)(silt_time_mono_ns() / 1000000) - t0,
                    NULL};
    int rc = 0;
    if (ev.quarantined && w->q < w->b)
        rc = run_delta_write(&t->q, w->quar, t->q.name, u->name, w->b, false, err);
    if (!rc && w->e < w->b) rc = run_evlog_write(r, &ev, err);
    if (!rc) rc = run_delta_write(&t->d, w->out, t->d.name, u->name, w->b, false, err);
    if (rc) return rc;
    t->st.rows_read += ev.read;
    t->st.rows_written += ev.written;
    t->st.rows_dropped += ev.dropped;
    t->st.rows_quarantined += ev.quarantined;
    t->st.batches++;
    t->st.version = t->d.snap ? t->d.snap->version : -1;
    t->st.upstream = w->b;
    t->last_ms = ev.duration_ms;
    return 0;
}

int run_window_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err)
{
    *out_did = false;
    run_delta *u = &r->t[t->upstream].d;
    int rc = run_delta_refresh(u, err);
    if (!rc) rc = run_delta_refresh(&t->d, err);
    if (!rc) rc = run_delta_refresh(&r->ev, err);
    if (!rc && t->has_quarantine) rc = run_delta_refresh(&t->q, err);
    if (rc) return rc;
    wbatch w;
    memset(&w, 0, sizeof w);
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    w.a = run_delta_txn(&t->d, t->d.name, u->name);
    w.e = run_delta_txn(&r->ev, evid, u->name);
    w.q = t->has_quarantine ? run_delta_txn(&t->q, t->q.name, u->name) : -1;
    int64_t latest = u->snap ? u->snap->version : -1;
    t->st.lag = latest - w.a;
    if (w.e > w.a || w.q > w.a) /* an earlier attempt wrote this batch: the same again */
        w.b = w.e > w.q ? w.e : w.q;
    else if (latest <= w.a)
        return 0;
    else
        w.b = latest - w.a > r->opts.max_versions ? w.a + r->opts.max_versions : latest;
    *out_did = true;
    int64_t t0 = (int64_t)(silt_time_mono_ns() / 1000000);
    rc = watermarks(&w, r, t, u, err);
    if (!rc) rc = emit(&w, t, u, err);
    if (rc) silt_error_prefix(err, "table %s", t->def->name);
    if (!rc) rc = apply_expects(&w, t, err);
    if (!rc) rc = commit(r, t, u, &w, t0, err);
    if (!rc) t->st.lag = latest - w.b;
    if (rc && rc != SILT_ENOMEM) { /* e.g. FAIL UPDATE: the event log says why */
        run_event ev = {t->def->name, NULL, u->name, w.a + 1, w.b, 0, 0, 0, 0, 0,
                        NULL,         0,    err->msg};
        silt_error e2;
        silt_error_clear(&e2);
        if (run_evlog_write(r, &ev, &e2)) silt_log_warn("event log: %s", e2.msg);
    }
    wbatch_free(&w);
    return rc;
}
