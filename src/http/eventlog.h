/* The pipeline's event log (<lake>/_event_log, one row per table per batch) as `silt serve`
 * shows it: totals per table for /metrics, and each table's data quality for the catalog.
 * Read again only when the log's version moves. */
#ifndef SILT_HTTP_EVENTLOG_H
#define SILT_HTTP_EVENTLOG_H

#include <jansson.h>

#include "http/catalog.h"
#include "util/buf.h"

/* Re-reads the event log's totals when it has a new version (called by the refresher). */
void silt_http_eventlog_refresh(silt_http_catalog *c);
/* The table's quality figures from the event log (new reference): expectations passed and
 * failed, rows quarantined, dropped and late, batches; JSON null when there is no event log or
 * no row for the table. */
json_t *silt_http_eventlog_quality(silt_http_catalog *c, const char *table);
/* Appends the event log's metric families (Prometheus text) to out; nothing without a log. */
void silt_http_eventlog_metrics(silt_http_catalog *c, silt_buf *out);

/* Calls fn for each table of the event log with its batch durations as a histogram: n bucket
 * counts (batches of at most bounds[k] seconds), the sum in seconds and the batch count. */
typedef void (*silt_http_eventlog_hist_fn)(void *arg, const char *table, const double *bounds,
                                           const uint64_t *hist, size_t n, double sum,
                                           int64_t count);
void silt_http_eventlog_each_hist(silt_http_catalog *c, silt_http_eventlog_hist_fn fn, void *arg);

#endif
