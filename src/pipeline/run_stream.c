/* A streaming table's micro-batch: the upstream commits (a, b] after the version a in the
 * table's txn, their added data files (dataChange only: compactions carry no new rows) read,
 * the query run over them, expectations applied, then the writes in the order quarantine ->
 * event log -> table, each with a txn recording b. After a crash, a quarantine or event log
 * already at b > a fixes the batch to (a, b] and is skipped, so every table ends as one
 * uninterrupted run would have left it. */
#include <stdlib.h>
#include <string.h>

#include "delta/logname.h"
#include "delta/pqio.h"
#include "delta/scan.h"
#include "delta/schema.h"
#include "pipeline/run_int.h"
#include "util/alloc.h"
#include "util/log.h"
#include "util/time.h"

typedef run_rows batch_in;

static int on_scan(void *arg, const silt_batch *b, silt_error *err)
{
    batch_in *bi = arg;
    int64_t n = bi->rows->n_rows + b->n_rows;
    if (n > bi->cap) {
        int64_t cap = n * 2;
        int64_t *nv = silt_realloc(bi->versions, (size_t)cap * sizeof *nv);
        if (!nv) return silt_error_set(err, SILT_ENOMEM, "out of memory");
        bi->versions = nv;
        bi->cap = cap;
    }
    for (size_t c = 0; c < b->n_cols && c < bi->rows->n_cols; c++) {
        int rc = silt_column_append_range(&bi->rows->cols[c], &b->cols[c], 0, b->n_rows);
        if (rc) return silt_error_set(err, rc, "out of memory reading the upstream's rows");
    }
    for (int64_t i = bi->rows->n_rows; i < n; i++) bi->versions[i] = bi->version;
    bi->rows->n_rows = n;
    return 0;
}

int64_t run_stats_rows(const silt_delta_add *adds, size_t n)
{
    int64_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t r;
        if (!silt_delta_stats_num_records(&r, adds[i].stats, NULL)) rows += r;
    }
    return rows;
}

/* A commit that removes (with dataChange) a file it also adds changed existing rows (a DELETE,
 * UPDATE or MERGE with deletion vectors): its adds are not new rows, and reading them would
 * count rows twice. */
static int appends_only(const silt_delta_actions *acts, silt_error *err)
{
    for (size_t i = 0; i < acts->n; i++) {
        const silt_delta_action *x = &acts->items[i];
        if (x->type != SILT_DELTA_REMOVE || !x->u.remove.data_change) continue;
        for (size_t j = 0; j < acts->n; j++)
            if (acts->items[j].type == SILT_DELTA_ADD &&
                !strcmp(acts->items[j].u.add.path, x->u.remove.path))
                return silt_error_set(err, SILT_EUNSUPPORTED,
                                      "it changes existing rows (file '%s' re-added with a "
                                      "deletion vector: a DELETE, UPDATE or MERGE), and a STREAM "
                                      "source is read for its appended rows only; recompute the "
                                      "tables that read it with refresh --full",
                                      x->u.remove.path);
    }
    return 0;
}

/* Room for `more` rows in every column (string bytes at the average so far), so that a batch
 * gathered from many files grows once per version instead of doubling (and copying) as it
 * goes. Best effort: appending reserves again when this could not. */
static void reserve_rows(silt_batch *rows, int64_t more)
{
    for (size_t c = 0; c < rows->n_cols && more > 0; c++) {
        silt_column *col = &rows->cols[c];
        int64_t bytes = 0;
        if ((col->type == SILT_TYPE_STRING || col->type == SILT_TYPE_BINARY) && col->length)
            bytes = col->offsets[col->length] / col->length * more;
        if (silt_column_reserve(col, more, bytes < INT32_MAX / 2 ? bytes : 0)) return;
    }
}

int run_version_read(run_version *c, run_delta *u, int64_t v, silt_error *err)
{
    memset(c, 0, sizeof *c);
    c->appended = true;
    if (v == u->appended && u->adds) { /* appended by this runtime: its adds are at hand */
        if (!(c->adds = silt_calloc(u->n_adds + 1, sizeof *c->adds)))
            return silt_error_set(err, SILT_ENOMEM, "out of memory");
        memcpy(c->adds, u->adds, u->n_adds * sizeof *c->adds); /* shallow: u owns them */
        c->n = u->n_adds;
        return 0;
    }
    char key[64];
    silt_delta_commit_key(key, sizeof key, v);
    silt_buf text = SILT_BUF_INIT;
    int rc = silt_store_get(u->store, &text, key, err);
    if (!rc) rc = silt_delta_actions_parse(&c->acts, text.ptr, text.len, key, err);
    silt_buf_free(&text);
    if (!rc && !(c->adds = silt_calloc(c->acts.n + 1, sizeof *c->adds)))
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < c->acts.n; i++) {
        const silt_delta_action *x = &c->acts.items[i];
        if ((x->type == SILT_DELTA_REMOVE && x->u.remove.data_change) ||
            x->type == SILT_DELTA_METADATA) /* rows changed, or the schema may differ */
            c->appended = false;
        if (x->type == SILT_DELTA_ADD && x->u.add.data_change)
            c->adds[c->n++] = x->u.add; /* shallow: acts owns it */
    }
    return rc;
}

void run_version_clear(run_version *c)
{
    silt_free(c->adds);
    silt_delta_actions_clear(&c->acts);
    memset(c, 0, sizeof *c);
}

int run_read_version(run_rows *bi, run_delta *up, int64_t v, silt_error *err)
{
    run_version c;
    int rc = run_version_read(&c, up, v, err);
    silt_delta_add *adds = c.adds;
    size_t n = c.n;
    if (!rc) rc = appends_only(&c.acts, err);
    if (!rc && n && bi->limit > 0 && bi->rows->n_rows > 0 &&
        bi->rows->n_rows + run_stats_rows(adds, n) > bi->limit)
        bi->stopped = true;
    else if (!rc && n) {
        reserve_rows(bi->rows, run_stats_rows(adds, n));
        silt_delta_scan_opts o = silt_delta_scan_opts_default();
        o.file_ops = silt_delta_parquet_ops();
        bi->version = v;
        silt_batch view;
        silt_column *cols = silt_calloc(bi->rows->n_cols + 1, sizeof *cols);
        if (!cols)
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        else if (run_kept_view(&view, cols, up, v, bi->rows->schema, run_stats_rows(adds, n)))
            rc = on_scan(bi, &view, err); /* written by this pass: no need to read the files */
        else
            rc = silt_delta_scan_files(NULL, up->snap, adds, n, up->store, &o, on_scan, bi, err);
        silt_free(cols);
    }
    if (rc) silt_error_prefix(err, "reading version %lld of '%s'", (long long)v, up->location);
    run_version_clear(&c);
    return rc;
}

/* Reads (a, *b]; unless fixed, stops before the version that would take the rows past max_rows
 * (a batch's memory stays bounded; its first version is always read whole). */
static int read_range(batch_in *bi, const silt_pipeline_run *r, run_delta *up, int64_t a,
                      int64_t *b, bool fixed, silt_error *err)
{
    bi->limit = fixed ? 0 : r->opts.max_rows;
    for (int64_t v = a + 1; v <= *b; v++) {
        int rc = run_read_version(bi, up, v, err);
        if (rc) return rc;
        if (bi->stopped) {
            *b = v - 1;
            break;
        }
        if (!fixed && bi->rows->n_rows >= r->opts.max_rows && v < *b) *b = v;
    }
    return 0;
}

/* The names of the expectations row i broke, as a JSON array. */
static void broken_names(silt_buf *o, const run_table *t, uint64_t mask)
{
    silt_buf_reset(o);
    silt_buf_putc(o, '[');
    int first = 1;
    for (size_t k = 0; k < t->def->n_expects && k < 64; k++)
        if (mask & ((uint64_t)1 << k)) {
            silt_buf_printf(o, "%s\"%s\"", first ? "" : ",", t->def->expects[k].name);
            first = 0;
        }
    silt_buf_putc(o, ']');
}

/* Splits out by the verdict into kept rows and quarantine rows (source rows as they came). */
static int split_rows(silt_batch **kept, silt_batch **quar, const run_table *t, const batch_in *bi,
                      const silt_batch *out, const run_verdict *v)
{
    *quar = t->has_quarantine ? silt_batch_create(t->q_schema) : NULL;
    if (t->has_quarantine && !*quar) return SILT_ENOMEM;
    int64_t n_keep = 0;
    for (int64_t i = 0; i < out->n_rows; i++) n_keep += v->action[i] == 0;
    if (n_keep == out->n_rows) return 0; /* every row kept: out is written as it is */
    if (!(*kept = silt_batch_create(out->schema))) return SILT_ENOMEM;
    /* the kept rows gathered column by column */
    int64_t *idx = silt_malloc((size_t)(n_keep ? n_keep : 1) * sizeof *idx);
    if (!idx) return SILT_ENOMEM;
    for (int64_t i = 0, k = 0; i < out->n_rows; i++)
        if (v->action[i] == 0) idx[k++] = i;
    int rc = 0;
    for (size_t c = 0; c < out->n_cols && !rc; c++)
        rc = silt_column_gather(&(*kept)->cols[c], &out->cols[c], idx, n_keep);
    (*kept)->n_rows = n_keep;
    silt_free(idx);
    silt_buf names = SILT_BUF_INIT;
    size_t nu = bi->rows->n_cols;
    for (int64_t i = 0; i < out->n_rows && !rc; i++) {
        if (v->action[i] != 2) continue;
        int64_t o = silt_sql_plan_row_origin(t->plan, i);
        const char *why = silt_sql_plan_row_reason(t->plan, i);
        broken_names(&names, t, v->failed_mask[i]);
        rc = o < 0 ? SILT_EGENERIC : run_copy_row(*quar, 0, bi->rows, o);
        if (!rc) rc = silt_column_append_bytes(&(*quar)->cols[nu], names.ptr, names.len);
        if (!rc)
            rc = why ? silt_column_append_bytes(&(*quar)->cols[nu + 1], why, strlen(why))
                     : silt_column_append_null(&(*quar)->cols[nu + 1]);
        if (!rc) rc = silt_column_append_int(&(*quar)->cols[nu + 2], bi->versions[o]);
        (*quar)->n_rows++;
    }
    silt_buf_free(&names);
    return rc;
}

/* The positions: a (the table's), and the batch's end b (fixed by an earlier attempt's
 * quarantine or event log commit when there was one). Returns false when nothing is new. */
static bool plan_batch(int64_t *a, int64_t *b, int64_t *q, int64_t *e, bool *fixed,
                       const silt_pipeline_run *r, const run_table *t, const run_delta *up)
{
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    *a = run_delta_txn(&t->d, t->d.name, up->name);
    *q = t->has_quarantine ? run_delta_txn(&t->q, t->q.name, up->name) : -1;
    *e = run_delta_txn(&r->ev, evid, up->name);
    int64_t latest = up->snap ? up->snap->version : -1;
    int64_t done = *q > *e ? *q : *e;
    *fixed = done > *a;
    if (*fixed) {
        *b = done;
        return true;
    }
    if (latest <= *a) return false;
    *b = latest - *a > r->opts.max_versions ? *a + r->opts.max_versions : latest;
    return true;
}

typedef struct batch_ctx {
    batch_in bi;
    silt_batch *out, *kept, *quar;
    bool all_kept; /* kept is the query's output itself (out moved into it) */
    run_verdict v;
    silt_buf ej;
} batch_ctx;

static void batch_ctx_free(batch_ctx *c)
{
    silt_batch_destroy(c->bi.rows);
    silt_free(c->bi.versions);
    silt_batch_destroy(c->out);
    silt_batch_destroy(c->kept);
    silt_batch_destroy(c->quar);
    run_verdict_free(&c->v);
    silt_buf_free(&c->ej);
}

/* Runs the query and the expectations over the batch's rows. */
static int transform(batch_ctx *c, run_table *t, silt_error *err)
{
    int rc = t->traced ? silt_sql_run_traced(t->plan, c->bi.rows, &c->out, err)
                       : silt_sql_run(t->plan, c->bi.rows, &c->out, err);
    if (rc) {
        silt_error_prefix(err, "table %s", t->def->name);
        return rc;
    }
    if ((rc = run_expect_eval(&c->v, t, c->out, err))) return rc;
    if (split_rows(&c->kept, &c->quar, t, &c->bi, c->out, &c->v))
        return silt_error_set(err, SILT_ENOMEM, "out of memory splitting rows");
    if (!c->kept) {
        c->kept = c->out;
        c->out = NULL;
        c->all_kept = true;
    }
    if (run_expect_json(&c->ej, t, &c->v)) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    return 0;
}

static int write_all(silt_pipeline_run *r, run_table *t, const run_delta *up, batch_ctx *c,
                     const int64_t pos[4], int64_t t0, silt_error *err)
{
    int64_t a = pos[0], b = pos[1], q = pos[2], e = pos[3];
    int64_t nq = c->quar ? c->quar->n_rows : 0, nk = c->kept->n_rows;
    int64_t n_out = c->all_kept ? nk : c->out->n_rows;
    int rc = 0;
    if (nq && q < b) rc = run_delta_write(&t->q, c->quar, t->q.name, up->name, b, false, err);
    if (!rc && r->opts.crash_after == 1)
        return silt_error_set(err, SILT_EIO, "crash after the quarantine (test)");
    char evid[600];
    run_evlog_appid(evid, sizeof evid, t);
    run_event ev = {t->def->name,
                    evid,
                    up->name,
                    a + 1,
                    b,
                    c->bi.rows->n_rows,
                    nk,
                    n_out - nk - nq,
                    nq,
                    0,
                    (const char *)c->ej.ptr,
                    (int64_t)((silt_time_mono_ns() / 1000000) - t0),
                    NULL};
    if (!rc && e < b) rc = run_evlog_write(r, &ev, err);
    if (!rc && r->opts.crash_after == 2)
        return silt_error_set(err, SILT_EIO, "crash after the event log (test)");
    if (!rc) rc = run_delta_write(&t->d, c->kept, t->d.name, up->name, b, false, err);
    if (rc) return rc;
    run_kept_set(&t->d, c->kept, t->d.appended); /* for the tables reading t in this pass */
    c->kept = NULL;
    t->st.rows_read += ev.read;
    t->st.rows_written += nk;
    t->st.rows_dropped += ev.dropped;
    t->st.rows_quarantined += nq;
    t->st.batches++;
    t->st.version = t->d.snap ? t->d.snap->version : -1;
    t->st.upstream = b;
    t->last_ms = ev.duration_ms;
    return 0;
}

int run_stream_batch(silt_pipeline_run *r, run_table *t, bool *out_did, silt_error *err)
{
    *out_did = false;
    run_table *u = &r->t[t->upstream];
    int rc = run_delta_refresh(&u->d, err);
    if (!rc) rc = run_delta_refresh(&t->d, err);
    if (!rc && t->has_quarantine) rc = run_delta_refresh(&t->q, err);
    if (!rc) rc = run_delta_refresh(&r->ev, err);
    if (rc) return rc;
    int64_t pos[4];
    bool fixed;
    bool todo = plan_batch(&pos[0], &pos[1], &pos[2], &pos[3], &fixed, r, t, &u->d);
    int64_t latest = u->d.snap ? u->d.snap->version : -1;
    t->st.lag = latest - (pos[0] > -1 ? pos[0] : -1);
    if (!todo) return 0;
    *out_did = true;
    int64_t t0 = (int64_t)(silt_time_mono_ns() / 1000000);
    batch_ctx c;
    memset(&c, 0, sizeof c);
    /* the last batch's memory, still mapped: reading into it costs no page faults */
    if ((c.bi.rows = t->in_spare)) silt_batch_reset(c.bi.rows);
    t->in_spare = NULL;
    if (!c.bi.rows && !(c.bi.rows = silt_batch_create(t->in_schema))) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = read_range(&c.bi, r, &u->d, pos[0], &pos[1], fixed, err)) ||
        (rc = transform(&c, t, err)))
        goto done;
    rc = write_all(r, t, &u->d, &c, pos, t0, err);
    t->st.lag = latest - pos[1];
done:
    if (rc && rc != SILT_ENOMEM) {
        run_event ev = {t->def->name, NULL, u->d.name, pos[0] + 1, pos[1], 0, 0, 0, 0, 0,
                        NULL,         0,    err->msg};
        silt_error e2;
        silt_error_clear(&e2);
        if (run_evlog_write(r, &ev, &e2)) silt_log_warn("event log: %s", e2.msg);
    }
    if (!rc) { /* kept for the next batch (the output owns its memory: nothing points here) */
        t->in_spare = c.bi.rows;
        c.bi.rows = NULL;
    }
    batch_ctx_free(&c);
    return rc;
}
