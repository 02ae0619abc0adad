/* The ingestion runtime: consumes messages from a source (Kafka), cuts micro-batches by time,
 * rows or bytes, and commits each one to a sink (the bronze Delta table) together with the next
 * offset of every partition it covers, so that positions live in the table and nowhere else.
 * Source and sink are interfaces; src/cli glues Kafka and Delta to them. */
#ifndef SILT_PIPELINE_INGEST_H
#define SILT_PIPELINE_INGEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "batch/batch.h"
#include "pipeline/bronze.h"
#include "util/error.h"

/* Starting offset meaning "the partition was never seen: use --starting-offsets". */
#define SILT_INGEST_OFFSET_DEFAULT (-1)

/* A topic-partition and an offset. topic is borrowed. */
typedef struct silt_ingest_tp {
    const char *topic;
    int32_t partition;
    int64_t offset;
} silt_ingest_tp;

/* What one commit covers for one partition: rows [start, next) were read; the table's position
 * for this partition must still be `start` for the commit to be valid (else another worker has
 * written these offsets: the rows are dropped and the partition re-seeks to the table's value). */
typedef struct silt_ingest_range {
    const char *topic;
    int32_t partition;
    int64_t start;
    int64_t next;
} silt_ingest_range;

typedef struct silt_ingest silt_ingest;

/* ---- sink: where batches are committed (the bronze table) ----
 * A batch reaches the sink in pieces: stage() is called with each chunk of its rows as the batch
 * fills (so that encoding keeps pace with reading), then commit() once with the positions. All
 * calls but position() come from the runtime's commit thread, in order. */
typedef struct silt_ingest_sink silt_ingest_sink;
struct silt_ingest_sink_ops {
    /* The next offset to read for topic/partition according to the table, or
     * SILT_INGEST_OFFSET_DEFAULT when the table has never seen it. */
    int (*position)(silt_ingest_sink *s, const char *topic, int32_t partition, int64_t *out,
                    silt_error *err);
    /* Adds rows (borrowed for the call) to the pending commit. Returns 0 or an error (the batch
     * is then dropped: discard() follows). */
    int (*stage)(silt_ingest_sink *s, const silt_batch *rows, silt_error *err);
    /* Commits the staged rows and the new positions atomically, then forgets them. Returns 0;
     * SILT_ECONFLICT when, for some range, the table's position is no longer range.start
     * (nothing was committed); other codes for failures (err->retriable says whether commit may
     * be called again with the same staged rows). *out_version: the table version. */
    int (*commit)(silt_ingest_sink *s, const silt_ingest_range *ranges, size_t n_ranges,
                  int64_t *out_version, silt_error *err);
    /* Forgets the staged rows (after a failed commit, or a dropped batch). */
    void (*discard)(silt_ingest_sink *s);
};
struct silt_ingest_sink {
    const struct silt_ingest_sink_ops *ops;
};

/* ---- source: where messages come from (the Kafka consumer) ---- */
typedef struct silt_ingest_source silt_ingest_source;
/* Called by the source for each message; the message is borrowed for the call only. */
typedef int (*silt_ingest_msg_fn)(silt_ingest *ing, const silt_bronze_msg *m);
struct silt_ingest_source_ops {
    /* Waits up to timeout_ms, hands each available message to fn, and runs rebalances (which
     * call silt_ingest_on_assign / silt_ingest_on_revoke). Returns the number of messages, or a
     * negative code. */
    int (*poll)(silt_ingest_source *s, silt_ingest *ing, int timeout_ms, silt_ingest_msg_fn fn,
                silt_error *err);
    /* Moves the consumer of an assigned partition to offset (after a conflict). */
    int (*seek)(silt_ingest_source *s, const char *topic, int32_t partition, int64_t offset,
                silt_error *err);
    /* Tells Kafka (for lag tools only) how far the table has got. Failures are logged, not
     * fatal. */
    int (*commit_offsets)(silt_ingest_source *s, const silt_ingest_tp *tps, size_t n,
                          silt_error *err);
    /* True when every assigned partition has been read up to its end (for --until-caught-up). */
    bool (*caught_up)(silt_ingest_source *s);
    /* Total lag (messages) over assigned partitions, -1 if unknown; for the progress line. */
    int64_t (*lag)(silt_ingest_source *s);
    /* Optional (may be NULL): writes the lag per partition ("t[0]=12 t[1]=0 ...") into out
     * (size n), for the progress line. */
    void (*lag_detail)(silt_ingest_source *s, char *out, size_t n);
};
struct silt_ingest_source {
    const struct silt_ingest_source_ops *ops;
};

typedef struct silt_ingest_options {
    int64_t trigger_us;   /* cut a batch this long after its first row (default 1 s) */
    int64_t max_rows;     /* ... or at this many rows (default 1,000,000) */
    int64_t max_bytes;    /* ... or at this many key+value bytes (default 128 MiB) */
    int64_t chunk_rows;   /* rows per chunk handed to the commit thread (0 = 32768) */
    bool until_caught_up; /* stop once every partition is read to its end and committed */
    int64_t progress_us;  /* progress line interval; 0 = none (default 5 s) */
    FILE *progress;       /* where progress lines go (default stderr) */
    /* the table's name in the live registry (pipeline/live.h); NULL: none */
    const char *live_name;
} silt_ingest_options;

typedef struct silt_ingest_stats {
    int64_t rows;          /* rows committed */
    int64_t bytes;         /* key+value bytes committed */
    int64_t commits;       /* successful commits */
    int64_t conflicts;     /* commits refused because another worker had written the offsets */
    int64_t dropped;       /* rows dropped after a conflict (re-read by their owner) */
    int64_t last_version;  /* table version after the last commit (or as set by
                            * silt_ingest_set_table_version), -1 if unknown */
    double last_commit_ms; /* how long the last commit took (files + log), ms */
} silt_ingest_stats;

void silt_ingest_options_default(silt_ingest_options *out);
/* sink is borrowed. */
int silt_ingest_create(silt_ingest **out, silt_ingest_sink *sink, const silt_ingest_options *opts,
                       silt_error *err);
void silt_ingest_destroy(silt_ingest *ing);

/* The table's version before the first commit (shown by progress lines until a commit is
 * made); call before silt_ingest_run. */
void silt_ingest_set_table_version(silt_ingest *ing, int64_t version);

/* For sources, during a rebalance: fills tps[i].offset with the table's position for each
 * newly assigned partition (SILT_INGEST_OFFSET_DEFAULT when never seen). */
int silt_ingest_on_assign(silt_ingest *ing, silt_ingest_tp *tps, size_t n, silt_error *err);
/* For sources, before partitions are taken away: commits what is buffered (or drops it when the
 * commit fails, so that the next owner re-reads it from the table's position). */
void silt_ingest_on_revoke(silt_ingest *ing, const silt_ingest_tp *tps, size_t n);

/* Runs until *stop becomes non-zero (a signal handler sets it), or, with until_caught_up, until
 * everything is read and committed. Commits what is buffered before returning. */
int silt_ingest_run(silt_ingest *ing, silt_ingest_source *src, volatile sig_atomic_t *stop,
                    silt_error *err);
/* Cuts and commits the current batch now. */
int silt_ingest_flush(silt_ingest *ing, silt_error *err);
const silt_ingest_stats *silt_ingest_get_stats(const silt_ingest *ing);
/* End-to-end latency of committed rows, from their Kafka timestamp (the producer's create time)
 * to the moment their commit became visible, at quantile q (0..1), in ms; -1 when no row had a
 * timestamp. Resolution 1 ms up to 60 s. The commit thread keeps these figures: read them once
 * silt_ingest_run has returned. */
double silt_ingest_latency_ms(const silt_ingest *ing, double q);
/* Seconds from the first message received to the last commit; 0 before any. */
double silt_ingest_active_seconds(const silt_ingest *ing);

#endif
