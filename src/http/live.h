/* What `silt pipeline run --http` adds to the server: the running pipeline's live figures
 * (pipeline/live.h) in /api/tables and /metrics. Nothing while the registry is off (`silt
 * serve` alone). */
#ifndef SILT_HTTP_LIVE_H
#define SILT_HTTP_LIVE_H

#include <jansson.h>

#include "http/catalog.h"
#include "util/buf.h"

/* {"tables": {name: {rows_in, rows_out, batches, last_batch_ms, updated_ms}}, "partitions":
 * [{topic, partition, position, high_watermark, lag}], "lag": total} (new reference), or NULL
 * when the registry is off. */
json_t *silt_http_live_json(void);
/* Appends silt_commit_duration_seconds (per table: live figures for the tables the running
 * pipeline has committed, else the event log's batch rows) and silt_kafka_lag_messages (live
 * only: the event log holds no Kafka offsets) to out. */
void silt_http_metrics_live(silt_http_catalog *c, silt_buf *out);

#endif
