/* The pipeline's event log (<lake>/_event_log, written by `silt pipeline run`: one row per
 * table per batch with rows read/written/dropped/quarantined/late, expectations as JSON
 * {"name":{"passed":N,"failed":M}}, duration, error) summed per table when its version moves:
 * quality figures for the catalog, metric families for /metrics, batch events for SSE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/catalog_int.h"
#include "http/eventlog.h"
#include "sql/sql.h"
#include "util/alloc.h"

#define EV_BUCKETS 10
static const double ev_bounds[EV_BUCKETS] = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

typedef struct ev_table {
    char *name;
    int64_t batches, read, written, dropped, quarantined, late, max_batch;
    double dur_sum;
    uint64_t hist[EV_BUCKETS];
    json_t *expect; /* {"name": {"passed": N, "failed": M}} */
    char *last_error;
} ev_table;

struct silt_http_evlog {
    pthread_mutex_t mu;
    int64_t version; /* of _event_log when last read */
    size_t n;
    ev_table *t;
};

static void tables_free(ev_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        silt_free(t[i].name);
        silt_free(t[i].last_error);
        json_decref(t[i].expect);
    }
    silt_free(t);
}

void silt_http_evlog_free(struct silt_http_evlog *e)
{
    if (!e) return;
    tables_free(e->t, e->n);
    pthread_mutex_destroy(&e->mu);
    silt_free(e);
}

static bool valid(const silt_column *c, int64_t i)
{
    return !c->validity || (c->validity[i / 8] >> (i % 8) & 1);
}

static int64_t i64(const silt_column *c, int64_t i)
{
    return valid(c, i) ? ((const int64_t *)c->values)[i] : 0;
}

static char *str(const silt_column *c, int64_t i)
{
    if (!valid(c, i)) return NULL;
    return silt_strndup((const char *)c->values + c->offsets[i],
                        (size_t)(c->offsets[i + 1] - c->offsets[i]));
}

static ev_table *table_of(ev_table **v, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*v)[i].name, name)) return &(*v)[i];
    ev_table *nv = silt_realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return NULL;
    *v = nv;
    ev_table *t = &nv[(*n)++];
    memset(t, 0, sizeof *t);
    t->max_batch = -1;
    t->name = silt_strdup(name);
    t->expect = json_object();
    return t->name ? t : NULL;
}

static void add_expectations(ev_table *t, const char *text)
{
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        json_t *acc = json_object_get(t->expect, k);
        if (!acc)
            json_object_set_new(
                t->expect, k,
                acc = json_pack("{s:I,s:I}", "passed", (json_int_t)0, "failed", (json_int_t)0));
        for (int f = 0; f < 2; f++) {
            const char *key = f ? "failed" : "passed";
            json_int_t add = json_integer_value(json_object_get(v, key));
            json_object_set_new(acc, key,
                                json_integer(json_integer_value(json_object_get(acc, key)) + add));
        }
    }
    json_decref(o);
}

/* One event-log row into its table's totals; a batch newer than before is also an event. */
static void add_row(silt_http_catalog *c, ev_table *t, const silt_batch *b, int64_t i,
                    int64_t prev_max, int *n_events)
{
    const silt_column *col = b->cols;
    int64_t batch = i64(&col[9], i), dur = i64(&col[7], i);
    t->batches++;
    t->read += i64(&col[1], i);
    t->written += i64(&col[2], i);
    t->dropped += i64(&col[3], i);
    t->quarantined += i64(&col[4], i);
    t->late += i64(&col[5], i);
    t->dur_sum += (double)dur / 1000.0;
    for (size_t k = 0; k < EV_BUCKETS; k++)
        if ((double)dur / 1000.0 <= ev_bounds[k]) t->hist[k]++;
    char *exp = str(&col[6], i), *error = str(&col[8], i);
    add_expectations(t, exp);
    if (error) {
        silt_free(t->last_error);
        t->last_error = error;
    }
    if (batch > t->max_batch) t->max_batch = batch;
    if (batch > prev_max && (*n_events)++ < 50) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"table\":\"%s\",\"batch_id\":%lld,\"rows_read\":%lld,\"rows_written\":%lld,"
                 "\"rows_quarantined\":%lld,\"duration_ms\":%lld,\"expectations\":%s}",
                 t->name, (long long)batch, (long long)i64(&col[1], i), (long long)i64(&col[2], i),
                 (long long)i64(&col[4], i), (long long)dur, exp ? exp : "null");
        silt_http_catalog_event(c, "batch", json);
    }
    silt_free(exp);
}

static int64_t prev_max_of(const struct silt_http_evlog *e, const char *name)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (!strcmp(e->t[i].name, name)) return e->t[i].max_batch;
    return e ? -1 : INT64_MAX; /* the first read of a running log is history, not news */
}

/* Sums the log's rows per table into *out (n). Returns 0 or an error. */
static int read_log(silt_http_catalog *c, const char *loc, ev_table **out, size_t *n)
{
    char sql[4400];
    silt_sql_plan *p = NULL;
    silt_batch *b = NULL;
    int events = 0;
    if (strchr(loc, '`')) return SILT_EINVAL;
    snprintf(sql, sizeof sql,
             "SELECT table_name, rows_read, rows_written, rows_dropped, rows_quarantined, "
             "rows_late, expectations, duration_ms, error, batch_id FROM delta.`%s`",
             loc);
    int rc = silt_sql_prepare(&p, sql, NULL, 0, NULL);
    if (!rc) rc = silt_sql_run(p, NULL, &b, NULL);
    for (int64_t i = 0; !rc && i < b->n_rows; i++) {
        char *name = str(&b->cols[0], i);
        ev_table *t = name ? table_of(out, n, name) : NULL;
        int64_t prev = name ? prev_max_of(c->evlog, name) : 0;
        if (t) add_row(c, t, b, i, prev, &events);
        silt_free(name);
    }
    silt_batch_destroy(b);
    silt_sql_plan_destroy(p);
    return rc;
}

void silt_http_eventlog_refresh(silt_http_catalog *c)
{
    char loc[4096];
    int64_t version = -1;
    silt_http_catalog_rdlock(c);
    const silt_http_table *t = silt_http_catalog_find(c, "_event_log");
    if (t && t->snap) {
        version = t->snap->version;
        snprintf(loc, sizeof loc, "%s", t->location);
    }
    silt_http_catalog_unlock(c);
    if (version < 0 || (c->evlog && c->evlog->version == version)) return;
    ev_table *v = NULL;
    size_t n = 0;
    if (read_log(c, loc, &v, &n)) {
        tables_free(v, n);
        return; /* tried again at the next version */
    }
    if (!c->evlog) {
        struct silt_http_evlog *e = silt_calloc(1, sizeof *e);
        if (!e) {
            tables_free(v, n);
            return;
        }
        pthread_mutex_init(&e->mu, NULL);
        e->version = -1;
        pthread_mutex_lock(&c->ev_mu);
        c->evlog = e;
        pthread_mutex_unlock(&c->ev_mu);
    }
    pthread_mutex_lock(&c->evlog->mu);
    tables_free(c->evlog->t, c->evlog->n);
    c->evlog->t = v;
    c->evlog->n = n;
    c->evlog->version = version;
    pthread_mutex_unlock(&c->evlog->mu);
    silt_http_catalog_changed(c);
}

static struct silt_http_evlog *evlog_of(silt_http_catalog *c)
{
    pthread_mutex_lock(&c->ev_mu);
    struct silt_http_evlog *e = c->evlog;
    pthread_mutex_unlock(&c->ev_mu);
    return e;
}

json_t *silt_http_eventlog_quality(silt_http_catalog *c, const char *table)
{
    struct silt_http_evlog *e = evlog_of(c);
    json_t *o = NULL;
    if (!e) return json_null();
    pthread_mutex_lock(&e->mu);
    for (size_t i = 0; i < e->n && !o; i++) {
        const ev_table *t = &e->t[i];
        if (strcmp(t->name, table)) continue;
        json_int_t passed = 0, failed = 0;
        const char *k;
        json_t *v;
        json_object_foreach(t->expect, k, v)
        {
            passed += json_integer_value(json_object_get(v, "passed"));
            failed += json_integer_value(json_object_get(v, "failed"));
        }
        o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:O,s:s?}", "batches",
                      (json_int_t)t->batches, "rows_read", (json_int_t)t->read, "rows_written",
                      (json_int_t)t->written, "rows_dropped", (json_int_t)t->dropped, "quarantined",
                      (json_int_t)t->quarantined, "late", (json_int_t)t->late,
                      "expectations_passed", passed, "expectations_failed", failed, "expectations",
                      t->expect, "last_error", t->last_error);
    }
    pthread_mutex_unlock(&e->mu);
    return o ? o : json_null();
}

static void counter(silt_buf *out, const struct silt_http_evlog *e, const char *name,
                    const char *help, size_t field)
{
    silt_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
    for (size_t i = 0; i < e->n; i++) {
        const ev_table *t = &e->t[i];
        int64_t v = *(const int64_t *)((const char *)t + field);
        silt_buf_printf(out, "%s{table=\"%s\"} %lld\n", name, t->name, (long long)v);
    }
}

static void histograms(silt_buf *out, const struct silt_http_evlog *e)
{
    const char *h = "silt_pipeline_batch_duration_seconds";
    silt_buf_printf(out,
                    "# HELP %s Time a table's micro-batch took, from the event log.\n"
                    "# TYPE %s histogram\n",
                    h, h);
    for (size_t i = 0; i < e->n; i++) {
        const ev_table *t = &e->t[i];
        for (size_t k = 0; k < EV_BUCKETS; k++)
            silt_buf_printf(out, "%s_bucket{table=\"%s\",le=\"%g\"} %llu\n", h, t->name,
                            ev_bounds[k], (unsigned long long)t->hist[k]);
        silt_buf_printf(out, "%s_bucket{table=\"%s\",le=\"+Inf\"} %lld\n", h, t->name,
                        (long long)t->batches);
        silt_buf_printf(out, "%s_sum{table=\"%s\"} %.3f\n", h, t->name, t->dur_sum);
        silt_buf_printf(out, "%s_count{table=\"%s\"} %lld\n", h, t->name, (long long)t->batches);
    }
}

void silt_http_eventlog_metrics(silt_http_catalog *c, silt_buf *out)
{
    struct silt_http_evlog *e = evlog_of(c);
    if (!e) return;
    pthread_mutex_lock(&e->mu);
    counter(out, e, "silt_pipeline_batches_total", "Micro-batches in the event log.",
            offsetof(ev_table, batches));
    counter(out, e, "silt_pipeline_rows_read_total", "Rows read from upstream.",
            offsetof(ev_table, read));
    counter(out, e, "silt_pipeline_rows_written_total", "Rows written to the table.",
            offsetof(ev_table, written));
    counter(out, e, "silt_pipeline_rows_dropped_total", "Rows dropped by expectations.",
            offsetof(ev_table, dropped));
    counter(out, e, "silt_pipeline_rows_quarantined_total", "Rows sent to the quarantine.",
            offsetof(ev_table, quarantined));
    counter(out, e, "silt_pipeline_rows_late_total", "Rows behind the watermark.",
            offsetof(ev_table, late));
    const char *x = "silt_pipeline_expectation_rows_total";
    silt_buf_printf(out, "# HELP %s Rows each expectation passed or failed.\n# TYPE %s counter\n",
                    x, x);
    for (size_t i = 0; i < e->n; i++) {
        const char *k;
        json_t *v;
        json_object_foreach(e->t[i].expect, k, v)
        {
            for (int f = 0; f < 2; f++)
                silt_buf_printf(
                    out, "%s{table=\"%s\",expectation=\"%s\",result=\"%s\"} %lld\n", x,
                    e->t[i].name, k, f ? "failed" : "passed",
                    (long long)json_integer_value(json_object_get(v, f ? "failed" : "passed")));
        }
    }
    histograms(out, e);
    pthread_mutex_unlock(&e->mu);
}

void silt_http_eventlog_each_hist(silt_http_catalog *c, silt_http_eventlog_hist_fn fn, void *arg)
{
    struct silt_http_evlog *e = evlog_of(c);
    if (!e) return;
    pthread_mutex_lock(&e->mu);
    for (size_t i = 0; i < e->n; i++)
        fn(arg, e->t[i].name, ev_bounds, e->t[i].hist, EV_BUCKETS, e->t[i].dur_sum,
           e->t[i].batches);
    pthread_mutex_unlock(&e->mu);
}
