/* The running pipeline's live figures, for `silt pipeline run --http`: a small process-wide
 * registry the runtime updates (rows in and out per table, batch durations, and per Kafka
 * partition the consumer's position, the high watermark and the lag) and the HTTP server reads.
 * Off until silt_live_enable(): the hooks then return at once. Thread-safe. */
#ifndef SILT_PIPELINE_LIVE_H
#define SILT_PIPELINE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SILT_LIVE_NAME_MAX 256
#define SILT_LIVE_BUCKETS 10

typedef struct silt_live_table {
    char name[SILT_LIVE_NAME_MAX];
    int64_t rows_in, rows_out, batches;
    int64_t last_ms;                  /* duration of the last batch (commit included) */
    int64_t updated_ms;               /* wall time of the last batch */
    double dur_sum;                   /* seconds, over every batch */
    uint64_t hist[SILT_LIVE_BUCKETS]; /* batches of at most silt_live_bounds()[k] seconds */
} silt_live_table;

typedef struct silt_live_partition {
    char topic[SILT_LIVE_NAME_MAX];
    int32_t partition;
    int64_t position; /* next offset the consumer reads */
    int64_t high;     /* the partition's high watermark */
    int64_t lag;      /* high - position (0 when caught up) */
    int64_t updated_ms;
} silt_live_partition;

/* Turns collection on (for the rest of the process). */
void silt_live_enable(void);
bool silt_live_enabled(void);
/* The histogram's upper bounds in seconds (SILT_LIVE_BUCKETS of them). */
const double *silt_live_bounds(void);

/* A table's batch: rows read and written, how long it took (ms). */
void silt_live_batch(const char *table, int64_t rows_in, int64_t rows_out, int64_t duration_ms);
/* A Kafka partition's consumer position and high watermark (lag is derived). */
void silt_live_partition_set(const char *topic, int32_t partition, int64_t position, int64_t high);

/* Copies of the figures (at most max); return how many there are in all. */
size_t silt_live_tables(silt_live_table *out, size_t max);
size_t silt_live_partitions(silt_live_partition *out, size_t max);

#endif
