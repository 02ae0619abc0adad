/* /metrics families of the running pipeline (live.h): the commit-latency histogram per table
 * (silt_commit_duration_seconds) and the Kafka lag per partition (silt_kafka_lag_messages). */
#include <string.h>

#include "http/eventlog.h"
#include "http/live.h"
#include "pipeline/live.h"
#include "util/alloc.h"

#define COMMIT "silt_commit_duration_seconds"
#define MAX_ROWS 2048

typedef struct hist_ctx {
    silt_buf *out;
    const silt_live_table *live; /* tables the live registry has: their figures win */
    size_t n_live;
} hist_ctx;

static void hist(silt_buf *o, const char *table, const double *bounds, const uint64_t *h, size_t n,
                 double sum, int64_t count)
{
    for (size_t k = 0; k < n; k++)
        silt_buf_printf(o, COMMIT "_bucket{table=\"%s\",le=\"%g\"} %llu\n", table, bounds[k],
                        (unsigned long long)h[k]);
    silt_buf_printf(o, COMMIT "_bucket{table=\"%s\",le=\"+Inf\"} %lld\n", table, (long long)count);
    silt_buf_printf(o, COMMIT "_sum{table=\"%s\"} %.3f\n", table, sum);
    silt_buf_printf(o, COMMIT "_count{table=\"%s\"} %lld\n", table, (long long)count);
}

static void from_eventlog(void *arg, const char *table, const double *bounds, const uint64_t *h,
                          size_t n, double sum, int64_t count)
{
    hist_ctx *x = arg;
    for (size_t i = 0; i < x->n_live; i++)
        if (!strcmp(x->live[i].name, table)) return;
    hist(x->out, table, bounds, h, n, sum, count);
}

static void lag(silt_buf *out)
{
    silt_live_partition *p = silt_calloc(MAX_ROWS, sizeof *p);
    size_t n = p ? silt_live_partitions(p, MAX_ROWS) : 0;
    if (n > MAX_ROWS) n = MAX_ROWS;
    if (n)
        silt_buf_puts(out, "# HELP silt_kafka_lag_messages Messages of the partition not yet read "
                           "(high watermark minus the consumer's position).\n"
                           "# TYPE silt_kafka_lag_messages gauge\n");
    for (size_t i = 0; i < n; i++)
        silt_buf_printf(out, "silt_kafka_lag_messages{topic=\"%s\",partition=\"%d\"} %lld\n",
                        p[i].topic, (int)p[i].partition, (long long)p[i].lag);
    silt_free(p);
}

void silt_http_metrics_live(silt_http_catalog *c, silt_buf *out)
{
    hist_ctx x = {out, NULL, 0};
    silt_live_table *t = NULL;
    if (silt_live_enabled() && (t = silt_calloc(MAX_ROWS, sizeof *t))) {
        x.n_live = silt_live_tables(t, MAX_ROWS);
        if (x.n_live > MAX_ROWS) x.n_live = MAX_ROWS;
        x.live = t;
    }
    silt_buf series = SILT_BUF_INIT;
    x.out = &series;
    for (size_t i = 0; i < x.n_live; i++)
        hist(&series, t[i].name, silt_live_bounds(), t[i].hist, SILT_LIVE_BUCKETS, t[i].dur_sum,
             t[i].batches);
    silt_http_eventlog_each_hist(c, from_eventlog, &x);
    silt_free(t);
    if (series.len) { /* a family without series is left out */
        silt_buf_puts(out, "# HELP " COMMIT " Time a table's batch took, its commit included "
                           "(the event log's batch rows; live under pipeline run --http).\n"
                           "# TYPE " COMMIT " histogram\n");
        silt_buf_append(out, series.ptr, series.len);
    }
    silt_buf_free(&series);
    if (silt_live_enabled()) lag(out);
}
